//! Watches and representations over raw HTTPS: resourceVersion semantics, 410 as an ERROR
//! event, selector transitions, bookmarks, sendInitialEvents, timeouts, Tables and
//! PartialObjectMetadata, and events.k8s.io views of core events.
#![allow(clippy::unwrap_used)]

#[path = "support/sim_http.rs"]
mod http;
#[path = "support/sim.rs"]
mod support;

use std::time::Duration;

use http::{Http, summary};
use kubevibe::sim::resource;
use reqwest::Method;
use serde_json::{Value, json};
use support::TestSim;

const CONFIGMAPS: &str = "/api/v1/namespaces/default/configmaps";
const WAIT: Duration = Duration::from_secs(10);

fn cm(name: &str, tier: &str) -> Value {
    json!({ "metadata": { "name": name, "labels": { "tier": tier } } })
}

fn pair(kind: &str, name: &str) -> (String, String) {
    (kind.to_string(), name.to_string())
}

#[tokio::test]
async fn watches_start_where_asked_and_expire_with_an_error_event() {
    let sim = TestSim::start().await;
    let api = Http::new(&sim);
    api.json(Method::POST, CONFIGMAPS, &cm("old", "a")).await;
    let (_, list) = api.get(CONFIGMAPS).await;
    let rv = list["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();

    let mut from_zero = api
        .watch(&format!("{CONFIGMAPS}?watch=true&resourceVersion=0"))
        .await;
    assert_eq!(
        summary(&from_zero.next_change(WAIT).await),
        pair("ADDED", "old")
    );
    let mut from_list = api
        .watch(&format!("{CONFIGMAPS}?watch=1&resourceVersion={rv}"))
        .await;
    api.json(Method::POST, CONFIGMAPS, &cm("new", "a")).await;
    assert_eq!(
        summary(&from_list.next_change(WAIT).await),
        pair("ADDED", "new")
    );
    assert_eq!(
        summary(&from_zero.next_change(WAIT).await),
        pair("ADDED", "new")
    );
    let mut by_path = api
        .watch("/api/v1/watch/namespaces/default/configmaps/new")
        .await;
    assert_eq!(
        summary(&by_path.next_change(WAIT).await),
        pair("ADDED", "new")
    );

    sim.store().compact_history();
    let expired = from_list.next(WAIT).await.unwrap();
    assert_eq!(expired["type"], "ERROR");
    assert_eq!(
        (
            expired["object"]["code"].as_u64(),
            expired["object"]["reason"].as_str()
        ),
        (Some(410), Some("Expired"))
    );
    assert!(
        from_list.next(WAIT).await.is_none(),
        "the expired watch ends"
    );
    let mut too_old = api
        .watch(&format!("{CONFIGMAPS}?watch=1&resourceVersion={rv}"))
        .await;
    let gone = too_old.next(WAIT).await.unwrap();
    assert_eq!(
        (gone["type"].as_str(), gone["object"]["code"].as_u64()),
        (Some("ERROR"), Some(410))
    );
}

#[tokio::test]
async fn selector_watches_see_objects_enter_and_leave() {
    let sim = TestSim::start().await;
    let api = Http::new(&sim);
    let mut web = api
        .watch(&format!("{CONFIGMAPS}?watch=1&labelSelector=tier%3Dweb"))
        .await;
    let mut named = api
        .watch(&format!(
            "{CONFIGMAPS}?watch=1&fieldSelector=metadata.name%3Dmover"
        ))
        .await;
    api.json(Method::POST, CONFIGMAPS, &cm("mover", "db")).await;
    api.json(Method::POST, CONFIGMAPS, &cm("other", "web"))
        .await;
    assert_eq!(
        summary(&web.next_change(WAIT).await),
        pair("ADDED", "other")
    );
    assert_eq!(
        summary(&named.next_change(WAIT).await),
        pair("ADDED", "mover")
    );
    let relabel = |tier: &str| json!({ "metadata": { "labels": { "tier": tier } } });
    api.patch(
        &format!("{CONFIGMAPS}/mover"),
        "application/merge-patch+json",
        &relabel("web"),
    )
    .await;
    assert_eq!(
        summary(&web.next_change(WAIT).await),
        pair("ADDED", "mover")
    );
    api.patch(
        &format!("{CONFIGMAPS}/mover"),
        "application/merge-patch+json",
        &relabel("db"),
    )
    .await;
    assert_eq!(
        summary(&web.next_change(WAIT).await),
        pair("DELETED", "mover")
    );
    assert_eq!(
        summary(&named.next_change(WAIT).await),
        pair("MODIFIED", "mover")
    );
    assert_eq!(
        summary(&named.next_change(WAIT).await),
        pair("MODIFIED", "mover")
    );
    api.send(api.request(Method::DELETE, &format!("{CONFIGMAPS}/mover")))
        .await;
    assert_eq!(
        summary(&named.next_change(WAIT).await),
        pair("DELETED", "mover")
    );
}

#[tokio::test]
async fn initial_events_bookmarks_and_timeouts() {
    let sim = TestSim::start().await;
    let api = Http::new(&sim);
    for name in ["a", "b"] {
        api.json(Method::POST, CONFIGMAPS, &cm(name, "x")).await;
    }
    let path = format!(
        "{CONFIGMAPS}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true"
    );
    let mut streaming = api.watch(&path).await;
    assert_eq!(
        summary(&streaming.next(WAIT).await.unwrap()),
        pair("ADDED", "a")
    );
    assert_eq!(
        summary(&streaming.next(WAIT).await.unwrap()),
        pair("ADDED", "b")
    );
    let end = streaming.next(WAIT).await.unwrap();
    assert_eq!(end["type"], "BOOKMARK");
    assert_eq!(
        end["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"],
        "true"
    );
    assert_eq!(
        end["object"]["metadata"]["resourceVersion"],
        sim.store().resource_version().to_string()
    );
    // At speed 50 an idle watch is bookmarked every 1.2 s.
    let periodic = streaming.next(WAIT).await.unwrap();
    assert_eq!(periodic["type"], "BOOKMARK");
    assert!(periodic["object"]["metadata"].get("annotations").is_none());

    let bad = api
        .get(&format!("{CONFIGMAPS}?watch=1&sendInitialEvents=true"))
        .await;
    assert_eq!(bad.0, reqwest::StatusCode::BAD_REQUEST);
    let started = tokio::time::Instant::now();
    let mut short = api
        .watch(&format!("{CONFIGMAPS}?watch=1&timeoutSeconds=1"))
        .await;
    while short.next(WAIT).await.is_some() {}
    assert!(started.elapsed() >= Duration::from_millis(900) && started.elapsed() < WAIT);
}

#[tokio::test]
async fn tables_and_partial_metadata_for_lists_gets_and_watches() {
    let sim = TestSim::start().await;
    let api = Http::new(&sim);
    api.json(
        Method::POST,
        CONFIGMAPS,
        &json!({ "metadata": { "name": "c" }, "data": { "a": "1" } }),
    )
    .await;
    let table_accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
    let (_, table) = api
        .send(
            api.request(Method::GET, CONFIGMAPS)
                .header("Accept", table_accept),
        )
        .await;
    assert_eq!(
        (table["kind"].as_str(), table["apiVersion"].as_str()),
        (Some("Table"), Some("meta.k8s.io/v1"))
    );
    let columns: Vec<&str> = table["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(columns, ["Name", "Data", "Age"]);
    assert_eq!(
        table["rows"][0]["cells"].as_array().unwrap()[..2],
        [json!("c"), json!(1)]
    );
    assert_eq!(table["rows"][0]["object"]["kind"], "PartialObjectMetadata");
    let (_, full) = api
        .send(
            api.request(Method::GET, &format!("{CONFIGMAPS}/c?includeObject=Object"))
                .header("Accept", table_accept),
        )
        .await;
    assert_eq!(full["rows"][0]["object"]["data"]["a"], "1");
    let (_, none) = api
        .send(
            api.request(Method::GET, &format!("{CONFIGMAPS}?includeObject=None"))
                .header("Accept", table_accept),
        )
        .await;
    assert!(none["rows"][0].get("object").is_none());
    let metadata_accept = "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io";
    let (_, partial) = api
        .send(
            api.request(Method::GET, CONFIGMAPS)
                .header("Accept", metadata_accept),
        )
        .await;
    assert_eq!(partial["kind"], "PartialObjectMetadataList");
    assert!(
        partial["items"][0].get("data").is_none() && partial["items"][0]["metadata"]["name"] == "c"
    );

    let response = api
        .request(Method::GET, &format!("{CONFIGMAPS}?watch=1"))
        .header("Accept", table_accept)
        .send()
        .await
        .unwrap();
    let mut watch = http::Watch::from_response(response);
    let first = watch.next(WAIT).await.unwrap();
    assert_eq!(
        (first["type"].as_str(), first["object"]["kind"].as_str()),
        (Some("ADDED"), Some("Table"))
    );
    assert_eq!(
        first["object"]["columnDefinitions"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    api.patch(
        &format!("{CONFIGMAPS}/c"),
        "application/merge-patch+json",
        &json!({ "data": { "b": "2" } }),
    )
    .await;
    let second = watch.next(WAIT).await.unwrap();
    assert_eq!(second["object"]["rows"][0]["cells"][1], 2);
    assert!(
        second["object"]["columnDefinitions"]
            .as_array()
            .unwrap()
            .is_empty(),
        "headers only once"
    );
}

#[tokio::test]
async fn core_events_are_served_as_events_k8s_io() {
    let sim = TestSim::start().await;
    let api = Http::new(&sim);
    let event = json!({
        "metadata": { "name": "web.1" },
        "involvedObject": { "kind": "Pod", "name": "web", "namespace": "default" },
        "reason": "Started", "message": "Started container app", "type": "Normal",
        "source": { "component": "kubelet" }
    });
    sim.store()
        .create(&resource::EVENTS, "default", event)
        .unwrap();
    let (_, list) = api
        .get("/apis/events.k8s.io/v1/namespaces/default/events?fieldSelector=regarding.name%3Dweb")
        .await;
    let item = &list["items"][0];
    assert_eq!(
        (item["apiVersion"].as_str(), item["note"].as_str()),
        (Some("events.k8s.io/v1"), Some("Started container app"))
    );
    assert_eq!(
        (
            item["regarding"]["name"].as_str(),
            item["reportingController"].as_str()
        ),
        (Some("web"), Some("kubelet"))
    );
    let (_, core) = api.get("/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dweb,reason%3DStarted").await;
    assert_eq!(core["items"][0]["message"], "Started container app");
    let (_, none) = api
        .get("/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dother")
        .await;
    assert!(none["items"].as_array().unwrap().is_empty());
}
