//! Applies a JSON plan to the JSON text it was made from, by position, so that everything the
//! plan leaves alone (indentation, key order, escapes) stays byte for byte.

use std::collections::HashMap;

use super::edits::Edit;
use super::json_plan::{Replacement, Segment};

/// Edits replacing the planned strings in `text`, a JSON value starting at `offset` of the
/// whole output. `text` must be valid JSON (it is only called on text serde_json accepted).
pub(crate) fn text_edits(text: &str, offset: usize, plan: Vec<Replacement>) -> Vec<Edit> {
    if plan.is_empty() {
        return Vec::new();
    }
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        text,
        position: 0,
        offset,
        planned: plan
            .into_iter()
            .map(|replacement| (replacement.path, (replacement.value, replacement.count)))
            .collect(),
        path: Vec::new(),
        edits: Vec::new(),
    };
    scanner.value();
    scanner.edits
}

struct Scanner<'a> {
    bytes: &'a [u8],
    text: &'a str,
    position: usize,
    offset: usize,
    planned: HashMap<Vec<Segment>, (String, usize)>,
    path: Vec<Segment>,
    edits: Vec<Edit>,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.position += 1;
        }
    }

    /// serde_json limits nesting to 128 levels, which bounds this recursion.
    fn value(&mut self) {
        self.skip_whitespace();
        match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => {
                let start = self.position;
                self.string();
                if let Some((value, count)) = self.planned.get(&self.path) {
                    self.edits.push(Edit {
                        range: self.offset + start..self.offset + self.position,
                        replacement: serde_json::Value::String(value.clone()).to_string(),
                        count: *count,
                    });
                }
            }
            Some(_) => {
                while self
                    .peek()
                    .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
                {
                    self.position += 1;
                }
            }
            None => {}
        }
    }

    fn object(&mut self) {
        self.position += 1;
        loop {
            self.skip_whitespace();
            match self.peek() {
                Some(b'"') => {}
                Some(b'}') | None => {
                    self.position += 1;
                    return;
                }
                Some(_) => {
                    self.position += 1;
                    continue;
                }
            }
            let start = self.position;
            self.string();
            let key = self.decode(start, self.position);
            self.skip_whitespace();
            if self.peek() == Some(b':') {
                self.position += 1;
            }
            self.path.push(Segment::Key(key));
            self.value();
            self.path.pop();
            self.skip_whitespace();
            if self.peek() == Some(b',') {
                self.position += 1;
            }
        }
    }

    fn array(&mut self) {
        self.position += 1;
        let mut index = 0;
        loop {
            self.skip_whitespace();
            match self.peek() {
                Some(b']') | None => {
                    self.position += 1;
                    return;
                }
                Some(b',') => {
                    self.position += 1;
                    continue;
                }
                Some(_) => {}
            }
            self.path.push(Segment::Index(index));
            self.value();
            self.path.pop();
            index += 1;
        }
    }

    /// Moves past a string literal starting at the current `"`.
    fn string(&mut self) {
        self.position += 1;
        while let Some(byte) = self.peek() {
            self.position += 1;
            match byte {
                b'\\' => self.position += 1,
                b'"' => return,
                _ => {}
            }
        }
    }

    fn decode(&self, start: usize, end: usize) -> String {
        let literal = &self.text[start..end.min(self.text.len())];
        if !literal.contains('\\') {
            return literal.trim_matches('"').to_owned();
        }
        serde_json::from_str(literal).unwrap_or_else(|_| literal.to_owned())
    }
}
