//! The log ring buffer: the last `capacity` lines, oldest dropped first (and counted), each
//! with a sequence number so views can hold positions across drops.

use std::collections::VecDeque;

use crate::live::logs::LogLine;

/// Lines held by default (configurable later; see `LogsState::with_capacity`).
pub const DEFAULT_RING_LINES: usize = 10_000;

#[derive(Debug)]
pub struct Ring {
    lines: VecDeque<LogLine>,
    capacity: usize,
    /// The sequence number of `lines[0]`.
    first_seq: u64,
    /// Lines dropped from the front since the buffer was made or cleared.
    pub dropped: u64,
}

impl Default for Ring {
    fn default() -> Self {
        Self::new(DEFAULT_RING_LINES)
    }
}

impl Ring {
    pub fn new(capacity: usize) -> Self {
        Self {
            lines: VecDeque::new(),
            capacity: capacity.max(1),
            first_seq: 0,
            dropped: 0,
        }
    }

    /// Adds a line; returns its sequence number.
    pub fn push(&mut self, line: LogLine) -> u64 {
        if self.lines.len() == self.capacity {
            self.lines.pop_front();
            self.first_seq += 1;
            self.dropped += 1;
        }
        self.lines.push_back(line);
        self.end_seq() - 1
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The sequence number of the oldest line held.
    pub fn first_seq(&self) -> u64 {
        self.first_seq
    }

    /// One past the newest line's sequence number.
    pub fn end_seq(&self) -> u64 {
        self.first_seq + self.lines.len() as u64
    }

    /// The line numbered `seq`, if still held.
    pub fn get(&self, seq: u64) -> Option<&LogLine> {
        let index = seq.checked_sub(self.first_seq)?;
        self.lines.get(usize::try_from(index).ok()?)
    }

    pub fn iter(&self) -> impl Iterator<Item = (u64, &LogLine)> {
        (self.first_seq..).zip(self.lines.iter())
    }

    /// Drops every line (numbering goes on).
    pub fn clear(&mut self) {
        self.first_seq = self.end_seq();
        self.lines.clear();
        self.dropped = 0;
    }
}
