//! The `scale:N` scenario: every pod reaches Running, and the controllers stay cheap once the
//! cluster is settled. `KUBEVIBE_SCALE_PODS` (default 2000) sets N; the timings are printed,
//! e.g. `KUBEVIBE_SCALE_PODS=50000 cargo test --test sim_world_scale -- --nocapture`.
#![allow(clippy::unwrap_used)]

#[path = "support/sim_world.rs"]
mod support;

use std::time::{Duration, Instant};

use kubevibe::sim::resource;
use kubevibe::sim::world::World;
use support::*;

/// User plus system CPU time of this process, from /proc.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

fn running(store: &kubevibe::sim::store::Store) -> usize {
    store
        .list(&resource::PODS, "")
        .unwrap()
        .iter()
        .filter(|p| p.field("status.phase") == Some("Running"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_pod_of_a_large_cluster_goes_running() {
    let pods: usize = std::env::var("KUBEVIBE_SCALE_PODS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000);
    let store = store_at(1.0);
    let started = Instant::now();
    let world = World::start(&store, &format!("scale:{pods}").parse().unwrap()).unwrap();
    let limit = Duration::from_secs(60 + pods as u64 / 100);
    wait_for("every pod Running", limit, || {
        (running(&store) == pods).then_some(())
    })
    .await;
    let all_running = started.elapsed();
    wait_for("every deployment available", limit, || {
        store
            .list(&resource::DEPLOYMENTS, "")
            .unwrap()
            .iter()
            .all(|d| {
                let d = d.value();
                int(&d, "/status/availableReplicas") == int(&d, "/spec/replicas")
            })
            .then_some(())
    })
    .await;
    let settled = started.elapsed();
    let before = cpu_time();
    let idle_window = Duration::from_secs(5);
    tokio::time::sleep(idle_window).await;
    let idle_cpu = before.zip(cpu_time()).map(|(a, b)| b.saturating_sub(a));
    eprintln!(
        "scale:{pods}: all Running after {all_running:.1?}, all deployments available after {settled:.1?}, \
         CPU while idle: {idle_cpu:?} over {idle_window:?}"
    );
    if let Some(cpu) = idle_cpu {
        assert!(
            cpu < idle_window / 4,
            "controllers busy while idle: {cpu:?} of CPU in {idle_window:?}"
        );
    }
    assert_eq!(store.list(&resource::PODS, "").unwrap().len(), pods);
    world.shutdown().await;
}

/// A `scale:N` cluster is seeded in its steady state: every pod exists, scheduled, Running and
/// Ready with its start-up logs before any controller runs, and the controllers then keep the
/// pods exactly as they are (the kubelet adopts them, the ReplicaSets count them).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scale_cluster_starts_settled_and_the_controllers_keep_it() {
    let store = store_at(1.0);
    let world = World::start(&store, &"scale:300".parse().unwrap()).unwrap();
    let seeded = store.list(&resource::PODS, "").unwrap();
    assert_eq!(seeded.len(), 300);
    for pod in &seeded {
        let value = pod.value();
        assert_eq!(pod.field("status.phase"), Some("Running"), "{value}");
        assert!(!pod.field("spec.nodeName").unwrap_or("").is_empty());
        let ready = value["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True");
        assert!(ready, "{value}");
        assert_eq!(pod.owners()[0].kind, "ReplicaSet");
        let container = value["spec"]["containers"][0]["name"].as_str().unwrap();
        assert!(
            !store
                .log_lines(pod.namespace(), pod.name(), container, false)
                .is_empty()
        );
    }
    let sets = store.list(&resource::REPLICASETS, "").unwrap();
    assert_eq!(sets.len(), 30);
    wait_for(
        "every deployment available",
        Duration::from_secs(60),
        || {
            store
                .list(&resource::DEPLOYMENTS, "")
                .unwrap()
                .iter()
                .all(|d| {
                    let d = d.value();
                    int(&d, "/status/availableReplicas") == 10
                        && d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1"
                })
                .then_some(())
        },
    )
    .await;
    assert_eq!(store.list(&resource::REPLICASETS, "").unwrap().len(), 30);
    let now = store.list(&resource::PODS, "").unwrap();
    let versions = |pods: &[std::sync::Arc<kubevibe::sim::store::StoredObject>]| {
        pods.iter()
            .map(|p| (p.name().to_string(), p.resource_version()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        versions(&now),
        versions(&seeded),
        "a seeded pod was rewritten"
    );
    world.shutdown().await;
}
