//! Scale benchmark of the simulator: 50 000 pods in 100 namespaces. Reports resident memory,
//! the time of a full paged list over HTTPS (limit=500), and watch throughput for one client.
//! Run with `cargo bench --bench sim_scale`.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use futures::StreamExt;
use kubevibe::sim::resource;
use kubevibe::sim::store::WriteOptions;
use kubevibe::sim::{SimHandle, SimOptions, start};
use serde_json::{Value, json};

const NAMESPACES: usize = 100;
const PODS_PER_NAMESPACE: usize = 500;
const WATCHED_CHANGES: usize = 20_000;

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

fn conditions() -> Vec<Value> {
    ["Initialized", "Ready", "ContainersReady", "PodScheduled"]
        .iter()
        .map(|c| json!({ "type": c, "status": "True", "lastTransitionTime": "2024-01-01T00:00:00Z" }))
        .collect()
}

/// A pod as a Deployment's ReplicaSet and a kubelet would leave it: owned, scheduled, running.
fn pod(namespace: usize, index: usize) -> Value {
    let app = format!("app-{}", index % 10);
    json!({
        "metadata": {
            "name": format!("{app}-7d9f8c6b5-{index:05}"),
            "labels": { "app": app, "pod-template-hash": "7d9f8c6b5" },
            "ownerReferences": [{ "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": format!("{app}-7d9f8c6b5"),
                                  "uid": "6c1e2a9e-4f1b-4c3e-9a53-2d1f0b7c8e11", "controller": true, "blockOwnerDeletion": true }]
        },
        "spec": {
            "nodeName": format!("node-{}", index % 20),
            "containers": [{
                "name": "app", "image": "registry.example.com/team/app:1.4.2",
                "ports": [{ "containerPort": 8080, "name": "http" }],
                "env": [{ "name": "NAMESPACE", "value": format!("ns-{namespace:03}") }],
                "resources": { "requests": { "cpu": "100m", "memory": "128Mi" }, "limits": { "memory": "256Mi" } },
                "readinessProbe": { "httpGet": { "path": "/healthz", "port": 8080 }, "periodSeconds": 10 }
            }]
        },
        "status": {
            "phase": "Running", "podIP": format!("10.{}.{}.{}", namespace % 250, index / 250, index % 250),
            "hostIP": format!("192.168.0.{}", index % 20), "startTime": "2024-01-01T00:00:00Z",
            "conditions": conditions(),
            "containerStatuses": [{ "name": "app", "ready": true, "started": true, "restartCount": 0,
                                    "image": "registry.example.com/team/app:1.4.2", "imageID": "sha256:0123456789abcdef",
                                    "containerID": "containerd://0123456789abcdef", "state": { "running": { "startedAt": "2024-01-01T00:00:05Z" } } }]
        }
    })
}

fn client(handle: &SimHandle) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(handle.ca_pem().as_bytes()).unwrap();
    reqwest::Client::builder()
        .add_root_certificate(ca)
        .build()
        .unwrap()
}

/// A list page as the benchmark reads it: items are counted, not parsed into values.
#[derive(serde::Deserialize)]
struct Page {
    metadata: PageMetadata,
    items: Vec<serde::de::IgnoredAny>,
}

#[derive(serde::Deserialize)]
struct PageMetadata {
    #[serde(rename = "continue")]
    next: Option<String>,
}

async fn paged_list(handle: &SimHandle, http: &reqwest::Client) -> (usize, usize, usize, Duration) {
    let started = Instant::now();
    let (mut items, mut pages, mut bytes, mut next) = (0, 0, 0, String::new());
    loop {
        let url = format!(
            "{}/api/v1/pods?limit=500&continue={next}",
            handle.base_url()
        );
        let response = http
            .get(url)
            .bearer_auth(handle.token())
            .send()
            .await
            .unwrap();
        let body = response.bytes().await.unwrap();
        let page: Page = serde_json::from_slice(&body).unwrap();
        items += page.items.len();
        pages += 1;
        bytes += body.len();
        match page.metadata.next {
            Some(token) => next = token,
            None => return (items, pages, bytes, started.elapsed()),
        }
    }
}

/// A watch from resourceVersion 0: every pod as an ADDED event, streamed to one client.
async fn initial_watch(
    handle: &SimHandle,
    http: &reqwest::Client,
    expected: usize,
) -> (usize, Duration) {
    let started = Instant::now();
    let url = format!(
        "{}/api/v1/pods?watch=1&resourceVersion=0",
        handle.base_url()
    );
    let response = http
        .get(url)
        .bearer_auth(handle.token())
        .send()
        .await
        .unwrap();
    let mut body = response.bytes_stream();
    let mut events = 0;
    while events < expected {
        let next = tokio::time::timeout(Duration::from_secs(60), body.next()).await;
        let chunk = next.unwrap().unwrap().unwrap();
        events += chunk.iter().filter(|b| **b == b'\n').count();
    }
    (events, started.elapsed())
}

async fn watch_throughput(handle: &SimHandle, http: &reqwest::Client) -> (usize, Duration) {
    let rv = handle.store().resource_version();
    let url = format!(
        "{}/api/v1/pods?watch=1&resourceVersion={rv}",
        handle.base_url()
    );
    let response = http
        .get(url)
        .bearer_auth(handle.token())
        .send()
        .await
        .unwrap();
    let mut body = response.bytes_stream();
    let store = handle.store().clone();
    let started = Instant::now();
    let writer = tokio::task::spawn_blocking(move || {
        for i in 0..WATCHED_CHANGES {
            let namespace = format!("ns-{:03}", i % NAMESPACES);
            let name = format!(
                "app-{}-7d9f8c6b5-{:05}",
                (i / NAMESPACES) % 10,
                i / NAMESPACES
            );
            store
                .modify_status(&resource::PODS, &namespace, &name, |p| {
                    p["status"]["podIP"] = json!(format!("10.99.{}.{}", i / 250 % 250, i % 250))
                })
                .unwrap();
        }
    });
    let mut events = 0;
    while events < WATCHED_CHANGES {
        let chunk = tokio::time::timeout(Duration::from_secs(60), body.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        events += chunk.iter().filter(|b| **b == b'\n').count();
    }
    writer.await.unwrap();
    (events, started.elapsed())
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let before = rss_mib();
        let handle = start(SimOptions::default()).await.unwrap();
        let store = handle.store();
        let started = Instant::now();
        let seeding = WriteOptions {
            keep_status: true,
            ..WriteOptions::default()
        };
        for namespace in 0..NAMESPACES {
            let name = format!("ns-{namespace:03}");
            store
                .create(
                    &resource::NAMESPACES,
                    "",
                    json!({ "metadata": { "name": name } }),
                )
                .unwrap();
            for index in 0..PODS_PER_NAMESPACE {
                store
                    .create_with(&resource::PODS, &name, pod(namespace, index), &seeding)
                    .unwrap();
            }
        }
        let inserted = started.elapsed();
        let after = rss_mib();
        let pods = NAMESPACES * PODS_PER_NAMESPACE;
        println!(
            "inserted {pods} pods in {NAMESPACES} namespaces in {:.2} s ({:.0} pods/s)",
            inserted.as_secs_f64(),
            pods as f64 / inserted.as_secs_f64()
        );
        println!(
            "resident memory: {before:.0} MiB before, {after:.0} MiB after ({:.1} KiB per pod)",
            (after - before) * 1024.0 / pods as f64
        );

        let http = client(&handle);
        let stored: usize = store.list(&resource::PODS, "").unwrap().iter().map(|p| p.raw().len()).sum();
        println!("stored JSON: {:.1} KiB per pod on average", stored as f64 / 1024.0 / pods as f64);
        let (items, pages, bytes, took) = paged_list(&handle, &http).await;
        let mib = bytes as f64 / 1_048_576.0;
        println!("paged list (limit=500) over HTTPS: {items} pods in {pages} pages ({mib:.0} MiB), {:.2} s", took.as_secs_f64());
        let (events, took) = initial_watch(&handle, &http, pods).await;
        let rate = events as f64 / took.as_secs_f64();
        println!("watch from resourceVersion 0: {events} ADDED events in {:.2} s = {rate:.0} events/s", took.as_secs_f64());
        let (events, took) = watch_throughput(&handle, &http).await;
        let rate = events as f64 / took.as_secs_f64();
        println!(
            "watch of live changes: {events} events in {:.2} s = {rate:.0} events/s (paced by {WATCHED_CHANGES} status updates)",
            took.as_secs_f64()
        );
        println!("resident memory at the end: {:.0} MiB", rss_mib());
        handle.shutdown().await;
    });
}
