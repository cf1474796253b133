//! Pure tests of the cockpit's state machine: no terminal, no network, no clock.
#![allow(clippy::unwrap_used)]

#[path = "support/cockpit.rs"]
mod cockpit;

use std::time::Duration;

use cockpit::Cockpit;
use crossterm::event::{KeyCode, KeyModifiers};
use kubevibe::app::effect::Effect;
use kubevibe::app::journal::AuditEvent;
use kubevibe::app::model::Pane;
use kubevibe::app::msg::Msg;
use kubevibe::app::stream::StreamState;
use kubevibe::app::transcript::EntryKind;
use kubevibe::llm::{LlmError, LlmErrorKind, LlmEvent, Role, Usage};

#[test]
fn enter_sends_the_prompt_with_the_conversation() {
    let mut c = Cockpit::new(100, 30);
    c.type_text("why is web down?");
    let effects = c.key(KeyCode::Enter);
    assert_eq!(effects.len(), 3, "{effects:?}");
    assert_eq!(effects[0], Effect::SaveHistory("why is web down?".into()));
    assert!(matches!(
        &effects[1],
        Effect::Audit(entry)
            if entry.event == AuditEvent::Request { text: "why is web down?".into() }
    ));
    let Effect::StartStream { id, request } = &effects[2] else {
        panic!("{effects:?}")
    };
    assert_eq!(*id, 1);
    assert_eq!(request.system.as_deref(), Some("be brief"));
    assert_eq!(request.messages.len(), 1);
    assert_eq!(request.messages[0].role, Role::User);
    let turn = &request.messages[0].content;
    assert!(
        turn.starts_with("Cluster: context kind-dev, namespace default\n"),
        "{turn}"
    );
    assert!(turn.ends_with("Request: why is web down?"), "{turn}");
    assert!(c.model.input.is_empty());
    assert!(matches!(
        c.model.stream,
        StreamState::Connecting { retry: None, .. }
    ));
    assert_eq!(c.transcript(), vec!["why is web down?"]);
}

#[test]
fn empty_prompt_sends_nothing() {
    let mut c = Cockpit::new(100, 30);
    c.type_text("   ");
    assert!(c.key(KeyCode::Enter).is_empty());
    assert_eq!(c.model.stream, StreamState::Idle);
}

#[test]
fn tokens_stream_into_one_answer_and_done_counts_usage() {
    let mut c = Cockpit::new(100, 30);
    let id = c.ask("hi");
    c.tokens(id, &["Hel", "lo", " there"]);
    assert_eq!(c.transcript(), vec!["hi", "Hello there"]);
    let StreamState::Streaming { chunks, .. } = c.model.stream else {
        panic!("{:?}", c.model.stream)
    };
    assert_eq!(chunks, 3);
    // Two gaps of 10 ms between three tokens: 100 tok/s.
    assert!((c.model.stream.rate().unwrap() - 100.0).abs() < 1e-6);
    c.stream(
        id,
        LlmEvent::Usage(Usage {
            input_tokens: 1_000_000,
            output_tokens: 500_000,
        }),
    );
    c.stream(id, LlmEvent::Done);
    // Prose is not a plan: one re-ask goes out, and the answer so far is counted.
    let reask = c.model.stream_id;
    assert_eq!(reask, id + 1);
    assert!(matches!(c.model.stream, StreamState::Connecting { .. }));
    assert_eq!(
        c.model.usage.total(),
        Usage {
            input_tokens: 1_000_000,
            output_tokens: 500_000
        }
    );
    // $2 per million in, $8 per million out.
    assert!((c.model.cost().unwrap() - 6.0).abs() < 1e-9);
    // Prose again after the re-ask is shown as text, and the loop ends.
    c.tokens(reask, &["still", " prose"]);
    c.stream(reask, LlmEvent::Done);
    assert!(matches!(
        c.model.stream,
        StreamState::Done { chunks: 2, .. }
    ));
    assert_eq!(c.transcript().last().unwrap(), "still prose");
    // A second answer adds to the session.
    let id = c.ask("again");
    c.tokens(id, &["ok"]);
    c.stream(
        id,
        LlmEvent::Usage(Usage {
            input_tokens: 10,
            output_tokens: 1,
        }),
    );
    c.stream(id, LlmEvent::Done);
    assert_eq!(c.model.usage.total().input_tokens, 1_000_010);
}

#[test]
fn the_conversation_carries_earlier_turns_but_not_notes() {
    let mut c = Cockpit::new(100, 30);
    let id = c.ask("first");
    let plan =
        r#"{"thought":"nothing to run","actions":[{"action_type":"done","summary":"all good"}]}"#;
    c.tokens(id, &[plan]);
    c.stream(id, LlmEvent::Done);
    c.send(Msg::Notice {
        text: "a note for the operator only".into(),
        error: false,
    });
    c.type_text("second");
    let effects = c.key(KeyCode::Enter);
    let Some(Effect::StartStream { request, .. }) = effects
        .iter()
        .find(|e| matches!(e, Effect::StartStream { .. }))
    else {
        panic!("{effects:?}")
    };
    let turns: Vec<_> = request
        .messages
        .iter()
        .map(|m| (m.role, m.content.as_str()))
        .collect();
    assert_eq!(turns.len(), 3, "{turns:?}");
    assert_eq!(turns[0], (Role::User, "first"));
    assert_eq!(turns[1], (Role::Assistant, plan));
    assert!(turns[2].1.ends_with("Request: second"), "{turns:?}");
    assert!(!turns.iter().any(|(_, text)| text.contains("operator only")));
}

#[test]
fn an_error_keeps_tokens_and_adds_one_line_with_cause_and_fix() {
    let mut c = Cockpit::new(100, 30);
    let id = c.ask("hi");
    c.tokens(id, &["partial ", "answer"]);
    let error = LlmError::new(
        LlmErrorKind::Auth,
        "401 Unauthorized from http://127.0.0.1:1/v1/chat/completions",
    );
    c.stream(id, LlmEvent::Error(error.clone()));
    let entries = c.model.transcript.entries();
    assert_eq!(entries[1].kind, EntryKind::Assistant);
    assert_eq!(entries[1].doc.text(), "partial answer");
    assert_eq!(entries[2].kind, EntryKind::Error);
    assert!(entries[2].doc.text().contains("401 Unauthorized"));
    assert!(entries[2].doc.text().contains(error.hint()));
    assert!(matches!(c.model.stream, StreamState::Failed(_)));
    // The cockpit stays usable: the next prompt goes out.
    let next = c.ask("retry");
    assert_eq!(next, id + 1);
}

#[test]
fn retrying_shows_in_the_stream_state_before_the_first_token() {
    let mut c = Cockpit::new(100, 30);
    let id = c.ask("hi");
    c.stream(
        id,
        LlmEvent::Retrying {
            attempt: 1,
            delay: Duration::from_secs(2),
            reason: "429".into(),
        },
    );
    let StreamState::Connecting {
        retry: Some((attempt, delay, _)),
        ..
    } = &c.model.stream
    else {
        panic!("{:?}", c.model.stream)
    };
    assert_eq!((*attempt, *delay), (1, Duration::from_secs(2)));
    c.tokens(id, &["ok"]);
    assert!(matches!(c.model.stream, StreamState::Streaming { .. }));
}

#[test]
fn esc_cancels_keeps_the_partial_answer_and_ignores_late_tokens() {
    let mut c = Cockpit::new(100, 30);
    let id = c.ask("hi");
    c.tokens(id, &["part"]);
    let effects = c.key(KeyCode::Esc);
    assert_eq!(effects[0], Effect::CancelStream { id });
    assert!(!effects.contains(&Effect::Quit));
    assert_eq!(c.model.stream, StreamState::Cancelled);
    c.tokens(id, &["late"]);
    c.stream(id, LlmEvent::Done);
    assert_eq!(c.transcript()[1], "part");
    assert_eq!(c.model.stream, StreamState::Cancelled);
    assert_eq!(
        c.model.transcript.entries().last().unwrap().kind,
        EntryKind::Info
    );
}

#[test]
fn ctrl_c_cancels_first_then_quits() {
    let mut c = Cockpit::new(100, 30);
    let id = c.ask("hi");
    let first = c.key_with(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(first[0], Effect::CancelStream { id });
    assert!(!first.contains(&Effect::Quit));
    assert!(!c.model.quitting);
    let second = c.key_with(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(second, vec![Effect::Quit]);
    assert!(c.model.quitting);
}

#[test]
fn quitting_mid_stream_cancels_it() {
    let mut c = Cockpit::new(100, 30);
    let id = c.ask("hi");
    assert_eq!(
        c.send(Msg::Shutdown),
        vec![Effect::CancelStream { id }, Effect::Quit]
    );
}

#[test]
fn enter_while_streaming_keeps_the_draft_and_says_why() {
    let mut c = Cockpit::new(100, 30);
    let id = c.ask("hi");
    c.tokens(id, &["x"]);
    c.type_text("next");
    assert!(c.key(KeyCode::Enter).is_empty());
    assert_eq!(c.model.input.text(), "next");
    assert!(c.model.flash.as_deref().unwrap().contains("Esc"));
}

#[test]
fn q_is_text_in_chat_and_quits_elsewhere() {
    let mut c = Cockpit::new(100, 30);
    assert!(c.key(KeyCode::Char('q')).is_empty());
    assert_eq!(c.model.input.text(), "q");
    c.key(KeyCode::Tab);
    assert_eq!(c.model.focus, Pane::Plan);
    assert_eq!(c.key(KeyCode::Char('q')), vec![Effect::Quit]);
}

#[test]
fn tab_and_shift_tab_cycle_focus() {
    let mut c = Cockpit::new(100, 30);
    let mut seen = vec![c.model.focus];
    for _ in 0..4 {
        c.key(KeyCode::Tab);
        seen.push(c.model.focus);
    }
    assert_eq!(
        seen,
        vec![
            Pane::Chat,
            Pane::Plan,
            Pane::Watch,
            Pane::Memory,
            Pane::Chat
        ]
    );
    c.key_with(KeyCode::BackTab, KeyModifiers::SHIFT);
    assert_eq!(c.model.focus, Pane::Memory);
}

#[test]
fn help_opens_from_a_pane_and_esc_closes_it() {
    let mut c = Cockpit::new(100, 30);
    c.key(KeyCode::Char('?'));
    assert!(!c.model.help_open, "? is text in the chat input");
    c.key(KeyCode::F(1));
    assert!(c.model.help_open);
    c.key(KeyCode::Esc);
    assert!(!c.model.help_open);
    c.key(KeyCode::Tab);
    c.key(KeyCode::Char('?'));
    assert!(c.model.help_open);
}

#[test]
fn up_and_down_recall_prompts_and_keep_the_draft() {
    let mut c = Cockpit::new(100, 30);
    c.type_text("draft");
    c.key(KeyCode::Up);
    assert_eq!(c.model.input.text(), "describe node");
    c.key(KeyCode::Up);
    assert_eq!(c.model.input.text(), "get pods");
    c.key(KeyCode::Up);
    assert_eq!(c.model.input.text(), "get pods", "the oldest stays");
    c.key(KeyCode::Down);
    c.key(KeyCode::Down);
    assert_eq!(c.model.input.text(), "draft");
}

#[test]
fn alt_enter_adds_a_line_and_up_moves_within_it() {
    let mut c = Cockpit::new(100, 30);
    c.type_text("one");
    c.key_with(KeyCode::Enter, KeyModifiers::ALT);
    c.type_text("two");
    assert_eq!(c.model.input.text(), "one\ntwo");
    c.key(KeyCode::Up);
    assert_eq!(
        c.model.input.text(),
        "one\ntwo",
        "Up on the second line moves the cursor, not history"
    );
    c.key(KeyCode::Up);
    assert_eq!(c.model.input.text(), "describe node");
}

#[test]
fn paste_goes_into_the_prompt_whatever_has_focus() {
    let mut c = Cockpit::new(100, 30);
    c.key(KeyCode::Tab);
    c.send(Msg::Paste("line one\r\nline two".into()));
    assert_eq!(c.model.focus, Pane::Chat);
    assert_eq!(c.model.input.text(), "line one\nline two");
}

#[test]
fn the_view_follows_the_stream_unless_scrolled_up() {
    let mut c = Cockpit::new(80, 24);
    let id = c.ask("list");
    for i in 0..100 {
        c.tokens(id, &[&format!("line {i}\n\n")]);
    }
    let height = usize::from(c.model.layout().transcript.height);
    assert!(c.model.transcript.is_following());
    assert_eq!(c.model.transcript.rows_below(height), 0);
    c.key(KeyCode::PageUp);
    assert!(!c.model.transcript.is_following());
    let top = c.model.transcript.top(height);
    c.tokens(id, &["more\n\n", "and more\n\n"]);
    assert_eq!(
        c.model.transcript.top(height),
        top,
        "scrolled-up view stays put"
    );
    assert!(c.model.transcript.rows_below(height) > 0);
    c.key_with(KeyCode::End, KeyModifiers::CONTROL);
    assert!(c.model.transcript.is_following());
    assert_eq!(c.model.transcript.rows_below(height), 0);
    // Scrolling back down to the bottom by pages resumes following too.
    c.key(KeyCode::PageUp);
    for _ in 0..10 {
        c.key(KeyCode::PageDown);
    }
    assert!(c.model.transcript.is_following());
}

#[test]
fn mouse_wheel_scrolls_the_pane_under_the_pointer() {
    use crossterm::event::{MouseEvent, MouseEventKind};
    let mut c = Cockpit::new(80, 24);
    let id = c.ask("list");
    for i in 0..50 {
        c.tokens(id, &[&format!("row {i}\n\n")]);
    }
    let chat = c.model.layout().transcript;
    c.send(Msg::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollUp,
        column: chat.x + 1,
        row: chat.y + 1,
        modifiers: KeyModifiers::NONE,
    }));
    assert!(!c.model.transcript.is_following());
}

#[test]
fn small_terminals_switch_to_one_pane() {
    let mut c = Cockpit::new(100, 30);
    assert!(!c.model.layout().single);
    c.send(Msg::Resize {
        width: 60,
        height: 20,
    });
    assert!(c.model.layout().single);
    c.key(KeyCode::Tab);
    assert!(c.model.layout().plan.area() > 0);
    assert_eq!(c.model.layout().chat.area(), 0);
}

#[test]
fn events_of_an_old_stream_are_ignored() {
    let mut c = Cockpit::new(100, 30);
    let first = c.ask("one");
    c.key(KeyCode::Esc);
    let second = c.ask("two");
    c.tokens(first, &["stale"]);
    c.tokens(second, &["fresh"]);
    assert_eq!(c.transcript().last().unwrap(), "fresh");
    assert!(!c.transcript().iter().any(|t| t == "stale"));
}

#[test]
fn entries_far_from_view_are_parked_and_come_back_identical() {
    let mut c = Cockpit::new(80, 24);
    for i in 0..40 {
        let id = c.ask(&format!("question {i}"));
        c.tokens(
            id,
            &["## heading\n\n", "- one\n- two\n\n", "```yaml\na: 1\n```\n"],
        );
        c.stream(id, LlmEvent::Done);
        // Prose is re-asked once; Esc stops that, leaving the answer on screen.
        c.key(KeyCode::Esc);
    }
    let entries = c.model.transcript.entries();
    assert!(
        entries[0].doc.is_parked(),
        "the oldest answer is far from view"
    );
    assert!(
        !entries[entries.len() - 1].doc.is_parked(),
        "the newest is shown"
    );
    let heights: Vec<usize> = entries.iter().map(|e| e.doc.height()).collect();
    c.key_with(KeyCode::Home, KeyModifiers::CONTROL);
    let entries = c.model.transcript.entries();
    assert!(!entries[0].doc.is_parked(), "scrolling up brings it back");
    assert_eq!(
        entries.iter().map(|e| e.doc.height()).collect::<Vec<_>>(),
        heights
    );
    assert_eq!(entries[1].doc.lines(0..1)[0].to_string(), "## heading");
}
