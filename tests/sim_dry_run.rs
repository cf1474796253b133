//! Server-side dry run (`dryRun=All`) on every write: kube-rs, raw HTTP and the real kubectl
//! (`--dry-run=server`, `kubectl diff`). Each test checks the answer is what would be stored
//! and that nothing changed: same objects, same resourceVersion, no change on the feed.
#![allow(clippy::unwrap_used)]

#[path = "support/sim_http.rs"]
mod http;
#[path = "support/sim.rs"]
mod support;

use std::sync::Arc;

use http::Http;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Pod, Service};
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::core::subresource::Scale;
use kubevibe::sim::resource::{self, GroupResource};
use kubevibe::sim::store::{Change, Store};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::{TestSim, WEB_DEPLOYMENT};
use tokio::sync::broadcast;

fn deployment(name: &str, replicas: i64) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": { "name": name, "namespace": "default", "labels": { "app": name } },
        "spec": {
            "replicas": replicas,
            "selector": { "matchLabels": { "app": name } },
            "template": { "metadata": { "labels": { "app": name } },
                          "spec": { "containers": [{ "name": "app", "image": "nginx:1.27",
                                                      "env": [{ "name": "MODE", "value": "blue" }] }] } }
        }
    })
}

fn value(object: impl serde::Serialize) -> Value {
    serde_json::to_value(object).unwrap()
}

/// Everything a dry run must leave alone: the resourceVersion and the stored objects.
struct Snapshot {
    rv: u64,
    objects: Vec<(GroupResource, Vec<Value>)>,
}

fn snapshot(store: &Store) -> Snapshot {
    let kinds = [
        resource::DEPLOYMENTS,
        resource::REPLICASETS,
        resource::PODS,
        resource::CONFIGMAPS,
        resource::SERVICES,
        resource::NAMESPACES,
    ];
    Snapshot {
        rv: store.resource_version(),
        objects: kinds
            .into_iter()
            .map(|gr| {
                let values = store
                    .list(&gr, "")
                    .unwrap()
                    .iter()
                    .map(|o| o.value())
                    .collect();
                (gr, values)
            })
            .collect(),
    }
}

fn assert_unchanged(store: &Store, before: &Snapshot, what: &str) {
    let after = snapshot(store);
    assert_eq!(after.rv, before.rv, "{what} changed the resourceVersion");
    for ((gr, old), (_, new)) in before.objects.iter().zip(&after.objects) {
        assert_eq!(old, new, "{what} changed the stored {gr:?}");
    }
}

/// Writes a marker config map and asserts it is the next change on `feed`: the dry runs
/// before it sent nothing (and so gave controllers nothing to react to).
async fn assert_feed_quiet(store: &Store, feed: &mut broadcast::Receiver<Arc<Change>>) {
    let marker = json!({ "metadata": { "name": format!("marker-{}", store.resource_version()) } });
    let created = store
        .create(&resource::CONFIGMAPS, "default", marker)
        .unwrap();
    let next = feed.recv().await.unwrap();
    assert_eq!(
        (next.object.name(), next.resource_version()),
        (created.name(), created.resource_version()),
        "a dry run emitted a change before the marker"
    );
}

#[tokio::test]
async fn kube_rs_dry_runs_of_every_write_store_nothing() {
    let sim = TestSim::start().await;
    let store = sim.store();
    let client = sim.client().await;
    store
        .create(&resource::DEPLOYMENTS, "default", deployment("web", 2))
        .unwrap();
    store
        .create(
            &resource::CONFIGMAPS,
            "default",
            json!({ "metadata": { "name": "cfg", "labels": { "tier": "web" } }, "data": { "a": "1" } }),
        )
        .unwrap();
    let pod = json!({
        "metadata": { "name": "runner" },
        "spec": { "nodeName": "node-1", "containers": [{ "name": "c", "image": "busybox" }] }
    });
    store.create(&resource::PODS, "default", pod).unwrap();
    let before = snapshot(store);
    let mut feed = store.subscribe();
    let dry = PostParams {
        dry_run: true,
        ..PostParams::default()
    };
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "default");
    let config_maps: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");

    let mut preview = deployment("preview", 1);
    preview["spec"].as_object_mut().unwrap().remove("replicas");
    let preview: Deployment = serde_json::from_value(preview).unwrap();
    let created = value(deployments.create(&dry, &preview).await.unwrap());
    assert_eq!(
        created["spec"]["replicas"], 1,
        "defaulting runs in a dry run"
    );
    assert_eq!(created["spec"]["strategy"]["type"], "RollingUpdate");
    assert!(created["metadata"]["uid"].is_string());
    assert!(created["metadata"]["resourceVersion"].is_null());

    let mut current = deployments.get("web").await.unwrap();
    current.spec.replicas = Some(7);
    let replaced = value(deployments.replace("web", &dry, &current).await.unwrap());
    assert_eq!(replaced["spec"]["replicas"], 7);
    assert_eq!(replaced["metadata"]["generation"], 2);
    assert_eq!(
        replaced["metadata"]["resourceVersion"].as_str(),
        current.metadata.resource_version.as_deref()
    );

    let merged = config_maps
        .patch(
            "cfg",
            &PatchParams::default().dry_run(),
            &Patch::Merge(json!({ "data": { "b": "2" } })),
        )
        .await
        .unwrap();
    assert_eq!(merged.data.unwrap().len(), 2);
    let strategic = deployments
        .patch(
            "web",
            &PatchParams::default().dry_run(),
            &Patch::Strategic(json!({ "spec": { "template": { "spec": { "containers": [
                { "name": "app", "image": "nginx:1.28" }] } } } })),
        )
        .await
        .unwrap();
    assert_eq!(
        value(strategic)["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.28"
    );
    let json_patch: json_patch::Patch =
        serde_json::from_value(json!([{ "op": "replace", "path": "/data/a", "value": "9" }]))
            .unwrap();
    let patched = config_maps
        .patch(
            "cfg",
            &PatchParams::default().dry_run(),
            &Patch::Json::<()>(json_patch),
        )
        .await
        .unwrap();
    assert_eq!(patched.data.unwrap()["a"], "9");

    let apply = PatchParams::apply("previewer").dry_run();
    let applied = config_maps
        .patch(
            "cfg",
            &apply,
            &Patch::Apply(json!({ "apiVersion": "v1", "kind": "ConfigMap",
                                  "metadata": { "name": "cfg" }, "data": { "a": "applied" } })),
        )
        .await
        .unwrap();
    assert_eq!(applied.data.unwrap()["a"], "applied");
    let applied_new = config_maps
        .patch(
            "fresh",
            &apply,
            &Patch::Apply(json!({ "apiVersion": "v1", "kind": "ConfigMap",
                                  "metadata": { "name": "fresh" }, "data": { "x": "1" } })),
        )
        .await
        .unwrap();
    assert_eq!(applied_new.metadata.name.as_deref(), Some("fresh"));

    let scale = deployments
        .patch_scale(
            "web",
            &PatchParams::default().dry_run(),
            &Patch::Merge(json!({ "spec": { "replicas": 5 } })),
        )
        .await
        .unwrap();
    assert_eq!(value(scale)["spec"]["replicas"], 5);
    let mut whole = value(deployments.get_scale("web").await.unwrap());
    whole["spec"]["replicas"] = json!(6);
    let whole: Scale = serde_json::from_value(whole).unwrap();
    let replaced_scale = deployments
        .replace_scale("web", &dry, &whole)
        .await
        .unwrap();
    assert_eq!(value(replaced_scale)["spec"]["replicas"], 6);
    let status = deployments
        .patch_status(
            "web",
            &PatchParams::default().dry_run(),
            &Patch::Merge(json!({ "status": { "readyReplicas": 2 } })),
        )
        .await
        .unwrap();
    assert_eq!(value(status)["status"]["readyReplicas"], 2);

    let deleted = config_maps
        .delete(
            "cfg",
            &DeleteParams {
                dry_run: true,
                ..DeleteParams::default()
            },
        )
        .await
        .unwrap();
    assert!(deleted.is_right(), "a config map goes at once: a Status");
    let terminating = pods
        .delete(
            "runner",
            &DeleteParams {
                dry_run: true,
                ..DeleteParams::default()
            },
        )
        .await
        .unwrap()
        .left()
        .expect("a scheduled pod answers with itself, terminating");
    assert!(terminating.metadata.deletion_timestamp.is_some());
    assert_eq!(terminating.metadata.deletion_grace_period_seconds, Some(30));
    let all = config_maps
        .delete_collection(
            &DeleteParams {
                dry_run: true,
                ..DeleteParams::default()
            },
            &ListParams::default().labels("tier=web"),
        )
        .await
        .unwrap();
    assert_eq!(all.left().unwrap().items.len(), 1);

    assert_unchanged(store, &before, "a kube-rs dry run");
    assert!(
        !store
            .get(&resource::PODS, "default", "runner")
            .unwrap()
            .is_deleting(),
        "the pod is not terminating"
    );
    assert_feed_quiet(store, &mut feed).await;
}

#[tokio::test]
async fn a_dry_run_service_does_not_use_up_its_cluster_ip_or_node_port() {
    let sim = TestSim::start().await;
    let services: Api<Service> = Api::namespaced(sim.client().await, "default");
    let service: Service = serde_json::from_value(json!({
        "metadata": { "name": "front" },
        "spec": { "type": "NodePort", "selector": { "app": "front" }, "ports": [{ "port": 80 }] }
    }))
    .unwrap();
    let dry = PostParams {
        dry_run: true,
        ..PostParams::default()
    };
    let preview = value(services.create(&dry, &service).await.unwrap());
    let real = value(
        services
            .create(&PostParams::default(), &service)
            .await
            .unwrap(),
    );
    assert!(preview["spec"]["clusterIP"].is_string(), "{preview}");
    assert_eq!(preview["spec"]["clusterIP"], real["spec"]["clusterIP"]);
    assert!(
        preview["spec"]["ports"][0]["nodePort"].is_number(),
        "{preview}"
    );
    assert_eq!(
        preview["spec"]["ports"][0]["nodePort"],
        real["spec"]["ports"][0]["nodePort"]
    );
}

#[tokio::test]
async fn unknown_dry_run_values_are_rejected_and_namespaces_survive_a_dry_delete() {
    let sim = TestSim::start().await;
    let api = Http::new(&sim);
    let store = sim.store();
    store
        .create(
            &resource::NAMESPACES,
            "",
            json!({ "metadata": { "name": "team" } }),
        )
        .unwrap();
    store
        .create(
            &resource::CONFIGMAPS,
            "team",
            json!({ "metadata": { "name": "cfg" } }),
        )
        .unwrap();
    let before = snapshot(store);
    let (status, body) = api
        .json(
            Method::POST,
            "/api/v1/namespaces/team/configmaps?dryRun=Everything",
            &json!({ "metadata": { "name": "x" } }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["message"].as_str().unwrap().contains("Everything"));
    let (status, body) = api
        .send(
            api.request(Method::DELETE, "/api/v1/namespaces/team/configmaps/cfg")
                .header("Content-Type", "application/json")
                .body(json!({ "dryRun": ["Nope"] }).to_string()),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = api
        .send(api.request(Method::DELETE, "/api/v1/namespaces/team?dryRun=All"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"]["phase"], "Terminating");
    assert!(body["metadata"]["deletionTimestamp"].is_string());
    assert_unchanged(store, &before, "a rejected or dry-run delete");
}

#[tokio::test]
async fn kubectl_server_dry_runs_and_diff_leave_the_cluster_alone() {
    let sim = TestSim::start().await;
    let Some(kubectl) = sim.kubectl() else { return };
    let store = sim.store();
    kubectl.apply("web.yaml", WEB_DEPLOYMENT).await;
    let before = snapshot(store);
    let mut feed = store.subscribe();

    let scaled = kubectl
        .ok(&["scale", "deploy/web", "--replicas=5", "--dry-run=server"])
        .await;
    assert_eq!(scaled.trim(), "deployment.apps/web scaled (server dry run)");
    let yaml = kubectl
        .ok(&[
            "set",
            "env",
            "deploy/web",
            "MODE=green",
            "--dry-run=server",
            "-o",
            "yaml",
        ])
        .await;
    let previewed: Value = serde_saphyr::from_str(&yaml).unwrap();
    assert_eq!(
        previewed["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"],
        "green"
    );
    let changed = kubectl.file(
        "changed.yaml",
        &WEB_DEPLOYMENT.replace("replicas: 2", "replicas: 3"),
    );
    let changed = support::path_str(&changed).to_string();
    let applied = kubectl
        .ok(&["apply", "-f", &changed, "--dry-run=server"])
        .await;
    assert_eq!(
        applied.trim(),
        "deployment.apps/web configured (server dry run)"
    );
    let server_side = kubectl
        .ok(&["apply", "--server-side", "-f", &changed, "--dry-run=server"])
        .await;
    assert!(
        server_side.contains("serverside-applied (server dry run)"),
        "{server_side}"
    );
    let fresh = kubectl.file(
        "fresh.yaml",
        &WEB_DEPLOYMENT.replace("name: web\n  labels", "name: api\n  labels"),
    );
    let created = kubectl
        .ok(&["apply", "-f", support::path_str(&fresh), "--dry-run=server"])
        .await;
    assert_eq!(
        created.trim(),
        "deployment.apps/api created (server dry run)"
    );
    let deleted = kubectl
        .ok(&["delete", "deploy/web", "--dry-run=server"])
        .await;
    assert_eq!(
        deleted.trim(),
        "deployment.apps \"web\" deleted (server dry run)"
    );

    let diff = kubectl.run(&["diff", "-f", &changed]).await;
    let stdout = String::from_utf8_lossy(&diff.stdout);
    assert_eq!(
        diff.status.code(),
        Some(1),
        "kubectl diff of a change exits 1: {}",
        String::from_utf8_lossy(&diff.stderr)
    );
    assert!(stdout.contains("-  replicas: 2"), "{stdout}");
    assert!(stdout.contains("+  replicas: 3"), "{stdout}");
    let same = kubectl.file("same.yaml", WEB_DEPLOYMENT);
    let diff = kubectl.run(&["diff", "-f", support::path_str(&same)]).await;
    assert_eq!(
        diff.status.code(),
        Some(0),
        "kubectl diff without a change exits 0: {}{}",
        String::from_utf8_lossy(&diff.stdout),
        String::from_utf8_lossy(&diff.stderr)
    );
    assert!(diff.stdout.is_empty());

    assert_unchanged(store, &before, "kubectl --dry-run=server and kubectl diff");
    assert_feed_quiet(store, &mut feed).await;
}
