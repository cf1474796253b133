//! The watch pane end to end with the real effect runner against the simulator: the runner
//! builds the kube client from the kubeconfig and context, the pane's store fills with the
//! scenario's pods, a pod deleted on the server disappears from it, and `:deploy` switches
//! the pane to the deployments, `y` shows one as YAML and Enter lists its pods.
#![allow(clippy::unwrap_used)]

#[path = "support/sim.rs"]
mod sim;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, DeleteParams, ListParams};
use kubevibe::app::model::{ClusterInfo, Model, ModelInit};
use kubevibe::app::msg::Msg;
use kubevibe::app::runtime::{CHANNEL_CAPACITY, EffectRunner, Workspace};
use kubevibe::app::update::update;
use kubevibe::live::store::SyncState;
use kubevibe::llm::{ChatRequest, LlmEvent, Provider};
use kubevibe::sim::SimOptions;
use tokio::sync::mpsc;

/// Longest a step may take before the test gives up (a hang, not a speed check).
const GIVE_UP: Duration = Duration::from_secs(30);
const NAMESPACE: &str = "shop";

/// The pane never talks to a model.
struct NoModel;

impl Provider for NoModel {
    fn label(&self) -> String {
        "none".into()
    }
    fn stream(&self, _request: ChatRequest) -> futures::stream::BoxStream<'static, LlmEvent> {
        Box::pin(futures::stream::empty())
    }
}

struct Harness {
    model: Model,
    runner: EffectRunner,
    rx: mpsc::Receiver<Msg>,
}

impl Harness {
    fn new(kubeconfig: std::path::PathBuf, context: &str) -> Self {
        let (tx, rx) = mpsc::channel(CHANNEL_CAPACITY);
        let mut runner = EffectRunner::new(Arc::new(NoModel), tx, None).with_workspace(Workspace {
            kubeconfig: Some(kubeconfig),
            context: Some(context.into()),
            namespace: Some(NAMESPACE.into()),
            ..Workspace::default()
        });
        let cluster = ClusterInfo {
            context: Some(context.into()),
            namespace: NAMESPACE.into(),
            demo: false,
        };
        let mut model = Model::new(ModelInit::new("none", cluster, 120, 40), Instant::now());
        for effect in kubevibe::app::watch::start(&mut model) {
            runner.run(effect);
        }
        Self { model, runner, rx }
    }

    /// Feeds messages to `update` until `done` holds for the model.
    async fn until(&mut self, what: &str, done: impl Fn(&Model) -> bool) {
        let give_up = tokio::time::Instant::now() + GIVE_UP;
        while !done(&self.model) {
            let msg = tokio::time::timeout_at(give_up, self.rx.recv())
                .await
                .unwrap_or_else(|_| panic!("gave up waiting for {what}"))
                .expect("the channel stays open");
            for effect in update(&mut self.model, msg, Instant::now()) {
                self.runner.run(effect);
            }
        }
    }
}

impl Harness {
    fn key(&mut self, code: KeyCode) {
        let key = Msg::Key(KeyEvent::new(code, KeyModifiers::NONE));
        for effect in update(&mut self.model, key, Instant::now()) {
            self.runner.run(effect);
        }
    }

    fn position(&self, name: &str) -> usize {
        let store = &self.model.watch.as_ref().unwrap().store;
        store
            .visible(0, usize::MAX)
            .position(|row| row.name == name)
            .unwrap()
    }
}

fn names(model: &Model) -> BTreeSet<String> {
    let watch = model.watch.as_ref().unwrap();
    watch
        .store
        .visible(0, usize::MAX)
        .map(|row| row.name.to_string())
        .collect()
}

fn state(model: &Model) -> SyncState {
    model.watch.as_ref().unwrap().store.state().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pane_fills_with_the_scenarios_pods_and_follows_deletes() {
    let sim = sim::TestSim::start_with(SimOptions {
        scenario: "demo".into(),
        speed: 50.0,
        ..SimOptions::default()
    })
    .await;
    let pods: Api<Pod> = Api::namespaced(sim.client().await, NAMESPACE);
    sim::eventually("the scenario's checkout pods", GIVE_UP, || async {
        let names = server_names(&pods).await;
        names
            .iter()
            .any(|name| name.starts_with("checkout-"))
            .then_some(())
    })
    .await;

    let mut harness = Harness::new(sim.kubeconfig.clone(), sim::CONTEXT);
    harness.model.focus = kubevibe::app::model::Pane::Watch;
    assert_eq!(state(&harness.model), SyncState::Syncing);
    harness
        .until("the first list", |model| state(model) == SyncState::Live)
        .await;
    let server = server_names(&pods).await;
    harness
        .until("the pane to hold the server's pods", |model| {
            names(model) == server
        })
        .await;

    let gone = server
        .iter()
        .find(|name| name.starts_with("checkout-"))
        .unwrap()
        .clone();
    pods.delete(&gone, &DeleteParams::default().grace_period(0))
        .await
        .unwrap();
    harness
        .until("the deleted pod to leave the pane", |model| {
            !names(model).contains(&gone)
        })
        .await;
    // The replacement the ReplicaSet creates shows up too: the pane matches the server.
    let now = server_names(&pods).await;
    assert!(!now.contains(&gone));
    harness
        .until("the pane to match the server", |model| names(model) == now)
        .await;

    // `:deploy` stops the pod watcher and lists the deployments instead.
    for effect in kubevibe::app::watch::run_command(&mut harness.model, "deploy") {
        harness.runner.run(effect);
    }
    assert_eq!(state(&harness.model), SyncState::Syncing);
    let deployments: Api<Deployment> = Api::namespaced(sim.client().await, NAMESPACE);
    let expected: BTreeSet<String> = deployments
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|d| d.metadata.name.unwrap())
        .collect();
    assert!(expected.contains("checkout"), "{expected:?}");
    harness
        .until("the deployments", |model| {
            state(model) == SyncState::Live && names(model) == expected
        })
        .await;
    assert_eq!(
        harness.model.watch.as_ref().unwrap().store.kind(),
        "deployments"
    );

    // `y` reads the selected deployment in full and shows it as YAML.
    let at = harness.position("checkout");
    harness.model.watch.as_mut().unwrap().view.selected = at;
    harness.key(KeyCode::Char('y'));
    harness
        .until("the YAML", kubevibe::app::watch::yaml_open)
        .await;
    let yaml = harness.model.watch.as_ref().unwrap().yaml.clone().unwrap();
    assert!(yaml.text.contains("kind: Deployment"), "{}", yaml.text);
    assert!(yaml.text.contains("name: checkout"), "{}", yaml.text);
    harness.key(KeyCode::Esc);

    // Enter on it watches the pods its selector matches.
    harness.key(KeyCode::Enter);
    harness
        .until("the deployment's pods", |model| {
            let store = &model.watch.as_ref().unwrap().store;
            store.kind().starts_with("pods -l ") && store.state() == &SyncState::Live
        })
        .await;
    let checkout = server_names(&pods).await;
    let checkout: BTreeSet<String> = checkout
        .into_iter()
        .filter(|name| name.starts_with("checkout-"))
        .collect();
    harness
        .until("only checkout's pods", |model| names(model) == checkout)
        .await;
}

async fn server_names(pods: &Api<Pod>) -> BTreeSet<String> {
    pods.list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|pod| pod.metadata.name.unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unusable_kubeconfig_is_reported_in_the_pane() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-kubeconfig");
    let mut harness = Harness::new(missing.clone(), "nowhere");
    harness
        .until("the pane to report the failure", |model| {
            matches!(state(model), SyncState::Reconnecting { .. })
        })
        .await;
    let SyncState::Reconnecting { error, .. } = state(&harness.model) else {
        unreachable!()
    };
    assert!(
        error.contains(&missing.display().to_string()),
        "the error names the file: {error}"
    );
    // Chat still works: typing reaches the prompt.
    update(
        &mut harness.model,
        Msg::Paste("still here".into()),
        Instant::now(),
    );
    assert_eq!(harness.model.input.text(), "still here");
}
