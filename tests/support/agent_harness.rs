//! A cockpit driven end to end for tests: the real `update`, the real effect runner with a
//! workspace on a simulator, and any provider (usually a replay).
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kubevibe::agent::mode::{Guard, Mode};
use kubevibe::app::effect::Effect;
use kubevibe::app::model::{ClusterInfo, Model, ModelInit};
use kubevibe::app::msg::Msg;
use kubevibe::app::runtime::{CHANNEL_CAPACITY, EffectRunner, Workspace};
use kubevibe::app::update::update;
use kubevibe::llm::Provider;
use kubevibe::llm::replay::ReplayProvider;
use tokio::sync::mpsc;

use super::sim;

/// Longest a whole exchange may take before the test gives up (a hang, not a speed check).
pub const GIVE_UP: Duration = Duration::from_secs(60);

pub struct Harness {
    pub model: Model,
    pub runner: EffectRunner,
    pub rx: mpsc::Receiver<Msg>,
    pub effects: Vec<Effect>,
}

impl Harness {
    /// A cockpit on `sim` in confirm mode whose model plays `recording` (JSONL).
    pub fn new(sim: &sim::TestSim, data_dir: &std::path::Path, recording: &str) -> Self {
        let provider = ReplayProvider::from_jsonl("recording.jsonl", recording, 1000.0).unwrap();
        Self::with_provider(sim, data_dir, Arc::new(provider))
    }

    pub fn with_provider(
        sim: &sim::TestSim,
        data_dir: &std::path::Path,
        provider: Arc<dyn Provider>,
    ) -> Self {
        let (tx, rx) = mpsc::channel(CHANNEL_CAPACITY);
        let runner = EffectRunner::new(provider, tx, None).with_workspace(Workspace {
            kubeconfig: Some(sim.kubeconfig.clone()),
            data_dir: Some(data_dir.to_path_buf()),
            context: Some(sim::CONTEXT.into()),
            namespace: Some("default".into()),
            memory_chars: 2000,
            session: "e2e".into(),
        });
        let init = ModelInit {
            system_prompt: kubevibe::agent::prompt::PLANNER_SYSTEM_PROMPT.into(),
            mode: Mode::Confirm,
            guard: Guard::default(),
            ..ModelInit::new(
                "replay:namespaces",
                ClusterInfo {
                    context: Some(sim::CONTEXT.into()),
                    namespace: "default".into(),
                    demo: false,
                },
                120,
                40,
            )
        };
        Self {
            model: Model::new(init, Instant::now()),
            runner,
            rx,
            effects: Vec::new(),
        }
    }

    pub fn apply(&mut self, msg: Msg) {
        for effect in update(&mut self.model, msg, Instant::now()) {
            self.effects.push(effect.clone());
            self.runner.run(effect);
        }
    }

    pub fn key(&mut self, code: KeyCode) {
        self.apply(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    pub fn ask(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
        self.key(KeyCode::Enter);
    }

    /// Feed the runner's messages to the model until `done` holds.
    pub async fn until(&mut self, what: &str, done: impl Fn(&Model) -> bool) {
        let deadline = tokio::time::Instant::now() + GIVE_UP;
        while !done(&self.model) {
            let msg = tokio::time::timeout_at(deadline, self.rx.recv())
                .await
                .unwrap_or_else(|_| panic!("gave up waiting for {what}"))
                .expect("the runner keeps the channel open");
            self.apply(msg);
        }
    }

    pub fn ran_commands(&self) -> usize {
        self.effects
            .iter()
            .filter(|e| matches!(e, Effect::RunCommand { .. }))
            .count()
    }
}

pub fn awaiting(model: &Model) -> bool {
    model.plan.as_ref().and_then(|p| p.awaiting()).is_some()
}
