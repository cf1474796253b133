//! Splitting a byte stream into lines: lossy UTF-8, and huge lines cut with a marker so a
//! 10 MB line never sits in memory whole.

use super::event::{OutputLine, OutputStream};

/// The longest line kept; the rest of a longer line is dropped and counted in its marker.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Turns chunks of one stream into complete lines.
#[derive(Debug)]
pub(crate) struct LineSplitter {
    stream: OutputStream,
    limit: usize,
    current: Vec<u8>,
    /// Bytes of the current line dropped past the limit.
    dropped: usize,
}

impl LineSplitter {
    pub fn new(stream: OutputStream) -> Self {
        Self::with_limit(stream, MAX_LINE_BYTES)
    }

    pub fn with_limit(stream: OutputStream, limit: usize) -> Self {
        Self {
            stream,
            limit: limit.max(4),
            current: Vec::new(),
            dropped: 0,
        }
    }

    /// Appends the complete lines of `chunk` to `out`; a trailing partial line waits for more.
    pub fn push(&mut self, mut chunk: &[u8], out: &mut Vec<OutputLine>) {
        while !chunk.is_empty() {
            let (piece, ended) = match chunk.iter().position(|&byte| byte == b'\n') {
                Some(end) => (&chunk[..end], true),
                None => (chunk, false),
            };
            self.append(piece);
            chunk = &chunk[piece.len() + usize::from(ended)..];
            if ended {
                out.push(self.take_line());
            }
        }
    }

    /// The last line when the stream ended without a newline.
    pub fn finish(&mut self, out: &mut Vec<OutputLine>) {
        if !self.current.is_empty() || self.dropped > 0 {
            out.push(self.take_line());
        }
    }

    fn append(&mut self, piece: &[u8]) {
        let room = self.limit.saturating_sub(self.current.len());
        let kept = piece.len().min(room);
        self.current.extend_from_slice(&piece[..kept]);
        self.dropped += piece.len() - kept;
    }

    fn take_line(&mut self) -> OutputLine {
        let mut bytes = std::mem::take(&mut self.current);
        let mut dropped = std::mem::take(&mut self.dropped);
        if dropped == 0 && bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        if dropped > 0 {
            // Do not let the cut leave half a character behind.
            let complete = match std::str::from_utf8(&bytes) {
                Err(error) if error.error_len().is_none() => error.valid_up_to(),
                _ => bytes.len(),
            };
            dropped += bytes.len() - complete;
            bytes.truncate(complete);
        }
        let mut text = String::from_utf8_lossy(&bytes).into_owned();
        if dropped > 0 {
            text.push_str(&format!(" … [line cut: {dropped} more bytes]"));
        }
        OutputLine {
            stream: self.stream,
            text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(limit: usize, chunks: &[&[u8]]) -> Vec<String> {
        let mut splitter = LineSplitter::with_limit(OutputStream::Stdout, limit);
        let mut out = Vec::new();
        for chunk in chunks {
            splitter.push(chunk, &mut out);
        }
        splitter.finish(&mut out);
        out.into_iter().map(|line| line.text).collect()
    }

    #[test]
    fn lines_join_across_chunks_and_the_last_line_needs_no_newline() {
        assert_eq!(
            split(100, &[b"ab", b"c\nde\r\n", b"\nf"]),
            ["abc", "de", "", "f"]
        );
    }

    #[test]
    fn invalid_utf8_becomes_replacement_characters() {
        assert_eq!(split(100, &[b"a\xff\xfeb\n"]), ["a\u{fffd}\u{fffd}b"]);
    }

    #[test]
    fn long_lines_are_cut_with_a_marker_at_a_character_boundary() {
        assert_eq!(
            split(5, &[b"abcd\xc3\xa9xyz\nok\n"]),
            ["abcd … [line cut: 5 more bytes]", "ok"]
        );
    }
}
