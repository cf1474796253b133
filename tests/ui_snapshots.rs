//! Full-frame snapshots of the real cockpit drawn into a `TestBackend`, at 80x24 and 160x48.
#![allow(clippy::unwrap_used)]

#[path = "support/cockpit.rs"]
mod cockpit;

use crossterm::event::KeyCode;
use kubevibe::app::run::draw;
use kubevibe::llm::{LlmError, LlmErrorKind, LlmEvent, Usage};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

use cockpit::Cockpit;

const ANSWER: &str = "## Why `checkout` restarts\n\nThe container exits with **code 1**: the `DATABASE_URL` \
variable is *missing*.\n\n- the pods are in `CrashLoopBackOff`\n- restarts keep rising\n\nAdd the variable:\n\n\
```yaml\nenv:\n  - name: DATABASE_URL\n    valueFrom:\n      secretKeyRef: {name: checkout-db, key: url}\n```\n\n\
Then check the rollout:\n\n```sh\nkubectl -n shop rollout status deploy/checkout\n```\n";

fn frame(c: &mut Cockpit) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(c.model.width, c.model.height)).unwrap();
    draw(&mut terminal, &mut c.model).unwrap();
    terminal
}

fn streamed_answer(width: u16, height: u16) -> Cockpit {
    let mut c = Cockpit::new(width, height);
    let id = c.ask("why is checkout crashlooping?");
    let chunks: Vec<String> = ANSWER
        .chars()
        .collect::<Vec<_>>()
        .chunks(5)
        .map(|c| c.iter().collect())
        .collect();
    let refs: Vec<&str> = chunks.iter().map(String::as_str).collect();
    c.tokens(id, &refs);
    c.stream(
        id,
        LlmEvent::Usage(Usage {
            input_tokens: 1234,
            output_tokens: 96,
        }),
    );
    c.stream(id, LlmEvent::Done);
    c
}

#[test]
fn empty_cockpit() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut c = Cockpit::new(w, h);
        insta::assert_snapshot!(format!("empty_{w}x{h}"), frame(&mut c).backend());
    }
}

#[test]
fn streamed_answer_with_highlighted_code() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut c = streamed_answer(w, h);
        let terminal = frame(&mut c);
        insta::assert_snapshot!(format!("answer_{w}x{h}"), terminal.backend());
    }
    // The yaml block is really highlighted: its row carries more than one foreground color.
    let mut c = streamed_answer(160, 48);
    let terminal = frame(&mut c);
    let buffer = terminal.backend().buffer();
    let row = (0..buffer.area.height)
        .find(|&y| {
            let text: String = (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect();
            text.contains("name: DATABASE_URL")
        })
        .expect("the yaml line is on screen");
    let colors: std::collections::HashSet<Color> = (0..buffer.area.width)
        .map(|x| buffer[(x, row)].fg)
        .filter(|c| *c != Color::Reset)
        .collect();
    assert!(colors.len() >= 2, "yaml line colors: {colors:?}");
}

#[test]
fn an_error_line() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut c = Cockpit::new(w, h);
        let id = c.ask("hello?");
        c.tokens(id, &["Let me ", "check"]);
        let error = LlmError::new(
            LlmErrorKind::ConnectionRefused,
            "connection refused: http://localhost:11434/v1/chat/completions",
        );
        c.stream(id, LlmEvent::Error(error));
        insta::assert_snapshot!(format!("error_{w}x{h}"), frame(&mut c).backend());
    }
}

#[test]
fn help_overlay() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut c = Cockpit::new(w, h);
        c.key(KeyCode::F(1));
        insta::assert_snapshot!(format!("help_{w}x{h}"), frame(&mut c).backend());
    }
}

#[test]
fn too_small_terminal_shows_one_pane() {
    let mut c = streamed_answer(60, 20);
    insta::assert_snapshot!("small_60x20_chat", frame(&mut c).backend());
    c.key(KeyCode::Tab);
    insta::assert_snapshot!("small_60x20_plan", frame(&mut c).backend());
    for (w, h) in [(10, 3), (1, 1), (0, 0)] {
        let mut tiny = Cockpit::new(w, h);
        frame(&mut tiny);
    }
}

/// A cockpit whose plan (one command of `argv`) waits for approval.
fn planned(width: u16, height: u16, argv: &str) -> Cockpit {
    let mut c = Cockpit::new(width, height);
    let id = c.ask("what is wrong with web?");
    let words: Vec<String> = argv
        .split_whitespace()
        .map(|w| format!("\"{w}\""))
        .collect();
    let plan = format!(
        r#"{{"thought":"check what web is doing","actions":[{{"action_type":"command","argv":[{}],"explanation":"see for ourselves"}}]}}"#,
        words.join(",")
    );
    c.tokens(id, &[plan.as_str()]);
    c.stream(id, LlmEvent::Done);
    c
}

#[test]
fn plan_pane_for_each_risk_class() {
    for (risk, argv) in [
        ("read", "kubectl get pods"),
        ("egress", "kubectl logs web-1"),
        ("write", "kubectl scale deployment/web --replicas=3"),
        ("destructive", "kubectl delete pod web-1"),
        ("refused", "kubectl get pods --context=prod"),
    ] {
        for (w, h) in [(80, 24), (160, 48)] {
            let mut c = planned(w, h, argv);
            insta::assert_snapshot!(format!("plan_{risk}_{w}x{h}"), frame(&mut c).backend());
        }
    }
}

#[test]
fn typed_confirmation_prompt() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut c = planned(w, h, "kubectl delete pod web-1");
        c.key(KeyCode::Char('y'));
        c.type_text("web-");
        insta::assert_snapshot!(format!("typed_confirm_{w}x{h}"), frame(&mut c).backend());
    }
}

#[test]
fn memory_pane_with_notes() {
    let mut c = Cockpit::new(160, 48);
    c.model
        .memory
        .set("checkout needs DATABASE_URL from secret checkout-db\nprod context: eu-1");
    c.model.memory.paused = true;
    insta::assert_snapshot!("memory_160x48", frame(&mut c).backend());
}

#[test]
fn prompt_viewer() {
    let mut c = Cockpit::new(80, 24);
    c.ask("why is checkout crashlooping?");
    c.key(KeyCode::F(2));
    insta::assert_snapshot!("prompt_viewer_80x24", frame(&mut c).backend());
}
