//! The API over raw HTTPS: authentication, the exact Status shapes of failures, paging,
//! dry runs, deletecollection, the scale and status subresources, and pod logs.
#![allow(clippy::unwrap_used)]

#[path = "support/sim_http.rs"]
mod http;
#[path = "support/sim.rs"]
mod support;

use std::time::Duration;

use http::Http;
use kubevibe::sim::resource;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::TestSim;

const PODS: &str = "/api/v1/namespaces/default/pods";
const DEPLOYMENTS: &str = "/apis/apps/v1/namespaces/default/deployments";
const CONFIGMAPS: &str = "/api/v1/namespaces/default/configmaps";

fn deployment(name: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": { "name": name },
        "spec": { "replicas": 1, "selector": { "matchLabels": { "app": name } },
                  "template": { "metadata": { "labels": { "app": name } }, "spec": { "containers": [{ "name": "app", "image": "nginx" }] } } }
    })
}

fn assert_status(body: &Value, code: u16, reason: &str) {
    assert_eq!(
        (body["kind"].as_str(), body["apiVersion"].as_str()),
        (Some("Status"), Some("v1")),
        "{body}"
    );
    assert_eq!(
        (
            body["status"].as_str(),
            body["code"].as_u64(),
            body["reason"].as_str()
        ),
        (Some("Failure"), Some(u64::from(code)), Some(reason)),
        "{body}"
    );
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

#[tokio::test]
async fn requests_need_the_bearer_token_except_version_and_health() {
    let sim = TestSim::start().await;
    let client = sim.http();
    let anonymous = client.get(sim.url(PODS)).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_status(
        &anonymous.json::<Value>().await.unwrap(),
        401,
        "Unauthorized",
    );
    let wrong = client
        .get(sim.url(PODS))
        .bearer_auth("not-the-token")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let version: Value = client
        .get(sim.url("/version"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (version["major"].as_str(), version["minor"].as_str()),
        (Some("1"), Some("32"))
    );
    assert_eq!(
        client
            .get(sim.url("/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let (status, _) = Http::new(&sim).get(PODS).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn failures_have_the_api_server_status_shape() {
    let sim = TestSim::start().await;
    let api = Http::new(&sim);
    let malformed = api
        .request(Method::POST, PODS)
        .header("Content-Type", "application/json")
        .body("{\"metadata\":");
    let (status, body) = api.send(malformed).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_status(&body, 400, "BadRequest");

    let (status, body) = api.get("/api/v1/flurbs").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_status(&body, 404, "NotFound");
    assert_eq!(
        body["message"],
        "the server could not find the requested resource"
    );
    let (_, body) = api.get(&format!("{DEPLOYMENTS}/ghost")).await;
    assert_eq!(body["message"], "deployments.apps \"ghost\" not found");
    assert_eq!(
        body["details"],
        json!({ "name": "ghost", "group": "apps", "kind": "deployments" })
    );

    let (status, created) = api
        .json(Method::POST, DEPLOYMENTS, &deployment("web"))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = api
        .json(Method::POST, DEPLOYMENTS, &deployment("web"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_status(&body, 409, "AlreadyExists");
    api.patch(
        &format!("{DEPLOYMENTS}/web"),
        "application/merge-patch+json",
        &json!({ "spec": { "replicas": 3 } }),
    )
    .await;
    let (status, body) = api
        .json(Method::PUT, &format!("{DEPLOYMENTS}/web"), &created)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_status(&body, 409, "Conflict");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("the object has been modified")
    );

    let (status, body) = api
        .json(
            Method::POST,
            PODS,
            &json!({ "metadata": { "name": "Bad_Name" }, "spec": {} }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_status(&body, 422, "Invalid");
    let fields: Vec<&str> = body["details"]["causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["metadata.name", "spec.containers"]);
    assert_eq!(body["details"]["kind"], "Pod");
    let mut selectorless = deployment("x");
    selectorless["spec"]
        .as_object_mut()
        .unwrap()
        .remove("selector");
    let (_, body) = api.json(Method::POST, DEPLOYMENTS, &selectorless).await;
    assert_eq!(body["details"]["causes"][0]["field"], "spec.selector");

    let huge = format!(
        "{{\"metadata\":{{\"name\":\"big\"}},\"data\":{{\"k\":\"{}\"}}}}",
        "x".repeat(3 * 1024 * 1024)
    );
    let (status, body) = api
        .send(
            api.request(Method::POST, "/api/v1/namespaces/default/configmaps")
                .header("Content-Type", "application/json")
                .body(huge),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_status(&body, 413, "RequestEntityTooLarge");

    let (status, body) = api
        .patch(&format!("{DEPLOYMENTS}/web"), "text/plain", &json!({}))
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_status(&body, 415, "UnsupportedMediaType");
    let (status, _) = api
        .get(&format!("{PODS}?someUnknownParameter=1&pretty=true"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = api.get(&format!("{PODS}?labelSelector=a%20b%20c")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_status(&body, 400, "BadRequest");
    let (status, _) = api
        .send(
            api.request(Method::GET, PODS)
                .header("Accept", "application/vnd.kubernetes.protobuf"),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn lists_page_with_an_opaque_continue_token() {
    let sim = TestSim::start().await;
    let api = Http::new(&sim);
    for i in 0..25 {
        let cm = json!({ "metadata": { "name": format!("cm-{i:02}"), "labels": { "even": (i % 2 == 0).to_string() } } });
        api.json(Method::POST, "/api/v1/namespaces/default/configmaps", &cm)
            .await;
    }
    let mut names = Vec::new();
    let mut next = String::new();
    let mut pages = 0;
    loop {
        let (_, page) = api
            .get(&format!("/api/v1/configmaps?limit=10&continue={next}"))
            .await;
        pages += 1;
        names.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["metadata"]["name"].as_str().unwrap().to_string()),
        );
        match page["metadata"]["continue"].as_str() {
            Some(token) => {
                assert!(page["metadata"]["remainingItemCount"].as_u64().is_some());
                next = token.to_string();
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(
        names,
        (0..25).map(|i| format!("cm-{i:02}")).collect::<Vec<_>>()
    );
    let (_, even) = api
        .get("/api/v1/namespaces/default/configmaps?labelSelector=even%3Dtrue&limit=5")
        .await;
    assert_eq!(even["items"].as_array().unwrap().len(), 5);
    let (status, _) = api
        .get("/api/v1/configmaps?limit=10&continue=not-a-token")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let current = sim.store().resource_version();
    let exact = format!("{CONFIGMAPS}?resourceVersion={current}&resourceVersionMatch=Exact");
    assert_eq!(api.get(&exact).await.0, StatusCode::OK);
    let (status, body) = api
        .get(&format!(
            "{CONFIGMAPS}?resourceVersion=2&resourceVersionMatch=Exact"
        ))
        .await;
    assert_eq!(status, StatusCode::GONE);
    assert_status(&body, 410, "Expired");
}

#[tokio::test]
async fn dry_runs_and_delete_collection() {
    let sim = TestSim::start().await;
    let api = Http::new(&sim);
    let (status, preview) = api
        .json(
            Method::POST,
            &format!("{DEPLOYMENTS}?dryRun=All"),
            &deployment("preview"),
        )
        .await;
    assert_eq!(
        (status, preview["spec"]["replicas"].as_i64()),
        (StatusCode::CREATED, Some(1))
    );
    assert_eq!(
        api.get(&format!("{DEPLOYMENTS}/preview")).await.0,
        StatusCode::NOT_FOUND
    );
    for (name, tier) in [("a", "web"), ("b", "web"), ("c", "db")] {
        let cm = json!({ "metadata": { "name": name, "labels": { "tier": tier } } });
        api.json(Method::POST, "/api/v1/namespaces/default/configmaps", &cm)
            .await;
    }
    let (status, deleted) = api
        .send(api.request(
            Method::DELETE,
            "/api/v1/namespaces/default/configmaps?labelSelector=tier%3Dweb",
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(deleted["items"].as_array().unwrap().len(), 2);
    let (_, left) = api.get("/api/v1/namespaces/default/configmaps").await;
    assert_eq!(left["items"][0]["metadata"]["name"], "c");
}

#[tokio::test]
async fn scale_and_status_subresources() {
    let sim = TestSim::start().await;
    let api = Http::new(&sim);
    for (path, name) in [
        (DEPLOYMENTS, "d"),
        ("/apis/apps/v1/namespaces/default/replicasets", "r"),
        ("/apis/apps/v1/namespaces/default/statefulsets", "s"),
    ] {
        let mut object = deployment(name);
        object["kind"] = json!(match name {
            "d" => "Deployment",
            "r" => "ReplicaSet",
            _ => "StatefulSet",
        });
        object["metadata"]["labels"] = json!({ "app": name });
        assert_eq!(
            api.json(Method::POST, path, &object).await.0,
            StatusCode::CREATED
        );
        let (_, scale) = api.get(&format!("{path}/{name}/scale")).await;
        assert_eq!(
            (scale["kind"].as_str(), scale["spec"]["replicas"].as_i64()),
            (Some("Scale"), Some(1))
        );
        let mut desired = scale.clone();
        desired["spec"]["replicas"] = json!(4);
        let (status, updated) = api
            .json(Method::PUT, &format!("{path}/{name}/scale"), &desired)
            .await;
        assert_eq!(
            (status, updated["spec"]["replicas"].as_i64()),
            (StatusCode::OK, Some(4))
        );
        let (status, _) = api
            .json(Method::PUT, &format!("{path}/{name}/scale"), &desired)
            .await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "a stale Scale resourceVersion conflicts"
        );
        let (_, patched) = api
            .patch(
                &format!("{path}/{name}/scale"),
                "application/merge-patch+json",
                &json!({ "spec": { "replicas": 6 } }),
            )
            .await;
        assert_eq!(patched["spec"]["replicas"], 6);
        let (status, _) = api
            .patch(
                &format!("{path}/{name}/scale"),
                "application/merge-patch+json",
                &json!({ "spec": { "replicas": -1 } }),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (_, mut current) = api.get(&format!("{DEPLOYMENTS}/d")).await;
    current["status"] = json!({ "replicas": 6, "readyReplicas": 6 });
    current["spec"]["replicas"] = json!(1);
    let (_, after_status) = api
        .json(Method::PUT, &format!("{DEPLOYMENTS}/d/status"), &current)
        .await;
    assert_eq!(
        (
            after_status["status"]["readyReplicas"].as_i64(),
            after_status["spec"]["replicas"].as_i64()
        ),
        (Some(6), Some(6))
    );
    let (_, after_main) = api
        .patch(
            &format!("{DEPLOYMENTS}/d"),
            "application/merge-patch+json",
            &json!({ "status": { "readyReplicas": 0 } }),
        )
        .await;
    assert_eq!(after_main["status"]["readyReplicas"], 6);
    let (_, status_view) = api.get(&format!("{DEPLOYMENTS}/d/status")).await;
    assert_eq!(status_view["status"]["replicas"], 6);
    let (_, rs) = api
        .get("/apis/apps/v1/namespaces/default/replicasets?labelSelector=app%3Dr")
        .await;
    assert_eq!(rs["items"][0]["metadata"]["name"], "r");
}

#[tokio::test]
async fn pod_logs_with_every_option() {
    let sim = TestSim::start().await;
    let api = Http::new(&sim);
    let store = sim.store();
    let pod = json!({ "metadata": { "name": "p" }, "spec": { "nodeName": "n1",
        "containers": [{ "name": "app", "image": "x" }, { "name": "proxy", "image": "y" }] } });
    store.create(&resource::PODS, "default", pod).unwrap();
    for line in ["one", "two", "three"] {
        store.append_log("default", "p", "app", line).unwrap();
    }
    let (status, body) = api.get(&format!("{PODS}/p/log")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["message"],
        "a container name must be specified for pod p, choose one of: [app proxy]"
    );
    assert_eq!(
        api.text(&format!("{PODS}/p/log?container=app")).await.1,
        "one\ntwo\nthree\n"
    );
    assert_eq!(
        api.text(&format!("{PODS}/p/log?container=app&tailLines=2"))
            .await
            .1,
        "two\nthree\n"
    );
    assert_eq!(
        api.text(&format!("{PODS}/p/log?container=app&limitBytes=5"))
            .await
            .1,
        "one\nt"
    );
    assert_eq!(
        api.text(&format!("{PODS}/p/log?container=app&sinceSeconds=60"))
            .await
            .1,
        "one\ntwo\nthree\n"
    );
    let (_, stamped) = api
        .text(&format!("{PODS}/p/log?container=app&timestamps=true"))
        .await;
    let first = stamped.lines().next().unwrap();
    assert!(
        first.ends_with(" one")
            && first
                .split(' ')
                .next()
                .unwrap()
                .parse::<jiff::Timestamp>()
                .is_ok(),
        "{first}"
    );
    assert_eq!(
        api.get(&format!("{PODS}/p/log?container=nope")).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        api.get(&format!("{PODS}/p/log?container=app&previous=true"))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    store.restart_log("default", "p", "app");
    store
        .append_log("default", "p", "app", "after restart")
        .unwrap();
    assert_eq!(
        api.text(&format!("{PODS}/p/log?container=app&previous=true"))
            .await
            .1,
        "one\ntwo\nthree\n"
    );

    let response = api
        .request(
            Method::GET,
            &format!("{PODS}/p/log?container=app&follow=true"),
        )
        .send()
        .await
        .unwrap();
    let mut body = response.bytes_stream();
    let mut received = String::new();
    read_until(&mut body, &mut received, "after restart\n").await;
    store
        .append_log("default", "p", "app", "live line")
        .unwrap();
    read_until(&mut body, &mut received, "live line\n").await;
    store
        .delete(
            &resource::PODS,
            "default",
            "p",
            &kubevibe::sim::store::DeleteOptions {
                grace_period_seconds: Some(0),
                ..Default::default()
            },
        )
        .unwrap();
    let end = tokio::time::timeout(Duration::from_secs(10), futures::StreamExt::next(&mut body))
        .await
        .unwrap();
    assert!(end.is_none(), "the follow stream ends when the pod goes");
}

async fn read_until<S>(body: &mut S, received: &mut String, wanted: &str)
where
    S: futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin,
{
    use futures::StreamExt;
    while !received.contains(wanted) {
        let chunk = tokio::time::timeout(Duration::from_secs(10), body.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        received.push_str(std::str::from_utf8(&chunk).unwrap());
    }
}
