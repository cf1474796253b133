//! Redaction of everything that goes to the model: Secret values, credentials under telling
//! names, tokens, private keys and cloud keys are replaced by [`MARKER`], keeping the keys so
//! the model still sees the structure.
//!
//! Text goes through three layers: if it is JSON (`-o json`), a plan over the parsed value is
//! applied by position; otherwise the YAML structure is read line by line (Secrets, env
//! name/value pairs, block scalars, args) and JSON lines inside it (log lines, last-applied
//! annotations) get the JSON plan; then shape patterns run over the result. Each layer is
//! linear in the input.

mod edits;
mod json_plan;
mod json_text;
mod keys;
mod patterns;
mod yaml;

use serde_json::Value;

/// What every redacted value becomes.
pub const MARKER: &str = "<redacted>";

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Redacted text and how many values were replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted {
    pub text: String,
    pub count: usize,
}

/// Redacts command output: tables, YAML, JSON, logs, `describe` output. Text with nothing
/// secret comes back byte for byte with a count of 0.
pub fn redact_text(text: &str) -> Redacted {
    if let Some(redacted) = redact_json_document(text) {
        return redacted;
    }
    let mut edits = yaml::structural_edits(text);
    edits.extend(embedded_json_edits(text));
    let (structured, count) = if edits.is_empty() {
        (std::borrow::Cow::Borrowed(text), 0)
    } else {
        let (structured, count) = edits::apply(text, edits);
        (std::borrow::Cow::Owned(structured), count)
    };
    let (text, found) = patterns::redact_patterns(&structured);
    Redacted {
        text: text.into_owned(),
        count: count + found,
    }
}

/// Redacts an object (or anything else) in place; returns how many values were replaced.
pub fn redact_json(value: &mut Value) -> usize {
    let plan = json_plan::plan(value);
    json_plan::apply(value, plan)
}

/// Text that is one or more JSON documents and nothing else (`-o json`, `--watch -o json`).
fn redact_json_document(text: &str) -> Option<Redacted> {
    let trimmed = text.trim_start();
    if !trimmed.starts_with(['{', '[']) {
        return None;
    }
    let mut edits = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let mut end = 0;
    while let Some(next) = stream.next() {
        let value = next.ok()?;
        let start = end + (text[end..].len() - text[end..].trim_start().len());
        end = stream.byte_offset();
        edits.extend(json_text::text_edits(
            &text[start..end],
            start,
            json_plan::plan(&value),
        ));
    }
    if !text[end..].trim().is_empty() {
        return None;
    }
    let (text, count) = edits::apply(text, edits);
    Some(Redacted { text, count })
}

/// JSON inside other text: a line that is a JSON document, or ends with one after a prefix
/// (`2024-05-01T10:00:00Z {"level":"info",…}`).
fn embedded_json_edits(text: &str) -> Vec<edits::Edit> {
    let mut edits = Vec::new();
    let mut line_start = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end();
        let start = if line.trim_start().starts_with(['{', '[']) {
            Some(line.len() - line.trim_start().len())
        } else {
            line.find("{\"")
        };
        if let Some(start) = start
            && line.ends_with(['}', ']'])
            && let Ok(value) = serde_json::from_str::<Value>(&line[start..])
            && (value.is_object() || value.is_array())
        {
            edits.extend(json_text::text_edits(
                &line[start..],
                line_start + start,
                json_plan::plan(&value),
            ));
        }
        line_start += raw.len();
    }
    edits
}
