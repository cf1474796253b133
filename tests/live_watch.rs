//! The live store fed by the real watcher task against the simulator: it matches the server
//! under churn, drops stale rows when a 410 Gone forces a relist, and resumes after a cut
//! connection without duplicates, reporting Reconnecting while the server is unreachable.
#![allow(clippy::unwrap_used)]

#[path = "support/sim.rs"]
mod support;

#[path = "live_support/mod.rs"]
mod live_support;

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kubevibe::live::projection::{GenericRow, KnownKind, PodRow};
use kubevibe::live::store::SyncState;
use kubevibe::live::watch::WatchSpec;
use kubevibe::sim::resource;
use live_support::{Fed, Proxy, feed};
use serde_json::json;
use support::{TestSim, eventually};

const WAIT: Duration = Duration::from_secs(20);

fn config_map(name: &str) -> ConfigMap {
    serde_json::from_value(json!({ "metadata": { "name": name, "labels": { "v": "0" } } })).unwrap()
}

fn config_maps() -> WatchSpec {
    WatchSpec::new(kube::core::ApiResource::erase::<ConfigMap>(&())).namespace("default")
}

/// uid → (name, labels) of what the server holds.
async fn server(api: &Api<ConfigMap>) -> BTreeMap<String, (String, Vec<(String, String)>)> {
    api.list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|cm| {
            let labels = cm.metadata.labels.unwrap_or_default().into_iter().collect();
            (
                cm.metadata.uid.unwrap(),
                (cm.metadata.name.unwrap(), labels),
            )
        })
        .collect()
}

/// The same view of the store, plus whether every row is visible exactly once.
fn seen(fed: &Fed) -> BTreeMap<String, (String, Vec<(String, String)>)> {
    let store = fed.store.lock().unwrap();
    let visible: Vec<String> = store
        .visible(0, usize::MAX)
        .map(|r| r.uid.to_string())
        .collect();
    let rows: BTreeMap<_, _> = store
        .rows()
        .map(|r| {
            let labels = r
                .labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            (r.uid.to_string(), (r.name.to_string(), labels))
        })
        .collect();
    assert_eq!(visible.len(), rows.len(), "each row is shown once");
    assert_eq!(store.counts().total, rows.len());
    rows
}

async fn matches_server(fed: &Fed, api: &Api<ConfigMap>, what: &str) {
    let api = api.clone();
    eventually(what, WAIT, || {
        let api = api.clone();
        async move {
            let expected = server(&api).await;
            (seen(fed) == expected).then_some(())
        }
    })
    .await;
}

async fn live(fed: &Fed) {
    eventually("the store to go live", WAIT, || async {
        (*fed.store.lock().unwrap().state() == SyncState::Live).then_some(())
    })
    .await;
}

async fn churn(api: Api<ConfigMap>, worker: usize) {
    for round in 0..40 {
        let name = format!("w{worker}-{}", round % 10);
        match round % 4 {
            0 | 1 => {
                let _ = api.create(&PostParams::default(), &config_map(&name)).await;
            }
            2 => {
                let patch =
                    Patch::Merge(json!({ "metadata": { "labels": { "v": round.to_string() } } }));
                let _ = api.patch(&name, &PatchParams::default(), &patch).await;
            }
            _ => {
                let _ = api.delete(&name, &DeleteParams::default()).await;
            }
        }
    }
}

async fn consistent_under_churn(streaming: bool) {
    let sim = TestSim::start().await;
    let client = sim.client().await;
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    for i in 0..30 {
        api.create(&PostParams::default(), &config_map(&format!("seed-{i}")))
            .await
            .unwrap();
    }
    let fed = feed::<GenericRow>(
        client.clone(),
        config_maps().streaming_list(streaming),
        "configmaps",
    );
    live(&fed).await;
    assert_eq!(fed.store.lock().unwrap().counts().total, 30);
    let workers: Vec<_> = (0..4)
        .map(|w| tokio::spawn(churn(api.clone(), w)))
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
    assert!(server(&api).await.len() > 30, "churn created objects");
    matches_server(&fed, &api, "the store to match the server after churn").await;
}

#[tokio::test]
async fn a_paged_list_store_matches_the_server_under_churn() {
    consistent_under_churn(false).await;
}

#[tokio::test]
async fn a_streaming_list_store_matches_the_server_under_churn() {
    consistent_under_churn(true).await;
}

#[tokio::test]
async fn a_relist_after_410_gone_drops_rows_deleted_while_away() {
    let sim = TestSim::start().await;
    let proxy = Proxy::start(sim.handle.addr()).await;
    let api: Api<ConfigMap> = Api::namespaced(sim.client().await, "default");
    for name in ["stays", "goes"] {
        api.create(&PostParams::default(), &config_map(name))
            .await
            .unwrap();
    }
    let fed = feed::<GenericRow>(proxy.client(&sim).await, config_maps(), "configmaps");
    live(&fed).await;
    // One list, or two when the small first page came ahead of the watcher's list.
    let listed = *fed.inits.lock().unwrap();
    assert!((1..=2).contains(&listed), "{listed} lists");

    proxy.down();
    api.delete("goes", &DeleteParams::default()).await.unwrap();
    api.create(&PostParams::default(), &config_map("new"))
        .await
        .unwrap();
    // The delete and the create are gone from the history: resuming must relist.
    sim.store().compact_history();
    eventually("the outage to be reported", WAIT, || async {
        matches!(
            fed.store.lock().unwrap().state(),
            SyncState::Reconnecting { .. }
        )
        .then_some(())
    })
    .await;
    assert!(
        fed.store.lock().unwrap().rows().any(|r| &*r.name == "goes"),
        "while down, the last known rows stay"
    );
    proxy.up();
    matches_server(&fed, &api, "the relisted store to match the server").await;
    live(&fed).await;
    assert!(*fed.inits.lock().unwrap() > listed, "the watcher relisted");
    let names: Vec<String> = fed
        .store
        .lock()
        .unwrap()
        .visible(0, 10)
        .map(|r| r.name.to_string())
        .collect();
    assert_eq!(names, ["new", "stays"]);
}

#[tokio::test]
async fn a_cut_connection_resumes_without_a_relist_or_duplicates() {
    let sim = TestSim::start().await;
    let proxy = Proxy::start(sim.handle.addr()).await;
    let api: Api<ConfigMap> = Api::namespaced(sim.client().await, "default");
    for i in 0..5 {
        api.create(&PostParams::default(), &config_map(&format!("seed-{i}")))
            .await
            .unwrap();
    }
    let fed = feed::<GenericRow>(proxy.client(&sim).await, config_maps(), "configmaps");
    live(&fed).await;
    let listed = *fed.inits.lock().unwrap();

    proxy.down();
    for i in 0..5 {
        api.create(
            &PostParams::default(),
            &config_map(&format!("while-down-{i}")),
        )
        .await
        .unwrap();
    }
    let patch = Patch::Merge(json!({ "metadata": { "labels": { "v": "changed" } } }));
    api.patch("seed-0", &PatchParams::default(), &patch)
        .await
        .unwrap();
    api.delete("seed-1", &DeleteParams::default())
        .await
        .unwrap();
    eventually("the outage to be reported", WAIT, || async {
        (*fed.downs.lock().unwrap() > 0).then_some(())
    })
    .await;
    let reported = fed.store.lock().unwrap().state().clone();
    let SyncState::Reconnecting { error, .. } = reported else {
        panic!("expected Reconnecting while down, got {reported:?}");
    };
    assert!(!error.is_empty());

    proxy.up();
    matches_server(&fed, &api, "the resumed store to match the server").await;
    assert_eq!(
        *fed.inits.lock().unwrap(),
        listed,
        "the watch resumed from its resourceVersion instead of relisting"
    );
    // Back to Live once an event arrives after the outage.
    api.create(&PostParams::default(), &config_map("after"))
        .await
        .unwrap();
    matches_server(&fed, &api, "the event after the outage").await;
    live(&fed).await;
}

#[tokio::test]
async fn a_label_selector_limits_the_rows() {
    let sim = TestSim::start().await;
    let client = sim.client().await;
    for (name, app) in [("a", "web"), ("b", "web"), ("c", "db")] {
        let pod = json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": { "name": name, "namespace": "default", "labels": { "app": app } },
            "spec": { "containers": [{ "name": "c", "image": "nginx" }] }
        });
        sim.store().create(&resource::PODS, "default", pod).unwrap();
    }
    let spec = WatchSpec::new(PodRow::api_resource())
        .namespace("default")
        .labels("app=web");
    let fed = feed::<PodRow>(client, spec, "pods");
    live(&fed).await;
    let names: Vec<String> = fed
        .store
        .lock()
        .unwrap()
        .visible(0, 10)
        .map(|r| r.name.to_string())
        .collect();
    assert_eq!(names, ["a", "b"]);
}
