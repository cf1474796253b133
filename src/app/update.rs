//! `update`: the cockpit's state machine. Pure — no I/O, no async, no clock (time comes in).

use std::time::Instant;

use crossterm::event::{KeyEvent, KeyEventKind, MouseEvent, MouseEventKind};

use crate::app::effect::Effect;
use crate::app::keymap::{Action, Scope};
use crate::app::model::{Model, PLACEHOLDER, Pane};
use crate::app::msg::Msg;
use crate::app::stream::StreamState;
use crate::app::transcript::EntryKind;
use crate::llm::{ChatMessage, ChatRequest, LlmEvent, Role};
use crate::ui::markdown::MarkdownDoc;

/// Rows the mouse wheel scrolls.
const WHEEL_ROWS: isize = 3;
/// Conversation turns sent with each request (older ones stay on screen only).
const CONTEXT_TURNS: usize = 40;

pub fn update(model: &mut Model, msg: Msg, now: Instant) -> Vec<Effect> {
    match msg {
        Msg::Key(key) if key.kind == KeyEventKind::Release => Vec::new(),
        Msg::Key(key) => {
            model.dirty = true;
            model.flash = None;
            on_key(model, key, now)
        }
        Msg::Paste(text) => {
            model.dirty = true;
            model.focus = Pane::Chat;
            model.input.insert_text(&text);
            Vec::new()
        }
        Msg::Mouse(mouse) => on_mouse(model, mouse),
        Msg::Resize { width, height } => {
            model.width = width;
            model.height = height;
            model.dirty = true;
            Vec::new()
        }
        Msg::Llm { stream, event } if stream == model.stream_id && model.stream.is_active() => {
            model.dirty = true;
            on_stream_event(model, event, now);
            Vec::new()
        }
        Msg::Llm { .. } => Vec::new(),
        Msg::Shutdown => quit(model),
    }
}

fn on_key(model: &mut Model, key: KeyEvent, now: Instant) -> Vec<Effect> {
    if model.help_open {
        return on_help_key(model, key);
    }
    let scope = if model.focus == Pane::Chat {
        Scope::Chat
    } else {
        Scope::Pane
    };
    let action = match model.keymap.action(scope, &key) {
        Some(Action::HistoryPrev) if !model.input.on_first_line() => None,
        Some(Action::HistoryNext) if !model.input.on_last_line() => None,
        other => other,
    };
    let Some(action) = action else {
        if model.focus == Pane::Chat {
            model.input.edit(key);
        }
        return Vec::new();
    };
    match action {
        Action::Quit => quit(model),
        Action::Interrupt if model.stream.is_active() => cancel_stream(model),
        Action::Interrupt => quit(model),
        Action::Cancel if model.stream.is_active() => cancel_stream(model),
        Action::Cancel => Vec::new(),
        Action::Help => {
            model.help_open = true;
            Vec::new()
        }
        Action::FocusNext => {
            model.focus = model.focus.next();
            Vec::new()
        }
        Action::FocusPrev => {
            model.focus = model.focus.prev();
            Vec::new()
        }
        Action::ScrollUp => scroll_page(model, -1),
        Action::ScrollDown => scroll_page(model, 1),
        Action::LineUp => scroll_focused(model, -1),
        Action::LineDown => scroll_focused(model, 1),
        Action::ScrollTop => scroll_focused(model, isize::MIN),
        Action::ScrollBottom => scroll_focused(model, isize::MAX),
        Action::Send => send(model, now),
        Action::Newline => {
            model.input.insert_newline();
            Vec::new()
        }
        Action::HistoryPrev => {
            model.input.recall_prev();
            Vec::new()
        }
        Action::HistoryNext => {
            model.input.recall_next();
            Vec::new()
        }
    }
}

fn on_help_key(model: &mut Model, key: KeyEvent) -> Vec<Effect> {
    let scope = Scope::Pane;
    match model.keymap.action(scope, &key) {
        Some(Action::Interrupt) if model.stream.is_active() => cancel_stream(model),
        Some(Action::Interrupt) => quit(model),
        Some(Action::Cancel | Action::Help | Action::Quit) => {
            model.help_open = false;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn on_mouse(model: &mut Model, mouse: MouseEvent) -> Vec<Effect> {
    let delta = match mouse.kind {
        MouseEventKind::ScrollUp => -WHEEL_ROWS,
        MouseEventKind::ScrollDown => WHEEL_ROWS,
        _ => return Vec::new(),
    };
    let Some(pane) = model.layout().pane_at(mouse.column, mouse.row) else {
        return Vec::new();
    };
    model.dirty = true;
    scroll_pane(model, pane, delta);
    Vec::new()
}

fn scroll_page(model: &mut Model, direction: isize) -> Vec<Effect> {
    let layout = model.layout();
    let rows = match model.focus {
        Pane::Chat => layout.transcript.height,
        pane => layout.pane(pane).height,
    };
    let page = isize::try_from(rows.saturating_sub(1).max(1)).unwrap_or(1);
    scroll_focused(model, direction * page)
}

fn scroll_focused(model: &mut Model, delta: isize) -> Vec<Effect> {
    scroll_pane(model, model.focus, delta);
    Vec::new()
}

/// Plan, watch and memory have no rows to scroll yet; only the chat transcript moves.
fn scroll_pane(model: &mut Model, pane: Pane, delta: isize) {
    if pane != Pane::Chat {
        return;
    }
    let height = usize::from(model.layout().transcript.height);
    match delta {
        isize::MIN => model.transcript.scroll_to_top(),
        isize::MAX => model.transcript.follow_bottom(),
        delta => model.transcript.scroll(delta, height),
    }
}

fn send(model: &mut Model, now: Instant) -> Vec<Effect> {
    if model.input.text().trim().is_empty() {
        return Vec::new();
    }
    if model.stream.is_active() {
        model.flash = Some("an answer is streaming: Esc cancels it".into());
        return Vec::new();
    }
    let prompt = model.input.take(PLACEHOLDER);
    model
        .transcript
        .push(EntryKind::User, MarkdownDoc::from_text(&prompt));
    model.transcript.follow_bottom();
    model.stream_id += 1;
    model.stream = StreamState::Connecting {
        since: now,
        retry: None,
    };
    vec![
        Effect::SaveHistory(prompt),
        Effect::StartStream {
            id: model.stream_id,
            request: conversation(model),
        },
    ]
}

/// The request for the next answer: the system prompt and the recent user/assistant turns.
fn conversation(model: &Model) -> ChatRequest {
    let turns: Vec<ChatMessage> = model
        .transcript
        .entries()
        .iter()
        .filter_map(|entry| {
            let role = match entry.kind {
                EntryKind::User => Role::User,
                EntryKind::Assistant => Role::Assistant,
                EntryKind::Error | EntryKind::Info => return None,
            };
            Some(ChatMessage {
                role,
                content: entry.doc.text().to_string(),
            })
        })
        .collect();
    let skip = turns.len().saturating_sub(CONTEXT_TURNS);
    ChatRequest {
        system: Some(model.system_prompt.clone()),
        messages: turns.into_iter().skip(skip).collect(),
        max_tokens: None,
        temperature: None,
        response_format: None,
    }
}

fn on_stream_event(model: &mut Model, event: LlmEvent, now: Instant) {
    match event {
        LlmEvent::Retrying {
            attempt,
            delay,
            reason,
        } => {
            if let StreamState::Connecting { retry, .. } = &mut model.stream {
                *retry = Some((attempt, delay, reason));
            }
        }
        LlmEvent::Token(text) => on_token(model, &text, now),
        LlmEvent::Usage(usage) => model.usage.report(usage),
        LlmEvent::Done => {
            let (chunks, elapsed) = match model.stream {
                StreamState::Streaming {
                    first_token,
                    last_token,
                    chunks,
                } => (chunks, last_token.duration_since(first_token)),
                _ => (0, std::time::Duration::ZERO),
            };
            finish_answer(model);
            model.stream = StreamState::Done { chunks, elapsed };
        }
        LlmEvent::Error(error) => {
            finish_answer(model);
            model
                .transcript
                .push(EntryKind::Error, MarkdownDoc::from_text(&error.to_string()));
            model.stream = StreamState::Failed(error.message);
        }
    }
}

fn on_token(model: &mut Model, text: &str, now: Instant) {
    match &mut model.stream {
        StreamState::Streaming {
            last_token, chunks, ..
        } => {
            *last_token = now;
            *chunks += 1;
            if let Some(doc) = model.transcript.last_mut(EntryKind::Assistant) {
                doc.push_str(text);
            }
        }
        _ => {
            model.stream = StreamState::Streaming {
                first_token: now,
                last_token: now,
                chunks: 1,
            };
            let mut doc = MarkdownDoc::new();
            doc.push_str(text);
            model.transcript.push(EntryKind::Assistant, doc);
        }
    }
}

/// Close the streamed answer (keeping every token) and count its usage.
fn finish_answer(model: &mut Model) {
    if matches!(model.stream, StreamState::Streaming { .. })
        && let Some(doc) = model.transcript.last_mut(EntryKind::Assistant)
    {
        doc.finish();
    }
    model.usage.close_request();
}

fn cancel_stream(model: &mut Model) -> Vec<Effect> {
    let id = model.stream_id;
    finish_answer(model);
    model.transcript.push(
        EntryKind::Info,
        MarkdownDoc::from_text("cancelled — the partial answer is kept"),
    );
    model.stream = StreamState::Cancelled;
    vec![Effect::CancelStream { id }]
}

fn quit(model: &mut Model) -> Vec<Effect> {
    model.quitting = true;
    let mut effects = Vec::new();
    if model.stream.is_active() {
        effects.push(Effect::CancelStream {
            id: model.stream_id,
        });
    }
    effects.push(Effect::Quit);
    effects
}
