//! The log follower and the events watch against the simulator over real HTTPS with the real
//! kube-rs client: a crash-looping pod's lines (resumed across restarts without repeats), its
//! previous instance, a Deployment's pods merged, a pod added by scaling joining the stream,
//! and the BackOff warnings counted. The line splitter's faults (invalid UTF-8, a 10 MB line,
//! a character split across chunks) go through a loopback HTTP server, which the simulator
//! cannot be made to send.
#![allow(clippy::unwrap_used)]

#[path = "support/sim.rs"]
mod sim;

use std::collections::{BTreeSet, HashSet};
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams, Patch, PatchParams};
use kubevibe::live::events::{EventChange, EventsTarget, aggregate};
use kubevibe::live::logs::stream::{StreamSpec, follow_container};
use kubevibe::live::logs::{LogEvent, LogLine, LogRequest, LogSource, MAX_LINE_BYTES};
use kubevibe::sim::SimOptions;
use sim::{TestSim, eventually};
use tokio::sync::mpsc;

/// Longest a step may take before the test gives up (a hang, not a speed check).
const GIVE_UP: Duration = Duration::from_secs(60);
const CRASH_LINE: &str = "psycopg.OperationalError: connection failed";
const START_LINE: &str = "starting worker pool";

async fn crashloop() -> TestSim {
    TestSim::start_with(SimOptions {
        scenario: "crashloop".into(),
        speed: 100.0,
        ..SimOptions::default()
    })
    .await
}

/// A payments-api pod that has restarted at least once.
async fn restarted_pod(client: &kube::Client) -> String {
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    eventually("a payments-api pod restarted", GIVE_UP, || async {
        let listed = pods.list(&ListParams::default()).await.ok()?;
        listed.items.into_iter().find_map(|pod| {
            let restarts = pod
                .status
                .as_ref()?
                .container_statuses
                .as_ref()?
                .first()?
                .restart_count;
            (restarts >= 1).then(|| pod.metadata.name.unwrap_or_default())
        })
    })
    .await
}

/// Everything the follower sent until `done` holds for the lines so far.
async fn collect_until(
    rx: &mut mpsc::Receiver<LogEvent>,
    what: &str,
    done: impl Fn(&[LogLine]) -> bool,
) -> (Vec<LogLine>, Vec<LogEvent>) {
    let give_up = tokio::time::Instant::now() + GIVE_UP;
    let mut lines = Vec::new();
    let mut others = Vec::new();
    while !done(&lines) {
        let event = tokio::time::timeout_at(give_up, rx.recv())
            .await
            .unwrap_or_else(|_| {
                panic!("gave up waiting for {what}; lines so far: {lines:?}; events: {others:?}")
            })
            .unwrap_or_else(|| panic!("the follower ended before {what}; events: {others:?}"));
        match event {
            LogEvent::Lines(batch) => lines.extend(batch),
            other => others.push(other),
        }
    }
    (lines, others)
}

fn count(lines: &[LogLine], text: &str) -> usize {
    lines.iter().filter(|l| l.text.contains(text)).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_looping_pod_is_followed_across_restarts_and_its_previous_instance_read() {
    let sim = crashloop().await;
    let client = sim.client().await;
    let pod = restarted_pod(&client).await;
    let source = LogSource::Pod {
        namespace: "default".into(),
        name: pod.clone(),
    };

    let (tx, mut rx) = mpsc::channel(64);
    let follow = tokio::spawn(kubevibe::live::logs::run(
        client.clone(),
        LogRequest::new(source.clone()),
        tx,
    ));
    // Two more crashes: the stream ends with each instance and resumes with the next.
    let (lines, events) = collect_until(&mut rx, "the crash lines of later instances", |lines| {
        count(lines, CRASH_LINE) >= 2 && count(lines, START_LINE) >= 2
    })
    .await;
    follow.abort();
    assert!(
        lines
            .iter()
            .all(|l| &*l.pod == pod.as_str() && l.timestamp.is_some())
    );
    let mut seen = HashSet::new();
    for line in &lines {
        assert!(
            seen.insert((line.timestamp, line.text.clone())),
            "a line came twice after a resume: {line:?}"
        );
    }
    let started = events
        .iter()
        .filter(|e| matches!(e, LogEvent::Started { .. }))
        .count();
    assert_eq!(started, 1, "one stream, resumed: {events:?}");

    let previous = LogRequest {
        previous: true,
        ..LogRequest::new(source)
    };
    let (tx, mut rx) = mpsc::channel(64);
    tokio::spawn(kubevibe::live::logs::run(client, previous, tx));
    let (lines, _) = collect_until(&mut rx, "the previous instance's crash", |lines| {
        count(lines, CRASH_LINE) >= 1
    })
    .await;
    assert_eq!(
        count(&lines, START_LINE),
        1,
        "exactly one instance: {lines:?}"
    );
    let ended = tokio::time::timeout(GIVE_UP, rx.recv()).await.unwrap();
    assert!(
        matches!(&ended, Some(LogEvent::Ended { reason, .. }) if reason == "previous log read"),
        "{ended:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deployments_pods_are_merged_and_a_scaled_up_pod_joins() {
    let sim = crashloop().await;
    let client = sim.client().await;
    let source = LogSource::Deployment {
        namespace: "default".into(),
        name: "payments-api".into(),
    };
    let (tx, mut rx) = mpsc::channel(64);
    let follow = tokio::spawn(kubevibe::live::logs::run(
        client.clone(),
        LogRequest::new(source),
        tx,
    ));
    let pods = |lines: &[LogLine]| -> BTreeSet<String> {
        lines.iter().map(|l| l.pod.to_string()).collect()
    };
    let (lines, _) = collect_until(&mut rx, "lines of both pods", |lines| {
        pods(lines).len() >= 2
    })
    .await;
    let before = pods(&lines);
    assert_eq!(before.len(), 2, "{before:?}");

    let deployments: Api<Deployment> = Api::namespaced(client, "default");
    let scale = serde_json::json!({"spec": {"replicas": 3}});
    deployments
        .patch(
            "payments-api",
            &PatchParams::default(),
            &Patch::Merge(&scale),
        )
        .await
        .unwrap();
    let (more, _) = collect_until(&mut rx, "lines of the third pod", |more| {
        pods(more).iter().any(|p| !before.contains(p))
    })
    .await;
    follow.abort();
    let added: Vec<String> = pods(&more)
        .into_iter()
        .filter(|p| !before.contains(p))
        .collect();
    assert_eq!(added.len(), 1, "{added:?}");
    assert!(count(&more, START_LINE) >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn back_off_warnings_of_a_crash_looping_pod_are_counted() {
    let sim = crashloop().await;
    let client = sim.client().await;
    let pod = restarted_pod(&client).await;
    let target = EventsTarget {
        namespace: "default".into(),
        object: Some(("Pod".into(), pod.clone())),
    };
    let (tx, mut rx) = mpsc::channel(16);
    let watch = tokio::spawn(kubevibe::live::events::run(client, target, tx));
    let mut items = std::collections::HashMap::new();
    let give_up = tokio::time::Instant::now() + GIVE_UP;
    let rows = loop {
        let batch = tokio::time::timeout_at(give_up, rx.recv())
            .await
            .expect("BackOff counted twice in time")
            .unwrap();
        for change in batch {
            match change {
                EventChange::Apply(item) => {
                    items.insert(item.uid.clone(), item);
                }
                EventChange::Delete(uid) => {
                    items.remove(&uid);
                }
                _ => {}
            }
        }
        let rows = aggregate(items.values());
        if rows.iter().any(|r| r.reason == "BackOff" && r.count >= 2) {
            break rows;
        }
    };
    watch.abort();
    let backoff = rows.iter().find(|r| r.reason == "BackOff").unwrap();
    assert_eq!(backoff.type_, "Warning");
    assert_eq!(backoff.object, format!("pod/{pod}"));
    assert!(backoff.first_seen <= backoff.last_seen);
    assert!(
        rows.iter().all(|r| r.object == format!("pod/{pod}")),
        "only this pod's events: {rows:?}"
    );
    assert!(
        rows.windows(2).all(|w| w[0].last_seen >= w[1].last_seen),
        "newest first"
    );
}

/// A log endpoint sending invalid UTF-8, a character split across chunks, a 10 MB line and a
/// last line without a newline; the pod itself is gone (404), so the stream ends after it.
async fn fault_server() -> String {
    use axum::body::Body;
    use axum::http::StatusCode;
    use axum::routing::get;

    let log = || async {
        let euro = "€".as_bytes();
        let mut chunks: Vec<Vec<u8>> = vec![
            b"first ok\r\nbad \xff\xfe bytes\nsplit ".to_vec(),
            euro[..1].to_vec(),
            euro[1..].to_vec(),
            b" done\n".to_vec(),
        ];
        let big = vec![b'x'; 64 * 1024];
        chunks.extend((0..160).map(|_| big.clone()));
        chunks.push(b"\nlast line".to_vec());
        let stream = futures::stream::iter(chunks.into_iter().map(Ok::<_, std::io::Error>));
        Body::from_stream(stream)
    };
    let gone = || async {
        let status = serde_json::json!({
            "kind": "Status", "apiVersion": "v1", "status": "Failure",
            "message": "pods \"p\" not found", "reason": "NotFound", "code": 404
        });
        (StatusCode::NOT_FOUND, axum::Json(status))
    };
    let app = axum::Router::new()
        .route("/api/v1/namespaces/ns/pods/p/log", get(log))
        .route("/api/v1/namespaces/ns/pods/p", get(gone));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_utf8_and_a_10_mb_line_arrive_as_bounded_text() {
    let url = fault_server().await;
    let config = kube::Config::new(url.parse().unwrap());
    let client = kube::Client::try_from(config).unwrap();
    let api: Api<Pod> = Api::namespaced(client, "ns");
    let spec = StreamSpec {
        pod: "p".into(),
        container: "c".into(),
        previous: false,
        tail_lines: None,
    };
    let (tx, mut rx) = mpsc::channel(64);
    tokio::spawn(follow_container(api, spec, tx));
    let mut lines = Vec::new();
    loop {
        match tokio::time::timeout(GIVE_UP, rx.recv())
            .await
            .unwrap()
            .unwrap()
        {
            LogEvent::Lines(batch) => lines.extend(batch.into_iter().map(|l| l.text)),
            LogEvent::Ended { reason, .. } => {
                assert_eq!(reason, "pod deleted");
                break;
            }
            _ => {}
        }
    }
    assert_eq!(
        lines.len(),
        5,
        "{:?}",
        lines
            .iter()
            .map(|l| &l[..l.len().min(40)])
            .collect::<Vec<_>>()
    );
    assert_eq!(lines[0], "first ok");
    assert_eq!(lines[1], "bad \u{fffd}\u{fffd} bytes");
    assert_eq!(lines[2], "split € done");
    let cut = 160 * 64 * 1024 - MAX_LINE_BYTES;
    assert!(lines[3].starts_with("xxxx"));
    assert!(
        lines[3].ends_with(&format!(" … ({cut} bytes cut)")),
        "{}",
        &lines[3][MAX_LINE_BYTES..]
    );
    assert!(lines[3].len() < MAX_LINE_BYTES + 64);
    assert_eq!(lines[4], "last line");
}
