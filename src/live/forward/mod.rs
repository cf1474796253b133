//! Port-forwards through kube-rs (`Api::portforward`, no kubectl): a local listener per
//! forward, one port-forward stream per accepted connection, traffic counters, and a pod
//! watcher that moves the forward to a new ready pod when its pod goes away.

mod listen;
mod resolve;
mod run;
mod traffic;

use std::fmt;

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

pub use listen::bind_local;
pub use resolve::{is_ready, local_port_for};
pub use traffic::Traffic;

/// What a forward connects to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ForwardTarget {
    Pod { namespace: String, name: String },
    Service { namespace: String, name: String },
}

impl ForwardTarget {
    pub fn namespace(&self) -> &str {
        match self {
            ForwardTarget::Pod { namespace, .. } | ForwardTarget::Service { namespace, .. } => {
                namespace
            }
        }
    }

    pub fn name(&self) -> &str {
        match self {
            ForwardTarget::Pod { name, .. } | ForwardTarget::Service { name, .. } => name,
        }
    }
}

impl fmt::Display for ForwardTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ForwardTarget::Pod { namespace, name } => write!(f, "pod/{namespace}/{name}"),
            ForwardTarget::Service { namespace, name } => write!(f, "svc/{namespace}/{name}"),
        }
    }
}

/// One forward to start: the target, its port (a container port for a pod, a service port
/// for a service) and the local port wanted (`None`: the remote port, +8000 below 1024).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ForwardSpec {
    pub target: ForwardTarget,
    pub remote_port: u16,
    #[serde(default)]
    pub local_port: Option<u16>,
}

impl ForwardSpec {
    /// The local port asked for.
    pub fn wanted_local_port(&self) -> u16 {
        self.local_port
            .unwrap_or_else(|| local_port_for(self.remote_port))
    }
}

/// Where a forward is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForwardState {
    /// Resolving the target and binding the local port.
    Starting,
    /// Listening, no connection open.
    Listening,
    /// At least one connection open.
    Active,
    /// The pod went away; waiting for a ready pod to take over.
    Reconnecting,
    /// The forward ended with this error; its local port is closed.
    Failed { error: String },
    /// Stopped by the operator.
    Stopped,
}

impl ForwardState {
    pub fn label(&self) -> &'static str {
        match self {
            ForwardState::Starting => "starting",
            ForwardState::Listening => "listening",
            ForwardState::Active => "active",
            ForwardState::Reconnecting => "reconnecting",
            ForwardState::Failed { .. } => "failed",
            ForwardState::Stopped => "stopped",
        }
    }

    /// Whether the forward still runs (or may still run).
    pub fn is_live(&self) -> bool {
        !matches!(self, ForwardState::Failed { .. } | ForwardState::Stopped)
    }
}

/// What a running forward reports, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForwardEvent {
    /// The local port is bound. `note` says why it is not the port asked for.
    Listening {
        port: u16,
        note: Option<String>,
    },
    /// Connections go to `pod` on `port` (a container port). `note` says why it changed
    /// ("reconnected to pod X (pod Y went away)").
    Pod {
        pod: String,
        port: u16,
        note: Option<String>,
    },
    State(ForwardState),
    /// Totals so far (sent at most a few times a second while bytes flow).
    Traffic(Traffic),
    /// A connection failed; the forward goes on.
    Error(String),
}

/// A running forward: dropping it (or [`ForwardHandle::stop`]) closes the listener and every
/// connection.
#[derive(Debug)]
pub struct ForwardHandle {
    task: JoinHandle<()>,
}

impl ForwardHandle {
    pub fn stop(&self) {
        self.task.abort();
    }

    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }

    /// The task's abort handle (the effect runner keeps these).
    pub fn abort_handle(&self) -> tokio::task::AbortHandle {
        self.task.abort_handle()
    }
}

impl Drop for ForwardHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Start a forward on the current tokio runtime; its events come on `events` until it fails
/// or is stopped. It never panics on a missing object or a busy port: those are events.
pub fn spawn(
    client: kube::Client,
    spec: ForwardSpec,
    events: mpsc::Sender<ForwardEvent>,
) -> ForwardHandle {
    ForwardHandle {
        task: tokio::spawn(run::run(client, spec, events)),
    }
}
