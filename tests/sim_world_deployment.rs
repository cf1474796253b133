//! Deployments against the store: rollouts, rolling updates within their limits, revisions,
//! undo, restart, scaling, pausing, Recreate and the progress deadline.
#![allow(clippy::unwrap_used)]

#[path = "support/sim_world.rs"]
mod support;

use kubevibe::sim::resource;
use serde_json::json;
use support::*;

fn deployment(name: &str, replicas: i64, image: &str) -> serde_json::Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": { "name": name },
        "spec": {
            "replicas": replicas,
            "selector": { "matchLabels": { "app": name } },
            "template": { "metadata": { "labels": { "app": name } },
                          "spec": { "containers": [{ "name": "app", "image": image }] } }
        }
    })
}

fn rolled_out(
    store: &kubevibe::sim::store::Store,
    name: &str,
    replicas: i64,
) -> Option<serde_json::Value> {
    let d = get(store, &resource::DEPLOYMENTS, "default", name)?;
    let done = int(&d, "/status/observedGeneration") == int(&d, "/metadata/generation")
        && int(&d, "/status/updatedReplicas") == replicas
        && int(&d, "/status/replicas") == replicas
        && int(&d, "/status/availableReplicas") == replicas
        && d["status"]["conditions"].as_array().is_some_and(|c| {
            c.iter()
                .any(|c| c["type"] == "Progressing" && c["reason"] == "NewReplicaSetAvailable")
        });
    done.then_some(d)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deployment_rolls_out_to_ready_pods() {
    let (store, _world) = world("empty");
    store
        .create(
            &resource::DEPLOYMENTS,
            "default",
            deployment("web", 3, "nginx:1.27"),
        )
        .unwrap();
    let d = wait_for("web rolled out", LONG, || rolled_out(&store, "web", 3)).await;
    assert_eq!(
        d["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "1"
    );
    let pods = pods_of(&store, "default", "app", "web");
    assert_eq!(pods.len(), 3);
    for pod in &pods {
        assert!(is_ready(pod), "pod not ready: {pod}");
        assert!(!pod["spec"]["nodeName"].as_str().unwrap().is_empty());
        assert!(
            pod["status"]["podIP"]
                .as_str()
                .unwrap()
                .starts_with("10.244.")
        );
        assert_eq!(
            pod["status"]["containerStatuses"][0]["state"]["running"].is_object(),
            true
        );
        assert!(pod["metadata"]["labels"]["pod-template-hash"].is_string());
    }
    let available = d["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Available")
        .unwrap()
        .clone();
    assert_eq!(available["reason"], "MinimumReplicasAvailable");
}
