//! What leaves the machine: a Secret read by an approved command, and a pod spec carrying a
//! token and a JWT in its env and args, reach the model only redacted — checked on every
//! request the provider was given, and on the audit log.
#![allow(clippy::unwrap_used)]

#[path = "support/agent_harness.rs"]
mod harness;
#[path = "support/sim.rs"]
mod sim;

use std::sync::{Arc, Mutex};

use base64::Engine as _;
use crossterm::event::KeyCode;
use futures::stream::BoxStream;
use harness::{Harness, awaiting};
use k8s_openapi::api::core::v1::{Pod, Secret};
use kube::api::{Api, PostParams};
use kubevibe::app::agent_loop::Phase;
use kubevibe::llm::replay::ReplayProvider;
use kubevibe::llm::{ChatRequest, LlmEvent, Provider};
use kubevibe::sim::SimOptions;
use serde_json::json;

const RECORDING: &str = include_str!("fixtures/agent_loop/secret.jsonl");
const PASSWORD: &str = "hunter2-Zq8vW3pL9xK";
const TOKEN: &str = "ghp_R4nd0mT0kenValue1234567890abcdefABCD";
const JWT: &str =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXZhbHVlLWhlcmU";

/// A provider that keeps every request it is given, answering from a replay.
struct Recorder {
    inner: ReplayProvider,
    requests: Arc<Mutex<Vec<ChatRequest>>>,
}

impl Provider for Recorder {
    fn label(&self) -> String {
        self.inner.label()
    }

    fn stream(&self, request: ChatRequest) -> BoxStream<'static, LlmEvent> {
        self.requests.lock().unwrap().push(request.clone());
        self.inner.stream(request)
    }
}

#[tokio::test]
async fn secret_values_read_by_approved_commands_never_reach_the_model() {
    if !sim::kubectl_available() {
        return;
    }
    let sim = sim::TestSim::start_with(SimOptions {
        speed: 50.0,
        ..SimOptions::default()
    })
    .await;
    let client = sim.client().await;
    let secret: Secret = serde_json::from_value(json!({
        "metadata": {"name": "db-credentials"},
        "stringData": {"password": PASSWORD, "url": format!("postgres://app:{PASSWORD}@db:5432/app")},
    }))
    .unwrap();
    Api::<Secret>::namespaced(client.clone(), "default")
        .create(&PostParams::default(), &secret)
        .await
        .unwrap();
    // A pod whose spec carries a token and a JWT (env value and args).
    let pod: Pod = serde_json::from_value(json!({
        "metadata": {"name": "api"},
        "spec": {"containers": [{"name": "api", "image": "api:1",
            "env": [{"name": "GITHUB_TOKEN", "value": TOKEN}],
            "args": [format!("--token={TOKEN}"), format!("--session={JWT}")]}]},
    }))
    .unwrap();
    Api::<Pod>::namespaced(client, "default")
        .create(&PostParams::default(), &pod)
        .await
        .unwrap();

    let requests = Arc::new(Mutex::new(Vec::new()));
    let recorder = Recorder {
        inner: ReplayProvider::from_jsonl("secret.jsonl", RECORDING, 1000.0).unwrap(),
        requests: requests.clone(),
    };
    let data = tempfile::tempdir().unwrap();
    let mut h = Harness::with_provider(&sim, data.path(), Arc::new(recorder));
    h.ask("show me the database credentials");
    h.until("the plan", awaiting).await;
    h.key(KeyCode::Char('A'));
    h.key(KeyCode::Char('y'));
    h.until("the first command's approval or the end", |m| {
        awaiting(m) || (m.agent.phase == Phase::Idle && !m.stream.is_active())
    })
    .await;
    if awaiting(&h.model) {
        h.key(KeyCode::Char('y'));
    }
    h.until("the loop to finish", |m| {
        m.agent.phase == Phase::Idle && !m.stream.is_active()
    })
    .await;
    assert_eq!(h.ran_commands(), 2, "both reads ran");

    let sent = requests.lock().unwrap().clone();
    assert_eq!(sent.len(), 2, "the request, then the outputs");
    let outputs = &sent[1].messages.last().unwrap().content;
    for shown in ["db-credentials", "password", "GITHUB_TOKEN", "--token="] {
        assert!(
            outputs.contains(shown),
            "both outputs went back ({shown} missing): {outputs}"
        );
    }
    let encoded = base64::engine::general_purpose::STANDARD.encode(PASSWORD);
    let mut audit = String::new();
    for file in std::fs::read_dir(data.path().join("audit")).unwrap() {
        audit.push_str(&std::fs::read_to_string(file.unwrap().path()).unwrap());
    }
    for request in &sent {
        let text = serde_json::to_string(request).unwrap();
        for secret in [PASSWORD, encoded.as_str(), TOKEN, JWT] {
            assert!(
                !text.contains(secret),
                "{secret} reached the model:\n{text}"
            );
        }
    }
    for secret in [PASSWORD, encoded.as_str(), TOKEN, JWT] {
        assert!(!audit.contains(secret), "{secret} is in the audit log");
    }
    sim.handle.shutdown().await;
}
