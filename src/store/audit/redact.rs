//! Redaction of an audit record before it is written: every text field, every string in a
//! plan's actions, and the value that follows a secret-named flag in an argv.

use serde_json::Value;

use crate::agent::redact::{MARKER, redact_json, redact_text};

use super::record::{AuditEvent, AuditRecord};

/// A copy of `record` with secrets replaced by the redaction marker.
pub(crate) fn redacted(record: &AuditRecord) -> AuditRecord {
    let mut record = record.clone();
    record.session = text(&record.session);
    record.context = record.context.as_deref().map(text);
    record.namespace = record.namespace.as_deref().map(text);
    match &mut record.event {
        AuditEvent::Request { text: body }
        | AuditEvent::Answer { text: body }
        | AuditEvent::MemoryUpdated { text: body } => *body = text(body),
        AuditEvent::Stopped { reason } => *reason = text(reason),
        AuditEvent::Plan {
            thought, actions, ..
        } => {
            *thought = thought.as_deref().map(text);
            actions.iter_mut().for_each(json);
        }
        AuditEvent::Approved { argv, note, .. } | AuditEvent::Rejected { argv, note } => {
            *argv = args(argv);
            *note = note.as_deref().map(text);
        }
        AuditEvent::Edited { from, to } => {
            *from = args(from);
            *to = args(to);
        }
        AuditEvent::Refused { argv, reason } => {
            *argv = args(argv);
            *reason = text(reason);
        }
        AuditEvent::Executed { argv, .. } => *argv = args(argv),
    }
    record
}

fn text(value: &str) -> String {
    redact_text(value).text
}

/// Structure-aware redaction, then the shape patterns over every remaining string.
fn json(value: &mut Value) {
    redact_json(value);
    strings(value);
}

fn strings(value: &mut Value) {
    match value {
        Value::String(string) => *string = text(string),
        Value::Array(items) => items.iter_mut().for_each(strings),
        Value::Object(fields) => fields.values_mut().for_each(strings),
        _ => {}
    }
}

/// Each argument on its own, and an argument that follows a secret-named flag
/// (`--token VALUE`, `--password VALUE`).
fn args(argv: &[String]) -> Vec<String> {
    let mut out: Vec<String> = argv.iter().map(|arg| text(arg)).collect();
    for index in 1..argv.len() {
        let (flag, value) = (&argv[index - 1], &argv[index]);
        if !flag.starts_with('-') || flag.contains('=') || out[index] == MARKER {
            continue;
        }
        let pair = format!("{flag} {value}");
        let redacted = text(&pair);
        if redacted != pair && redacted.ends_with(MARKER) {
            out[index] = MARKER.to_owned();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::args;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| (*item).to_owned()).collect()
    }

    #[test]
    fn a_secret_flag_hides_the_next_argument_only() {
        let argv = strings(&["kubectl", "--token", "s3cr3t-v4lue-abcdef", "get", "pods"]);
        let out = args(&argv);
        assert_eq!(out[2], "<redacted>");
        assert_eq!(out[3..], strings(&["get", "pods"])[..]);
        let plain = strings(&["kubectl", "-n", "shop", "get", "pods"]);
        assert_eq!(args(&plain), plain);
    }
}
