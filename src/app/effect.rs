//! `Effect`: every piece of I/O `update` asks for; the effect runner carries them out.

use crate::llm::ChatRequest;

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Start a streamed completion; its events come back as `Msg::Llm { stream: id, .. }`.
    StartStream { id: u64, request: ChatRequest },
    /// Stop a stream in flight (drops the HTTP request).
    CancelStream { id: u64 },
    /// Remember a sent prompt in the history file.
    SaveHistory(String),
    /// Leave the cockpit: cancel every task, restore the terminal.
    Quit,
}
