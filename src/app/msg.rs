//! `Msg`: every input the cockpit reacts to — terminal events, stream events, signals.

use crossterm::event::{KeyEvent, MouseEvent};

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
    /// SIGTERM, SIGHUP or another request to leave now.
    Shutdown,
}
