//! Layer (c): rewrite almost-JSON into JSON, token by token, and say what was fixed.
//!
//! Fixed: comments (`//`, `/* */`, `#`), trailing, doubled and missing commas, a missing colon,
//! single-quoted and smart-quoted strings and keys, unquoted keys and bare-word values,
//! `True`/`False`/`None` (and `undefined`/`NaN`), raw newlines, tabs and other control
//! characters inside strings, escapes JSON does not know (`\'`, `\d`), a leading `+` on a number,
//! and a truncated document: an open string is closed, a dangling key gets `null`, and open
//! arrays and objects are closed. A truncation is reported with the path of the value that was
//! being written ([`Repaired::cut_at`]), so the caller can drop what was cut rather than trust it.
//!
//! Not guessed: an unescaped `"` inside a double-quoted string (`"the "web" pods"`), a bare
//! phrase as a value (`"explanation": List the pods`), mismatched brackets, text that is
//! neither JSON nor one of the breakages above. Those give `None`, and the re-ask follows.
//!
//! No crate was taken for this: the ones on crates.io either need nightly (`json-repair`),
//! invent values for missing ones (`llm_json`, a port of Python's `json_repair`), or cannot
//! report where a truncated document was cut (all of them, `jsonrepair-rs` included) — and a
//! cut `argv` must never become a shorter, different command.

mod frame;
mod scalar;
mod string;

use frame::{Frame, ObjectState};

/// A step on the way from the document's root to a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    Key(String),
    Index(usize),
}

/// One kind of breakage the repairer fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Repair {
    Comment,
    /// A trailing, leading or doubled comma was dropped.
    StrayComma,
    MissingComma,
    MissingColon,
    SingleQuotes,
    SmartQuotes,
    UnquotedKey,
    /// A bare word such as `command` became the string `"command"`.
    UnquotedString,
    /// `True`, `False`, `None`, `undefined` or `NaN`.
    NonJsonLiteral,
    /// A raw newline, tab or other control character inside a string was escaped.
    ControlCharacter,
    InvalidEscape,
    /// A number written with a leading `+`.
    NumberSign,
    /// The text ended before the document did.
    Truncated,
}

/// The repaired JSON text and what it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repaired {
    pub json: String,
    /// Each kind of repair once, in the order first needed.
    pub repairs: Vec<Repair>,
    /// When the text ended early: the path of the innermost value that was still being written
    /// (empty when only the root container was open between its members).
    pub cut_at: Option<Vec<PathSegment>>,
}

/// Deepest nesting the repairer follows; real plans need four levels.
const MAX_DEPTH: usize = 64;

/// Repair a JSON object or array that starts at the beginning of `text`. Text after the
/// root value is ignored.
pub fn repair(text: &str) -> Option<Repaired> {
    let mut repairer = Repairer::new(text);
    repairer.skip_insignificant();
    match repairer.peek()? {
        '{' | '[' => {}
        _ => return None,
    }
    repairer.run()?;
    Some(Repaired {
        json: repairer.out,
        repairs: repairer.repairs,
        cut_at: repairer.cut_at,
    })
}

struct Repairer {
    chars: Vec<char>,
    pos: usize,
    out: String,
    stack: Vec<Frame>,
    root_done: bool,
    repairs: Vec<Repair>,
    cut_at: Option<Vec<PathSegment>>,
}

/// What the grammar expects next.
enum Expect {
    Value,
    Key,
    Colon,
    ObjectMemberEnd,
    ArrayElementEnd,
    Done,
}

impl Repairer {
    fn new(text: &str) -> Self {
        Repairer {
            chars: text.chars().collect(),
            pos: 0,
            out: String::with_capacity(text.len() + 16),
            stack: Vec::new(),
            root_done: false,
            repairs: Vec::new(),
            cut_at: None,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn note(&mut self, repair: Repair) {
        if !self.repairs.contains(&repair) {
            self.repairs.push(repair);
        }
    }

    fn expect(&self) -> Expect {
        match self.stack.last() {
            None if self.root_done => Expect::Done,
            None => Expect::Value,
            Some(Frame::Object { state, .. }) => match state {
                ObjectState::Key => Expect::Key,
                ObjectState::Colon => Expect::Colon,
                ObjectState::Value => Expect::Value,
                ObjectState::MemberEnd => Expect::ObjectMemberEnd,
            },
            Some(Frame::Array { after_element, .. }) => match after_element {
                true => Expect::ArrayElementEnd,
                false => Expect::Value,
            },
        }
    }

    fn run(&mut self) -> Option<()> {
        loop {
            self.skip_insignificant();
            let Some(next) = self.peek() else {
                return self.finish_at_end();
            };
            match self.expect() {
                Expect::Done => return Some(()),
                Expect::Value => self.value(next)?,
                Expect::Key => self.key(next)?,
                Expect::Colon => self.colon(next)?,
                Expect::ObjectMemberEnd => self.member_end(next)?,
                Expect::ArrayElementEnd => self.element_end(next)?,
            }
        }
    }

    fn value(&mut self, next: char) -> Option<()> {
        if let Some(Frame::Array { .. }) = self.stack.last() {
            match next {
                ']' => return self.close(),
                ',' => return self.stray_comma(),
                _ => {}
            }
        }
        match next {
            '{' | '[' => self.open(next),
            _ => {
                self.separate();
                self.scalar(next)?;
                self.complete_value();
                Some(())
            }
        }
    }

    fn key(&mut self, next: char) -> Option<()> {
        match next {
            '}' => return self.close(),
            ',' => return self.stray_comma(),
            _ => {}
        }
        self.separate();
        let key = self.object_key(next)?;
        if let Some(Frame::Object {
            state, key: slot, ..
        }) = self.stack.last_mut()
        {
            *state = ObjectState::Colon;
            *slot = Some(key);
        }
        Some(())
    }

    fn colon(&mut self, next: char) -> Option<()> {
        if next == ':' {
            self.pos += 1;
        } else if starts_value(next) {
            self.note(Repair::MissingColon);
        } else {
            return None;
        }
        self.out.push(':');
        self.set_object_state(ObjectState::Value);
        Some(())
    }

    fn member_end(&mut self, next: char) -> Option<()> {
        match next {
            ',' => {
                self.pos += 1;
                self.set_object_state(ObjectState::Key);
                self.mark_comma();
            }
            '}' => return self.close(),
            _ if starts_key(next) => self.set_object_state(ObjectState::Key),
            _ => return None,
        }
        Some(())
    }

    fn element_end(&mut self, next: char) -> Option<()> {
        match next {
            ']' => return self.close(),
            ',' => self.pos += 1,
            _ if starts_value(next) => {}
            _ => return None,
        }
        if let Some(Frame::Array { after_element, .. }) = self.stack.last_mut() {
            *after_element = false;
        }
        if next == ',' {
            self.mark_comma();
        }
        Some(())
    }

    fn stray_comma(&mut self) -> Option<()> {
        self.pos += 1;
        self.note(Repair::StrayComma);
        Some(())
    }

    /// Whitespace (including the invisible kinds models emit) and comments.
    fn skip_insignificant(&mut self) {
        while let Some(next) = self.peek() {
            match next {
                c if c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}') => self.pos += 1,
                '#' => self.skip_line_comment(),
                '/' if self.peek_at(1) == Some('/') => self.skip_line_comment(),
                '/' if self.peek_at(1) == Some('*') => self.skip_block_comment(),
                _ => return,
            }
        }
    }

    fn skip_line_comment(&mut self) {
        self.note(Repair::Comment);
        while let Some(next) = self.peek() {
            self.pos += 1;
            if next == '\n' {
                return;
            }
        }
    }

    fn skip_block_comment(&mut self) {
        self.note(Repair::Comment);
        self.pos += 2;
        while let Some(next) = self.peek() {
            self.pos += 1;
            if next == '*' && self.peek() == Some('/') {
                self.pos += 1;
                return;
            }
        }
    }

    /// The text ended: close what is open and remember where the cut was.
    fn finish_at_end(&mut self) -> Option<()> {
        if self.root_done {
            return Some(());
        }
        if self.stack.is_empty() {
            return None;
        }
        self.note(Repair::Truncated);
        if self.cut_at.is_none() {
            self.cut_at = Some(self.path(false));
        }
        match self.stack.last() {
            Some(Frame::Object {
                state: ObjectState::Colon,
                ..
            }) => self.out.push_str(":null"),
            Some(Frame::Object {
                state: ObjectState::Value,
                ..
            }) => self.out.push_str("null"),
            _ => {}
        }
        while let Some(frame) = self.stack.pop() {
            self.out.push(frame.closer());
        }
        self.root_done = true;
        Some(())
    }
}

fn starts_value(c: char) -> bool {
    matches!(c, '{' | '[' | '-' | '+') || c.is_ascii_digit() || starts_key(c)
}

fn starts_key(c: char) -> bool {
    string::is_opening_quote(c) || scalar::is_word_char(c)
}
