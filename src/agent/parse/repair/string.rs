//! Quoted strings in any of the quotes models use, written back as JSON strings.

use std::fmt::Write;

use super::scalar::is_word_char;
use super::{Repair, Repairer};

pub(super) fn is_opening_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '\u{201c}' | '\u{201d}' | '\u{2018}' | '\u{2019}'
    )
}

/// A word or a quote right after a closing quote means the quote was inside the string
/// (`"the "web" pods"`): where the string really ends cannot be known, so it is not guessed.
fn glued_to_closing_quote(c: char) -> bool {
    is_word_char(c) || is_opening_quote(c)
}

impl Repairer {
    /// Read the string that starts at the current position and write it as JSON. Returns the
    /// string's text when `keep_text` asks for it (keys are needed for the path), `None` when
    /// the string's end cannot be told.
    pub(super) fn quoted_string(&mut self, keep_text: bool) -> Option<String> {
        let open = self.peek()?;
        match open {
            '"' => {}
            '\'' => self.note(Repair::SingleQuotes),
            _ => self.note(Repair::SmartQuotes),
        }
        self.pos += 1;
        let start = self.out.len();
        self.out.push('"');
        loop {
            let Some(next) = self.peek() else {
                self.cut_at = Some(self.path(true));
                self.out.push('"');
                break;
            };
            self.pos += 1;
            match next {
                '\\' => self.escape(),
                _ if self.closes(open, next) => {
                    self.out.push('"');
                    if self.peek().is_some_and(glued_to_closing_quote) {
                        return None;
                    }
                    break;
                }
                '"' => self.out.push_str("\\\""),
                c if u32::from(c) < 0x20 => self.control_character(c),
                c => self.out.push(c),
            }
        }
        if !keep_text {
            return Some(String::new());
        }
        serde_json::from_str(&self.out[start..]).ok()
    }

    /// Whether `next` (already consumed) ends a string opened with `open`. A double quote
    /// always does; the others only when followed by a separator, since `'` and `’` are also
    /// apostrophes (`'the pod's logs'`).
    fn closes(&self, open: char, next: char) -> bool {
        let candidate = match open {
            '"' => return next == '"',
            '\'' => next == '\'',
            '\u{201c}' | '\u{201d}' => return matches!(next, '\u{201c}' | '\u{201d}'),
            _ => matches!(next, '\u{2018}' | '\u{2019}'),
        };
        candidate && self.separator_follows()
    }

    fn separator_follows(&self) -> bool {
        let rest = self.chars[self.pos..]
            .iter()
            .find(|c| !matches!(c, ' ' | '\t' | '\r'));
        matches!(rest, None | Some(',' | ':' | '}' | ']' | '\n'))
    }

    /// After a backslash: copy a JSON escape, fix the others.
    fn escape(&mut self) {
        let Some(next) = self.peek() else {
            return;
        };
        match next {
            '"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't' => {
                self.pos += 1;
                self.out.push('\\');
                self.out.push(next);
            }
            'u' if self.unicode_escape_follows() => {
                self.out.push('\\');
            }
            '\'' => {
                self.pos += 1;
                self.out.push('\'');
            }
            _ => {
                self.note(Repair::InvalidEscape);
                self.out.push_str("\\\\");
            }
        }
    }

    fn unicode_escape_follows(&self) -> bool {
        (1..=4).all(|offset| self.peek_at(offset).is_some_and(|c| c.is_ascii_hexdigit()))
    }

    fn control_character(&mut self, c: char) {
        self.note(Repair::ControlCharacter);
        match c {
            '\n' => self.out.push_str("\\n"),
            '\r' => self.out.push_str("\\r"),
            '\t' => self.out.push_str("\\t"),
            _ => {
                let _ = write!(self.out, "\\u{:04x}", u32::from(c));
            }
        }
    }
}
