//! One readable line per record, for `kubevibe audit`.

use super::markdown::{command, duration, one_line, utc};
use super::record::{AuditEvent, AuditRecord};

/// Longest request, answer or note text shown on one line, in characters.
const MAX_TEXT_CHARS: usize = 120;

/// `14:02:03  <session>  <context>/<namespace>  <event>  <details>`.
pub fn render_line(record: &AuditRecord) -> String {
    let time = utc(record.at).strftime("%H:%M:%S");
    let place = match (&record.context, &record.namespace) {
        (Some(context), Some(namespace)) => format!("{context}/{namespace}"),
        (Some(context), None) => context.clone(),
        (None, Some(namespace)) => format!("-/{namespace}"),
        (None, None) => "-".to_owned(),
    };
    let mode = record.mode.map(|mode| format!("mode {mode}"));
    let details = match &record.event {
        AuditEvent::Request { text }
        | AuditEvent::Answer { text }
        | AuditEvent::MemoryUpdated { text } => short(text),
        AuditEvent::Stopped { reason } => short(reason),
        AuditEvent::Plan {
            thought,
            actions,
            layer,
        } => {
            let steps = actions.len();
            let plural = if steps == 1 { "" } else { "s" };
            match thought.as_deref().filter(|text| !text.trim().is_empty()) {
                Some(thought) => format!("{steps} step{plural} ({layer}): {}", short(thought)),
                None => format!("{steps} step{plural} ({layer})"),
            }
        }
        AuditEvent::Approved { argv, risk, note } => {
            let about: Vec<String> = [Some(format!("risk {risk}")), mode]
                .into_iter()
                .flatten()
                .collect();
            format!(
                "{} ({}){}",
                command(argv),
                about.join(", "),
                note_text(note)
            )
        }
        AuditEvent::Rejected { argv, note } => {
            let about = mode.map(|mode| format!(" ({mode})")).unwrap_or_default();
            format!("{}{about}{}", command(argv), note_text(note))
        }
        AuditEvent::Edited { from, to } => format!("{} → {}", command(from), command(to)),
        AuditEvent::Refused { argv, reason } => format!("{}: {}", command(argv), short(reason)),
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
            format!(
                "{} → {outcome} in {}, {lines} lines",
                command(argv),
                duration(*duration_ms)
            )
        }
    };
    format!(
        "{time}  {}  {place}  {:<14} {details}",
        record.session,
        record.event.name()
    )
}

fn note_text(note: &Option<String>) -> String {
    match note.as_deref().filter(|note| !note.trim().is_empty()) {
        Some(note) => format!(" — note: {}", short(note)),
        None => String::new(),
    }
}

/// On one line and at most [`MAX_TEXT_CHARS`] characters, with `…` when cut.
fn short(text: &str) -> String {
    let line = one_line(text);
    match line.char_indices().nth(MAX_TEXT_CHARS) {
        Some((end, _)) => format!("{}…", &line[..end]),
        None => line,
    }
}
