//! The forward engine against the simulator with kube-rs: real bytes through the local port,
//! a service resolved to a ready pod, a busy local port, a deployment's pod replaced
//! mid-forward, a bare pod that dies, and a stop that closes the listener.
#![allow(clippy::unwrap_used)]

#[path = "support/sim.rs"]
mod support;

use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Pod, Service};
use kube::api::{Api, DeleteParams, ListParams, PostParams};
use kubevibe::live::forward::{
    self, ForwardEvent, ForwardHandle, ForwardSpec, ForwardState, ForwardTarget,
};
use kubevibe::sim::SimOptions;
use serde_json::json;
use support::{TestSim, eventually};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

const WAIT: Duration = Duration::from_secs(30);

async fn sim() -> TestSim {
    TestSim::start_with(SimOptions {
        speed: 50.0,
        ..SimOptions::default()
    })
    .await
}

/// A forward's events as they come, with a deadline on every wait.
struct Events {
    rx: mpsc::Receiver<ForwardEvent>,
    seen: Vec<ForwardEvent>,
}

impl Events {
    async fn until<T>(
        &mut self,
        what: &str,
        mut found: impl FnMut(&ForwardEvent) -> Option<T>,
    ) -> T {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let event = tokio::time::timeout_at(deadline, self.rx.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for {what}; saw {:#?}", self.seen))
                .unwrap_or_else(|| panic!("the forward ended before {what}; saw {:#?}", self.seen));
            self.seen.push(event.clone());
            if let Some(value) = found(&event) {
                return value;
            }
        }
    }

    async fn listening(&mut self) -> (u16, Option<String>) {
        self.until("the local port", |event| match event {
            ForwardEvent::Listening { port, note } => Some((*port, note.clone())),
            ForwardEvent::State(ForwardState::Failed { error }) => panic!("failed: {error}"),
            _ => None,
        })
        .await
    }

    async fn pod(&mut self) -> (String, Option<String>) {
        self.until("a pod", |event| match event {
            ForwardEvent::Pod { pod, note, .. } => Some((pod.clone(), note.clone())),
            ForwardEvent::State(ForwardState::Failed { error }) => panic!("failed: {error}"),
            _ => None,
        })
        .await
    }
}

async fn start(
    sim: &TestSim,
    target: ForwardTarget,
    remote: u16,
    local: Option<u16>,
) -> (ForwardHandle, Events) {
    let (tx, rx) = mpsc::channel(64);
    let spec = ForwardSpec {
        target,
        remote_port: remote,
        local_port: local,
    };
    let handle = forward::spawn(sim.client().await, spec, tx);
    (
        handle,
        Events {
            rx,
            seen: Vec::new(),
        },
    )
}

fn pod(name: &str) -> ForwardTarget {
    ForwardTarget::Pod {
        namespace: "default".into(),
        name: name.into(),
    }
}

async fn get(port: u16) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    tokio::time::timeout(WAIT, stream.read_to_string(&mut response))
        .await
        .expect("the response ends")
        .unwrap();
    response
}

async fn bare_pod(sim: &TestSim, name: &str) -> Api<Pod> {
    let pods: Api<Pod> = Api::namespaced(sim.client().await, "default");
    let pod: Pod = serde_json::from_value(json!({
        "metadata": {"name": name, "labels": {"run": name}},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                                  "ports": [{"containerPort": 8080}]}]},
    }))
    .unwrap();
    pods.create(&PostParams::default(), &pod).await.unwrap();
    eventually("the pod is ready", WAIT, || async {
        forward::is_ready(&pods.get(name).await.ok()?).then_some(())
    })
    .await;
    pods
}

/// A `web` Deployment (`replicas` pods declaring port 8080 named `http`) and a `web` Service
/// on port 80 → targetPort `http`; returns once the pods are ready.
async fn web_app(sim: &TestSim, replicas: usize) -> Api<Pod> {
    let client = sim.client().await;
    let deployment: Deployment = serde_json::from_value(json!({
        "metadata": {"name": "web"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "app", "image": "nginx:1.27",
                                "ports": [{"name": "http", "containerPort": 8080}]}]}}},
    }))
    .unwrap();
    Api::<Deployment>::namespaced(client.clone(), "default")
        .create(&PostParams::default(), &deployment)
        .await
        .unwrap();
    let service: Service = serde_json::from_value(json!({
        "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"},
                 "ports": [{"name": "http", "port": 80, "targetPort": "http"}]},
    }))
    .unwrap();
    Api::<Service>::namespaced(client.clone(), "default")
        .create(&PostParams::default(), &service)
        .await
        .unwrap();
    let pods: Api<Pod> = Api::namespaced(client, "default");
    eventually("the web pods are ready", WAIT, || async {
        let list = pods
            .list(&ListParams::default().labels("app=web"))
            .await
            .ok()?;
        (list.items.iter().filter(|p| forward::is_ready(p)).count() == replicas).then_some(())
    })
    .await;
    pods
}

#[tokio::test]
async fn http_flows_through_a_pod_forward_and_the_counters_move() {
    let sim = sim().await;
    bare_pod(&sim, "web-1").await;
    let (_handle, mut events) = start(&sim, pod("web-1"), 8080, Some(0)).await;
    let (port, note) = events.listening().await;
    assert_eq!(note, None);
    assert_eq!(events.pod().await.0, "web-1");

    let response = get(port).await;
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(
        response.ends_with("hello from default/web-1 (web) on port 8080\n"),
        "{response}"
    );
    let sent = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".len() as u64;
    let received = response.len() as u64;
    events
        .until("the traffic totals", |event| match event {
            ForwardEvent::Traffic(t)
                if t.bytes_out == sent && t.bytes_in == received && t.total_connections == 1 =>
            {
                Some(())
            }
            _ => None,
        })
        .await;
}

#[tokio::test]
async fn a_service_forward_reaches_a_ready_backing_pod_through_a_named_target_port() {
    let sim = sim().await;
    web_app(&sim, 2).await;
    let service = ForwardTarget::Service {
        namespace: "default".into(),
        name: "web".into(),
    };
    let (_handle, mut events) = start(&sim, service, 80, Some(0)).await;
    let (port, _) = events.listening().await;
    let (chosen, _) = events.pod().await;
    assert!(chosen.starts_with("web-"), "{chosen}");
    let response = get(port).await;
    assert!(
        response.ends_with(&format!("hello from default/{chosen} (app) on port 8080\n")),
        "{response}"
    );
}

#[tokio::test]
async fn a_busy_local_port_is_replaced_by_a_free_one_and_the_reason_is_reported() {
    let sim = sim().await;
    bare_pod(&sim, "web-2").await;
    let taken = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let busy = taken.local_addr().unwrap().port();
    let (_handle, mut events) = start(&sim, pod("web-2"), 8080, Some(busy)).await;
    let (port, note) = events.listening().await;
    assert_ne!(port, busy);
    let note = note.expect("a note saying why");
    assert!(
        note.contains(&format!("local port {busy} is in use")) && note.contains(&port.to_string()),
        "{note}"
    );
    assert!(get(port).await.contains("hello from default/web-2"));
}

#[tokio::test]
async fn a_deleted_deployment_pod_is_replaced_by_a_ready_one_and_new_connections_work() {
    let sim = sim().await;
    let pods = web_app(&sim, 1).await;
    let first = pods
        .list(&ListParams::default().labels("app=web"))
        .await
        .unwrap()
        .items[0]
        .metadata
        .name
        .clone()
        .unwrap();
    let (_handle, mut events) = start(&sim, pod(&first), 8080, Some(0)).await;
    let (port, _) = events.listening().await;
    assert_eq!(events.pod().await.0, first);
    assert!(
        get(port)
            .await
            .contains(&format!("hello from default/{first}"))
    );

    pods.delete(&first, &DeleteParams::default()).await.unwrap();
    let (second, note) = events.pod().await;
    assert_ne!(second, first);
    assert_eq!(
        note.as_deref(),
        Some(format!("reconnected to pod {second} (pod {first} went away)").as_str())
    );
    let response = get(port).await;
    assert!(
        response.ends_with(&format!("hello from default/{second} (app) on port 8080\n")),
        "{response}"
    );
}

#[tokio::test]
async fn a_bare_pod_that_is_deleted_fails_the_forward_with_the_reason() {
    let sim = sim().await;
    let pods = bare_pod(&sim, "web-3").await;
    let (_handle, mut events) = start(&sim, pod("web-3"), 8080, Some(0)).await;
    let (port, _) = events.listening().await;
    pods.delete("web-3", &DeleteParams::default())
        .await
        .unwrap();
    let error = events
        .until("the failure", |event| match event {
            ForwardEvent::State(ForwardState::Failed { error }) => Some(error.clone()),
            _ => None,
        })
        .await;
    assert!(error.starts_with("pod web-3 went away"), "{error}");
    eventually("the local port closes", WAIT, || async {
        TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
            .then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_missing_pod_fails_with_its_name() {
    let sim = sim().await;
    let (_handle, mut events) = start(&sim, pod("nope"), 8080, Some(0)).await;
    let error = events
        .until("the failure", |event| match event {
            ForwardEvent::State(ForwardState::Failed { error }) => Some(error.clone()),
            ForwardEvent::Listening { .. } => panic!("a missing pod is not listened for"),
            _ => None,
        })
        .await;
    assert!(error.contains("pod default/nope"), "{error}");
}

#[tokio::test]
async fn stopping_a_forward_closes_its_listener() {
    let sim = sim().await;
    bare_pod(&sim, "web-4").await;
    let (handle, mut events) = start(&sim, pod("web-4"), 8080, Some(0)).await;
    let (port, _) = events.listening().await;
    assert!(get(port).await.contains("hello from default/web-4"));
    handle.stop();
    eventually("the connection is refused", WAIT, || async {
        TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
            .then_some(())
    })
    .await;
}
