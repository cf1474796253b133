//! What the audit log records for each step of the loop, as the state machine emits it; the
//! effect runner appends it (one JSON line per record, file created 0600).

use std::io::Write;
use std::path::Path;

use serde::Serialize;

/// The kind of a step of the loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditEvent {
    Request,
    Plan,
    Approved,
    Rejected,
    Edited,
    Refused,
    Executed,
    Answer,
    MemoryUpdated,
    Stopped,
}

/// One audit record: what happened, on which context, with a short detail line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub event: AuditEvent,
    pub context: Option<String>,
    pub detail: String,
}

/// Append `entry` to the JSONL audit log at `path` with the current time.
pub fn append(path: &Path, entry: &AuditEntry) -> std::io::Result<()> {
    let mut line = serde_json::to_value(entry).map_err(std::io::Error::other)?;
    if let Some(object) = line.as_object_mut() {
        object.insert(
            "time".into(),
            serde_json::Value::String(jiff::Timestamp::now().to_string()),
        );
    }
    let mut file = crate::paths::open_private_append(path)?;
    writeln!(file, "{line}")
}
