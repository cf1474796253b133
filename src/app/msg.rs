//! `Msg`: every input the cockpit reacts to — terminal events, stream events, signals.

use crossterm::event::{KeyEvent, MouseEvent};

use crate::app::command::ExecEvent;
use crate::llm::LlmEvent;

/// One thing that happened; `update` turns it into model changes and effects.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Mouse(MouseEvent),
    Resize {
        width: u16,
        height: u16,
    },
    /// An event of the stream started as `stream` (stale streams are ignored).
    Llm {
        stream: u64,
        event: LlmEvent,
    },
    /// An event of the command started as `run` (stale runs are ignored).
    Exec {
        run: u64,
        event: ExecEvent,
    },
    /// The preview of step `step` of plan `plan` (stale plans are ignored).
    Preview {
        plan: u64,
        step: usize,
        preview: crate::exec::Preview,
    },
    /// The timer started as `id` went off.
    Timer {
        id: u64,
    },
    /// A result of background I/O to show in chat (a file saved, a write that failed).
    Notice {
        text: String,
        error: bool,
    },
    /// A batch of changes from the watcher started as `id` (stale watchers are ignored).
    Watch {
        id: u64,
        changes: Vec<crate::live::store::Change>,
    },
    /// The object asked for by `Effect::Fetch { id, .. }`, or why it could not be read.
    Fetched {
        id: u64,
        result: Result<serde_json::Value, String>,
    },
    /// The kinds found by `Effect::Discover { id }`, or why discovery failed.
    Discovered {
        id: u64,
        result: Result<crate::app::discovery::Catalogue, String>,
    },
    /// The memory notes (and paused flag) of `context`, read after `Effect::SwitchContext`.
    ContextMemory {
        context: String,
        memory: Result<(String, bool), String>,
    },
    /// SIGTERM, SIGHUP or another request to leave now.
    Shutdown,
    /// A report for the port-forwards view (a forward's event, ports read, saved forwards).
    Forwards(crate::app::forwards::ForwardMsg),
    /// An event of the log follow started as `id` (stale follows are ignored).
    Logs {
        id: u64,
        event: crate::live::logs::LogEvent,
    },
    /// A batch of the events watch started as `id` (stale watches are ignored).
    Events {
        id: u64,
        changes: Vec<crate::live::events::EventChange>,
    },
    /// A snapshot from the rollout follower started as `id` (stopped followers are ignored).
    Rollout {
        id: u64,
        snapshot: Box<crate::live::rollout::RolloutSnapshot>,
    },
}
