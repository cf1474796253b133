//! The cockpit's model with the real effect runner, fed by the runner's messages: for watch
//! pane tests against the simulator (or against no server at all).
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use kubevibe::app::model::{ClusterInfo, Model, ModelInit};
use kubevibe::app::msg::Msg;
use kubevibe::app::runtime::{CHANNEL_CAPACITY, EffectRunner, Workspace};
use kubevibe::app::update::update;
use kubevibe::live::store::{Change, SyncState};
use kubevibe::llm::{ChatRequest, LlmEvent, Provider};
use tokio::sync::mpsc;

/// Longest a step may take before the test gives up (a hang, not a speed check).
pub const GIVE_UP: Duration = Duration::from_secs(60);

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

pub struct Harness {
    pub model: Model,
    pub runner: EffectRunner,
    pub tx: mpsc::Sender<Msg>,
    rx: mpsc::Receiver<Msg>,
    /// Watcher batches that reported the watch down.
    pub downs: usize,
}

impl Harness {
    /// A cockpit on `context` of `kubeconfig` watching pods in `namespace`, started.
    pub fn new(kubeconfig: std::path::PathBuf, context: &str, namespace: &str) -> Self {
        let (tx, rx) = mpsc::channel(CHANNEL_CAPACITY);
        let runner =
            EffectRunner::new(Arc::new(NoModel), tx.clone(), None).with_workspace(Workspace {
                kubeconfig: Some(kubeconfig),
                context: Some(context.into()),
                namespace: Some(namespace.into()),
                ..Workspace::default()
            });
        let cluster = ClusterInfo {
            context: Some(context.into()),
            namespace: namespace.into(),
            demo: false,
        };
        let model = Model::new(ModelInit::new("none", cluster, 160, 40), Instant::now());
        let mut harness = Self {
            model,
            runner,
            tx,
            rx,
            downs: 0,
        };
        for effect in kubevibe::app::watch::start(&mut harness.model) {
            harness.runner.run(effect);
        }
        harness
    }

    /// Feeds messages to `update` until `done` holds.
    pub async fn until(&mut self, what: &str, done: impl Fn(&Self) -> bool) {
        let give_up = tokio::time::Instant::now() + GIVE_UP;
        while !done(self) {
            let msg = tokio::time::timeout_at(give_up, self.rx.recv())
                .await
                .unwrap_or_else(|_| panic!("gave up waiting for {what}: {:?}", self.state()))
                .expect("the channel stays open");
            if let Msg::Watch { changes, .. } = &msg
                && changes.iter().any(|c| matches!(c, Change::Down { .. }))
            {
                self.downs += 1;
            }
            for effect in update(&mut self.model, msg, Instant::now()) {
                self.runner.run(effect);
            }
        }
    }

    /// Runs a command-bar line.
    pub fn command(&mut self, line: &str) {
        for effect in kubevibe::app::watch::run_command(&mut self.model, line) {
            self.runner.run(effect);
        }
    }

    pub fn state(&self) -> SyncState {
        self.model.watch.as_ref().unwrap().store.state().clone()
    }

    /// The pane's error while it is down.
    pub fn error(&self) -> Option<String> {
        match self.state() {
            SyncState::Reconnecting { error, .. } => Some(error),
            _ => None,
        }
    }

    pub fn names(&self) -> Vec<String> {
        let store = &self.model.watch.as_ref().unwrap().store;
        let mut names: Vec<String> = store
            .visible(0, usize::MAX)
            .map(|row| row.name.to_string())
            .collect();
        names.sort();
        names
    }

    /// Every chat entry's text.
    pub fn chat(&self) -> Vec<String> {
        self.model
            .transcript
            .entries()
            .iter()
            .map(|entry| entry.doc.text().to_string())
            .collect()
    }
}
