//! The real kubectl reading from the simulator: tables, output formats, selectors, watches,
//! describe with events, logs, api-resources, explain and the error lines it prints.
#![allow(clippy::unwrap_used)]

#[path = "support/sim.rs"]
mod support;

use std::time::Duration;

use kubevibe::sim::resource;
use serde_json::{Value, json};
use support::{TestSim, line_matching};
use tokio::io::AsyncBufReadExt;

fn pod(name: &str, labels: Value, node: Option<&str>) -> Value {
    let mut pod = json!({
        "metadata": { "name": name, "labels": labels },
        "spec": { "containers": [{ "name": "app", "image": "nginx:1.27" }] }
    });
    if let Some(node) = node {
        pod["spec"]["nodeName"] = json!(node);
    }
    pod
}

/// Two pods; `web-1` runs on node-1 with a ready container, `web-2` is pending.
fn seed_pods(sim: &TestSim) {
    let store = sim.store();
    store
        .create(
            &resource::PODS,
            "default",
            pod(
                "web-1",
                json!({ "app": "web", "tier": "front" }),
                Some("node-1"),
            ),
        )
        .unwrap();
    store
        .create(
            &resource::PODS,
            "default",
            pod("web-2", json!({ "app": "web" }), None),
        )
        .unwrap();
    store
        .modify_status(&resource::PODS, "default", "web-1", |p| {
            p["status"] = json!({
                "phase": "Running", "podIP": "10.244.0.7",
                "containerStatuses": [{ "name": "app", "ready": true, "restartCount": 0, "image": "nginx:1.27",
                                        "imageID": "", "state": { "running": { "startedAt": "2024-01-01T00:00:00Z" } } }]
            });
        })
        .unwrap();
}

/// The whitespace-separated cells of the table line that starts with `name`.
fn row<'a>(table: &'a str, name: &str) -> Vec<&'a str> {
    let line = table
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name));
    line.unwrap_or_else(|| panic!("no row {name} in:\n{table}"))
        .split_whitespace()
        .collect()
}

#[tokio::test]
async fn get_prints_tables_and_every_output_format() {
    let sim = TestSim::start().await;
    let Some(kubectl) = sim.kubectl() else { return };
    seed_pods(&sim);

    let table = kubectl.ok(&["get", "pods"]).await;
    assert_eq!(
        table
            .lines()
            .next()
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    );
    assert_eq!(row(&table, "web-1")[1..4], ["1/1", "Running", "0"]);
    assert_eq!(row(&table, "web-2")[1..4], ["0/1", "Pending", "0"]);

    let wide = kubectl.ok(&["get", "pods", "-o", "wide"]).await;
    assert!(wide.lines().next().unwrap().contains("NOMINATED NODE"));
    assert_eq!(row(&wide, "web-1")[5..7], ["10.244.0.7", "node-1"]);

    let yaml = kubectl.ok(&["get", "pod", "web-1", "-o", "yaml"]).await;
    assert!(
        yaml.contains("kind: Pod")
            && yaml.contains("nodeName: node-1")
            && yaml.contains("podIP: 10.244.0.7")
    );
    let json: Value =
        serde_json::from_str(&kubectl.ok(&["get", "pods", "-o", "json"]).await).unwrap();
    assert_eq!(json["kind"], "List");
    assert_eq!(json["items"].as_array().unwrap().len(), 2);

    let labelled = kubectl
        .ok(&["get", "pods", "-l", "tier=front", "-o", "name"])
        .await;
    assert_eq!(labelled.trim(), "pod/web-1");
    let not_front = kubectl
        .ok(&["get", "pods", "-l", "!tier", "-o", "name"])
        .await;
    assert_eq!(not_front.trim(), "pod/web-2");
    let on_node = kubectl
        .ok(&[
            "get",
            "pods",
            "--field-selector",
            "spec.nodeName=node-1",
            "-o",
            "name",
        ])
        .await;
    assert_eq!(on_node.trim(), "pod/web-1");
    let pending = kubectl
        .ok(&[
            "get",
            "pods",
            "-A",
            "--field-selector",
            "status.phase!=Running",
            "-o",
            "name",
        ])
        .await;
    assert_eq!(pending.trim(), "pod/web-2");
    let jsonpath = kubectl
        .ok(&["get", "pods", "-o", "jsonpath={.items[*].metadata.name}"])
        .await;
    assert_eq!(jsonpath, "web-1 web-2");
    let sorted = kubectl
        .ok(&["get", "pods", "--sort-by", ".metadata.name", "--no-headers"])
        .await;
    assert_eq!(
        sorted
            .lines()
            .map(|l| l.split_whitespace().next().unwrap())
            .collect::<Vec<_>>(),
        ["web-1", "web-2"]
    );
}

#[tokio::test]
async fn get_tables_of_other_kinds() {
    let sim = TestSim::start().await;
    let Some(kubectl) = sim.kubectl() else { return };
    let namespaces = kubectl.ok(&["get", "ns"]).await;
    assert_eq!(row(&namespaces, "kube-system")[1], "Active");
    let services = kubectl.ok(&["get", "svc", "kubernetes"]).await;
    assert_eq!(
        row(&services, "kubernetes")[1..5],
        ["ClusterIP", "10.96.0.1", "<none>", "443/TCP"]
    );
    let store = sim.store();
    store
        .create(
            &resource::CONFIGMAPS,
            "default",
            json!({ "metadata": { "name": "cfg" }, "data": { "a": "1", "b": "2" } }),
        )
        .unwrap();
    assert_eq!(row(&kubectl.ok(&["get", "cm", "cfg"]).await, "cfg")[1], "2");
    let missing = kubectl.fails(&["get", "pod", "ghost"]).await;
    assert!(
        missing.contains("Error from server (NotFound): pods \"ghost\" not found"),
        "{missing}"
    );
    let unknown = kubectl.fails(&["get", "flurbs"]).await;
    assert!(
        unknown.contains("the server doesn't have a resource type \"flurbs\""),
        "{unknown}"
    );
}

#[tokio::test]
async fn get_watch_prints_changes_made_while_it_runs() {
    let sim = TestSim::start().await;
    let Some(kubectl) = sim.kubectl() else { return };
    seed_pods(&sim);
    let mut child = kubectl
        .command(&["get", "pods", "-w"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    line_matching(&mut lines, Duration::from_secs(20), |l| {
        l.starts_with("NAME")
    })
    .await;
    line_matching(&mut lines, Duration::from_secs(20), |l| {
        l.starts_with("web-2")
    })
    .await;
    sim.store()
        .modify_status(&resource::PODS, "default", "web-2", |p| {
            p["status"]["reason"] = json!("Evicted")
        })
        .unwrap();
    let changed = line_matching(&mut lines, Duration::from_secs(20), |l| {
        l.contains("Evicted")
    })
    .await;
    assert!(changed.starts_with("web-2"), "{changed}");
    sim.store()
        .create(&resource::PODS, "default", pod("web-3", json!({}), None))
        .unwrap();
    line_matching(&mut lines, Duration::from_secs(20), |l| {
        l.starts_with("web-3")
    })
    .await;
    child.kill().await.unwrap();
}

#[tokio::test]
async fn describe_shows_objects_with_their_events() {
    let sim = TestSim::start().await;
    let Some(kubectl) = sim.kubectl() else { return };
    seed_pods(&sim);
    let uid = sim
        .store()
        .get(&resource::PODS, "default", "web-1")
        .unwrap()
        .uid()
        .to_string();
    let event = json!({
        "metadata": { "name": "web-1.1" },
        "involvedObject": { "kind": "Pod", "namespace": "default", "name": "web-1", "uid": uid, "apiVersion": "v1" },
        "reason": "Pulled", "message": "Successfully pulled image \"nginx:1.27\"", "type": "Normal",
        "source": { "component": "kubelet", "host": "node-1" }, "count": 1,
        "firstTimestamp": "2024-01-01T00:00:00Z", "lastTimestamp": "2024-01-01T00:00:00Z"
    });
    sim.store()
        .create(&resource::EVENTS, "default", event)
        .unwrap();
    let described = kubectl.ok(&["describe", "pod", "web-1"]).await;
    assert!(
        described.contains("Node:") && described.contains("node-1"),
        "{described}"
    );
    assert!(
        described.contains("Successfully pulled image \"nginx:1.27\""),
        "{described}"
    );
    let other = kubectl.ok(&["describe", "pod", "web-2"]).await;
    assert!(
        other.contains("Events:") && !other.contains("Successfully pulled"),
        "{other}"
    );
    let events = kubectl.ok(&["get", "events"]).await;
    assert!(
        events
            .lines()
            .any(|l| l.contains("Pulled") && l.contains("pod/web-1")),
        "{events}"
    );

    sim.store()
        .create(
            &resource::DEPLOYMENTS,
            "default",
            json!({ "metadata": { "name": "web" }, "spec": {
                "selector": { "matchLabels": { "app": "web" } },
                "template": { "metadata": { "labels": { "app": "web" } }, "spec": { "containers": [{ "name": "app", "image": "nginx:1.27" }] } }
            } }),
        )
        .unwrap();
    let deployment = kubectl.ok(&["describe", "deployment", "web"]).await;
    assert!(
        deployment.contains("Replicas:")
            && deployment.contains("nginx:1.27")
            && deployment.contains("RollingUpdate"),
        "{deployment}"
    );
}

#[tokio::test]
async fn logs_come_from_the_container_buffers() {
    let sim = TestSim::start().await;
    let Some(kubectl) = sim.kubectl() else { return };
    seed_pods(&sim);
    let store = sim.store();
    for line in ["starting", "listening on :80"] {
        store.append_log("default", "web-1", "app", line).unwrap();
    }
    assert_eq!(
        kubectl.ok(&["logs", "web-1"]).await,
        "starting\nlistening on :80\n"
    );
    assert_eq!(
        kubectl.ok(&["logs", "web-1", "--tail", "1"]).await,
        "listening on :80\n"
    );
    let mut child = kubectl
        .command(&["logs", "-f", "web-1"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    line_matching(&mut lines, Duration::from_secs(20), |l| {
        l == "listening on :80"
    })
    .await;
    store
        .append_log("default", "web-1", "app", "GET / 200")
        .unwrap();
    line_matching(&mut lines, Duration::from_secs(20), |l| l == "GET / 200").await;
    child.kill().await.unwrap();
}

#[tokio::test]
async fn api_resources_and_explain() {
    let sim = TestSim::start().await;
    let Some(kubectl) = sim.kubectl() else { return };
    let resources = kubectl.ok(&["api-resources"]).await;
    for (name, short) in [
        ("pods", "po"),
        ("deployments", "deploy"),
        ("services", "svc"),
        ("cronjobs", "cj"),
        ("customresourcedefinitions", "crd,crds"),
    ] {
        assert_eq!(row(&resources, name)[1], short, "{resources}");
    }
    let namespaced = kubectl
        .ok(&["api-resources", "--namespaced=false", "-o", "name"])
        .await;
    assert!(namespaced.lines().any(|l| l == "nodes") && !namespaced.lines().any(|l| l == "pods"));
    for short in [
        "po", "deploy", "svc", "cm", "ns", "rs", "sts", "ds", "ep", "sa", "ev", "cj", "crd",
    ] {
        kubectl.ok(&["get", short, "-A"]).await;
    }
    let explained = kubectl.ok(&["explain", "deployments"]).await;
    assert!(
        explained.contains("KIND:       Deployment") && explained.contains("spec\t<Object>"),
        "{explained}"
    );
}
