//! The real kubectl changing the simulator: create (protobuf bodies from the typed clients),
//! apply, the three patch types, label, annotate, scale, delete with each cascade, and the
//! error lines of duplicate or invalid objects.
#![allow(clippy::unwrap_used)]

#[path = "support/sim.rs"]
mod support;

use std::time::Duration;

use kubevibe::sim::resource;
use kubevibe::sim::store::Store;
use serde_json::{Value, json};
use support::{TestSim, eventually};

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        ports: [{containerPort: 80}]
        env: [{name: MODE, value: blue}]
";

fn get(store: &Store, gr: &resource::GroupResource, namespace: &str, name: &str) -> Value {
    store.get(gr, namespace, name).unwrap().value()
}

#[tokio::test]
async fn create_subcommands_send_protobuf_that_the_simulator_decodes() {
    let sim = TestSim::start().await;
    let Some(kubectl) = sim.kubectl() else { return };
    let store = sim.store();
    assert_eq!(
        kubectl.ok(&["create", "namespace", "team"]).await.trim(),
        "namespace/team created"
    );
    kubectl
        .ok(&[
            "create",
            "configmap",
            "cfg",
            "-n",
            "team",
            "--from-literal=a=1",
            "--from-literal=b=2",
        ])
        .await;
    assert_eq!(
        get(store, &resource::CONFIGMAPS, "team", "cfg")["data"],
        json!({ "a": "1", "b": "2" })
    );
    kubectl
        .ok(&[
            "create",
            "secret",
            "generic",
            "creds",
            "-n",
            "team",
            "--from-literal=user=admin",
        ])
        .await;
    let secret = get(store, &resource::SECRETS, "team", "creds");
    assert_eq!(
        (secret["type"].as_str(), secret["data"]["user"].as_str()),
        (Some("Opaque"), Some("YWRtaW4="))
    );
    kubectl
        .ok(&[
            "create",
            "deployment",
            "web",
            "-n",
            "team",
            "--image=nginx:1.27",
            "--replicas=0",
            "--port=8080",
        ])
        .await;
    let deployment = get(store, &resource::DEPLOYMENTS, "team", "web");
    assert_eq!(deployment["spec"]["replicas"], 0);
    assert_eq!(
        deployment["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"],
        8080
    );
    assert_eq!(deployment["spec"]["strategy"]["type"], "RollingUpdate");
    kubectl
        .ok(&[
            "expose",
            "deployment",
            "web",
            "-n",
            "team",
            "--port=80",
            "--target-port=8080",
        ])
        .await;
    let service = get(store, &resource::SERVICES, "team", "web");
    assert_eq!(
        (
            service["spec"]["ports"][0]["targetPort"].as_i64(),
            service["spec"]["selector"]["app"].as_str()
        ),
        (Some(8080), Some("web"))
    );
    kubectl
        .ok(&[
            "run",
            "shell",
            "-n",
            "team",
            "--image=busybox",
            "--labels=role=debug",
            "--",
            "sleep",
            "3600",
        ])
        .await;
    let pod = get(store, &resource::PODS, "team", "shell");
    assert_eq!(
        pod["spec"]["containers"][0]["args"],
        json!(["sleep", "3600"])
    );
    assert_eq!(pod["metadata"]["labels"]["role"], "debug");
    kubectl
        .ok(&["create", "job", "once", "-n", "team", "--image=busybox"])
        .await;
    kubectl
        .ok(&[
            "create",
            "cronjob",
            "tick",
            "-n",
            "team",
            "--image=busybox",
            "--schedule=*/5 * * * *",
        ])
        .await;
    kubectl
        .ok(&["create", "serviceaccount", "robot", "-n", "team"])
        .await;
    assert_eq!(
        get(store, &resource::CRONJOBS, "team", "tick")["spec"]["schedule"],
        "*/5 * * * *"
    );

    let duplicate = kubectl
        .fails(&["create", "configmap", "cfg", "-n", "team"])
        .await;
    assert!(
        duplicate.contains("failed to create configmap: configmaps \"cfg\" already exists"),
        "{duplicate}"
    );
    let manifest = kubectl.file(
        "cfg.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: team}\n",
    );
    let duplicate = kubectl
        .fails(&["create", "-f", support::path_str(&manifest)])
        .await;
    assert!(
        duplicate.contains("Error from server (AlreadyExists): error when creating"),
        "{duplicate}"
    );
    let invalid = kubectl.fails(&["create", "namespace", "Bad_Name"]).await;
    assert!(
        invalid.contains("is invalid") && invalid.contains("RFC 1123"),
        "{invalid}"
    );
    let nowhere = kubectl
        .fails(&["create", "configmap", "x", "-n", "nowhere"])
        .await;
    assert!(
        nowhere.contains("failed to create configmap: namespaces \"nowhere\" not found"),
        "{nowhere}"
    );
}

#[tokio::test]
async fn apply_creates_then_updates_from_a_changed_manifest() {
    let sim = TestSim::start().await;
    let Some(kubectl) = sim.kubectl() else { return };
    let store = sim.store();
    assert_eq!(
        kubectl.apply("web.yaml", DEPLOYMENT).await.trim(),
        "deployment.apps/web created"
    );
    assert_eq!(
        kubectl.apply("web.yaml", DEPLOYMENT).await.trim(),
        "deployment.apps/web unchanged"
    );
    let changed = DEPLOYMENT
        .replace("nginx:1.27", "nginx:1.28")
        .replace("replicas: 2", "replicas: 3")
        .replace("        env: [{name: MODE, value: blue}]\n", "");
    assert_eq!(
        kubectl.apply("web.yaml", &changed).await.trim(),
        "deployment.apps/web configured"
    );
    let deployment = get(store, &resource::DEPLOYMENTS, "default", "web");
    let container = &deployment["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(
        (
            container["image"].as_str(),
            deployment["spec"]["replicas"].as_i64()
        ),
        (Some("nginx:1.28"), Some(3))
    );
    assert!(
        container.get("env").is_none(),
        "apply removed the env var it no longer declares: {container}"
    );
    assert_eq!(deployment["metadata"]["generation"], 2);

    let invalid = kubectl
        .fails(&[
            "apply",
            "-f",
            support::path_str(&kubectl.file(
                "bad.yaml",
                &DEPLOYMENT.replace(
                    "    matchLabels: {app: web}",
                    "    matchLabels: {app: other}",
                ),
            )),
            "--dry-run=server",
        ])
        .await;
    assert!(
        invalid.contains("`selector` does not match template `labels`"),
        "{invalid}"
    );
    let server_side = |data: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: ssa}}\ndata: {data}\n")
    };
    let first = kubectl.file("ssa-1.yaml", &server_side("{k: v, old: x}"));
    assert_eq!(
        kubectl
            .ok(&["apply", "--server-side", "-f", support::path_str(&first)])
            .await
            .trim(),
        "configmap/ssa serverside-applied"
    );
    let second = kubectl.file("ssa-2.yaml", &server_side("{k: v2}"));
    kubectl
        .ok(&["apply", "--server-side", "-f", support::path_str(&second)])
        .await;
    assert_eq!(
        get(store, &resource::CONFIGMAPS, "default", "ssa")["data"],
        json!({ "k": "v2" })
    );
}

#[tokio::test]
async fn patch_label_annotate_and_scale() {
    let sim = TestSim::start().await;
    let Some(kubectl) = sim.kubectl() else { return };
    let store = sim.store();
    kubectl.apply("web.yaml", DEPLOYMENT).await;
    kubectl
        .ok(&[
            "patch",
            "deployment",
            "web",
            "--type=merge",
            "-p",
            r#"{"spec":{"replicas":4}}"#,
        ])
        .await;
    kubectl
        .ok(&[
            "patch",
            "deployment",
            "web",
            "--type=json",
            "-p",
            r#"[{"op":"add","path":"/metadata/labels/track","value":"stable"}]"#,
        ])
        .await;
    let strategic = r#"{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"EXTRA","value":"1"}]}]}}}}"#;
    kubectl
        .ok(&["patch", "deployment", "web", "-p", strategic])
        .await;
    let deployment = get(store, &resource::DEPLOYMENTS, "default", "web");
    assert_eq!(deployment["spec"]["replicas"], 4);
    assert_eq!(deployment["metadata"]["labels"]["track"], "stable");
    let env = &deployment["spec"]["template"]["spec"]["containers"][0]["env"];
    assert_eq!(
        env,
        &json!([{ "name": "MODE", "value": "blue" }, { "name": "EXTRA", "value": "1" }])
    );

    kubectl
        .ok(&["label", "deployment", "web", "owner=team-a"])
        .await;
    kubectl
        .ok(&["annotate", "deployment", "web", "note=hello world"])
        .await;
    kubectl.ok(&["label", "deployment", "web", "track-"]).await;
    let deployment = get(store, &resource::DEPLOYMENTS, "default", "web");
    assert_eq!(deployment["metadata"]["labels"]["owner"], "team-a");
    assert!(deployment["metadata"]["labels"].get("track").is_none());
    assert_eq!(deployment["metadata"]["annotations"]["note"], "hello world");
    let clash = kubectl
        .fails(&["label", "deployment", "web", "owner=team-b"])
        .await;
    assert!(clash.contains("already has a value (team-a)"), "{clash}");

    assert_eq!(
        kubectl
            .ok(&["scale", "deployment", "web", "--replicas=7"])
            .await
            .trim(),
        "deployment.apps/web scaled"
    );
    assert_eq!(
        get(store, &resource::DEPLOYMENTS, "default", "web")["spec"]["replicas"],
        7
    );
    let stale = kubectl
        .fails(&[
            "scale",
            "deployment",
            "web",
            "--replicas=1",
            "--current-replicas=3",
        ])
        .await;
    assert!(
        stale.contains("Expected replicas to be 3, was 7"),
        "{stale}"
    );
    let scale = kubectl
        .ok(&[
            "get",
            "--raw",
            "/apis/apps/v1/namespaces/default/deployments/web/scale",
        ])
        .await;
    let scale: Value = serde_json::from_str(&scale).unwrap();
    assert_eq!(
        (
            scale["spec"]["replicas"].as_i64(),
            scale["status"]["selector"].as_str()
        ),
        (Some(7), Some("app=web"))
    );
}

/// A Deployment owning a ReplicaSet owning a Pod, as the controllers would build them.
fn owned_chain(store: &Store, name: &str) {
    let deployment = store
        .create(
            &resource::DEPLOYMENTS,
            "default",
            json!({ "metadata": { "name": name }, "spec": {
                "selector": { "matchLabels": { "app": name } },
                "template": { "metadata": { "labels": { "app": name } }, "spec": { "containers": [{ "name": "app", "image": "nginx" }] } }
            } }),
        )
        .unwrap();
    let owner = |kind: &str, object: &kubevibe::sim::store::StoredObject| json!([{ "apiVersion": "apps/v1", "kind": kind, "name": object.name(), "uid": object.uid(), "controller": true, "blockOwnerDeletion": true }]);
    let rs = store
        .create(
            &resource::REPLICASETS,
            "default",
            json!({ "metadata": { "name": format!("{name}-rs"), "ownerReferences": owner("Deployment", &deployment) }, "spec": {
                "selector": { "matchLabels": { "app": name } },
                "template": { "metadata": { "labels": { "app": name } }, "spec": { "containers": [{ "name": "app", "image": "nginx" }] } }
            } }),
        )
        .unwrap();
    store
        .create(
            &resource::PODS,
            "default",
            json!({ "metadata": { "name": format!("{name}-pod"), "labels": { "app": name }, "ownerReferences": owner("ReplicaSet", &rs) },
                    "spec": { "nodeName": "node-1", "containers": [{ "name": "app", "image": "nginx" }] } }),
        )
        .unwrap();
}

#[tokio::test]
async fn delete_honours_each_cascade_mode() {
    let sim = TestSim::start().await;
    let Some(kubectl) = sim.kubectl() else { return };
    let store = sim.store();
    for mode in ["background", "foreground", "orphan"] {
        owned_chain(store, mode);
        let out = kubectl
            .ok(&["delete", "deployment", mode, &format!("--cascade={mode}")])
            .await;
        assert_eq!(out.trim(), format!("deployment.apps \"{mode}\" deleted"));
        assert!(
            store.get(&resource::DEPLOYMENTS, "default", mode).is_err(),
            "kubectl waits until the deployment is gone"
        );
        let rs = store.get(&resource::REPLICASETS, "default", &format!("{mode}-rs"));
        let pod_gone = || {
            store
                .get(&resource::PODS, "default", &format!("{mode}-pod"))
                .is_err()
        };
        match mode {
            "orphan" => {
                assert!(rs.unwrap().owners().is_empty());
                assert!(!pod_gone());
            }
            _ => {
                assert!(rs.is_err(), "{mode}: the ReplicaSet goes with its owner");
                eventually(
                    "the pod to finish terminating",
                    Duration::from_secs(10),
                    || async { pod_gone().then_some(()) },
                )
                .await;
            }
        }
    }
    let missing = kubectl.fails(&["delete", "pod", "ghost"]).await;
    assert!(
        missing.contains("Error from server (NotFound): pods \"ghost\" not found"),
        "{missing}"
    );
}

#[tokio::test]
async fn deleting_a_namespace_removes_everything_in_it() {
    let sim = TestSim::start().await;
    let Some(kubectl) = sim.kubectl() else { return };
    kubectl.ok(&["create", "namespace", "scratch"]).await;
    kubectl
        .ok(&["create", "configmap", "c", "-n", "scratch"])
        .await;
    kubectl
        .ok(&[
            "run",
            "p",
            "-n",
            "scratch",
            "--image=busybox",
            "--overrides",
            r#"{"spec":{"nodeName":"node-1"}}"#,
        ])
        .await;
    assert_eq!(
        kubectl.ok(&["delete", "namespace", "scratch"]).await.trim(),
        "namespace \"scratch\" deleted"
    );
    let gone = kubectl.fails(&["get", "namespace", "scratch"]).await;
    assert!(gone.contains("namespaces \"scratch\" not found"), "{gone}");
    assert!(
        sim.store()
            .list(&resource::PODS, "scratch")
            .unwrap()
            .is_empty()
    );
}
