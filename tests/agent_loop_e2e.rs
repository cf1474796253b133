//! The loop end to end with the real effect runner: a recorded model, the in-process
//! simulator and the real kubectl. Request → plan → approve → kubectl runs → its output goes
//! back → the next plan is `done` → memory and audit are written. A rejected plan runs nothing.
#![allow(clippy::unwrap_used)]

#[path = "support/agent_harness.rs"]
mod harness;
#[path = "support/sim.rs"]
mod sim;

use crossterm::event::KeyCode;
use harness::{Harness, awaiting};
use kubevibe::app::agent_loop::Phase;
use kubevibe::app::effect::Effect;
use kubevibe::app::plan::StepStatus;
use kubevibe::store::memory::MemoryStore;

const RECORDING: &str = include_str!("fixtures/agent_loop/namespaces.jsonl");

#[tokio::test]
async fn approve_runs_kubectl_against_the_simulator_and_the_loop_finishes() {
    if !sim::kubectl_available() {
        return;
    }
    let sim = sim::TestSim::start().await;
    let data = tempfile::tempdir().unwrap();
    let mut h = Harness::new(&sim, data.path(), RECORDING);
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
    let mut h = Harness::new(&sim, data.path(), RECORDING);
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
