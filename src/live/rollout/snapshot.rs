//! What a followed rollout looks like at one moment: the workload's counts and conditions, its
//! ReplicaSets, its pods and the events about them, each decoded from the object's JSON.

use serde_json::Value;

use super::WorkloadKind;

/// The workload being followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolloutKey {
    pub kind: WorkloadKind,
    pub namespace: String,
    pub name: String,
}

impl RolloutKey {
    pub fn new(kind: WorkloadKind, namespace: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            kind,
            namespace: namespace.into(),
            name: name.into(),
        }
    }

    /// `deployment/web`.
    pub fn label(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }
}

/// One status condition (`Progressing`, `Available`, `PodScheduled`, …).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Condition {
    pub kind: String,
    pub status: String,
    pub reason: String,
    pub message: String,
}

/// The workload's spec and status fields a rollout is judged by. For a DaemonSet, `desired`
/// is `desiredNumberScheduled`, `updated` `updatedNumberScheduled`, `ready` `numberReady` and
/// `available` `numberAvailable`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkloadStatus {
    pub generation: i64,
    pub observed_generation: i64,
    /// `spec.replicas` (`None`: unset; DaemonSets: the desired number scheduled).
    pub desired: Option<i64>,
    /// Pods of any revision (`status.replicas`, `currentNumberScheduled` for a DaemonSet).
    pub replicas: i64,
    pub updated: i64,
    pub ready: i64,
    pub available: i64,
    pub conditions: Vec<Condition>,
    /// `deployment.kubernetes.io/revision` of a Deployment.
    pub revision: Option<i64>,
    /// `status.currentRevision` / `status.updateRevision` of a StatefulSet.
    pub current_revision: Option<String>,
    pub update_revision: Option<String>,
    /// `spec.updateStrategy.type` (StatefulSet, DaemonSet) or `spec.strategy.type`.
    pub strategy: Option<String>,
    /// `spec.updateStrategy.rollingUpdate.partition` of a StatefulSet.
    pub partition: Option<i64>,
    pub paused: bool,
    /// `spec.selector.matchLabels` as `k=v,k2=v2`.
    pub selector: Option<String>,
    pub images: Vec<String>,
    pub change_cause: Option<String>,
}

/// One ReplicaSet of a Deployment (a revision).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReplicaSetLine {
    pub name: String,
    pub revision: i64,
    pub desired: i64,
    pub replicas: i64,
    pub ready: i64,
    pub available: i64,
    pub images: Vec<String>,
    pub change_cause: Option<String>,
    /// The `pod-template-hash` label its pods carry.
    pub template_hash: Option<String>,
    /// Seconds since the epoch.
    pub created: Option<i64>,
}

/// One pod of the workload.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PodLine {
    pub name: String,
    pub phase: String,
    pub ready: bool,
    /// `pod-template-hash` (Deployment) or `controller-revision-hash` (StatefulSet, DaemonSet).
    pub revision_hash: Option<String>,
    /// The first container's waiting reason (`CrashLoopBackOff`, `ImagePullBackOff`, …), or
    /// the phase.
    pub state: String,
    /// The waiting or scheduling message that goes with `state`.
    pub message: String,
    pub restarts: i64,
    /// The reason of a container's last termination (`OOMKilled`, `Error`).
    pub last_terminated: Option<String>,
    /// `PodScheduled=False` with reason `Unschedulable`: its message.
    pub unschedulable: Option<String>,
    pub deleting: bool,
    pub created: Option<i64>,
}

/// One event about the workload, one of its ReplicaSets or pods.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EventLine {
    /// Seconds since the epoch of the last occurrence.
    pub at: Option<i64>,
    pub warning: bool,
    pub reason: String,
    /// `Pod/web-abc-123`.
    pub object: String,
    pub object_name: String,
    pub message: String,
    pub count: i64,
}

/// Everything known about one rollout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolloutSnapshot {
    pub key: RolloutKey,
    /// `None` until the workload is seen (or after it was deleted).
    pub workload: Option<WorkloadStatus>,
    /// Oldest revision first.
    pub replica_sets: Vec<ReplicaSetLine>,
    /// By name.
    pub pods: Vec<PodLine>,
    /// Oldest first, at most [`EVENTS_KEPT`].
    pub events: Vec<EventLine>,
    /// Why a watcher is failing (it retries), while it does.
    pub error: Option<String>,
    /// Every watcher has listed at least once.
    pub synced: bool,
}

/// Events kept per rollout.
pub const EVENTS_KEPT: usize = 50;

impl RolloutSnapshot {
    pub fn new(key: RolloutKey) -> Self {
        Self {
            key,
            workload: None,
            replica_sets: Vec::new(),
            pods: Vec::new(),
            events: Vec::new(),
            error: None,
            synced: false,
        }
    }

    /// The ReplicaSet of the Deployment's current revision.
    pub fn new_replica_set(&self) -> Option<&ReplicaSetLine> {
        let revision = self.workload.as_ref()?.revision;
        match revision {
            Some(revision) => self.replica_sets.iter().find(|rs| rs.revision == revision),
            None => self.replica_sets.iter().max_by_key(|rs| rs.revision),
        }
    }

    /// The revision hash new pods carry (`None`: every pod counts as new, e.g. a DaemonSet).
    pub fn new_hash(&self) -> Option<String> {
        match self.key.kind {
            WorkloadKind::Deployment => self.new_replica_set()?.template_hash.clone(),
            WorkloadKind::StatefulSet => self.workload.as_ref()?.update_revision.clone(),
            WorkloadKind::DaemonSet => None,
        }
    }

    /// The pods of the new revision (every pod when the revision cannot be told).
    pub fn new_pods(&self) -> Vec<&PodLine> {
        let hash = self.new_hash();
        self.pods
            .iter()
            .filter(|pod| hash.is_none() || pod.revision_hash == hash)
            .collect()
    }
}

fn text(value: &Value, pointer: &str) -> Option<String> {
    value.pointer(pointer)?.as_str().map(str::to_string)
}

fn int(value: &Value, pointer: &str) -> i64 {
    value.pointer(pointer).and_then(Value::as_i64).unwrap_or(0)
}

/// Seconds since the epoch of an RFC 3339 time at `pointer`.
fn time(value: &Value, pointer: &str) -> Option<i64> {
    let text = value.pointer(pointer)?.as_str()?;
    text.parse::<jiff::Timestamp>().ok().map(|t| t.as_second())
}

fn conditions(value: &Value) -> Vec<Condition> {
    value
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| Condition {
            kind: text(c, "/type").unwrap_or_default(),
            status: text(c, "/status").unwrap_or_default(),
            reason: text(c, "/reason").unwrap_or_default(),
            message: text(c, "/message").unwrap_or_default(),
        })
        .collect()
}

fn images(template: Option<&Value>) -> Vec<String> {
    template
        .and_then(|t| t.pointer("/spec/containers"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| text(c, "/image"))
        .collect()
}

fn annotation(value: &Value, key: &str) -> Option<String> {
    value
        .pointer("/metadata/annotations")?
        .get(key)?
        .as_str()
        .map(str::to_string)
}

/// `spec.selector.matchLabels` as `k=v,k2=v2`.
pub fn selector(value: &Value) -> Option<String> {
    let labels = value.pointer("/spec/selector/matchLabels")?.as_object()?;
    let pairs: Vec<String> = labels
        .iter()
        .filter_map(|(k, v)| v.as_str().map(|v| format!("{k}={v}")))
        .collect();
    (!pairs.is_empty()).then(|| pairs.join(","))
}

pub const REVISION: &str = "deployment.kubernetes.io/revision";
pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

impl WorkloadStatus {
    /// Decodes a Deployment, StatefulSet or DaemonSet.
    pub fn from_json(kind: WorkloadKind, value: &Value) -> Self {
        let mut status = WorkloadStatus {
            generation: int(value, "/metadata/generation"),
            observed_generation: int(value, "/status/observedGeneration"),
            desired: value.pointer("/spec/replicas").and_then(Value::as_i64),
            replicas: int(value, "/status/replicas"),
            updated: int(value, "/status/updatedReplicas"),
            ready: int(value, "/status/readyReplicas"),
            available: int(value, "/status/availableReplicas"),
            conditions: conditions(value),
            revision: annotation(value, REVISION).and_then(|r| r.parse().ok()),
            current_revision: text(value, "/status/currentRevision"),
            update_revision: text(value, "/status/updateRevision"),
            strategy: text(value, "/spec/updateStrategy/type")
                .or_else(|| text(value, "/spec/strategy/type")),
            partition: value
                .pointer("/spec/updateStrategy/rollingUpdate/partition")
                .and_then(Value::as_i64),
            paused: value
                .pointer("/spec/paused")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            selector: selector(value),
            images: images(value.pointer("/spec/template")),
            change_cause: annotation(value, CHANGE_CAUSE),
        };
        if kind == WorkloadKind::DaemonSet {
            status.desired = Some(int(value, "/status/desiredNumberScheduled"));
            status.replicas = int(value, "/status/currentNumberScheduled");
            status.updated = int(value, "/status/updatedNumberScheduled");
            status.ready = int(value, "/status/numberReady");
            status.available = int(value, "/status/numberAvailable");
        }
        status
    }

    pub fn condition(&self, kind: &str) -> Option<&Condition> {
        self.conditions.iter().find(|c| c.kind == kind)
    }
}

impl ReplicaSetLine {
    pub fn from_json(value: &Value) -> Self {
        ReplicaSetLine {
            name: text(value, "/metadata/name").unwrap_or_default(),
            revision: annotation(value, REVISION)
                .and_then(|r| r.parse().ok())
                .unwrap_or(0),
            desired: int(value, "/spec/replicas"),
            replicas: int(value, "/status/replicas"),
            ready: int(value, "/status/readyReplicas"),
            available: int(value, "/status/availableReplicas"),
            images: images(value.pointer("/spec/template")),
            change_cause: annotation(value, CHANGE_CAUSE),
            template_hash: text(value, "/metadata/labels/pod-template-hash"),
            created: time(value, "/metadata/creationTimestamp"),
        }
    }
}

impl PodLine {
    pub fn from_json(value: &Value) -> Self {
        let statuses: Vec<&Value> = value
            .pointer("/status/containerStatuses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .collect();
        let phase = text(value, "/status/phase").unwrap_or_else(|| "Pending".into());
        let waiting = statuses.iter().find_map(|s| {
            s.pointer("/state/waiting")
                .filter(|w| w.get("reason").is_some())
        });
        let terminated = statuses
            .iter()
            .find_map(|s| s.pointer("/state/terminated/reason"))
            .and_then(Value::as_str);
        let last_terminated = statuses
            .iter()
            .find_map(|s| s.pointer("/lastState/terminated/reason"))
            .and_then(Value::as_str)
            .or(terminated)
            .map(str::to_string);
        let unschedulable = conditions(value)
            .into_iter()
            .find(|c| {
                c.kind == "PodScheduled" && c.status == "False" && c.reason == "Unschedulable"
            })
            .map(|c| c.message);
        let ready = conditions(value)
            .iter()
            .any(|c| c.kind == "Ready" && c.status == "True");
        let (state, message) = match (waiting, &unschedulable) {
            (Some(w), _) => (
                text(w, "/reason").unwrap_or_default(),
                text(w, "/message").unwrap_or_default(),
            ),
            (None, Some(message)) => ("Unschedulable".to_string(), message.clone()),
            (None, None) => match terminated {
                Some(reason) => (reason.to_string(), String::new()),
                None if phase == "Running" && !ready => ("NotReady".to_string(), String::new()),
                None => (phase.clone(), String::new()),
            },
        };
        let labels = value.pointer("/metadata/labels");
        let revision_hash = labels
            .and_then(|l| {
                l.get("pod-template-hash")
                    .or_else(|| l.get("controller-revision-hash"))
            })
            .and_then(Value::as_str)
            .map(str::to_string);
        PodLine {
            name: text(value, "/metadata/name").unwrap_or_default(),
            phase,
            ready,
            revision_hash,
            state,
            message,
            restarts: statuses.iter().map(|s| int(s, "/restartCount")).sum(),
            last_terminated,
            unschedulable,
            deleting: value.pointer("/metadata/deletionTimestamp").is_some(),
            created: time(value, "/metadata/creationTimestamp"),
        }
    }
}

impl EventLine {
    pub fn from_json(value: &Value) -> Self {
        let kind = text(value, "/involvedObject/kind").unwrap_or_default();
        let name = text(value, "/involvedObject/name").unwrap_or_default();
        EventLine {
            at: time(value, "/lastTimestamp")
                .or_else(|| time(value, "/eventTime"))
                .or_else(|| time(value, "/firstTimestamp"))
                .or_else(|| time(value, "/metadata/creationTimestamp")),
            warning: text(value, "/type").as_deref() == Some("Warning"),
            reason: text(value, "/reason").unwrap_or_default(),
            object: format!("{kind}/{name}"),
            object_name: name,
            message: text(value, "/message").unwrap_or_default(),
            count: int(value, "/count").max(1),
        }
    }
}
