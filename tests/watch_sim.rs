//! The watch pane against the simulator with the real effect runner: a CRD created while the
//! cockpit runs is found by `:` and its short name, several namespaces show only theirs, a
//! kind answered 403 says so and names the kinds still visible, and an API server that is not
//! there at start is reported with its cause and retried.
#![allow(clippy::unwrap_used)]

#[path = "support/sim.rs"]
mod sim;
#[path = "support/watch_harness.rs"]
mod watch_harness;

use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, DynamicObject, PostParams};
use kube::core::{ApiResource, GroupVersionKind};
use kubevibe::app::watch::WatchKind;
use kubevibe::live::store::SyncState;
use kubevibe::sim::SimOptions;
use serde_json::json;
use watch_harness::Harness;

async fn crontabs(client: kube::Client) {
    let crd: CustomResourceDefinition = serde_json::from_value(json!({
        "metadata": { "name": "crontabs.stable.example.com" },
        "spec": {
            "group": "stable.example.com", "scope": "Namespaced",
            "names": { "plural": "crontabs", "singular": "crontab", "kind": "CronTab", "shortNames": ["ct"] },
            "versions": [{ "name": "v1", "served": true, "storage": true,
                           "schema": { "openAPIV3Schema": { "type": "object", "x-kubernetes-preserve-unknown-fields": true } } }]
        }
    }))
    .unwrap();
    Api::<CustomResourceDefinition>::all(client.clone())
        .create(&PostParams::default(), &crd)
        .await
        .unwrap();
    let resource = ApiResource::from_gvk(&GroupVersionKind::gvk(
        "stable.example.com",
        "v1",
        "CronTab",
    ));
    let api: Api<DynamicObject> = Api::namespaced_with(client, "default", &resource);
    for name in ["nightly", "hourly"] {
        let object: DynamicObject = serde_json::from_value(json!({
            "apiVersion": "stable.example.com/v1", "kind": "CronTab",
            "metadata": { "name": name }, "spec": { "cronSpec": "* * * * */5" }
        }))
        .unwrap();
        api.create(&PostParams::default(), &object).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crd_created_while_the_cockpit_runs_is_watched_by_its_short_name() {
    let sim = sim::TestSim::start().await;
    let mut harness = Harness::new(sim.kubeconfig.clone(), sim::CONTEXT, "default");
    harness
        .until("the first list and discovery", |h| {
            h.state() == SyncState::Live && h.model.discovery.catalogue.is_some()
        })
        .await;
    let catalogue = harness.model.discovery.catalogue.clone().unwrap();
    assert!(catalogue.find("cm").is_some(), "configmaps are discovered");
    assert!(catalogue.find("ct").is_none(), "no CRD yet");

    crontabs(sim.client().await).await;
    harness.command("ct");
    harness
        .until("the crontabs", |h| {
            h.state() == SyncState::Live && h.names() == ["hourly", "nightly"]
        })
        .await;
    let watch = harness.model.watch.as_ref().unwrap();
    assert_eq!(watch.store.kind(), "crontabs");
    assert!(
        matches!(watch.target.kind, WatchKind::Other(info) if info.group == "stable.example.com")
    );
    let titles: Vec<&str> = watch.store.columns().iter().map(|(_, c)| c.title).collect();
    assert_eq!(titles, ["NAME", "AGE"]);

    // Any discovered built-in kind works too, with NAME and AGE.
    let configmaps: Api<ConfigMap> = Api::namespaced(sim.client().await, "default");
    let cm: ConfigMap =
        serde_json::from_value(json!({ "metadata": { "name": "settings" } })).unwrap();
    configmaps
        .create(&PostParams::default(), &cm)
        .await
        .unwrap();
    harness.command("configmaps");
    harness
        .until("the config maps", |h| {
            h.state() == SyncState::Live && h.names().contains(&"settings".to_string())
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_namespaces_show_only_their_rows() {
    let sim = sim::TestSim::start().await;
    let client = sim.client().await;
    for namespace in ["a", "b", "c"] {
        let ns: Namespace =
            serde_json::from_value(json!({ "metadata": { "name": namespace } })).unwrap();
        Api::<Namespace>::all(client.clone())
            .create(&PostParams::default(), &ns)
            .await
            .unwrap();
        let cm: ConfigMap =
            serde_json::from_value(json!({ "metadata": { "name": format!("in-{namespace}") } }))
                .unwrap();
        Api::<ConfigMap>::namespaced(client.clone(), namespace)
            .create(&PostParams::default(), &cm)
            .await
            .unwrap();
    }
    let mut harness = Harness::new(sim.kubeconfig.clone(), sim::CONTEXT, "default");
    harness
        .until("discovery", |h| h.model.discovery.catalogue.is_some())
        .await;
    harness.command("ns a,b");
    harness.command("cm");
    harness
        .until("the config maps of a and b", |h| {
            h.state() == SyncState::Live && h.names() == ["in-a", "in-b"]
        })
        .await;
    // A change in c never shows; one in b does.
    for (namespace, name) in [("c", "late-c"), ("b", "late-b")] {
        let cm: ConfigMap =
            serde_json::from_value(json!({ "metadata": { "name": name } })).unwrap();
        Api::<ConfigMap>::namespaced(client.clone(), namespace)
            .create(&PostParams::default(), &cm)
            .await
            .unwrap();
    }
    harness
        .until("late-b", |h| h.names().contains(&"late-b".to_string()))
        .await;
    assert_eq!(harness.names(), ["in-a", "in-b", "late-b"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forbidden_kind_says_which_verb_and_which_kinds_are_visible() {
    let sim = sim::TestSim::start_with(SimOptions {
        controllers: false,
        forbidden: vec!["pods".into()],
        ..SimOptions::default()
    })
    .await;
    let mut harness = Harness::new(sim.kubeconfig.clone(), sim::CONTEXT, "default");
    harness
        .until("the 403 with the visible kinds", |h| {
            h.error().is_some_and(|e| e.contains("visible"))
        })
        .await;
    let error = harness.error().unwrap();
    assert!(
        error.starts_with("forbidden: cannot list pods in namespace default"),
        "{error}"
    );
    assert!(error.contains("cannot list resource \"pods\""), "{error}");
    let visible = error.split("visible: ").nth(1).unwrap();
    for kind in ["deployments", "services", "events", "nodes"] {
        assert!(visible.contains(kind), "{error}");
    }
    assert!(!visible.contains("pods"), "{error}");
    assert!(harness.names().is_empty());

    // Other kinds are still watched.
    harness.command("svc");
    harness
        .until("the services", |h| h.state() == SyncState::Live)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_api_server_is_reported_and_retried() {
    let sim = sim::TestSim::start().await;
    // A port nothing listens on: bound, then released.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let yaml = sim
        .handle
        .kubeconfig_yaml(sim::CONTEXT)
        .replace(&sim.handle.base_url(), &format!("https://127.0.0.1:{port}"));
    let kubeconfig = sim.dir.path().join("closed-kubeconfig");
    std::fs::write(&kubeconfig, yaml).unwrap();

    let mut harness = Harness::new(kubeconfig, sim::CONTEXT, "default");
    harness.until("two failed attempts", |h| h.downs >= 2).await;
    let error = harness.error().unwrap();
    assert!(
        error.to_ascii_lowercase().contains("connection refused")
            || error.to_ascii_lowercase().contains("connect"),
        "{error}"
    );
    // Discovery failed too and says why, and the cockpit keeps taking input.
    harness
        .until("discovery's answer", |h| {
            h.model.discovery.running.is_none()
        })
        .await;
    assert!(harness.model.discovery.error.is_some());
    harness.command("gizmos");
    harness
        .until("the unknown kind message", |h| {
            h.model
                .flash
                .as_deref()
                .is_some_and(|f| f.contains("unknown kind"))
        })
        .await;
    assert!(
        harness
            .model
            .flash
            .as_deref()
            .unwrap()
            .contains("discovery failed")
    );
}
