//! Port-forwarding through the simulator with kube-rs's own client: bytes really flow to the
//! pod's stand-in application, unknown ports report on the error channel, and the forward ends
//! when the pod goes away.
#![allow(clippy::unwrap_used)]

#[path = "support/sim.rs"]
mod support;

use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, DeleteParams, PostParams};
use kubevibe::sim::SimOptions;
use serde_json::json;
use support::{TestSim, eventually};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const WAIT: Duration = Duration::from_secs(20);

async fn running_pod(sim: &TestSim, name: &str) -> Api<Pod> {
    let pods: Api<Pod> = Api::namespaced(sim.client().await, "default");
    let pod: Pod = serde_json::from_value(json!({
        "metadata": {"name": name, "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                                  "ports": [{"containerPort": 8080}]}]},
    }))
    .unwrap();
    pods.create(&PostParams::default(), &pod).await.unwrap();
    eventually("the pod runs", WAIT, || async {
        let pod = pods.get(name).await.ok()?;
        (pod.status?.phase.as_deref() == Some("Running")).then_some(())
    })
    .await;
    pods
}

async fn sim() -> TestSim {
    TestSim::start_with(SimOptions {
        speed: 50.0,
        ..SimOptions::default()
    })
    .await
}

#[tokio::test]
async fn http_and_raw_bytes_flow_through_a_forward() {
    let sim = sim().await;
    let pods = running_pod(&sim, "web-1").await;

    let mut forward = pods.portforward("web-1", &[8080]).await.unwrap();
    let mut stream = forward.take_stream(8080).unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(
        response.ends_with("hello from default/web-1 (web) on port 8080\n"),
        "{response}"
    );
    // The read reached the end: the application closed its connection, and the server closed
    // the socket with it, as the kubelet does once every port's connection has ended.
    drop(stream);
    forward.abort();

    let mut echo = pods.portforward("web-1", &[8080]).await.unwrap();
    let mut stream = echo.take_stream(8080).unwrap();
    let payload: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let (mut reader, mut writer) = tokio::io::split(stream);
    let sent = payload.clone();
    let writing = tokio::spawn(async move {
        writer.write_all(&sent).await.unwrap();
        writer
    });
    let mut received = vec![0u8; payload.len()];
    reader.read_exact(&mut received).await.unwrap();
    assert_eq!(received, payload, "the echo returns every byte in order");
    stream = reader.unsplit(writing.await.unwrap());
    drop(stream);
    echo.abort();
}

#[tokio::test]
async fn a_port_nobody_listens_on_reports_on_its_error_channel() {
    let sim = sim().await;
    let pods = running_pod(&sim, "web-2").await;

    let mut forward = pods.portforward("web-2", &[9999]).await.unwrap();
    let error = forward.take_error(9999).unwrap().await;
    let message = error.expect("an error message for the port");
    assert!(
        message.contains("port 9999") && message.contains("connection refused"),
        "{message}"
    );
}

#[tokio::test]
async fn a_forward_ends_when_its_pod_is_deleted_and_a_missing_pod_is_not_found() {
    let sim = sim().await;
    let pods = running_pod(&sim, "web-3").await;

    let mut forward = pods.portforward("web-3", &[8080]).await.unwrap();
    let mut stream = forward.take_stream(8080).unwrap();
    stream.write_all(b"ping").await.unwrap();
    let mut pong = [0u8; 4];
    stream.read_exact(&mut pong).await.unwrap();
    assert_eq!(&pong, b"ping");

    pods.delete("web-3", &DeleteParams::default().grace_period(0))
        .await
        .unwrap();
    let mut rest = Vec::new();
    let ended = tokio::time::timeout(WAIT, stream.read_to_end(&mut rest)).await;
    assert!(matches!(ended, Ok(Ok(0))), "the stream ends: {ended:?}");

    let missing = pods.portforward("web-3", &[8080]).await;
    assert!(missing.is_err(), "a deleted pod cannot be forwarded to");
}
