//! Deployments against the store: rollouts, rolling updates within their limits, revisions,
//! undo, restart, scaling, pausing, Recreate and the progress deadline.
#![allow(clippy::unwrap_used)]

#[path = "support/sim_world.rs"]
mod support;

use kubevibe::sim::resource;
use kubevibe::sim::store::Store;
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
        assert!(pod["status"]["containerStatuses"][0]["state"]["running"].is_object());
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

fn set_image(store: &Store, name: &str, image: &str) {
    store
        .modify(&resource::DEPLOYMENTS, "default", name, |d| {
            d["spec"]["template"]["spec"]["containers"][0]["image"] = json!(image);
        })
        .unwrap();
}

fn replicasets(store: &Store, name: &str) -> Vec<serde_json::Value> {
    let d = store.get(&resource::DEPLOYMENTS, "default", name).unwrap();
    owned_by(store, &resource::REPLICASETS, "default", &d)
        .iter()
        .map(|rs| rs.value())
        .collect()
}

fn revision(rs: &serde_json::Value) -> i64 {
    rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolling_update_stays_within_surge_and_unavailable_at_every_step() {
    let (store, _world) = world("empty");
    let mut web = deployment("web", 10, "nginx:1.27");
    web["spec"]["strategy"] = json!({ "type": "RollingUpdate", "rollingUpdate": { "maxSurge": 2, "maxUnavailable": "10%" } });
    store
        .create(&resource::DEPLOYMENTS, "default", web)
        .unwrap();
    wait_for("web rolled out", LONG, || rolled_out(&store, "web", 10)).await;
    let mut feed = store.subscribe();
    set_image(&store, "web", "nginx:1.28");
    let mut max_active = 0;
    let mut min_ready = usize::MAX;
    let mut steps = std::collections::BTreeSet::new();
    wait_for("the update to finish", LONG, || {
        while let Ok(change) = feed.try_recv() {
            if change.resource != resource::PODS && change.resource != resource::REPLICASETS {
                continue;
            }
            let pods: Vec<_> = pods_of(&store, "default", "app", "web")
                .into_iter()
                .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
                .collect();
            max_active = max_active.max(pods.len());
            min_ready = min_ready.min(pods.iter().filter(|p| is_ready(p)).count());
            let ladder: Vec<i64> = replicasets(&store, "web")
                .iter()
                .map(|rs| int(rs, "/spec/replicas"))
                .collect();
            steps.insert(ladder);
        }
        let d = rolled_out(&store, "web", 10)?;
        (d["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28"
            && replicasets(&store, "web")
                .iter()
                .any(|rs| revision(rs) == 2 && int(rs, "/status/availableReplicas") == 10))
        .then_some(())
    })
    .await;
    assert!(
        max_active <= 12,
        "more than replicas + maxSurge pods: {max_active}"
    );
    assert!(
        min_ready >= 9,
        "fewer than replicas - maxUnavailable ready: {min_ready}"
    );
    assert!(steps.len() >= 4, "the ladder had too few steps: {steps:?}");
    let sets = replicasets(&store, "web");
    let old = sets.iter().find(|rs| revision(rs) == 1).unwrap();
    assert_eq!(int(old, "/spec/replicas"), 0);
    let events = events_for(&store, "default", "web");
    assert!(events.iter().any(|e| {
        e["reason"] == "ScalingReplicaSet"
            && e["message"]
                .as_str()
                .unwrap()
                .starts_with("Scaled down replica set")
    }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_undo_restart_and_scale_behave_like_kubectl_expects() {
    let (store, _world) = world("empty");
    let mut web = deployment("web", 2, "nginx:1.27");
    web["metadata"]["annotations"] = json!({ "kubernetes.io/change-cause": "first" });
    store
        .create(&resource::DEPLOYMENTS, "default", web)
        .unwrap();
    wait_for("revision 1", LONG, || rolled_out(&store, "web", 2)).await;
    store
        .modify(&resource::DEPLOYMENTS, "default", "web", |d| {
            d["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.28");
            d["metadata"]["annotations"]["kubernetes.io/change-cause"] = json!("second");
        })
        .unwrap();
    wait_for("revision 2", LONG, || {
        rolled_out(&store, "web", 2)
            .filter(|d| d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2")
    })
    .await;
    let sets = replicasets(&store, "web");
    let causes: Vec<(i64, String)> = sets
        .iter()
        .map(|rs| {
            (
                revision(rs),
                rs["metadata"]["annotations"]["kubernetes.io/change-cause"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    assert!(
        causes.contains(&(1, "first".to_string())) && causes.contains(&(2, "second".to_string())),
        "{causes:?}"
    );

    // `kubectl rollout undo`: the template of revision 1, without its hash label.
    let mut template =
        sets.iter().find(|rs| revision(rs) == 1).unwrap()["spec"]["template"].clone();
    template["metadata"]["labels"]
        .as_object_mut()
        .unwrap()
        .remove("pod-template-hash");
    store
        .modify(&resource::DEPLOYMENTS, "default", "web", |d| {
            d["spec"]["template"] = template
        })
        .unwrap();
    wait_for("undo to revision 3", LONG, || {
        let d = rolled_out(&store, "web", 2)?;
        (d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "3").then_some(d)
    })
    .await;
    let sets = replicasets(&store, "web");
    assert_eq!(sets.len(), 2, "undo reuses the old ReplicaSet");
    let restored = sets.iter().find(|rs| revision(rs) == 3).unwrap();
    assert_eq!(
        restored["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.27"
    );
    assert_eq!(
        restored["metadata"]["annotations"]["deployment.kubernetes.io/revision-history"],
        "1"
    );
    for pod in pods_of(&store, "default", "app", "web")
        .iter()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
    {
        assert_eq!(pod["spec"]["containers"][0]["image"], "nginx:1.27");
    }

    // `kubectl rollout restart`: a template annotation replaces every pod.
    let before: Vec<String> = pods_of(&store, "default", "app", "web")
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    store
        .modify(&resource::DEPLOYMENTS, "default", "web", |d| {
            d["spec"]["template"]["metadata"]["annotations"] =
                json!({ "kubectl.kubernetes.io/restartedAt": "2025-01-01T00:00:00Z" });
        })
        .unwrap();
    wait_for("restart", LONG, || {
        rolled_out(&store, "web", 2)?;
        let pods = pods_of(&store, "default", "app", "web");
        (pods.len() == 2
            && pods
                .iter()
                .all(|p| !before.contains(&p["metadata"]["name"].as_str().unwrap().to_string())))
        .then_some(())
    })
    .await;

    // `kubectl scale`: up then down.
    store
        .modify(&resource::DEPLOYMENTS, "default", "web", |d| {
            d["spec"]["replicas"] = json!(5)
        })
        .unwrap();
    wait_for("scaled to 5", LONG, || rolled_out(&store, "web", 5)).await;
    store
        .modify(&resource::DEPLOYMENTS, "default", "web", |d| {
            d["spec"]["replicas"] = json!(1)
        })
        .unwrap();
    wait_for("scaled to 1", LONG, || {
        rolled_out(&store, "web", 1)?;
        (pods_of(&store, "default", "app", "web").len() == 1).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_deployment_waits_and_resumes() {
    let (store, _world) = world("empty");
    store
        .create(
            &resource::DEPLOYMENTS,
            "default",
            deployment("web", 2, "nginx:1.27"),
        )
        .unwrap();
    wait_for("rolled out", LONG, || rolled_out(&store, "web", 2)).await;
    store
        .modify(&resource::DEPLOYMENTS, "default", "web", |d| {
            d["spec"]["paused"] = json!(true)
        })
        .unwrap();
    set_image(&store, "web", "nginx:1.28");
    let paused = wait_for("paused condition", LONG, || {
        let d = get(&store, &resource::DEPLOYMENTS, "default", "web")?;
        let progressing = d["status"]["conditions"]
            .as_array()?
            .iter()
            .find(|c| c["type"] == "Progressing")?
            .clone();
        (progressing["reason"] == "DeploymentPaused"
            && int(&d, "/status/observedGeneration") == int(&d, "/metadata/generation"))
        .then_some(d)
    })
    .await;
    assert_eq!(
        replicasets(&store, "web").len(),
        1,
        "no new ReplicaSet while paused"
    );
    assert_eq!(int(&paused, "/status/updatedReplicas"), 0);
    store
        .modify(&resource::DEPLOYMENTS, "default", "web", |d| {
            d["spec"]["paused"] = json!(false)
        })
        .unwrap();
    wait_for("resumed rollout", LONG, || {
        let d = rolled_out(&store, "web", 2)?;
        (d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2").then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recreate_removes_every_old_pod_before_starting_new_ones() {
    let (store, _world) = world("empty");
    let mut web = deployment("web", 3, "nginx:1.27");
    web["spec"]["strategy"] = json!({ "type": "Recreate" });
    store
        .create(&resource::DEPLOYMENTS, "default", web)
        .unwrap();
    wait_for("rolled out", LONG, || rolled_out(&store, "web", 3)).await;
    let mut feed = store.subscribe();
    set_image(&store, "web", "nginx:1.28");
    let mut mixed = false;
    wait_for("recreated", LONG, || {
        while let Ok(change) = feed.try_recv() {
            if change.resource == resource::PODS {
                let images: std::collections::BTreeSet<String> =
                    pods_of(&store, "default", "app", "web")
                        .iter()
                        .map(|p| {
                            p["spec"]["containers"][0]["image"]
                                .as_str()
                                .unwrap()
                                .to_string()
                        })
                        .collect();
                mixed |= images.len() > 1;
            }
        }
        let d = rolled_out(&store, "web", 3)?;
        (d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2").then_some(())
    })
    .await;
    assert!(!mixed, "old and new pods ran at the same time");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollout_that_never_becomes_ready_exceeds_its_deadline() {
    let (store, _world) = world("empty");
    let mut web = deployment("web", 2, "nginx:1.27");
    web["spec"]["progressDeadlineSeconds"] = json!(30);
    store
        .create(&resource::DEPLOYMENTS, "default", web)
        .unwrap();
    wait_for("rolled out", LONG, || rolled_out(&store, "web", 2)).await;
    set_image(&store, "web", "nginx:1.28-unready");
    let d = wait_for("ProgressDeadlineExceeded", LONG, || {
        let d = get(&store, &resource::DEPLOYMENTS, "default", "web")?;
        let progressing = d["status"]["conditions"]
            .as_array()?
            .iter()
            .find(|c| c["type"] == "Progressing")?
            .clone();
        (progressing["reason"] == "ProgressDeadlineExceeded").then_some(progressing)
    })
    .await;
    assert_eq!(d["status"], "False");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .ends_with("has timed out progressing.")
    );
    assert_eq!(
        pods_of(&store, "default", "app", "web")
            .iter()
            .filter(|p| is_ready(p))
            .count(),
        2,
        "old pods keep serving"
    );
}
