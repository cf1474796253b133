//! Keys and scalar values: quoted or bare words, literals, numbers.

use super::string::is_opening_quote;
use super::{Repair, Repairer};

/// Characters of a bare word: an unquoted key, a literal, or a value like `rollout_watch`.
pub(super) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '$')
}

/// Characters that may continue a bare word once it has started (`pod/web-1`, `v1.2`).
fn continues_word(c: char) -> bool {
    is_word_char(c) || matches!(c, '-' | '.' | '/')
}

impl Repairer {
    pub(super) fn object_key(&mut self, next: char) -> Option<String> {
        if is_opening_quote(next) {
            return self.quoted_string(true);
        }
        if !is_word_char(next) {
            return None;
        }
        self.note(Repair::UnquotedKey);
        let word = self.word();
        self.write_string(&word);
        Some(word)
    }

    pub(super) fn scalar(&mut self, next: char) -> Option<()> {
        if is_opening_quote(next) {
            return self.quoted_string(false).map(|_| ());
        }
        if next == '-' || next == '+' || next.is_ascii_digit() {
            return self.number();
        }
        if !is_word_char(next) {
            return None;
        }
        let word = self.word();
        if self.peek().is_none() {
            self.cut_at = Some(self.path(true));
        } else if !self.value_ends_here() {
            return None;
        }
        match word.as_str() {
            "true" | "false" | "null" => self.out.push_str(&word),
            "True" => self.literal("true"),
            "False" => self.literal("false"),
            "None" | "undefined" | "NaN" => self.literal("null"),
            _ => {
                self.note(Repair::UnquotedString);
                self.write_string(&word);
            }
        }
        Some(())
    }

    fn word(&mut self) -> String {
        let start = self.pos;
        while self.peek().is_some_and(continues_word) {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    /// A bare word must stand alone: `pods` in `[get, pods]`, not the first word of a
    /// sentence (`List the pods`), which would turn into several values.
    fn value_ends_here(&self) -> bool {
        let next = self.chars[self.pos..]
            .iter()
            .find(|c| !matches!(c, ' ' | '\t'));
        matches!(next, None | Some(',' | '}' | ']' | '\n' | '\r' | '#' | '/'))
    }

    fn literal(&mut self, json: &str) {
        self.note(Repair::NonJsonLiteral);
        self.out.push_str(json);
    }

    fn write_string(&mut self, text: &str) {
        self.out
            .push_str(&serde_json::Value::from(text).to_string());
    }

    /// A number as JSON writes it; a leading `+` is dropped, a number cut at the end of the
    /// text loses a dangling `.`, `e` or sign.
    fn number(&mut self) -> Option<()> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'))
        {
            self.pos += 1;
        }
        let mut number: String = self.chars[start..self.pos].iter().collect();
        if let Some(unsigned) = number.strip_prefix('+') {
            number = unsigned.to_string();
            self.note(Repair::NumberSign);
        }
        if self.peek().is_none() {
            self.cut_at = Some(self.path(true));
            let kept = number.trim_end_matches(['.', 'e', 'E', '-', '+']).len();
            number.truncate(kept);
        }
        serde_json::from_str::<serde_json::Number>(&number).ok()?;
        self.out.push_str(&number);
        Some(())
    }
}
