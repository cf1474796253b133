//! kube-rs against the simulator with its controllers running: a pod watcher sees a rollout
//! replace every pod, and `await_condition` with `is_deployment_completed` returns once a
//! Deployment is rolled out.
#![allow(clippy::unwrap_used)]

#[path = "support/sim.rs"]
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::{Patch, PatchParams, PostParams};
use kube::runtime::wait::{await_condition, conditions};
use kube::runtime::watcher::{self, Event};
use kubevibe::sim::SimOptions;
use serde_json::{Value, json};
use support::TestSim;

const SPEED: f64 = 100.0;
const WAIT: Duration = Duration::from_secs(30);

async fn empty_cluster() -> TestSim {
    TestSim::start_with(SimOptions {
        scenario: "empty".to_string(),
        speed: SPEED,
        ..SimOptions::default()
    })
    .await
}

fn web(image: &str, replicas: i32) -> Deployment {
    serde_json::from_value(json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": { "name": "web" },
        "spec": {
            "replicas": replicas,
            "selector": { "matchLabels": { "app": "web" } },
            "template": {
                "metadata": { "labels": { "app": "web" } },
                "spec": { "containers": [{ "name": "nginx", "image": image }] },
            },
        },
    }))
    .unwrap()
}

/// Creates `web` and waits, through kube-rs, until it is rolled out.
async fn rolled_out_web(deployments: &Api<Deployment>) -> Deployment {
    deployments
        .create(&PostParams::default(), &web("nginx:1.27", 3))
        .await
        .unwrap();
    let completed = await_condition(
        deployments.clone(),
        "web",
        conditions::is_deployment_completed(),
    );
    tokio::time::timeout(WAIT, completed)
        .await
        .expect("the deployment completes in time")
        .unwrap()
        .expect("the deployment exists")
}

/// The image of the pod's first container and whether the pod is Ready.
fn image_and_readiness(pod: &Pod) -> (String, bool) {
    let value = serde_json::to_value(pod).unwrap();
    let image = value
        .pointer("/spec/containers/0/image")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let ready = value
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|condition| condition["type"] == "Ready" && condition["status"] == "True");
    (image, ready)
}

fn name(pod: &Pod) -> String {
    pod.metadata.name.clone().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn await_condition_returns_once_a_deployment_is_rolled_out() {
    let sim = empty_cluster().await;
    let client = sim.client().await;
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "default");
    let done = serde_json::to_value(rolled_out_web(&deployments).await).unwrap();
    let status = &done["status"];
    assert_eq!(status["replicas"], 3, "{status}");
    assert_eq!(status["updatedReplicas"], 3, "{status}");
    assert_eq!(status["readyReplicas"], 3, "{status}");
    assert_eq!(status["availableReplicas"], 3, "{status}");
    assert_eq!(status["observedGeneration"], done["metadata"]["generation"]);

    let pods: Api<Pod> = Api::namespaced(client, "default");
    let listed = pods
        .list(&kube::api::ListParams::default().labels("app=web"))
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 3);
    for pod in &listed.items {
        assert_eq!(image_and_readiness(pod), ("nginx:1.27".to_string(), true));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pod_watcher_sees_a_rollout_replace_every_pod() {
    let sim = empty_cluster().await;
    let client = sim.client().await;
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "default");
    rolled_out_web(&deployments).await;

    let pods: Api<Pod> = Api::namespaced(client, "default");
    let mut events = watcher::watcher(pods, watcher::Config::default().labels("app=web")).boxed();
    let mut original = BTreeSet::new();
    let listing = async {
        while let Some(event) = events.try_next().await.unwrap() {
            match event {
                Event::InitApply(pod) => {
                    original.insert(name(&pod));
                }
                Event::InitDone => return,
                _ => {}
            }
        }
    };
    tokio::time::timeout(WAIT, listing)
        .await
        .expect("the initial listing arrives");
    assert_eq!(original.len(), 3, "{original:?}");

    let image = json!({ "spec": { "template": { "spec": {
        "containers": [{ "name": "nginx", "image": "nginx:1.28" }],
    } } } });
    deployments
        .patch("web", &PatchParams::default(), &Patch::Strategic(image))
        .await
        .unwrap();

    let mut live: BTreeMap<String, (String, bool)> = BTreeMap::new();
    let mut deleted = BTreeSet::new();
    let mut created = BTreeSet::new();
    let replaced = async {
        while let Some(event) = events.try_next().await.unwrap() {
            match event {
                Event::Apply(pod) | Event::InitApply(pod) => {
                    if !original.contains(&name(&pod)) {
                        created.insert(name(&pod));
                    }
                    live.insert(name(&pod), image_and_readiness(&pod));
                }
                Event::Delete(pod) => {
                    deleted.insert(name(&pod));
                    live.remove(&name(&pod));
                }
                Event::Init | Event::InitDone => {}
            }
            let all_new_and_ready = live.len() == 3
                && live
                    .values()
                    .all(|(image, ready)| image == "nginx:1.28" && *ready);
            if deleted == original && all_new_and_ready {
                return;
            }
        }
    };
    if tokio::time::timeout(WAIT, replaced).await.is_err() {
        panic!("the rollout did not replace the pods: deleted {deleted:?}, live {live:?}");
    }
    assert_eq!(created.len(), 3, "{created:?}");
    assert!(created.is_disjoint(&original));
}
