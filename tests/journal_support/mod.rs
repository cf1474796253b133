//! Shared records for the audit tests: a short incident session at fixed times.
#![allow(dead_code)]

use std::time::SystemTime;

use kubevibe::agent::mode::Mode;
use kubevibe::store::audit::{AuditEvent, AuditRecord};
use serde_json::json;

/// A UTC time from RFC 3339 text.
pub fn at(text: &str) -> SystemTime {
    SystemTime::from(text.parse::<jiff::Timestamp>().expect("RFC 3339 time"))
}

pub fn args(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

fn record(time: &str, session: &str, event: AuditEvent) -> AuditRecord {
    AuditRecord::new(session, event)
        .at(at(time))
        .context(Some("kind-shop".into()))
        .namespace(Some("shop".into()))
        .mode(Some(Mode::Confirm))
}

/// One session investigating a crashloop, and a second short one interleaved with it.
pub fn incident() -> Vec<AuditRecord> {
    vec![
        record(
            "2026-11-21T14:02:03Z",
            "s-1",
            AuditEvent::Request {
                text: "why is checkout crashlooping?".into(),
            },
        ),
        record(
            "2026-11-21T14:02:05.250Z",
            "s-1",
            AuditEvent::Plan {
                thought: Some("Look at the pods first.".into()),
                actions: vec![
                    json!({"action_type": "command", "argv": ["kubectl", "get", "pods", "-n", "shop"], "explanation": "list the pods"}),
                    json!({"action_type": "wait", "seconds": 5, "reason": "let it settle"}),
                ],
                layer: "strict".into(),
            },
        ),
        record(
            "2026-11-21T14:02:07Z",
            "s-1",
            AuditEvent::Approved {
                argv: args(&["kubectl", "get", "pods", "-n", "shop"]),
                risk: "read".into(),
                note: None,
            },
        ),
        record(
            "2026-11-21T14:02:08Z",
            "s-1",
            AuditEvent::Executed {
                argv: args(&["kubectl", "get", "pods", "-n", "shop"]),
                exit_code: Some(0),
                duration_ms: 412,
                timed_out: false,
                cancelled: false,
                lines: 12,
            },
        ),
        AuditRecord::new(
            "s-2",
            AuditEvent::Request {
                text: "list nodes".into(),
            },
        )
        .at(at("2026-11-21T14:03:00Z"))
        .context(Some("prod-eu".into())),
        record(
            "2026-11-21T14:03:30Z",
            "s-1",
            AuditEvent::Edited {
                from: args(&["kubectl", "delete", "pod", "checkout-7d9f"]),
                to: args(&["kubectl", "rollout", "restart", "deploy/checkout"]),
            },
        ),
        record(
            "2026-11-21T14:03:31Z",
            "s-1",
            AuditEvent::Rejected {
                argv: args(&["kubectl", "delete", "pod", "checkout-7d9f"]),
                note: Some("restart instead".into()),
            },
        ),
        AuditRecord::new(
            "s-2",
            AuditEvent::Refused {
                argv: args(&["kubectl", "cordon", "node-1"]),
                reason: "read-only: this write command is refused on this context".into(),
            },
        )
        .at(at("2026-11-21T14:03:40Z"))
        .context(Some("prod-eu".into())),
        record(
            "2026-11-21T14:04:10Z",
            "s-1",
            AuditEvent::Executed {
                argv: args(&["kubectl", "rollout", "restart", "deploy/checkout"]),
                exit_code: None,
                duration_ms: 60_000,
                timed_out: true,
                cancelled: false,
                lines: 1,
            },
        ),
        record(
            "2026-11-21T14:05:00Z",
            "s-1",
            AuditEvent::Answer {
                text: "The checkout pods ran out of memory.\nRaise the limit to 512Mi.".into(),
            },
        ),
        record(
            "2026-11-21T14:05:01Z",
            "s-1",
            AuditEvent::MemoryUpdated {
                text: "checkout OOMs at 256Mi".into(),
            },
        ),
        record(
            "2026-11-21T14:05:10Z",
            "s-1",
            AuditEvent::Stopped {
                reason: "step budget reached".into(),
            },
        ),
    ]
}
