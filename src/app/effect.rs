//! `Effect`: every piece of I/O `update` asks for; the effect runner carries them out.

use std::time::Duration;

use crate::app::journal::AuditEntry;
use crate::llm::ChatRequest;

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Start a streamed completion; its events come back as `Msg::Llm { stream: id, .. }`.
    StartStream {
        id: u64,
        request: ChatRequest,
    },
    /// Stop a stream in flight (drops the HTTP request).
    CancelStream {
        id: u64,
    },
    /// Remember a sent prompt in the history file.
    SaveHistory(String),
    /// Run an approved command (never through a shell); its events come back as
    /// `Msg::Exec { run: id, .. }`. It is killed after `timeout`.
    RunCommand {
        id: u64,
        argv: Vec<String>,
        timeout: Duration,
    },
    /// Preview a write (server-side dry run and diff) for step `step` of plan `plan`; the
    /// result comes back as `Msg::Preview`.
    Preview {
        plan: u64,
        step: usize,
        argv: Vec<String>,
    },
    /// Kill a running command.
    CancelCommand {
        id: u64,
    },
    /// Send `Msg::Timer { id }` after `after` (a planned wait).
    StartTimer {
        id: u64,
        after: Duration,
    },
    CancelTimer {
        id: u64,
    },
    /// Put text on the terminal's clipboard (OSC 52).
    Copy(String),
    /// Replace the memory file of the current context with this text (empty clears it).
    SaveMemory(String),
    /// Pause (true) or resume the model's memory updates for the context, across sessions.
    PauseMemory(bool),
    /// Write a command's full kept output to a file in the data directory, named from `name`.
    SaveOutput {
        name: String,
        text: String,
    },
    /// Append one record to the audit log.
    Audit(AuditEntry),
    /// Start watching `target`; batches come back as `Msg::Watch { id, .. }` until the
    /// watcher is stopped.
    StartWatch {
        id: u64,
        target: crate::app::watch::WatchTarget,
    },
    /// Read one object in full; it comes back as `Msg::Fetched { id, .. }`.
    Fetch {
        id: u64,
        object: crate::app::watch::ObjectRef,
    },
    /// Stop the watcher `id` (its late batches are dropped).
    StopWatch {
        id: u64,
    },
    /// Discover the cluster's kinds; they come back as `Msg::Discovered { id, .. }`.
    Discover {
        id: u64,
    },
    /// Commands, previews, watchers and memory use `context` (and `namespace`) from now on;
    /// the context's memory comes back as `Msg::ContextMemory`.
    SwitchContext {
        context: String,
        namespace: String,
    },
    /// Leave the cockpit: cancel every task, restore the terminal.
    Quit,
    /// Start or stop a port-forward, read an object's ports, read or write saved forwards.
    Forwards(crate::app::forwards::ForwardEffect),
    /// Follow logs; events come back as `Msg::Logs { id, .. }` until stopped.
    StartLogs {
        id: u64,
        request: crate::live::logs::LogRequest,
    },
    StopLogs {
        id: u64,
    },
    /// Watch events; batches come back as `Msg::Events { id, .. }` until stopped.
    StartEvents {
        id: u64,
        target: crate::live::events::EventsTarget,
    },
    StopEvents {
        id: u64,
    },
    /// Follow a rollout; snapshots come back as `Msg::Rollout { id, .. }` until it is stopped.
    StartRollout {
        id: u64,
        key: crate::live::rollout::RolloutKey,
    },
    /// Stop the rollout follower `id`.
    StopRollout {
        id: u64,
    },
}
