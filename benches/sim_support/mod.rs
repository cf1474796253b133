//! Shared by the benchmarks: memory, CPU and load from /proc, pod rows shaped like `scale:N`, medians, an HTTPS client
//! for a simulator, and waiting for a `scale:N` cluster to hold all its pods.
#![allow(dead_code, clippy::unwrap_used)]

use std::time::{Duration, Instant};

use kubevibe::live::projection::{PodRow, Projection};
use kubevibe::live::row::Row;
use kubevibe::sim::SimHandle;
use kubevibe::sim::resource;
use kubevibe::sim::store::Store;
use serde_json::json;

/// Pods of the `scale:N` scenario the figures are about.
pub const SCALE_PODS: usize = 50_000;

/// Repetitions of each timed figure; the median is reported.
pub const RUNS: usize = 3;

/// A `kB` field of `/proc/<pid>/status` (`VmRSS`, `VmHWM`), in MiB.
pub fn status_mib(pid: &str, field: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib / 1024.0)
}

pub fn rss_mib() -> f64 {
    status_mib("self", "VmRSS").unwrap_or(0.0)
}

pub fn peak_rss_mib() -> f64 {
    status_mib("self", "VmHWM").unwrap_or(0.0)
}

/// `pid` and every process below it (a wrapper's children count too).
pub fn process_tree(pid: u32) -> Vec<u32> {
    let mut all = vec![pid];
    let mut next = 0;
    while next < all.len() {
        let current = all[next];
        next += 1;
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{current}/task")) else {
            continue;
        };
        for task in tasks.flatten() {
            let children =
                std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
            all.extend(
                children
                    .split_whitespace()
                    .filter_map(|c| c.parse::<u32>().ok()),
            );
        }
    }
    all
}

/// Resident memory of `pid` and its descendants together, in MiB.
pub fn tree_rss_mib(pid: u32) -> f64 {
    process_tree(pid)
        .iter()
        .filter_map(|p| status_mib(&p.to_string(), "VmRSS"))
        .sum()
}

/// The largest peak resident memory among `pid` and its descendants, in MiB.
pub fn tree_peak_mib(pid: u32) -> f64 {
    process_tree(pid)
        .iter()
        .filter_map(|p| status_mib(&p.to_string(), "VmHWM"))
        .fold(0.0, f64::max)
}

/// The 1-minute load average, read next to each figure because the machine is shared.
pub fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".to_string())
}

pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// `name: median (runs a, b, c) unit [load L]`, the line every figure is printed as.
pub fn report(name: &str, values: &[f64], unit: &str, precision: usize) {
    let runs: Vec<String> = values.iter().map(|v| format!("{v:.precision$}")).collect();
    println!(
        "{name}: {:.precision$} {unit} (median of {}: {}) [load {}]",
        median(values.to_vec()),
        values.len(),
        runs.join(", "),
        load()
    );
}

pub fn client(handle: &SimHandle) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(handle.ca_pem().as_bytes()).unwrap();
    reqwest::Client::builder()
        .add_root_certificate(ca)
        .build()
        .unwrap()
}

pub fn running(store: &Store) -> usize {
    store
        .list(&resource::PODS, "")
        .unwrap()
        .iter()
        .filter(|p| p.field("status.phase") == Some("Running"))
        .count()
}

/// Waits until the store holds `pods` pods, all Running; returns when each happened.
pub async fn settle(store: &Store, pods: usize) -> (Duration, Duration) {
    let started = Instant::now();
    let mut listed = None;
    loop {
        let count = store.list(&resource::PODS, "").unwrap().len();
        if count >= pods && listed.is_none() {
            listed = Some(started.elapsed());
        }
        if count >= pods && running(store) >= pods {
            return (listed.unwrap_or_default(), started.elapsed());
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "scale:{pods} did not settle: {count} pods, {} Running",
            running(store)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Adds or changes the label `kubevibe.dev/churn` on `count` pods, round robin over all of
/// them, through the store (one write and one watch event each): one `modify` per pod when
/// `batch` is 1, else `modify_many` of `batch` pods at a time. Returns the time taken.
pub fn churn_labels(store: &Store, count: usize, round: usize, batch: usize) -> Duration {
    let pods: Vec<(String, String)> = store
        .list(&resource::PODS, "")
        .unwrap()
        .iter()
        .map(|p| (p.namespace().to_string(), p.name().to_string()))
        .collect();
    let value = serde_json::Value::from(format!("r{round}"));
    let label = |pod: &mut serde_json::Value| {
        pod["metadata"]["labels"]["kubevibe.dev/churn"] = value.clone();
    };
    let keys: Vec<(String, String)> = pods.iter().cycle().take(count).cloned().collect();
    let started = Instant::now();
    if batch <= 1 {
        for (namespace, name) in &keys {
            store
                .modify(&resource::PODS, namespace, name, label)
                .unwrap();
        }
    } else {
        for chunk in keys.chunks(batch) {
            for result in store
                .modify_many(&resource::PODS, chunk.to_vec(), label)
                .unwrap()
            {
                result.unwrap();
            }
        }
    }
    started.elapsed()
}

/// utime + stime of one process (`"self"` or a pid), in seconds (clock ticks: 100 per second).
pub fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // Fields 14 and 15 of stat(5); `after` starts at field 3.
    (ticks(11) + ticks(12)) / 100.0
}

/// utime + stime of `pid` and its descendants, in seconds.
pub fn tree_cpu_seconds(pid: u32) -> f64 {
    process_tree(pid)
        .iter()
        .map(|p| cpu_seconds(&p.to_string()))
        .sum()
}

/// Pod `i` of a `scale:N`-shaped cluster (500 deployments over 100 namespaces, 20 nodes) as the
/// watcher decodes it: `phase`, the container's waiting `reason` (or `"running"`), readiness
/// and restart count.
pub fn scale_pod(i: usize, phase: &str, reason: &str, ready: bool, restarts: u64) -> Row {
    let state = if reason == "running" {
        json!({ "running": {} })
    } else {
        json!({ "waiting": { "reason": reason } })
    };
    let object = json!({
        "metadata": {
            "name": format!("app-{}-7d9f8c6b5-{i:06}", i % 500),
            "namespace": format!("ns-{:03}", i % 100),
            "uid": format!("00000000-0000-0000-0000-{i:012}"),
            "creationTimestamp": "2026-01-01T00:00:00Z",
            "labels": { "app": format!("app-{}", i % 500), "pod-template-hash": "7d9f8c6b5" },
        },
        "spec": { "nodeName": format!("node-{}", i % 20), "containers": [{ "name": "app" }] },
        "status": { "phase": phase, "podIP": format!("10.1.{}.{}", i / 250 % 250, i % 250),
            "containerStatuses": [{ "name": "app", "ready": ready,
                "restartCount": restarts, "state": state }] }
    });
    serde_json::from_value::<PodRow>(object).unwrap().into_row()
}
