//! A command's output as the cockpit keeps it: bounded in memory, savable whole, and cut and
//! redacted for the model.

use std::collections::VecDeque;
use std::io;
use std::path::Path;

use super::event::{OutputLine, OutputStream};
use crate::agent::redact::redact_text;

/// Lines kept in memory by default; past this the middle of the output is dropped and counted.
pub const DEFAULT_KEEP_LINES: usize = 200_000;

/// Accumulates [`OutputLine`]s, keeping the first half and the last half of `keep_lines`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapturedOutput {
    head_limit: usize,
    tail_limit: usize,
    head: Vec<OutputLine>,
    tail: VecDeque<OutputLine>,
    dropped: usize,
}

impl Default for CapturedOutput {
    fn default() -> Self {
        Self::new(DEFAULT_KEEP_LINES)
    }
}

impl CapturedOutput {
    pub fn new(keep_lines: usize) -> Self {
        let head_limit = keep_lines / 2;
        Self {
            head_limit,
            tail_limit: keep_lines - head_limit,
            head: Vec::new(),
            tail: VecDeque::new(),
            dropped: 0,
        }
    }

    pub fn push(&mut self, line: OutputLine) {
        if self.head.len() < self.head_limit {
            self.head.push(line);
            return;
        }
        if self.tail.len() >= self.tail_limit {
            if self.tail.pop_front().is_none() {
                self.dropped += 1;
                return;
            }
            self.dropped += 1;
        }
        self.tail.push_back(line);
    }

    pub fn extend(&mut self, lines: impl IntoIterator<Item = OutputLine>) {
        for line in lines {
            self.push(line);
        }
    }

    /// Lines seen, kept or not.
    pub fn total_lines(&self) -> usize {
        self.head.len() + self.tail.len() + self.dropped
    }

    /// Lines dropped from the middle to stay within the limit.
    pub fn dropped_lines(&self) -> usize {
        self.dropped
    }

    /// The kept lines in order; the dropped ones were between the first and the last half.
    pub fn lines(&self) -> impl Iterator<Item = &OutputLine> {
        self.head.iter().chain(self.tail.iter())
    }

    /// The last `n` kept lines, in order (the live view shows at most a screenful).
    pub fn last(&self, n: usize) -> impl Iterator<Item = &OutputLine> {
        let from_head = n.saturating_sub(self.tail.len());
        let head = &self.head[self.head.len().saturating_sub(from_head)..];
        let skip_tail = self.tail.len().saturating_sub(n);
        head.iter().chain(self.tail.iter().skip(skip_tail))
    }

    /// The kept output as text, both streams in arrival order, with a line saying how many
    /// lines were dropped where they were.
    pub fn text(&self) -> String {
        let mut text = String::new();
        for line in &self.head {
            text.push_str(&line.text);
            text.push('\n');
        }
        if self.dropped > 0 {
            text.push_str(&dropped_note(self.dropped));
            text.push('\n');
        }
        for line in &self.tail {
            text.push_str(&line.text);
            text.push('\n');
        }
        text
    }

    /// Writes [`Self::text`] to `path`, created or replaced with mode 0600.
    pub fn save(&self, path: &Path) -> io::Result<()> {
        crate::paths::replace_private_file(path, self.text().as_bytes())
    }

    /// What the model sees: stdout, then stderr under a `[stderr]` line, each redacted and cut
    /// to its first and last lines with `… N more lines` between, within about `max_lines`
    /// lines and `max_bytes` bytes (stderr gets at most a quarter when there is stdout).
    pub fn for_model(&self, max_lines: usize, max_bytes: usize) -> String {
        let stdout = self.stream_text(OutputStream::Stdout);
        let stderr = self.stream_text(OutputStream::Stderr);
        if stdout.is_empty() && stderr.is_empty() && self.dropped == 0 {
            return "(no output)".to_owned();
        }
        let stderr_text = redact_text(&stderr).text;
        let (stderr_lines, stderr_bytes) = if stdout.is_empty() {
            (max_lines, max_bytes)
        } else {
            (max_lines / 4, max_bytes / 4)
        };
        let stderr_cut = cut(&stderr_text, stderr_lines, stderr_bytes, 0);
        let stdout_text = redact_text(&stdout).text;
        let used_lines = stderr_cut.lines().count() + usize::from(!stderr.is_empty());
        let used_bytes = stderr_cut.len();
        let mut model = cut(
            &stdout_text,
            max_lines.saturating_sub(used_lines),
            max_bytes.saturating_sub(used_bytes),
            self.dropped,
        );
        if !stderr.is_empty() {
            if !model.is_empty() && !model.ends_with('\n') {
                model.push('\n');
            }
            model.push_str("[stderr]\n");
            model.push_str(&stderr_cut);
        }
        model
    }

    fn stream_text(&self, stream: OutputStream) -> String {
        let mut text = String::new();
        for line in self.lines().filter(|line| line.stream == stream) {
            text.push_str(&line.text);
            text.push('\n');
        }
        text
    }
}

fn dropped_note(count: usize) -> String {
    format!("… {count} lines dropped here (only the first and last lines are kept in memory)")
}

/// The first and last lines of `text` within half the budget each, with the count of the
/// lines between (plus `omitted`, lines already gone) on a line of its own.
fn cut(text: &str, max_lines: usize, max_bytes: usize, omitted: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if omitted == 0 && lines.len() <= max_lines && text.len() <= max_bytes {
        return text.to_owned();
    }
    let (head_lines, head_bytes) = (max_lines / 2, max_bytes / 2);
    let mut head: Vec<String> = Vec::new();
    let mut used = 0;
    for line in lines.iter().take(head_lines) {
        let Some(line) = fit(line, head_bytes.saturating_sub(used), head.is_empty()) else {
            break;
        };
        used += line.len() + 1;
        head.push(line);
    }
    let tail_budget = max_bytes.saturating_sub(used) / 2 + max_bytes / 4;
    let tail_lines = max_lines.saturating_sub(head.len() + 1);
    let mut tail: Vec<String> = Vec::new();
    let mut used = 0;
    for line in lines[head.len()..].iter().rev().take(tail_lines) {
        let Some(line) = fit(line, tail_budget.saturating_sub(used), tail.is_empty()) else {
            break;
        };
        used += line.len() + 1;
        tail.push(line);
    }
    tail.reverse();
    let missing = lines.len() - head.len() - tail.len() + omitted;
    let mut result = String::new();
    for line in &head {
        result.push_str(line);
        result.push('\n');
    }
    if missing > 0 {
        result.push_str(&format!("… {missing} more lines\n"));
    }
    for line in &tail {
        result.push_str(line);
        result.push('\n');
    }
    result
}

/// `line` if it fits in `room` bytes (with its newline); else, when it would be the first line
/// shown (`first`), its start cut at a character boundary if at least a little fits.
fn fit(line: &str, room: usize, first: bool) -> Option<String> {
    if line.len() < room {
        return Some(line.to_owned());
    }
    if !first {
        return None;
    }
    const MARK: &str = " …";
    let keep = room
        .checked_sub(MARK.len() + 1)
        .filter(|keep| *keep >= 16)?;
    let mut end = keep;
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    Some(format!("{}{MARK}", &line[..end]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> OutputLine {
        OutputLine {
            stream: OutputStream::Stdout,
            text: text.to_owned(),
        }
    }

    #[test]
    fn past_the_limit_the_middle_is_dropped_and_counted() {
        let mut captured = CapturedOutput::new(4);
        captured.extend((0..10).map(|n| line(&n.to_string())));
        let kept: Vec<&str> = captured.lines().map(|l| l.text.as_str()).collect();
        assert_eq!(kept, ["0", "1", "8", "9"]);
        assert_eq!((captured.dropped_lines(), captured.total_lines()), (6, 10));
        assert!(captured.text().contains("… 6 lines dropped here"));
    }

    #[test]
    fn the_last_lines_span_the_head_and_the_tail() {
        let mut captured = CapturedOutput::new(4);
        captured.extend((0..10).map(|n| line(&n.to_string())));
        let last = |n| -> Vec<String> { captured.last(n).map(|l| l.text.clone()).collect() };
        assert_eq!(last(1), ["9"]);
        assert_eq!(last(3), ["1", "8", "9"]);
        assert_eq!(last(99), ["0", "1", "8", "9"]);
        assert!(last(0).is_empty());
        let mut short = CapturedOutput::new(10);
        short.extend((0..3).map(|n| line(&n.to_string())));
        let tail: Vec<&str> = short.last(2).map(|l| l.text.as_str()).collect();
        assert_eq!(tail, ["1", "2"]);
    }

    #[test]
    fn cut_keeps_head_and_tail_with_the_count_between() {
        let text: String = (0..100).map(|n| format!("{n}\n")).collect();
        assert_eq!(cut(&text, 5, 10_000, 0), "0\n1\n… 96 more lines\n98\n99\n");
        assert_eq!(cut(&text, 1000, 10_000, 0), text);
    }

    #[test]
    fn a_line_longer_than_the_budget_is_cut_at_a_character_boundary() {
        let long = "é".repeat(100);
        let cut = fit(&long, 40, true).expect("some of it fits");
        assert!(cut.len() <= 40 && cut.ends_with(" …"), "{cut}");
        assert_eq!(fit(&long, 5, true), None);
        assert_eq!(fit(&long, 40, false), None);
    }
}
