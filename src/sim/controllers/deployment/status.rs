//! A Deployment's status: counts summed over its ReplicaSets and the `Available` and
//! `Progressing` conditions with the reasons `kubectl rollout status` reads.

use serde_json::{Value, json};

use crate::sim::clock::now_rfc3339;
use crate::sim::controllers::set_count;

pub const NEW_RS_AVAILABLE: &str = "NewReplicaSetAvailable";
pub const RS_UPDATED: &str = "ReplicaSetUpdated";
pub const NEW_RS_CREATED: &str = "NewReplicaSetCreated";
pub const FOUND_NEW_RS: &str = "FoundNewReplicaSet";
pub const TIMED_OUT: &str = "ProgressDeadlineExceeded";
pub const PAUSED: &str = "DeploymentPaused";
pub const RESUMED: &str = "DeploymentResumed";

/// The counts of a Deployment's status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub replicas: i64,
    pub updated: i64,
    pub ready: i64,
    pub available: i64,
}

impl Counts {
    /// Whether the rollout is done: every desired replica is updated and available, and no
    /// old one remains.
    pub fn complete(&self, desired: i64) -> bool {
        self.updated == desired && self.replicas == desired && self.available == desired
    }

    /// Whether these counts moved the rollout forward compared with the last status.
    pub fn progressed_from(&self, old: &Value) -> bool {
        let was = |field: &str| old[field].as_i64().unwrap_or(0);
        self.updated > was("updatedReplicas")
            || self.replicas < was("replicas")
            || self.ready > was("readyReplicas")
            || self.available > was("availableReplicas")
    }
}

/// Writes counts and `observedGeneration` into `status`.
pub fn set_counts(status: &mut Value, counts: Counts, desired: i64, generation: &Value) {
    if !status.is_object() {
        *status = json!({});
    }
    status["observedGeneration"] = generation.clone();
    set_count(status, "replicas", counts.replicas);
    set_count(status, "updatedReplicas", counts.updated);
    set_count(status, "readyReplicas", counts.ready);
    set_count(status, "availableReplicas", counts.available);
    set_count(
        status,
        "unavailableReplicas",
        (desired - counts.available).max(0),
    );
}

pub fn condition<'a>(status: &'a Value, kind: &str) -> Option<&'a Value> {
    status["conditions"]
        .as_array()
        .and_then(|conditions| conditions.iter().find(|c| c["type"] == kind))
}

/// Sets a condition. With `touch` the update time moves even when nothing else changes (a
/// rollout that progressed); otherwise an identical status and reason are left alone.
pub fn set_condition(
    status: &mut Value,
    kind: &str,
    state: &str,
    reason: &str,
    message: &str,
    touch: bool,
) {
    let now = now_rfc3339();
    let previous = condition(status, kind).cloned();
    if let Some(previous) = &previous
        && previous["status"] == state
        && previous["reason"] == reason
        && !touch
    {
        return;
    }
    let since = previous
        .as_ref()
        .filter(|p| p["status"] == state)
        .and_then(|p| p["lastTransitionTime"].as_str())
        .map_or_else(|| now.clone(), str::to_string);
    let condition = json!({
        "type": kind, "status": state, "lastUpdateTime": now, "lastTransitionTime": since,
        "reason": reason, "message": message,
    });
    if !status["conditions"].is_array() {
        status["conditions"] = json!([]);
    }
    if let Some(conditions) = status["conditions"].as_array_mut() {
        match conditions.iter_mut().find(|c| c["type"] == kind) {
            Some(slot) => *slot = condition,
            None => conditions.push(condition),
        }
    }
}

/// `Available` from the counts and the most that may be unavailable.
pub fn set_available(status: &mut Value, available: i64, desired: i64, max_unavailable: i64) {
    if available >= desired - max_unavailable {
        set_condition(
            status,
            "Available",
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.",
            false,
        );
    } else {
        set_condition(
            status,
            "Available",
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
            false,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_keep_their_times_unless_touched() {
        let mut status = json!({});
        set_condition(&mut status, "Progressing", "True", RS_UPDATED, "m", false);
        status["conditions"][0]["lastUpdateTime"] = json!("2000-01-01T00:00:00Z");
        status["conditions"][0]["lastTransitionTime"] = json!("2000-01-01T00:00:00Z");
        set_condition(&mut status, "Progressing", "True", RS_UPDATED, "m", false);
        assert_eq!(
            status["conditions"][0]["lastUpdateTime"],
            "2000-01-01T00:00:00Z"
        );
        set_condition(&mut status, "Progressing", "True", RS_UPDATED, "m", true);
        assert_ne!(
            status["conditions"][0]["lastUpdateTime"],
            "2000-01-01T00:00:00Z"
        );
        assert_eq!(
            status["conditions"][0]["lastTransitionTime"],
            "2000-01-01T00:00:00Z"
        );
        set_condition(&mut status, "Progressing", "False", TIMED_OUT, "m", false);
        assert_ne!(
            status["conditions"][0]["lastTransitionTime"],
            "2000-01-01T00:00:00Z"
        );
    }

    #[test]
    fn counts_tell_completion_and_progress() {
        let done = Counts {
            replicas: 3,
            updated: 3,
            ready: 3,
            available: 3,
        };
        assert!(done.complete(3));
        assert!(
            !Counts {
                replicas: 4,
                ..done
            }
            .complete(3)
        );
        assert!(done.progressed_from(&json!({ "updatedReplicas": 2, "replicas": 3 })));
        assert!(!done.progressed_from(&json!({ "updatedReplicas": 3, "replicas": 3, "readyReplicas": 3, "availableReplicas": 3 })));
    }
}
