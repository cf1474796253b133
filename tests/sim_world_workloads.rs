//! Workload controllers against the store: services' endpoints follow readiness, StatefulSet
//! ordering, DaemonSets on every node, Jobs to completion, CronJobs on schedule, events.
#![allow(clippy::unwrap_used)]

#[path = "support/sim_world.rs"]
mod support;

use kubevibe::sim::resource;
use serde_json::json;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoints_follow_ready_pods() {
    let (store, _world) = world("empty");
    store
        .create(&resource::SERVICES, "default", json!({ "metadata": { "name": "web" },
            "spec": { "selector": { "app": "web" }, "ports": [{ "name": "http", "port": 80, "targetPort": "http" }] } }))
        .unwrap();
    store
        .create(&resource::DEPLOYMENTS, "default", json!({ "metadata": { "name": "web" }, "spec": { "replicas": 2,
            "selector": { "matchLabels": { "app": "web" } },
            "template": { "metadata": { "labels": { "app": "web" } }, "spec": { "containers": [{ "name": "web", "image": "nginx:1.27",
                "ports": [{ "name": "http", "containerPort": 8080 }] }] } } } }))
        .unwrap();
    let endpoints = wait_for("two ready addresses", LONG, || {
        get(&store, &resource::ENDPOINTS, "default", "web").filter(|e| {
            e["subsets"][0]["addresses"]
                .as_array()
                .is_some_and(|a| a.len() == 2)
        })
    })
    .await;
    assert_eq!(
        endpoints["subsets"][0]["ports"][0],
        json!({ "name": "http", "port": 8080, "protocol": "TCP" })
    );
    let slice = wait_for("a slice with two endpoints", LONG, || {
        store
            .list(&resource::ENDPOINTSLICES, "default")
            .unwrap()
            .iter()
            .map(|s| s.value())
            .find(|s| {
                s["metadata"]["labels"]["kubernetes.io/service-name"] == "web"
                    && s["endpoints"].as_array().is_some_and(|e| e.len() == 2)
            })
    })
    .await;
    assert_eq!(slice["endpoints"][0]["conditions"]["ready"], true);
    store
        .modify(&resource::DEPLOYMENTS, "default", "web", |d| {
            d["spec"]["replicas"] = json!(1)
        })
        .unwrap();
    wait_for("one address", LONG, || {
        get(&store, &resource::ENDPOINTS, "default", "web").filter(|e| {
            e["subsets"][0]["addresses"]
                .as_array()
                .is_some_and(|a| a.len() == 1)
        })
    })
    .await;
}
