//! Cutting a growing message into top-level blocks at boundaries that later text cannot move.
//!
//! Lines are fed in order, each only once and only when complete. A block ends at a blank line
//! followed by an unindented line, where a fence opens, after the fence that closes a code
//! block, and at the next item of a top-level list. Everything before the open block is final,
//! so the renderer caches it; only the open block is ever drawn again.

use std::ops::Range;

use super::code::{language_token, without_line_ending};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Boundary {
    /// A finished markdown block; `joins_list` when it is the next item of the list before it.
    TextClosed {
        range: Range<usize>,
        joins_list: bool,
    },
    CodeOpened {
        language: Option<String>,
    },
    /// One line of the open code block: the byte range of its content, line ending and the
    /// fence's indentation removed.
    CodeLine(Range<usize>),
    CodeClosed,
}

/// The block still open at the end of the text fed so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenBlock {
    /// No block is open; the next one continues the list before it when `joins_list`.
    None {
        joins_list: bool,
    },
    Text {
        start: usize,
        joins_list: bool,
    },
    Code,
}

#[derive(Debug, Default)]
pub struct Splitter {
    state: State,
}

#[derive(Debug)]
enum State {
    Between {
        joins_list: bool,
    },
    Text {
        start: usize,
        list: Option<ListMarker>,
        joins_list: bool,
        /// Where the trailing blank lines began, if the last lines fed were blank.
        blank_from: Option<usize>,
    },
    Code(Fence),
}

impl Default for State {
    fn default() -> Self {
        State::Between { joins_list: false }
    }
}

impl Splitter {
    pub fn open_block(&self) -> OpenBlock {
        match self.state {
            State::Between { joins_list } => OpenBlock::None { joins_list },
            State::Text {
                start, joins_list, ..
            } => OpenBlock::Text { start, joins_list },
            State::Code(_) => OpenBlock::Code,
        }
    }

    /// Feeds the line `text[line]`, which ends with `\n` unless it is the last one.
    pub fn feed(&mut self, text: &str, line: Range<usize>, out: &mut Vec<Boundary>) {
        let at = line.start;
        let content = &text[line];
        match &mut self.state {
            State::Between { joins_list } => {
                let joins_list = *joins_list;
                self.start_block(content, at, joins_list, out);
            }
            State::Code(fence) => {
                if fence.closes(content) {
                    out.push(Boundary::CodeClosed);
                    self.state = State::default();
                } else {
                    let line = without_line_ending(content);
                    let body = fence.strip_indent(line);
                    let start = at + (line.len() - body.len());
                    out.push(Boundary::CodeLine(start..start + body.len()));
                }
            }
            State::Text {
                start,
                list,
                joins_list,
                blank_from,
            } => {
                let (start, list, joins_list) = (*start, *list, *joins_list);
                if is_blank(content) {
                    blank_from.get_or_insert(at);
                    return;
                }
                if let Some(end) = *blank_from {
                    if starts_unindented(content) {
                        out.push(Boundary::TextClosed {
                            range: start..end,
                            joins_list,
                        });
                        self.start_block(content, at, false, out);
                    } else {
                        *blank_from = None;
                    }
                    return;
                }
                let opens_fence = Fence::open(content)
                    .is_some_and(|(fence, _)| fence.indent == 0 || list.is_none());
                let next_item = list.is_some() && list == ListMarker::at_line_start(content);
                if opens_fence || next_item {
                    out.push(Boundary::TextClosed {
                        range: start..at,
                        joins_list,
                    });
                    self.start_block(content, at, next_item, out);
                }
            }
        }
    }

    /// Looks at the start of the incomplete last line: when it already decides that the open
    /// block ends (an unindented line after blank lines, the next item of the list), the block
    /// is closed now instead of being rendered again until the line completes. Feeding the
    /// whole line later gives the same blocks as if it had been fed in one piece.
    pub fn feed_partial(&mut self, text: &str, partial_start: usize, out: &mut Vec<Boundary>) {
        let partial = &text[partial_start..];
        let State::Text {
            start,
            list,
            joins_list,
            blank_from,
        } = self.state
        else {
            return;
        };
        let first = partial.bytes().next();
        if let Some(end) = blank_from {
            if first.is_some_and(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n')) {
                out.push(Boundary::TextClosed {
                    range: start..end,
                    joins_list,
                });
                self.state = State::default();
            }
        } else if list.is_some() && list == ListMarker::decided_by(partial) {
            out.push(Boundary::TextClosed {
                range: start..partial_start,
                joins_list,
            });
            self.state = State::Between { joins_list: true };
        }
    }

    /// The text ended: closes the open block, which ends at `end`.
    pub fn finish(&mut self, end: usize, out: &mut Vec<Boundary>) {
        match std::mem::take(&mut self.state) {
            State::Between { .. } => {}
            State::Text {
                start,
                joins_list,
                blank_from,
                ..
            } => out.push(Boundary::TextClosed {
                range: start..blank_from.unwrap_or(end),
                joins_list,
            }),
            State::Code(_) => out.push(Boundary::CodeClosed),
        }
    }

    fn start_block(&mut self, line: &str, at: usize, joins_list: bool, out: &mut Vec<Boundary>) {
        if is_blank(line) {
            self.state = State::Between { joins_list };
        } else if let Some((fence, info)) = Fence::open(line) {
            out.push(Boundary::CodeOpened {
                language: language_token(info).map(str::to_owned),
            });
            self.state = State::Code(fence);
        } else {
            self.state = State::Text {
                start: at,
                list: ListMarker::at_line_start(line),
                joins_list,
                blank_from: None,
            };
        }
    }
}

pub fn is_blank(line: &str) -> bool {
    line.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

fn starts_unindented(line: &str) -> bool {
    !line.starts_with([' ', '\t'])
}

/// A code fence: a run of at least three backticks or tildes, indented at most three spaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fence {
    marker: u8,
    len: usize,
    indent: usize,
}

impl Fence {
    /// The fence `line` opens, and its info string.
    fn open(line: &str) -> Option<(Fence, &str)> {
        let line = without_line_ending(line);
        let indent = line.bytes().take_while(|&b| b == b' ').count();
        let marker = *line.as_bytes().get(indent)?;
        if indent > 3 || !matches!(marker, b'`' | b'~') {
            return None;
        }
        let len = line[indent..].bytes().take_while(|&b| b == marker).count();
        let info = line[indent + len..].trim();
        if len < 3 || (marker == b'`' && info.contains('`')) {
            return None;
        }
        Some((
            Fence {
                marker,
                len,
                indent,
            },
            info,
        ))
    }

    fn closes(&self, line: &str) -> bool {
        let line = without_line_ending(line);
        let indent = line.bytes().take_while(|&b| b == b' ').count();
        if indent > 3 {
            return false;
        }
        let rest = &line[indent..];
        let len = rest.bytes().take_while(|&b| b == self.marker).count();
        len >= self.len && is_blank(&rest[len..])
    }

    /// Code lines lose as much indentation as the opening fence had.
    fn strip_indent<'a>(&self, line: &'a str) -> &'a str {
        let spaces = line
            .bytes()
            .take(self.indent)
            .take_while(|&b| b == b' ')
            .count();
        &line[spaces..]
    }

    /// Whether a partial line could still become this fence's closing line.
    fn may_close(&self, partial: &str) -> bool {
        let trimmed = partial.trim_start_matches(' ');
        !trimmed.is_empty() && trimmed.bytes().all(|b| b == self.marker)
    }
}

impl Splitter {
    /// Whether the partial last line of an open code block may turn out to be its closing
    /// fence, so it is better not shown yet.
    pub fn partial_may_close_code(&self, partial: &str) -> bool {
        match &self.state {
            State::Code(fence) => fence.may_close(partial),
            _ => false,
        }
    }
}

/// The marker opening a top-level list item; items of one list share the same marker kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListMarker {
    Bullet(u8),
    Ordered(u8),
}

impl ListMarker {
    /// The marker a partial line starts with, once the bytes seen so far settle it.
    fn decided_by(partial: &str) -> Option<ListMarker> {
        let marker = ListMarker::at_line_start(partial)?;
        let width = partial.bytes().position(|b| matches!(b, b' ' | b'\t'));
        width.map(|_| marker)
    }

    fn at_line_start(line: &str) -> Option<ListMarker> {
        let bytes = line.as_bytes();
        let (marker, width) = match bytes.first()? {
            b @ (b'-' | b'*' | b'+') => (ListMarker::Bullet(*b), 1),
            b'0'..=b'9' => {
                let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
                let delimiter = *bytes.get(digits)?;
                if digits > 9 || !matches!(delimiter, b'.' | b')') {
                    return None;
                }
                (ListMarker::Ordered(delimiter), digits + 1)
            }
            _ => return None,
        };
        match bytes.get(width) {
            None | Some(b' ' | b'\t' | b'\r' | b'\n') => Some(marker),
            Some(_) => None,
        }
    }
}
