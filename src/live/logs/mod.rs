//! Log following through kube-rs `Api::<Pod>::log_stream`: one stream per (pod, container),
//! split into lines here ([`split`]), resumed after a container restart without repeating
//! lines ([`stream`]), and for a workload the pods its selector matches, watched so streams
//! start and stop as pods come and go ([`follow`]).

pub mod follow;
pub mod split;
pub mod stream;

use std::sync::Arc;

pub use follow::run;
pub use split::{LineSplitter, MAX_LINE_BYTES, line_batches};

/// What to follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogSource {
    /// Every container of one pod.
    Pod { namespace: String, name: String },
    /// The pods a Deployment's selector matches, merged.
    Deployment { namespace: String, name: String },
    /// The pods a Service's selector matches, merged.
    Service { namespace: String, name: String },
}

impl LogSource {
    /// `pod/web-1`, `deployment/web`, … for titles and file names.
    pub fn label(&self) -> String {
        match self {
            LogSource::Pod { name, .. } => format!("pod/{name}"),
            LogSource::Deployment { name, .. } => format!("deployment/{name}"),
            LogSource::Service { name, .. } => format!("service/{name}"),
        }
    }

    pub fn namespace(&self) -> &str {
        match self {
            LogSource::Pod { namespace, .. }
            | LogSource::Deployment { namespace, .. }
            | LogSource::Service { namespace, .. } => namespace,
        }
    }
}

/// A follow request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRequest {
    pub source: LogSource,
    /// The previous (terminated) container instance's log, read once instead of followed.
    pub previous: bool,
    /// Lines of history per container at the start (`None`: all the server keeps).
    pub tail_lines: Option<i64>,
}

impl LogRequest {
    pub fn new(source: LogSource) -> Self {
        Self {
            source,
            previous: false,
            tail_lines: Some(DEFAULT_TAIL_LINES),
        }
    }
}

/// History asked for per container when a stream starts.
pub const DEFAULT_TAIL_LINES: i64 = 500;

/// One line of a container's log.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    pub pod: Arc<str>,
    pub container: Arc<str>,
    pub text: String,
    /// The kubelet's timestamp of the line, when the server sent one.
    pub timestamp: Option<jiff::Timestamp>,
}

/// What the follower reports.
#[derive(Debug, Clone, PartialEq)]
pub enum LogEvent {
    /// Lines of one or several streams, in arrival order.
    Lines(Vec<LogLine>),
    /// A stream of `pod`/`container` started (or resumed).
    Started { pod: String, container: String },
    /// A stream stopped for good (the pod went, the previous log was read).
    Ended {
        pod: String,
        container: String,
        reason: String,
    },
    /// Something went wrong; the follower keeps retrying where that makes sense.
    Error(String),
}
