//! Pods: the fields NAME READY STATUS RESTARTS AGE NODE IP need, plus labels and owners.

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use kube::core::ApiResource;
use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::live::projection::meta::{self, identity};
use crate::live::projection::pod_status::status_line;
use crate::live::projection::{KnownKind, Projection, erase, projection_resource};
use crate::live::row::{Cell, Column, Row, Tone, column};

/// A pod as the table needs it.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct PodRow {
    #[serde(default, deserialize_with = "meta::compact")]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: PodSpecLite,
    #[serde(default)]
    pub status: PodStatusLite,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodSpecLite {
    pub node_name: Option<String>,
    pub init_containers: Vec<InitContainerLite>,
    /// Only counted.
    pub containers: Vec<IgnoredAny>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct InitContainerLite {
    pub name: String,
    pub restart_policy: Option<String>,
}

impl InitContainerLite {
    /// A sidecar: an init container with `restartPolicy: Always`.
    pub fn restartable(&self) -> bool {
        self.restart_policy.as_deref() == Some("Always")
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodStatusLite {
    pub phase: Option<String>,
    pub reason: Option<String>,
    pub conditions: Vec<ConditionLite>,
    pub init_container_statuses: Vec<ContainerStatusLite>,
    pub container_statuses: Vec<ContainerStatusLite>,
    #[serde(rename = "podIP")]
    pub pod_ip: Option<String>,
    #[serde(rename = "podIPs")]
    pub pod_ips: Vec<PodIpLite>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConditionLite {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PodIpLite {
    pub ip: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerStatusLite {
    pub name: String,
    pub ready: bool,
    pub restart_count: i32,
    pub started: Option<bool>,
    pub state: Option<StateLite>,
    pub last_state: Option<StateLite>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct StateLite {
    pub waiting: Option<WaitingLite>,
    pub running: Option<IgnoredAny>,
    pub terminated: Option<TerminatedLite>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct WaitingLite {
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TerminatedLite {
    pub reason: Option<String>,
    pub exit_code: i32,
    pub signal: Option<i32>,
    pub finished_at: Option<Time>,
}

projection_resource!(PodRow);

const COLUMNS: &[Column] = &[
    column("READY", 5),
    column("STATUS", 17),
    column("RESTARTS", 12),
    column("AGE", 5),
    column("NODE", 14),
    column("IP", 15),
];

impl Projection for PodRow {
    fn columns() -> &'static [Column] {
        COLUMNS
    }

    fn into_row(self) -> Row {
        let line = status_line(&self);
        let tone = pod_tone(&line.status, line.ready, line.total);
        let node = self.spec.node_name.filter(|n| !n.is_empty());
        let ip = self
            .status
            .pod_ips
            .into_iter()
            .map(|p| p.ip)
            .next()
            .or(self.status.pod_ip)
            .filter(|ip| !ip.is_empty());
        let id = identity(self.metadata);
        let cells = Box::new([
            Cell::Ratio(line.ready, line.total),
            Cell::text(line.status),
            Cell::Restarts {
                count: line.restarts,
                last: line.last_restart,
            },
            Cell::Age(id.created),
            Cell::text(node.unwrap_or_else(|| "<none>".to_string())),
            Cell::text(ip.unwrap_or_else(|| "<none>".to_string())),
        ]);
        id.into_row(cells, tone)
    }
}

impl KnownKind for PodRow {
    fn api_resource() -> ApiResource {
        erase::<Pod>()
    }
}

/// Running and ready is good; on the way (Pending, creating, init, terminating) is a warning;
/// anything else kubectl prints in STATUS is a failure.
fn pod_tone(status: &str, ready: u32, total: u32) -> Tone {
    match status {
        "Running" if ready == total => Tone::Good,
        "Completed" | "Succeeded" => Tone::Good,
        "Running" | "Pending" | "ContainerCreating" | "PodInitializing" | "Terminating"
        | "NotReady" | "SchedulingGated" => Tone::Warn,
        s if s.strip_prefix("Init:").is_some_and(|r| r.contains('/')) => Tone::Warn,
        _ => Tone::Bad,
    }
}
