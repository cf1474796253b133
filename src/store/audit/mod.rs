//! The audit trail: every request, plan, approval, command and answer of the cockpit, appended
//! to one JSONL file per UTC day under `<data_dir>/audit/`, secrets redacted before they are
//! written; readers for a day's records and an incident timeline in Markdown.

mod lines;
mod log;
mod markdown;
mod read;
mod record;
mod redact;

pub use lines::render_line;
pub use log::AuditLog;
pub use markdown::render_markdown;
pub use read::{AuditError, DayRead, day_file, days, read_day, read_day_report};
pub use record::{AuditEvent, AuditRecord, utc_date};

/// The directory under the data directory that holds the day files.
pub const AUDIT_DIR: &str = "audit";
