//! kube-runtime against the simulator: a watcher relisting after 410 Gone, and reflectors
//! staying equal to the server through churn (with both initial list strategies).
#![allow(clippy::unwrap_used)]

#[path = "support/sim.rs"]
mod support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::runtime::WatchStreamExt;
use kube::runtime::reflector::{self, Store};
use kube::runtime::watcher::{self, Event, InitialListStrategy};
use serde_json::json;
use support::{TestSim, eventually};

fn config_map(name: &str) -> ConfigMap {
    serde_json::from_value(json!({ "metadata": { "name": name }, "data": { "v": "0" } })).unwrap()
}

#[tokio::test]
async fn the_watcher_relists_after_its_resource_version_is_compacted() {
    let sim = TestSim::start().await;
    let api: Api<ConfigMap> = Api::namespaced(sim.client().await, "default");
    api.create(&PostParams::default(), &config_map("before"))
        .await
        .unwrap();
    let config = watcher::Config::default();
    let inits = Arc::new(Mutex::new(Vec::<Vec<String>>::new()));
    let recorder = inits.clone();
    let task = tokio::spawn(async move {
        let mut stream = watcher::watcher(api, config).boxed();
        let mut page = Vec::new();
        while let Some(event) = stream.next().await {
            match event {
                Ok(Event::Init) => page.clear(),
                Ok(Event::InitApply(cm)) => page.push(cm.metadata.name.unwrap()),
                Ok(Event::InitDone) => recorder.lock().unwrap().push(std::mem::take(&mut page)),
                Ok(_) => {}
                // The 410 surfaces as an error; the watcher relists on the next poll.
                Err(_) => {}
            }
        }
    });
    eventually("the first list", Duration::from_secs(10), || async {
        (!inits.lock().unwrap().is_empty()).then_some(())
    })
    .await;

    let api: Api<ConfigMap> = Api::namespaced(sim.client().await, "default");
    api.create(&PostParams::default(), &config_map("after"))
        .await
        .unwrap();
    sim.store().compact_history();

    let relisted = eventually(
        "a relist after 410 Gone",
        Duration::from_secs(15),
        || async {
            let inits = inits.lock().unwrap();
            (inits.len() >= 2).then(|| inits[inits.len() - 1].clone())
        },
    )
    .await;
    task.abort();
    assert_eq!(inits.lock().unwrap()[0], ["before"]);
    let mut relisted = relisted;
    relisted.sort();
    assert_eq!(relisted, ["after", "before"]);
}

/// Names and resourceVersions, as a comparable snapshot.
fn snapshot(items: impl Iterator<Item = ConfigMap>) -> BTreeMap<String, String> {
    items
        .map(|cm| {
            (
                cm.metadata.name.unwrap(),
                cm.metadata.resource_version.unwrap(),
            )
        })
        .collect()
}

async fn churn(api: Api<ConfigMap>, worker: usize) {
    for round in 0..40 {
        let name = format!("w{worker}-{}", round % 10);
        match round % 4 {
            0 | 1 => {
                let _ = api.create(&PostParams::default(), &config_map(&name)).await;
            }
            2 => {
                let patch = Patch::Merge(json!({ "data": { "v": round.to_string() } }));
                let _ = api.patch(&name, &PatchParams::default(), &patch).await;
            }
            _ => {
                let _ = api.delete(&name, &DeleteParams::default()).await;
            }
        }
    }
}

async fn reflector_matches_the_server_after_churn(strategy: InitialListStrategy) {
    let sim = TestSim::start().await;
    let client = sim.client().await;
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    for i in 0..30 {
        api.create(&PostParams::default(), &config_map(&format!("seed-{i}")))
            .await
            .unwrap();
    }
    let (reader, writer) = reflector::store::<ConfigMap>();
    let config = watcher::Config {
        initial_list_strategy: strategy,
        ..watcher::Config::default()
    };
    let stream = reflector::reflector(writer, watcher::watcher(api.clone(), config))
        .default_backoff()
        .touched_objects();
    let task = tokio::spawn(stream.for_each(|_| async {}));
    reader.wait_until_ready().await.unwrap();

    let workers: Vec<_> = (0..4)
        .map(|w| tokio::spawn(churn(Api::namespaced(client.clone(), "default"), w)))
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
    let expected = snapshot(
        api.list(&ListParams::default())
            .await
            .unwrap()
            .items
            .into_iter(),
    );
    assert!(expected.len() > 30, "churn created objects");
    let seen =
        |store: &Store<ConfigMap>| snapshot(store.state().into_iter().map(|cm| (*cm).clone()));
    eventually(
        "the reflector to match a fresh list",
        Duration::from_secs(15),
        || async { (seen(&reader) == expected).then_some(()) },
    )
    .await;
    task.abort();
}

#[tokio::test]
async fn a_listing_reflector_stays_consistent_under_churn() {
    reflector_matches_the_server_after_churn(InitialListStrategy::ListWatch).await;
}

#[tokio::test]
async fn a_streaming_list_reflector_stays_consistent_under_churn() {
    reflector_matches_the_server_after_churn(InitialListStrategy::StreamingList).await;
}
