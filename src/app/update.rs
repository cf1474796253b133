//! `update`: the cockpit's state machine. Pure — no I/O, no async, no clock (time comes in).

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind};

use crate::app::agent_loop;
use crate::app::editor::{EditPurpose, Editor};
use crate::app::effect::Effect;
use crate::app::journal::AuditEvent;
use crate::app::keymap::{Action, Scope};
use crate::app::live_view::{self, LiveView};
use crate::app::model::{Model, PLACEHOLDER, Pane, Viewer};
use crate::app::msg::Msg;
use crate::app::stream::StreamState;
use crate::app::transcript::EntryKind;
use crate::app::watch::FetchPurpose as Purpose;
use crate::llm::LlmEvent;
use crate::ui::markdown::MarkdownDoc;

/// Rows the mouse wheel scrolls.
const WHEEL_ROWS: isize = 3;

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
            if let Some(editor) = &mut model.editor {
                editor.insert_text(&text);
                return Vec::new();
            }
            model.focus = Pane::Chat;
            model.input.insert_text(&text);
            Vec::new()
        }
        Msg::Mouse(mouse) => on_mouse(model, mouse, now),
        Msg::Resize { width, height } => {
            model.width = width;
            model.height = height;
            model.dirty = true;
            Vec::new()
        }
        Msg::Llm { stream, event } if stream == model.stream_id && model.stream.is_active() => {
            model.dirty = true;
            on_stream_event(model, event, now)
        }
        Msg::Llm { .. } => Vec::new(),
        Msg::Exec { run, event } => {
            model.dirty = true;
            agent_loop::on_exec(model, run, event, now)
        }
        Msg::Preview {
            plan,
            step,
            preview,
        } => {
            model.dirty = true;
            agent_loop::on_preview(model, plan, step, preview);
            Vec::new()
        }
        Msg::Timer { id } => {
            model.dirty = true;
            agent_loop::on_timer(model, id, now)
        }
        Msg::Notice { text, error } => {
            model.dirty = true;
            let kind = if error {
                EntryKind::Error
            } else {
                EntryKind::Info
            };
            model.transcript.push(kind, MarkdownDoc::from_text(&text));
            model.transcript.follow_bottom();
            Vec::new()
        }
        Msg::Fetched { id, result } => crate::app::watch::on_fetched(model, id, result),
        Msg::Watch { id, changes } => {
            crate::app::watch::on_batch(model, id, changes);
            Vec::new()
        }
        Msg::Discovered { id, result } => crate::app::discovery::on_discovered(model, id, result),
        Msg::ContextMemory { context, memory } => {
            crate::app::context_switch::on_memory_loaded(model, &context, memory)
        }
        Msg::Shutdown => quit(model),
        Msg::Forwards(msg) => crate::app::forwards::on_msg(model, msg, now),
        Msg::Logs { id, event } => {
            crate::app::logs::on_event(model, id, event);
            Vec::new()
        }
        Msg::Events { id, changes } => {
            crate::app::events::on_changes(model, id, changes);
            Vec::new()
        }
        Msg::Rollout { id, snapshot } => {
            crate::app::rollouts::on_snapshot(model, id, *snapshot);
            Vec::new()
        }
    }
}

fn on_key(model: &mut Model, key: KeyEvent, now: Instant) -> Vec<Effect> {
    if model.editor.is_some() {
        return on_editor_key(model, key, now);
    }
    if model.viewer.is_some() {
        return on_viewer_key(model, key);
    }
    if model.help_open {
        return on_help_key(model, key);
    }
    if model.focus == Pane::Watch
        && model.live_view != LiveView::Resources
        && let Some(effects) = live_view::on_raw_key(model, key)
    {
        return effects;
    }
    if model.focus == Pane::Watch && crate::app::watch::input_open(model) {
        return crate::app::watch::on_input_key(model, key);
    }
    if model.focus == Pane::Watch && crate::app::watch::yaml_open(model) {
        return crate::app::watch::on_yaml_key(model, key);
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
    if model.memory.confirm_clear && action != Some(Action::Approve) {
        model.memory.confirm_clear = false;
        model.flash = Some("memory kept".into());
    }
    let Some(action) = action else {
        if model.focus == Pane::Chat {
            model.input.edit(key);
        }
        return Vec::new();
    };
    let busy = model.stream.is_active() || model.agent.is_busy();
    // Scrolling keys belong to the live view on screen, not to the hidden watch table.
    if model.focus == Pane::Watch
        && model.live_view != LiveView::Resources
        && matches!(
            action,
            Action::LineUp
                | Action::LineDown
                | Action::ScrollUp
                | Action::ScrollDown
                | Action::ScrollTop
                | Action::ScrollBottom
        )
    {
        return live_view::on_action(model, action, now);
    }
    match action {
        Action::Quit => quit(model),
        Action::Interrupt if busy => agent_loop::stop_all(model),
        Action::Interrupt => quit(model),
        Action::Cancel if busy => agent_loop::on_escape(model, now),
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
        Action::ScrollUp => scroll_page(model, -1, now),
        Action::ScrollDown => scroll_page(model, 1, now),
        Action::LineUp => scroll_focused(model, -1, now),
        Action::LineDown => scroll_focused(model, 1, now),
        Action::ScrollTop => scroll_focused(model, isize::MIN, now),
        Action::ScrollBottom => scroll_focused(model, isize::MAX, now),
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
        Action::CycleMode => agent_loop::cycle_mode(model, now),
        Action::PromptViewer => {
            match &model.agent.last_prompt {
                Some(request) => {
                    model.viewer = Some(Viewer::new(
                        "last prompt sent",
                        crate::llm::prompt_text(request),
                    ));
                }
                None => model.flash = Some("no prompt was sent yet".into()),
            }
            Vec::new()
        }
        Action::ViewOutput => {
            agent_loop::view_output(model);
            Vec::new()
        }
        pane_action => on_pane_action(model, pane_action, now),
    }
}

/// Keys of the plan, live and memory panes.
fn on_pane_action(model: &mut Model, action: Action, now: Instant) -> Vec<Effect> {
    if model.focus == Pane::Watch {
        match action {
            Action::NextView | Action::PrevView => {
                live_view::cycle(model, action == Action::NextView);
                return Vec::new();
            }
            Action::Zoom => {
                live_view::toggle_zoom(model);
                return Vec::new();
            }
            // `:` stays the command bar in every view (it switches views too).
            Action::WatchCommand if model.live_view != LiveView::Resources => {
                live_view::show(model, LiveView::Resources);
                crate::app::watch::open_input(model, crate::app::watch::InputMode::Command);
                return Vec::new();
            }
            _ if model.live_view != LiveView::Resources => {
                return live_view::on_action(model, action, now);
            }
            _ => {}
        }
    }
    match (model.focus, action) {
        (_, Action::Zoom) => {
            live_view::toggle_zoom(model);
            Vec::new()
        }
        (Pane::Watch, Action::Rollout) => crate::app::rollouts::open_from_watch(model),
        (Pane::Watch, Action::PortForward) => crate::app::forwards::open_from_watch(model),
        (Pane::Watch, Action::Logs) => crate::app::logs::open_from_watch(model),
        (Pane::Watch, Action::Events) => crate::app::events::open_from_watch(model),
        (Pane::Plan, Action::Approve) => agent_loop::approve(model, now),
        (Pane::Plan, Action::Reject) => agent_loop::reject(model),
        (Pane::Plan, Action::RejectWithNote) => {
            agent_loop::open_editor(model, |step| EditPurpose::RejectNote { step })
        }
        (Pane::Plan, Action::ApproveRemember) => {
            agent_loop::open_editor(model, |step| EditPurpose::ApproveNote { step })
        }
        (Pane::Plan, Action::Edit) => {
            agent_loop::open_editor(model, |step| EditPurpose::EditArgv { step })
        }
        (Pane::Plan, Action::ApproveReads) => agent_loop::approve_reads(model, now),
        (Pane::Plan, Action::Copy) => agent_loop::copy_selected(model),
        (Pane::Plan, Action::SaveOutput) => agent_loop::save_output(model),
        (Pane::Watch, Action::SaveOutput) => {
            crate::app::watch::next_sort_column(model);
            Vec::new()
        }
        (Pane::Watch, Action::Approve) => crate::app::watch::fetch_selected(model, Purpose::Yaml),
        (Pane::Watch, Action::Open) => crate::app::watch::open_selected(model),
        (Pane::Watch, Action::FlipSort) => {
            crate::app::watch::flip_sort(model);
            Vec::new()
        }
        (Pane::Watch, Action::WatchFilter) => {
            crate::app::watch::open_input(model, crate::app::watch::InputMode::Filter);
            Vec::new()
        }
        (Pane::Watch, Action::WatchCommand) => {
            crate::app::watch::open_input(model, crate::app::watch::InputMode::Command);
            Vec::new()
        }
        (Pane::Memory, Action::Edit) => {
            let text = model.memory.text().to_string();
            model.editor = Some(Editor::new(EditPurpose::EditMemory, &text));
            Vec::new()
        }
        (Pane::Memory, Action::ClearMemory) => {
            model.memory.confirm_clear = true;
            model.flash = Some("clear the memory? y clears, any other key keeps it".into());
            Vec::new()
        }
        (Pane::Memory, Action::Approve) if model.memory.confirm_clear => {
            model.memory.confirm_clear = false;
            model.memory.set("");
            model.flash = Some("memory cleared".into());
            vec![
                Effect::SaveMemory(String::new()),
                agent_loop::audit(
                    model,
                    AuditEvent::MemoryUpdated {
                        text: String::new(),
                    },
                ),
            ]
        }
        (Pane::Memory, Action::PauseMemory) => {
            model.memory.paused = !model.memory.paused;
            model.flash = Some(if model.memory.paused {
                "memory updates paused".into()
            } else {
                "memory updates resumed".into()
            });
            vec![Effect::PauseMemory(model.memory.paused)]
        }
        _ => Vec::new(),
    }
}

fn on_editor_key(model: &mut Model, key: KeyEvent, now: Instant) -> Vec<Effect> {
    let plain = key.modifiers.difference(KeyModifiers::SHIFT).is_empty();
    match key.code {
        KeyCode::Esc => {
            model.editor = None;
            Vec::new()
        }
        KeyCode::Enter if plain => agent_loop::submit_editor(model, now),
        KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            model.editor = None;
            agent_loop::stop_all(model)
        }
        _ => {
            if let Some(editor) = &mut model.editor {
                editor.input(key);
            }
            Vec::new()
        }
    }
}

fn on_viewer_key(model: &mut Model, key: KeyEvent) -> Vec<Effect> {
    let rows = usize::from(model.height.saturating_sub(6).max(1));
    let Some(viewer) = model.viewer.as_mut() else {
        return Vec::new();
    };
    let top = &mut viewer.top;
    match model.keymap.action(Scope::Pane, &key) {
        Some(Action::Cancel | Action::PromptViewer | Action::ViewOutput | Action::Quit) => {
            model.viewer = None;
        }
        Some(Action::LineUp) => *top = top.saturating_sub(1),
        Some(Action::LineDown) => *top = top.saturating_add(1),
        Some(Action::ScrollUp) => *top = top.saturating_sub(rows),
        Some(Action::ScrollDown) => *top = top.saturating_add(rows),
        Some(Action::ScrollTop) => *top = 0,
        Some(Action::ScrollBottom) => *top = usize::MAX / 2,
        Some(Action::Interrupt) => {
            model.viewer = None;
            return agent_loop::stop_all(model);
        }
        _ => {}
    }
    Vec::new()
}

fn on_help_key(model: &mut Model, key: KeyEvent) -> Vec<Effect> {
    let scope = Scope::Pane;
    match model.keymap.action(scope, &key) {
        Some(Action::Interrupt) if model.stream.is_active() => agent_loop::stop_all(model),
        Some(Action::Interrupt) => quit(model),
        Some(Action::Cancel | Action::Help | Action::Quit) => {
            model.help_open = false;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn on_mouse(model: &mut Model, mouse: MouseEvent, now: Instant) -> Vec<Effect> {
    let delta = match mouse.kind {
        MouseEventKind::ScrollUp => -WHEEL_ROWS,
        MouseEventKind::ScrollDown => WHEEL_ROWS,
        _ => return Vec::new(),
    };
    let Some(pane) = model.layout().pane_at(mouse.column, mouse.row) else {
        return Vec::new();
    };
    model.dirty = true;
    scroll_pane(model, pane, delta, now);
    Vec::new()
}

fn scroll_page(model: &mut Model, direction: isize, now: Instant) -> Vec<Effect> {
    let layout = model.layout();
    let rows = match model.focus {
        Pane::Chat => layout.transcript.height,
        pane => layout.pane(pane).height,
    };
    let page = isize::try_from(rows.saturating_sub(1).max(1)).unwrap_or(1);
    scroll_focused(model, direction * page, now)
}

fn scroll_focused(model: &mut Model, delta: isize, now: Instant) -> Vec<Effect> {
    scroll_pane(model, model.focus, delta, now);
    Vec::new()
}

/// The chat transcript scrolls; in the plan pane the keys move the selected step.
fn scroll_pane(model: &mut Model, pane: Pane, delta: isize, now: Instant) {
    if pane == Pane::Watch && model.live_view != LiveView::Resources {
        let action = if delta < 0 {
            Action::LineUp
        } else {
            Action::LineDown
        };
        for _ in 0..delta.unsigned_abs().min(WHEEL_ROWS.unsigned_abs()) {
            live_view::on_action(model, action, now);
        }
        return;
    }
    if pane == Pane::Watch {
        crate::app::watch::move_selection(model, delta);
        return;
    }
    if pane == Pane::Plan {
        if let Some(plan) = &mut model.plan {
            plan.select(match delta {
                isize::MIN | isize::MAX => delta,
                delta => delta.signum(),
            });
        }
        return;
    }
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
    if model.stream.is_active() || model.agent.is_busy() {
        model.flash = Some("the loop is busy: Esc stops it".into());
        return Vec::new();
    }
    let prompt = model.input.take(PLACEHOLDER);
    model
        .transcript
        .push(EntryKind::User, MarkdownDoc::from_text(&prompt));
    model.transcript.follow_bottom();
    let mut effects = vec![Effect::SaveHistory(prompt.clone())];
    effects.extend(agent_loop::start_request(model, &prompt, now));
    effects
}

fn on_stream_event(model: &mut Model, event: LlmEvent, now: Instant) -> Vec<Effect> {
    match event {
        LlmEvent::Retrying {
            attempt,
            delay,
            reason,
        } => {
            if let StreamState::Connecting { retry, .. } = &mut model.stream {
                *retry = Some((attempt, delay, reason));
            }
            Vec::new()
        }
        LlmEvent::Token(text) => {
            on_token(model, &text, now);
            Vec::new()
        }
        LlmEvent::Usage(usage) => {
            model.usage.report(usage);
            Vec::new()
        }
        LlmEvent::Done => {
            let (chunks, elapsed) = match model.stream {
                StreamState::Streaming {
                    first_token,
                    last_token,
                    chunks,
                } => (chunks, last_token.duration_since(first_token)),
                _ => (0, std::time::Duration::ZERO),
            };
            let had_entry = model.agent.preview.shown();
            let rest = model.agent.preview.finish();
            show_preview(model, had_entry, &rest);
            finish_answer(model);
            model.stream = StreamState::Done { chunks, elapsed };
            agent_loop::on_reply_done(model, now)
        }
        LlmEvent::Error(error) => {
            finish_answer(model);
            model
                .transcript
                .push(EntryKind::Error, MarkdownDoc::from_text(&error.to_string()));
            model.stream = StreamState::Failed(error.message);
            agent_loop::stop_all(model)
        }
    }
}

fn on_token(model: &mut Model, text: &str, now: Instant) {
    let had_entry = model.agent.preview.shown();
    let shown = agent_loop::on_token(model, text);
    match &mut model.stream {
        StreamState::Streaming {
            last_token, chunks, ..
        } => {
            *last_token = now;
            *chunks += 1;
        }
        _ => {
            model.stream = StreamState::Streaming {
                first_token: now,
                last_token: now,
                chunks: 1,
            };
        }
    }
    show_preview(model, had_entry, &shown);
}

/// Add previewed reply text to the answer being streamed (started by the first text shown).
fn show_preview(model: &mut Model, had_entry: bool, text: &str) {
    if text.is_empty() {
        return;
    }
    if had_entry && let Some(doc) = model.transcript.last_mut(EntryKind::Assistant) {
        doc.push_str(text);
        return;
    }
    let mut doc = MarkdownDoc::new();
    doc.push_str(text);
    model.transcript.push(EntryKind::Assistant, doc);
}

/// Close the streamed answer (keeping every token) and count its usage.
fn finish_answer(model: &mut Model) {
    if matches!(model.stream, StreamState::Streaming { .. })
        && model.agent.preview.shown()
        && let Some(doc) = model.transcript.last_mut(EntryKind::Assistant)
    {
        doc.finish();
    }
    model.usage.close_request();
}

fn quit(model: &mut Model) -> Vec<Effect> {
    model.quitting = true;
    let mut effects = Vec::new();
    if model.stream.is_active() {
        effects.push(Effect::CancelStream {
            id: model.stream_id,
        });
    }
    if let Some((id, _)) = model.agent.running {
        effects.push(Effect::CancelCommand { id });
    }
    effects.push(Effect::Quit);
    effects
}
