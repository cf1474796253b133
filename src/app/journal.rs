//! The audit records the loop emits: the journal's events with where and how they happened;
//! the effect runner stamps them with the session and appends them to the audit log.

use crate::agent::mode::Mode;
pub use crate::store::audit::AuditEvent;

/// One audit record as the state machine emits it.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub event: AuditEvent,
    pub context: Option<String>,
    pub namespace: Option<String>,
    pub mode: Option<Mode>,
}
