//! One audit record and the events it can hold, in their JSONL form.

use std::time::SystemTime;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::agent::mode::Mode;

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// When it happened; written as RFC 3339 in UTC.
    #[serde(with = "rfc3339")]
    pub at: SystemTime,
    /// The cockpit session it belongs to.
    pub session: String,
    /// The kubeconfig context the session was pointed at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The approval mode in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<Mode>,
    #[serde(flatten)]
    pub event: AuditEvent,
}

impl AuditRecord {
    /// A record of `event` in `session`, stamped now, with no context, namespace or mode.
    pub fn new(session: impl Into<String>, event: AuditEvent) -> Self {
        Self {
            at: SystemTime::now(),
            session: session.into(),
            context: None,
            namespace: None,
            mode: None,
            event,
        }
    }

    pub fn at(mut self, at: SystemTime) -> Self {
        self.at = at;
        self
    }

    pub fn context(mut self, context: Option<String>) -> Self {
        self.context = context;
        self
    }

    pub fn namespace(mut self, namespace: Option<String>) -> Self {
        self.namespace = namespace;
        self
    }

    pub fn mode(mut self, mode: Option<Mode>) -> Self {
        self.mode = mode;
        self
    }

    /// The UTC day the record belongs to (and the file it is written to).
    pub fn day(&self) -> Date {
        utc_date(self.at)
    }
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum AuditEvent {
    /// The operator's question or instruction.
    Request {
        text: String,
    },
    /// A plan from the model; `layer` names the parser layer that read it.
    Plan {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        thought: Option<String>,
        actions: Vec<serde_json::Value>,
        layer: String,
    },
    Approved {
        argv: Vec<String>,
        risk: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    Rejected {
        argv: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// The operator changed a command before it ran.
    Edited {
        from: Vec<String>,
        to: Vec<String>,
    },
    /// The gate refused a command (read-only context, policy).
    Refused {
        argv: Vec<String>,
        reason: String,
    },
    Executed {
        argv: Vec<String>,
        exit_code: Option<i32>,
        duration_ms: u64,
        timed_out: bool,
        cancelled: bool,
        lines: usize,
    },
    /// The model's summary for the operator.
    Answer {
        text: String,
    },
    MemoryUpdated {
        text: String,
    },
    Stopped {
        reason: String,
    },
}

impl AuditEvent {
    /// The `event` tag this event is written with.
    pub fn name(&self) -> &'static str {
        match self {
            AuditEvent::Request { .. } => "request",
            AuditEvent::Plan { .. } => "plan",
            AuditEvent::Approved { .. } => "approved",
            AuditEvent::Rejected { .. } => "rejected",
            AuditEvent::Edited { .. } => "edited",
            AuditEvent::Refused { .. } => "refused",
            AuditEvent::Executed { .. } => "executed",
            AuditEvent::Answer { .. } => "answer",
            AuditEvent::MemoryUpdated { .. } => "memory_updated",
            AuditEvent::Stopped { .. } => "stopped",
        }
    }
}

/// The UTC calendar day of `at`; times before 1970 or beyond jiff's range clamp to its ends.
pub fn utc_date(at: SystemTime) -> Date {
    timestamp(at).to_zoned(TimeZone::UTC).date()
}

pub(crate) fn timestamp(at: SystemTime) -> Timestamp {
    Timestamp::try_from(at).unwrap_or(if at < SystemTime::UNIX_EPOCH {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

/// `SystemTime` as an RFC 3339 string in UTC (`2026-11-21T14:02:03.123Z`).
mod rfc3339 {
    use std::time::SystemTime;

    use jiff::Timestamp;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(at: &SystemTime, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&super::timestamp(*at))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<SystemTime, D::Error> {
        let text = String::deserialize(deserializer)?;
        let at: Timestamp = text.parse().map_err(serde::de::Error::custom)?;
        Ok(SystemTime::from(at))
    }
}
