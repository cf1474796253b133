//! The state of the answer in flight and the session's token and cost counters.

use std::time::{Duration, Instant};

use crate::llm::Usage;

/// Shortest finished stream whose rate the status bar shows.
const MIN_RATE_WINDOW: Duration = Duration::from_millis(250);

/// What the status bar says about the model.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamState {
    Idle,
    Connecting {
        since: Instant,
        /// Set while waiting to retry: attempt number, delay and why.
        retry: Option<(u32, Duration, String)>,
    },
    Streaming {
        first_token: Instant,
        last_token: Instant,
        chunks: u64,
    },
    Done {
        chunks: u64,
        elapsed: Duration,
    },
    Cancelled,
    Failed(String),
}

impl StreamState {
    pub fn is_active(&self) -> bool {
        matches!(
            self,
            StreamState::Connecting { .. } | StreamState::Streaming { .. }
        )
    }

    /// Tokens per second over the stream so far (chunks approximate tokens until usage arrives).
    pub fn rate(&self) -> Option<f64> {
        match self {
            StreamState::Streaming {
                first_token,
                last_token,
                chunks,
            } => {
                let secs = last_token.duration_since(*first_token).as_secs_f64();
                (secs > 0.0 && *chunks > 1).then(|| (*chunks - 1) as f64 / secs)
            }
            // Too short a stream (a cached or replayed answer) has no meaningful rate.
            StreamState::Done { chunks, elapsed } if *elapsed >= MIN_RATE_WINDOW => {
                Some(*chunks as f64 / elapsed.as_secs_f64())
            }
            _ => None,
        }
    }
}

/// Tokens in and out over the session, counting the request in flight.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct UsageTotals {
    finished: Usage,
    current: Usage,
}

impl UsageTotals {
    /// The server's latest report for the request in flight (the last one wins).
    pub fn report(&mut self, usage: Usage) {
        self.current = usage;
    }

    /// The request in flight ended: its usage joins the session total.
    pub fn close_request(&mut self) {
        self.finished.input_tokens += self.current.input_tokens;
        self.finished.output_tokens += self.current.output_tokens;
        self.current = Usage::default();
    }

    pub fn total(&self) -> Usage {
        Usage {
            input_tokens: self.finished.input_tokens + self.current.input_tokens,
            output_tokens: self.finished.output_tokens + self.current.output_tokens,
        }
    }
}
