//! Property test of the router: random paths, queries, headers and bodies, sent in-process.
//! No request may panic, and every non-2xx answer must be a well-formed Status whose code is
//! the HTTP status. The server must still answer normally afterwards. `PROPTEST_CASES` sets
//! the number of requests (default 2000).
#![allow(clippy::unwrap_used)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use kubevibe::sim::bootstrap::bootstrap;
use kubevibe::sim::server::{App, router};
use kubevibe::sim::store::Store;
use proptest::prelude::*;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

const TOKEN: &str = "fuzz-token";

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "api", "apis", "v1", "v2", "apps", "batch", "namespaces", "default", "kube-system", "pods", "deployments",
            "configmaps", "services", "events", "nodes", "status", "scale", "log", "watch", "web", "customresourcedefinitions",
            "apiextensions.k8s.io", "events.k8s.io", "openapi", "v3", "version", "replicasets", "jobs", "finalize",
        ])
        .prop_map(str::to_string),
        1 => "[a-zA-Z0-9._~%-]{0,12}",
        1 => any::<String>().prop_map(|s| s.chars().filter(|c| !c.is_control() && *c != '/' && *c != '?' && *c != '#').take(8).collect()),
    ]
}

fn random_path() -> impl Strategy<Value = String> {
    prop::collection::vec(segment(), 0..8).prop_map(|parts| {
        let encoded: Vec<String> = parts.iter().map(|p| p.replace(' ', "%20")).collect();
        format!("/{}", encoded.join("/"))
    })
}

/// Paths shaped like real API paths: mostly a resource of the right group, sometimes not.
fn api_path() -> impl Strategy<Value = String> {
    let served = prop::sample::select(vec![
        ("/api/v1", "pods"),
        ("/api/v1", "configmaps"),
        ("/api/v1", "secrets"),
        ("/api/v1", "services"),
        ("/api/v1", "events"),
        ("/api/v1", "namespaces"),
        ("/api/v1", "nodes"),
        ("/api/v1", "endpoints"),
        ("/apis/apps/v1", "deployments"),
        ("/apis/apps/v1", "replicasets"),
        ("/apis/apps/v1", "statefulsets"),
        ("/apis/apps/v1", "daemonsets"),
        ("/apis/batch/v1", "jobs"),
        ("/apis/batch/v1", "cronjobs"),
        ("/apis/events.k8s.io/v1", "events"),
        ("/apis/discovery.k8s.io/v1", "endpointslices"),
        ("/apis/apiextensions.k8s.io/v1", "customresourcedefinitions"),
        ("/api/v1/watch", "pods"),
        ("/apis/apps/v2", "flurbs"),
    ]);
    let namespace = prop_oneof![
        1 => Just(String::new()),
        3 => prop::sample::select(vec!["default", "default", "kube-system", "nowhere", "Bad_NS"]).prop_map(|n| format!("/namespaces/{n}")),
    ];
    let name = prop_oneof![
        Just(String::new()),
        prop::sample::select(vec!["web", "default", "kube-system", "x", "Bad_Name"])
            .prop_map(|n| format!("/{n}"))
    ];
    let sub = prop_oneof![3 => Just(""), 1 => prop::sample::select(vec!["/status", "/scale", "/log", "/exec", "/finalize"])];
    (served, namespace, name, sub).prop_map(|((prefix, resource), namespace, name, sub)| {
        let sub = if name.is_empty() { "" } else { sub };
        format!("{prefix}{namespace}/{resource}{name}{sub}")
    })
}

/// The seeded objects and their collections, where writes can succeed.
fn seeded_path() -> impl Strategy<Value = String> {
    let objects = prop::sample::select(vec![
        "/api/v1/namespaces/default/pods",
        "/apis/apps/v1/namespaces/default/deployments",
        "/api/v1/namespaces/default/configmaps",
        "/api/v1/namespaces/default/services",
    ]);
    let rest = prop::sample::select(vec![
        "",
        "/web",
        "/web",
        "/web/status",
        "/web/scale",
        "/web/log",
    ]);
    (objects, rest).prop_map(|(collection, rest)| format!("{collection}{rest}"))
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![4 => seeded_path(), 3 => api_path(), 1 => random_path()]
}

fn query() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "labelSelector",
        "fieldSelector",
        "limit",
        "continue",
        "watch",
        "resourceVersion",
        "resourceVersionMatch",
        "timeoutSeconds",
        "dryRun",
        "propagationPolicy",
        "gracePeriodSeconds",
        "follow",
        "tailLines",
        "sinceSeconds",
        "sendInitialEvents",
        "allowWatchBookmarks",
        "includeObject",
        "container",
        "previous",
        "fieldManager",
        "x",
    ]);
    let value = prop_oneof![
        prop::sample::select(vec![
            "",
            "true",
            "1",
            "0",
            "-1",
            "All",
            "Orphan",
            "a=b",
            "a in (b,c)",
            "!a",
            "metadata.name=web",
            "spec.nodeName!=n",
            "Object",
            "None",
            "NotOlderThan",
            "99999999999999999999",
            "%zz",
            "a%3Db"
        ])
        .prop_map(str::to_string),
        "[ -~]{0,16}",
    ];
    prop::collection::vec((key, value), 0..5).prop_map(|pairs| {
        let parts: Vec<String> = pairs
            .into_iter()
            .map(|(k, v)| {
                // Watches and log follows are bounded so the property runs in finite time.
                let v = if k == "timeoutSeconds" || k == "follow" || k == "watch" {
                    "1".to_string()
                } else {
                    v
                };
                format!(
                    "{k}={}",
                    v.replace(' ', "%20")
                        .replace('#', "%23")
                        .replace('&', "%26")
                )
            })
            .collect();
        parts.join("&")
    })
}

fn object() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[a-zA-Z0-9 ._-]{0,10}".prop_map(Value::from),
    ];
    let random = leaf.prop_recursive(4, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-z$/]{1,8}", inner, 0..4).prop_map(|m| json!(m)),
        ]
    });
    let shaped = (random.clone(), "[a-z0-9-]{0,10}", prop::sample::select(vec!["Pod", "Deployment", "ConfigMap", "Scale", ""]))
        .prop_map(|(spec, name, kind)| json!({ "apiVersion": "v1", "kind": kind, "metadata": { "name": name, "labels": { "a": "b" } }, "spec": spec, "data": { "k": "v" } }));
    prop_oneof![random, shaped]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    let json_patch = prop::collection::vec(
        (prop::sample::select(vec!["add", "remove", "replace", "test", "move", "copy", "bogus"]),
         prop::sample::select(vec!["/spec/replicas", "/metadata/labels/x", "/data/a", "/spec", "/status", "", "/a/b/c", "/spec/ports/0"]),
         object()),
        0..3,
    )
    .prop_map(|ops| {
        let ops: Vec<Value> = ops.into_iter().map(|(op, path, value)| json!({ "op": op, "path": path, "value": value, "from": "/metadata" })).collect();
        Value::from(ops).to_string().into_bytes()
    });
    prop_oneof![
        1 => Just(Vec::new()),
        4 => object().prop_map(|v| v.to_string().into_bytes()),
        2 => json_patch,
        1 => prop::collection::vec(any::<u8>(), 0..64),
        1 => prop::collection::vec(any::<u8>(), 0..64).prop_map(|tail| [b"k8s\x00".as_slice(), &tail].concat()),
        1 => (1usize..300).prop_map(|depth| format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes()),
        1 => Just(b"a: &x [*x, *x]\nb: *x\n".to_vec()),
    ]
}

fn header(choices: Vec<&'static str>) -> impl Strategy<Value = Option<String>> {
    prop_oneof![2 => Just(None), 4 => prop::sample::select(choices).prop_map(|s| Some(s.to_string())), 1 => "[ -~]{0,20}".prop_map(Some)]
}

#[derive(Debug)]
struct Fuzzed {
    method: &'static str,
    uri: String,
    token: Option<String>,
    accept: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

fn request() -> impl Strategy<Value = Fuzzed> {
    let method = prop::sample::select(vec![
        "GET", "GET", "GET", "POST", "POST", "PUT", "PATCH", "PATCH", "DELETE", "HEAD", "OPTIONS",
    ]);
    let token = prop_oneof![18 => Just(Some(TOKEN.to_string())), 1 => Just(None), 1 => Just(Some("wrong".to_string()))];
    let accept = header(vec![
        "application/json",
        "application/json;as=Table;v=v1;g=meta.k8s.io",
        "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io",
        "application/vnd.kubernetes.protobuf",
        "*/*",
    ]);
    let content_type = header(vec![
        "application/json",
        "application/json",
        "application/yaml",
        "application/merge-patch+json",
        "application/merge-patch+json",
        "application/strategic-merge-patch+json",
        "application/json-patch+json",
        "application/apply-patch+yaml",
        "application/vnd.kubernetes.protobuf",
    ]);
    (method, path(), query(), token, accept, content_type, body()).prop_map(
        |(method, path, query, token, accept, content_type, body)| {
            let uri = if query.is_empty() {
                path
            } else {
                format!("{path}?{query}")
            };
            Fuzzed {
                method,
                uri,
                token,
                accept,
                content_type,
                body,
            }
        },
    )
}

/// Well-formed writes to the seeded objects with random contents, so patch merging,
/// validation and defaulting see many shapes.
fn write_request() -> impl Strategy<Value = Fuzzed> {
    let target = prop::sample::select(vec![
        ("/api/v1/namespaces/default/pods", "Pod"),
        ("/apis/apps/v1/namespaces/default/deployments", "Deployment"),
        ("/api/v1/namespaces/default/configmaps", "ConfigMap"),
        ("/api/v1/namespaces/default/services", "Service"),
    ]);
    let patch_type = prop::sample::select(vec![
        "application/merge-patch+json",
        "application/strategic-merge-patch+json",
        "application/apply-patch+yaml",
    ]);
    let sub = prop::sample::select(vec!["", "", "/status", "/scale"]);
    let shaped = (object(), object(), "[a-z][a-z0-9-]{0,8}")
        .prop_map(|(spec, status, name)| (spec, status, name));
    (target, patch_type, sub, shaped, any::<bool>()).prop_map(|((collection, kind), patch_type, sub, (spec, status, name), create)| {
        if create {
            let body = json!({ "kind": kind, "metadata": { "name": name }, "spec": spec, "status": status, "data": { "k": "v" } });
            return Fuzzed { method: "POST", uri: collection.to_string(), token: Some(TOKEN.to_string()), accept: None, content_type: Some("application/json".to_string()), body: body.to_string().into_bytes() };
        }
        let body = json!({ "kind": kind, "metadata": { "labels": { "x": "y" } }, "spec": spec, "status": status });
        Fuzzed {
            method: "PATCH",
            uri: format!("{collection}/web{sub}?fieldManager=fuzz"),
            token: Some(TOKEN.to_string()),
            accept: None,
            content_type: Some(patch_type.to_string()),
            body: body.to_string().into_bytes(),
        }
    })
}

fn build(fuzzed: &Fuzzed) -> Option<Request<Body>> {
    let mut builder = Request::builder().method(fuzzed.method).uri(&fuzzed.uri);
    if let Some(token) = &fuzzed.token {
        builder = builder.header("Authorization", format!("Bearer {token}"));
    }
    for (name, value) in [
        ("Accept", &fuzzed.accept),
        ("Content-Type", &fuzzed.content_type),
    ] {
        if let Some(value) = value {
            builder = builder.header(name, value.as_str());
        }
    }
    // Some generated URIs and header values are not valid HTTP; a server never sees those.
    builder.body(Body::from(fuzzed.body.clone())).ok()
}

fn check_status(status: StatusCode, body: &[u8]) -> Result<(), TestCaseError> {
    let parsed: Value = serde_json::from_slice(body)
        .map_err(|e| TestCaseError::fail(format!("{status}: body is not JSON ({e})")))?;
    prop_assert_eq!(&parsed["kind"], "Status");
    prop_assert_eq!(&parsed["apiVersion"], "v1");
    prop_assert_eq!(&parsed["status"], "Failure");
    prop_assert_eq!(parsed["code"].as_u64(), Some(u64::from(status.as_u16())));
    prop_assert!(
        parsed["reason"].as_str().is_some_and(|r| !r.is_empty()),
        "reason in {}",
        parsed
    );
    prop_assert!(parsed["message"].is_string(), "message in {}", parsed);
    Ok(())
}

/// Objects named `web` for the fuzzed PUT, PATCH and DELETE requests to find.
fn seed(store: &Store) {
    use kubevibe::sim::resource;
    let template = json!({ "metadata": { "labels": { "app": "web" } }, "spec": { "containers": [{ "name": "app", "image": "nginx" }] } });
    let objects = [
        (
            resource::PODS,
            json!({ "metadata": { "name": "web" }, "spec": { "nodeName": "n1", "containers": [{ "name": "app", "image": "nginx" }] } }),
        ),
        (
            resource::DEPLOYMENTS,
            json!({ "metadata": { "name": "web" }, "spec": { "selector": { "matchLabels": { "app": "web" } }, "template": template } }),
        ),
        (
            resource::CONFIGMAPS,
            json!({ "metadata": { "name": "web" }, "data": { "a": "1" } }),
        ),
        (
            resource::SERVICES,
            json!({ "metadata": { "name": "web" }, "spec": { "ports": [{ "port": 80 }] } }),
        ),
    ];
    for (gr, object) in objects {
        store.create(&gr, "default", object).unwrap();
    }
    store.append_log("default", "web", "app", "hello").unwrap();
}

#[test]
fn every_request_gets_an_answer_and_failures_are_statuses() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let fresh_app = || {
        let store = Store::default();
        bootstrap(&store).unwrap();
        seed(&store);
        App::new(store, TOKEN, "127.0.0.1:6443", CancellationToken::new())
    };
    // One long-lived server sees every request in turn; each request also runs against a
    // freshly seeded one, so earlier deletions do not hide the objects later requests target.
    let app = fresh_app();
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000);
    let config = ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let started = std::time::Instant::now();
    proptest!(config, |(fuzzed in prop_oneof![2 => request(), 1 => write_request()])| {
        let Some(request) = build(&fuzzed) else { return Ok(()) };
        let again = build(&fuzzed);
        runtime.block_on(async {
            for (server, request) in [(app.clone(), Some(request)), (fresh_app(), again)] {
                let Some(request) = request else { continue };
                let response = router(server).oneshot(request).await.unwrap();
                let status = response.status();
                // HEAD answers carry no body by definition.
                if !status.is_success() && fuzzed.method != "HEAD" {
                    let body = axum::body::to_bytes(response.into_body(), 8 << 20).await.unwrap();
                    check_status(status, &body)?;
                }
            }
            Ok::<(), TestCaseError>(())
        })?;
    });
    let healthy = runtime.block_on(async {
        let request = Request::get("/api/v1/namespaces")
            .header("Authorization", format!("Bearer {TOKEN}"))
            .body(Body::empty())
            .unwrap();
        router(app.clone()).oneshot(request).await.unwrap().status()
    });
    assert_eq!(
        healthy,
        StatusCode::OK,
        "the server still answers after the fuzzing"
    );
    eprintln!(
        "{cases} fuzzed requests answered in {:.1?}",
        started.elapsed()
    );
}
