//! The incident timeline: a day's records as Markdown, one section per session with a
//! time-stamped bullet per event.

use std::fmt::Write as _;

use jiff::tz::TimeZone;
use serde_json::Value;

use super::record::{AuditEvent, AuditRecord, timestamp};

/// Renders `records` as a Markdown timeline: sessions in order of their first record, each
/// with its context and time range, then its events in order.
pub fn render_markdown(records: &[AuditRecord]) -> String {
    let mut sessions: Vec<(&str, Vec<&AuditRecord>)> = Vec::new();
    for record in records {
        match sessions.iter_mut().find(|(id, _)| *id == record.session) {
            Some((_, members)) => members.push(record),
            None => sessions.push((&record.session, vec![record])),
        }
    }
    let mut out = String::from("# Audit timeline\n");
    if sessions.is_empty() {
        out.push_str("\nNo records.\n");
    }
    for (id, members) in sessions {
        out.push('\n');
        out.push_str(&heading(id, &members));
        out.push('\n');
        for record in members {
            out.push_str(&bullet(record));
        }
    }
    out
}

fn heading(id: &str, members: &[&AuditRecord]) -> String {
    let mut contexts: Vec<&str> = Vec::new();
    for context in members
        .iter()
        .filter_map(|record| record.context.as_deref())
    {
        if !contexts.contains(&context) {
            contexts.push(context);
        }
    }
    let context = if contexts.is_empty() {
        "no context".to_owned()
    } else {
        let named: Vec<String> = contexts.iter().map(|name| code(name)).collect();
        format!("context {}", named.join(", "))
    };
    let first = members.iter().map(|record| record.at).min();
    let last = members.iter().map(|record| record.at).max();
    let range = match (first, last) {
        (Some(first), Some(last)) => {
            let (first, last) = (utc(first), utc(last));
            let end_format = if first.date() == last.date() {
                "%H:%M:%S"
            } else {
                "%Y-%m-%d %H:%M:%S"
            };
            format!(
                "{} – {} UTC",
                first.strftime("%Y-%m-%d %H:%M:%S"),
                last.strftime(end_format)
            )
        }
        _ => String::new(),
    };
    format!("## Session {} · {context} · {range}\n", code(id))
}

fn bullet(record: &AuditRecord) -> String {
    let time = utc(record.at).strftime("%H:%M:%S").to_string();
    let mode = record
        .mode
        .map(|mode| format!("mode {mode}"))
        .unwrap_or_default();
    let body = match &record.event {
        AuditEvent::Request { text } => {
            let mut about: Vec<String> = Vec::new();
            if let Some(namespace) = &record.namespace {
                about.push(format!("namespace {}", code(namespace)));
            }
            if !mode.is_empty() {
                about.push(mode.clone());
            }
            format!("**Request**{}: {}", parenthesised(&about), indent(text))
        }
        AuditEvent::Plan {
            thought,
            actions,
            layer,
        } => {
            let mut body = format!("**Plan** ({} parser)", code(layer));
            if let Some(thought) = thought.as_deref().filter(|text| !text.trim().is_empty()) {
                let _ = write!(body, ": {}", indent(thought));
            }
            for (number, action) in actions.iter().enumerate() {
                let _ = write!(body, "\n  {}. {}", number + 1, step(action));
            }
            body
        }
        AuditEvent::Approved { argv, risk, note } => {
            let mut about = vec![format!("risk {risk}")];
            if !mode.is_empty() {
                about.push(mode.clone());
            }
            format!(
                "**Approved** {}{}{}",
                command(argv),
                parenthesised(&about),
                with_note(note)
            )
        }
        AuditEvent::Rejected { argv, note } => {
            let about: Vec<String> = [mode.clone()]
                .into_iter()
                .filter(|m| !m.is_empty())
                .collect();
            format!(
                "**Rejected** {}{}{}",
                command(argv),
                parenthesised(&about),
                with_note(note)
            )
        }
        AuditEvent::Edited { from, to } => {
            format!("**Edited** {} → {}", command(from), command(to))
        }
        AuditEvent::Refused { argv, reason } => {
            format!("**Refused** {}: {}", command(argv), indent(reason))
        }
        AuditEvent::Executed {
            argv,
            exit_code,
            duration_ms,
            timed_out,
            cancelled,
            lines,
        } => {
            let outcome = match (exit_code, timed_out, cancelled) {
                (_, true, _) => "timed out".to_owned(),
                (_, _, true) => "cancelled".to_owned(),
                (Some(code), _, _) => format!("exit {code}"),
                (None, _, _) => "no exit code".to_owned(),
            };
            let plural = if *lines == 1 { "" } else { "s" };
            format!(
                "**Ran** {} → {outcome} in {}, {lines} line{plural} of output",
                command(argv),
                duration(*duration_ms)
            )
        }
        AuditEvent::Answer { text } => format!("**Answer**: {}", indent(text)),
        AuditEvent::MemoryUpdated { text } => format!("**Memory updated**: {}", indent(text)),
        AuditEvent::Stopped { reason } => format!("**Stopped**: {}", indent(reason)),
    };
    format!("- {time} {body}\n")
}

/// One planned action, by its `action_type`.
fn step(action: &Value) -> String {
    let field = |name: &str| action.get(name).and_then(Value::as_str).unwrap_or_default();
    let kind = field("action_type");
    match kind {
        "command" => {
            let argv: Vec<String> = action
                .get("argv")
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .map(|item| {
                            item.as_str()
                                .map_or_else(|| item.to_string(), str::to_owned)
                        })
                        .collect()
                })
                .unwrap_or_default();
            let explanation = field("explanation");
            if explanation.is_empty() {
                format!("run {}", command(&argv))
            } else {
                format!("run {} — {}", command(&argv), one_line(explanation))
            }
        }
        "thought" => format!("think: {}", one_line(field("text"))),
        "feedback" => format!("tell: {}", one_line(field("explanation"))),
        "done" => format!("done: {}", one_line(field("summary"))),
        "error" => format!("error: {}", one_line(field("message"))),
        "wait" => {
            let seconds = action.get("seconds").and_then(Value::as_u64).unwrap_or(0);
            format!("wait {seconds}s")
        }
        "" => code(&action.to_string()),
        other => format!("{} {}", other.replace('_', " "), code(&action.to_string())),
    }
}

pub(super) fn utc(at: std::time::SystemTime) -> jiff::Zoned {
    timestamp(at).to_zoned(TimeZone::UTC)
}

pub(super) fn command(argv: &[String]) -> String {
    code(&shell_words::join(argv))
}

/// Inline code that survives backticks in the text.
pub(super) fn code(text: &str) -> String {
    let text = one_line(text);
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

pub(super) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Continuation lines indented under the bullet.
fn indent(text: &str) -> String {
    text.trim().lines().collect::<Vec<_>>().join("\n  ")
}

fn parenthesised(parts: &[String]) -> String {
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

fn with_note(note: &Option<String>) -> String {
    match note
        .as_deref()
        .map(str::trim)
        .filter(|note| !note.is_empty())
    {
        Some(note) => format!(" — note: {}", indent(note)),
        None => String::new(),
    }
}

pub(super) fn duration(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}
