//! Splits a log byte stream into lines: bytes in, text out, invalid UTF-8 shown as U+FFFD, a
//! line longer than the cap cut with a marker while its excess is counted and never buffered.

use futures::io::{AsyncBufRead, AsyncBufReadExt};
use futures::stream::Stream;

/// The most bytes of one line that are kept; the rest is counted and dropped.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Turns chunks of bytes into lines, across any chunk boundaries.
#[derive(Debug)]
pub struct LineSplitter {
    buf: Vec<u8>,
    cut: usize,
    max: usize,
}

impl Default for LineSplitter {
    fn default() -> Self {
        Self::new(MAX_LINE_BYTES)
    }
}

impl LineSplitter {
    /// A splitter keeping at most `max` bytes of a line (at least 1).
    pub fn new(max: usize) -> Self {
        Self {
            buf: Vec::new(),
            cut: 0,
            max: max.max(1),
        }
    }

    /// Feeds `bytes`; each completed line is pushed on `out`.
    pub fn push(&mut self, mut bytes: &[u8], out: &mut Vec<String>) {
        while !bytes.is_empty() {
            match bytes.iter().position(|b| *b == b'\n') {
                Some(at) => {
                    self.keep(&bytes[..at]);
                    out.push(self.take_line());
                    bytes = &bytes[at + 1..];
                }
                None => {
                    self.keep(bytes);
                    bytes = &[];
                }
            }
        }
    }

    /// The stream ended: a last line without a newline is pushed too.
    pub fn finish(&mut self, out: &mut Vec<String>) {
        if !self.buf.is_empty() || self.cut > 0 {
            out.push(self.take_line());
        }
    }

    fn keep(&mut self, bytes: &[u8]) {
        let room = self.max.saturating_sub(self.buf.len());
        let kept = bytes.len().min(room);
        self.buf.extend_from_slice(&bytes[..kept]);
        self.cut += bytes.len() - kept;
    }

    fn take_line(&mut self) -> String {
        if self.cut == 0 && self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        let mut line = String::from_utf8_lossy(&self.buf).into_owned();
        if self.cut > 0 {
            line.push_str(&format!(" … ({} bytes cut)", self.cut));
        }
        self.buf.clear();
        self.cut = 0;
        line
    }
}

/// The lines of `reader` in batches, one batch per chunk that completes at least one line.
pub fn line_batches<R>(
    reader: R,
    max_line: usize,
) -> impl Stream<Item = std::io::Result<Vec<String>>>
where
    R: AsyncBufRead + Unpin,
{
    async_stream::try_stream! {
        let mut reader = reader;
        let mut splitter = LineSplitter::new(max_line);
        loop {
            let mut lines = Vec::new();
            let chunk = reader.fill_buf().await?;
            if chunk.is_empty() {
                splitter.finish(&mut lines);
                if !lines.is_empty() {
                    yield lines;
                }
                break;
            }
            let read = chunk.len();
            splitter.push(chunk, &mut lines);
            reader.consume_unpin(read);
            if !lines.is_empty() {
                yield lines;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(chunks: &[&[u8]], max: usize) -> Vec<String> {
        let mut splitter = LineSplitter::new(max);
        let mut out = Vec::new();
        for chunk in chunks {
            splitter.push(chunk, &mut out);
        }
        splitter.finish(&mut out);
        out
    }

    #[test]
    fn crlf_and_a_last_line_without_newline() {
        assert_eq!(split(&[b"a\r\nb\nc"], 100), ["a", "b", "c"]);
    }

    #[test]
    fn a_character_split_across_chunks_stays_whole() {
        let text = "é€".as_bytes();
        assert_eq!(
            split(&[&text[..1], &text[1..3], &text[3..], b"\n"], 100),
            ["é€"]
        );
    }

    #[test]
    fn invalid_utf8_becomes_replacement_characters() {
        assert_eq!(
            split(&[b"ok \xff\xfe end\n"], 100),
            ["ok \u{fffd}\u{fffd} end"]
        );
    }

    #[test]
    fn a_long_line_is_cut_with_a_count() {
        let long = [b'x'; 25];
        let lines = split(&[&long[..10], &long[10..], b"\nnext\n"], 8);
        assert_eq!(lines, ["xxxxxxxx … (17 bytes cut)", "next"]);
    }

    #[test]
    fn empty_lines_are_kept() {
        assert_eq!(split(&[b"\n\nx\n"], 10), ["", "", "x"]);
    }
}
