//! The loop end to end with the real effect runner: a recorded model, the in-process
//! simulator and the real kubectl. Request → plan → approve → kubectl runs → its output goes
//! back → the next plan is `done` → memory and audit are written. A rejected plan runs nothing.
#![allow(clippy::unwrap_used)]

#[path = "support/cockpit.rs"]
mod cockpit;
#[path = "support/sim.rs"]
mod sim;

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kubevibe::agent::mode::{Guard, Mode};
use kubevibe::app::agent_loop::Phase;
use kubevibe::app::effect::Effect;
use kubevibe::app::model::{ClusterInfo, Model, ModelInit};
use kubevibe::app::msg::Msg;
use kubevibe::app::plan::StepStatus;
use kubevibe::app::runtime::{CHANNEL_CAPACITY, EffectRunner, Workspace};
use kubevibe::app::update::update;
use kubevibe::llm::replay::ReplayProvider;
use kubevibe::store::memory::MemoryStore;
use tokio::sync::mpsc;

const RECORDING: &str = include_str!("fixtures/agent_loop/namespaces.jsonl");
/// Longest the whole exchange may take before the test gives up (a hang, not a speed check).
const GIVE_UP: Duration = Duration::from_secs(60);

struct Harness {
    model: Model,
    runner: EffectRunner,
    rx: mpsc::Receiver<Msg>,
    effects: Vec<Effect>,
}

impl Harness {
    fn new(sim: &sim::TestSim, data_dir: &std::path::Path) -> Self {
        let provider = ReplayProvider::from_jsonl("namespaces.jsonl", RECORDING, 1000.0).unwrap();
        let (tx, rx) = mpsc::channel(CHANNEL_CAPACITY);
        let runner = EffectRunner::new(Arc::new(provider), tx, None).with_workspace(Workspace {
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

    fn apply(&mut self, msg: Msg) {
        for effect in update(&mut self.model, msg, Instant::now()) {
            self.effects.push(effect.clone());
            self.runner.run(effect);
        }
    }

    fn key(&mut self, code: KeyCode) {
        self.apply(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    fn ask(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
        self.key(KeyCode::Enter);
    }

    /// Feed the runner's messages to the model until `done` holds.
    async fn until(&mut self, what: &str, done: impl Fn(&Model) -> bool) {
        let deadline = tokio::time::Instant::now() + GIVE_UP;
        while !done(&self.model) {
            let msg = tokio::time::timeout_at(deadline, self.rx.recv())
                .await
                .unwrap_or_else(|_| panic!("gave up waiting for {what}"))
                .expect("the runner keeps the channel open");
            self.apply(msg);
        }
    }

    fn ran_commands(&self) -> usize {
        self.effects
            .iter()
            .filter(|e| matches!(e, Effect::RunCommand { .. }))
            .count()
    }
}

fn awaiting(model: &Model) -> bool {
    model.plan.as_ref().and_then(|p| p.awaiting()).is_some()
}

#[tokio::test]
async fn approve_runs_kubectl_against_the_simulator_and_the_loop_finishes() {
    if !sim::kubectl_available() {
        return;
    }
    let sim = sim::TestSim::start().await;
    let data = tempfile::tempdir().unwrap();
    let mut h = Harness::new(&sim, data.path());
    h.ask("which namespaces are there?");
    h.until("the first plan", awaiting).await;
    assert_eq!(h.ran_commands(), 0, "confirm mode waits for the key");
    let shown = h
        .model
        .plan
        .as_ref()
        .unwrap()
        .command(0)
        .unwrap()
        .runs
        .clone();
    assert_eq!(
        shown,
        ["kubectl", "--context", sim::CONTEXT, "get", "namespaces"]
    );
    h.key(KeyCode::Char('y'));
    h.until("the loop to finish", |m| {
        m.agent.phase == Phase::Idle && !m.stream.is_active()
    })
    .await;
    let executed = h
        .effects
        .iter()
        .find_map(|e| match e {
            Effect::RunCommand { argv, .. } => Some(argv.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(executed, shown, "what ran is what the pane showed");
    // The real output went back to the model with the step counter.
    let prompt = h.model.agent.last_prompt.as_ref().unwrap();
    let turn = &prompt.messages.last().unwrap().content;
    assert!(turn.contains("Step 2 of 10"), "{turn}");
    assert!(turn.contains("kube-system"), "{turn}");
    assert!(turn.contains("exit 0"), "{turn}");
    // The final plan is done: its summary is in chat, memory is updated and saved.
    let chat: Vec<String> = h
        .model
        .transcript
        .entries()
        .iter()
        .map(|e| e.doc.text().to_string())
        .collect();
    assert!(
        chat.iter()
            .any(|t| t.contains("default and kube-system namespaces")),
        "{chat:?}"
    );
    assert_eq!(
        h.model.memory.text(),
        "namespaces seen: default, kube-system"
    );
    let memory_file = MemoryStore::new(data.path(), sim::CONTEXT)
        .path()
        .to_path_buf();
    assert_eq!(
        std::fs::read_to_string(&memory_file).unwrap(),
        "namespaces seen: default, kube-system"
    );
    let mut audit = String::new();
    for file in std::fs::read_dir(data.path().join("audit")).unwrap() {
        audit.push_str(&std::fs::read_to_string(file.unwrap().path()).unwrap());
    }
    assert!(audit.contains("\"session\":\"e2e\""), "{audit}");
    for event in ["request", "plan", "approved", "executed", "memory_updated"] {
        assert!(
            audit.contains(&format!("\"event\":\"{event}\"")),
            "{event} missing from the audit log:\n{audit}"
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&memory_file)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn a_rejected_plan_runs_nothing() {
    if !sim::kubectl_available() {
        return;
    }
    let sim = sim::TestSim::start().await;
    let data = tempfile::tempdir().unwrap();
    let mut h = Harness::new(&sim, data.path());
    h.ask("which namespaces are there?");
    h.until("the first plan", awaiting).await;
    h.key(KeyCode::Char('n'));
    assert_eq!(h.model.agent.phase, Phase::Idle);
    assert_eq!(h.ran_commands(), 0);
    assert_eq!(
        h.model.plan.as_ref().unwrap().steps[0].status,
        StepStatus::Rejected
    );
    assert!(h.model.memory.text().is_empty());
    sim.handle.shutdown().await;
}
