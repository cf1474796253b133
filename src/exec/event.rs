//! What a running command reports: its start, batches of output lines, and one final report.

use std::time::Duration;

/// Which pipe a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputStream {
    Stdout,
    Stderr,
}

/// One line of output without its line ending. Invalid UTF-8 is replaced by U+FFFD and a line
/// longer than [`crate::exec::MAX_LINE_BYTES`] is cut, ending in a marker saying how much.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputLine {
    pub stream: OutputStream,
    pub text: String,
}

/// How a command ended.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExecReport {
    /// The exit code; `None` when the process was killed by a signal or could not be waited on.
    pub exit_code: Option<i32>,
    /// From the spawn to the end of its output.
    pub duration: Duration,
    pub timed_out: bool,
    pub cancelled: bool,
    /// Lines sent in [`ExecEvent::Output`], both streams.
    pub total_lines: usize,
    /// What went wrong besides the exit code: a signal, a failed read or wait.
    pub error: Option<String>,
}

impl ExecReport {
    /// Whether the command ran to the end with one of `allowed` exit codes (0 when empty).
    pub fn succeeded(&self, allowed: &[i32]) -> bool {
        if self.timed_out || self.cancelled {
            return false;
        }
        match self.exit_code {
            Some(code) if allowed.is_empty() => code == 0,
            Some(code) => allowed.contains(&code),
            None => false,
        }
    }
}

/// Sent by [`crate::exec::spawn`], in this order: `Started` once, `Output` any number of
/// times, `Finished` exactly once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecEvent {
    Started {
        pid: u32,
    },
    /// Every line that was readable at once, in order per stream.
    Output(Vec<OutputLine>),
    Finished(ExecReport),
}
