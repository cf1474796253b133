//! Small value types read from strings: a workload kind, a port-forward target, a port mapping.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A workload whose rollout can be watched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum WorkloadKind {
    Deployment,
    StatefulSet,
    DaemonSet,
}

impl TryFrom<String> for WorkloadKind {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        match text.trim().to_ascii_lowercase().as_str() {
            "deployment" | "deployments" | "deploy" => Ok(WorkloadKind::Deployment),
            "statefulset" | "statefulsets" | "sts" => Ok(WorkloadKind::StatefulSet),
            "daemonset" | "daemonsets" | "ds" => Ok(WorkloadKind::DaemonSet),
            _ => Err(format!(
                "unknown kind `{text}`; use deployment, statefulset or daemonset"
            )),
        }
    }
}

impl From<WorkloadKind> for String {
    fn from(kind: WorkloadKind) -> Self {
        kind.to_string()
    }
}

impl fmt::Display for WorkloadKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WorkloadKind::Deployment => "deployment",
            WorkloadKind::StatefulSet => "statefulset",
            WorkloadKind::DaemonSet => "daemonset",
        })
    }
}

/// What a port-forward connects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForwardKind {
    Pod,
    Service,
}

/// `pod/NAME` or `svc/NAME`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ForwardTarget {
    pub kind: ForwardKind,
    pub name: String,
}

impl TryFrom<String> for ForwardTarget {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        let invalid = || format!("invalid target `{text}`; use pod/NAME or svc/NAME");
        let (kind, name) = text.trim().split_once('/').ok_or_else(invalid)?;
        let kind = match kind.to_ascii_lowercase().as_str() {
            "pod" | "pods" | "po" => ForwardKind::Pod,
            "svc" | "service" | "services" => ForwardKind::Service,
            _ => return Err(invalid()),
        };
        if name.is_empty() || name.contains('/') {
            return Err(invalid());
        }
        Ok(ForwardTarget {
            kind,
            name: name.to_string(),
        })
    }
}

impl From<ForwardTarget> for String {
    fn from(target: ForwardTarget) -> Self {
        target.to_string()
    }
}

impl fmt::Display for ForwardTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            ForwardKind::Pod => "pod",
            ForwardKind::Service => "svc",
        };
        write!(f, "{kind}/{}", self.name)
    }
}

/// `LOCAL:REMOTE`, or one port used for both sides (as kubectl reads it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PortMapping {
    pub local: u16,
    pub remote: u16,
}

impl TryFrom<String> for PortMapping {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        let invalid = || format!("invalid ports `{text}`; use LOCAL:REMOTE, e.g. 8080:80");
        let port = |part: &str| match part.trim().parse::<u16>() {
            Ok(0) | Err(_) => Err(invalid()),
            Ok(port) => Ok(port),
        };
        let (local, remote) = match text.split_once(':') {
            Some((local, remote)) => (port(local)?, port(remote)?),
            None => (port(&text)?, port(&text)?),
        };
        Ok(PortMapping { local, remote })
    }
}

impl From<PortMapping> for String {
    fn from(ports: PortMapping) -> Self {
        ports.to_string()
    }
}

impl fmt::Display for PortMapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.local, self.remote)
    }
}
