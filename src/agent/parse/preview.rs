//! What chat shows while a planner reply streams: the readable parts of a JSON plan (its
//! `thought`, and the text of thought, feedback, done and error actions) pulled out as they
//! arrive, or the reply itself when the model writes prose.
//!
//! The preview is for the eye only: it never decides anything. The plan itself comes from
//! [`super::parse_reply`] once the reply is complete.

/// Keys of an action object whose string value is shown, whatever the action's type.
const ACTION_TEXT_KEYS: [&str; 3] = ["text", "summary", "message"];
/// Keys shown only for a `feedback` action (a command's `explanation` belongs to the plan pane).
const FEEDBACK_KEYS: [&str; 2] = ["explanation", "suggestion"];
/// Prose stops at the start of a line that opens the plan's JSON.
const PROSE_STOPS: [&str; 2] = ["```json", "{"];

/// Incremental extraction of displayable text from a streaming reply.
#[derive(Debug, Default)]
pub struct PlanPreview {
    shape: Shape,
    /// Undecided start, or the held-back start of a prose line that may open the plan.
    held: String,
    scanner: Scanner,
    /// The held prose starts in the middle of a line (so it cannot open the plan).
    mid_line: bool,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Nothing but whitespace (or `<think>` reasoning) yet.
    #[default]
    Undecided,
    Json,
    Prose,
    /// Prose reached the plan's JSON: the rest is not shown.
    ProseDone,
}

impl PlanPreview {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feed the next chunk of the reply; returns the text that became displayable.
    pub fn push(&mut self, chunk: &str) -> String {
        let mut out = String::new();
        match self.shape {
            Shape::Undecided => {
                self.held.push_str(chunk);
                let held = std::mem::take(&mut self.held);
                self.decide(&held, &mut out);
            }
            Shape::Json => self.scan(chunk, &mut out),
            Shape::Prose => {
                self.held.push_str(chunk);
                self.prose(&mut out);
            }
            Shape::ProseDone => {}
        }
        out
    }

    /// The reply is complete: returns whatever was held back.
    pub fn finish(&mut self) -> String {
        let held = std::mem::take(&mut self.held);
        match self.shape {
            Shape::Prose => held.trim_end_matches(['\n', '\r']).to_owned(),
            Shape::Undecided => {
                // Still undecided: whitespace, or reasoning that never closed.
                let visible = strip_reasoning(&held).map_or("", str::trim);
                visible.to_owned()
            }
            Shape::Json | Shape::ProseDone => String::new(),
        }
    }

    fn decide(&mut self, held: &str, out: &mut String) {
        let Some(rest) = strip_reasoning(held) else {
            self.held = held.to_owned();
            return;
        };
        let trimmed = rest.trim_start();
        let Some(first) = trimmed.chars().next() else {
            self.held = held.to_owned();
            return;
        };
        if first == '{' || first == '[' {
            self.shape = Shape::Json;
            self.scan(trimmed, out);
        } else if first == '`' {
            if trimmed.len() < 3 && "```".starts_with(trimmed) {
                self.held = held.to_owned();
                return;
            }
            if trimmed.starts_with("```") {
                // A fenced reply: the plan's JSON sits inside the fence.
                self.shape = Shape::Json;
                self.scan(trimmed, out);
            } else {
                self.start_prose(trimmed, out);
            }
        } else {
            self.start_prose(trimmed, out);
        }
    }

    fn start_prose(&mut self, text: &str, out: &mut String) {
        self.shape = Shape::Prose;
        self.held = text.to_owned();
        self.prose(out);
    }

    /// Pass prose through, holding back a line start that may be the plan's opening.
    fn prose(&mut self, out: &mut String) {
        let mut line_start = 0;
        let held = std::mem::take(&mut self.held);
        loop {
            let line = &held[line_start..];
            let at_line_start = line_start > 0 || !self.mid_line;
            if at_line_start && PROSE_STOPS.iter().any(|stop| line.starts_with(stop)) {
                out.push_str(held[..line_start].trim_end());
                self.shape = Shape::ProseDone;
                return;
            }
            match line.find('\n') {
                Some(end) => line_start += end + 1,
                None => break,
            }
        }
        let tail = &held[line_start..];
        let may_stop = (line_start > 0 || !self.mid_line)
            && PROSE_STOPS.iter().any(|stop| stop.starts_with(tail));
        let shown_up_to = if may_stop { line_start } else { held.len() };
        // Line breaks wait for what follows them: before the plan's JSON they are dropped.
        let shown = held[..shown_up_to].trim_end_matches(['\n', '\r']);
        out.push_str(shown);
        self.mid_line |= !shown.is_empty();
        self.held = held[shown.len()..].to_owned();
    }

    fn scan(&mut self, chunk: &str, out: &mut String) {
        for c in chunk.chars() {
            self.scanner.feed(c, out);
        }
    }
}

/// The text after `<think>…</think>` reasoning; `None` while the reasoning is still open.
fn strip_reasoning(text: &str) -> Option<&str> {
    let trimmed = text.trim_start();
    if "<think>".starts_with(trimmed) && !trimmed.is_empty() {
        return None;
    }
    match trimmed.strip_prefix("<think>") {
        Some(reasoning) => reasoning
            .find("</think>")
            .map(|end| &reasoning[end + "</think>".len()..]),
        None => Some(text),
    }
}

#[derive(Debug)]
enum Frame {
    Object {
        expect_key: bool,
        current_key: Option<String>,
        action_type: Option<String>,
    },
    Array {
        key: Option<String>,
    },
}

#[derive(Debug, Default)]
enum StringRole {
    #[default]
    Key,
    /// A value: shown, captured as the action type, or skipped.
    Shown,
    ActionType,
    Skipped,
}

#[derive(Debug, Default)]
struct Scanner {
    stack: Vec<Frame>,
    in_string: bool,
    role: StringRole,
    buffer: String,
    escape: Option<String>,
    high_surrogate: Option<u32>,
    /// The top-level value closed: ignore the rest.
    ended: bool,
    /// Something was shown already (fields after the first get a blank line before them).
    shown_any: bool,
}

impl Scanner {
    fn feed(&mut self, c: char, out: &mut String) {
        if self.ended {
            return;
        }
        if self.in_string {
            self.string_char(c, out);
            return;
        }
        match c {
            '{' => {
                self.stack.push(Frame::Object {
                    expect_key: true,
                    current_key: None,
                    action_type: None,
                });
            }
            '[' => {
                let key = self.value_key();
                self.stack.push(Frame::Array { key });
            }
            '}' | ']' => self.close_container(),
            ':' => {
                if let Some(Frame::Object { expect_key, .. }) = self.stack.last_mut() {
                    *expect_key = false;
                }
            }
            ',' => {
                if let Some(Frame::Object {
                    expect_key,
                    current_key,
                    ..
                }) = self.stack.last_mut()
                {
                    *expect_key = true;
                    *current_key = None;
                }
            }
            '"' if !self.stack.is_empty() => self.open_string(out),
            _ => {}
        }
    }

    /// A container closes; the reply's plan ends with the outermost one.
    fn close_container(&mut self) {
        if self.stack.pop().is_some() {
            self.ended = self.stack.is_empty();
        }
    }

    /// The key under which a value starting now sits, if the innermost frame is an object.
    fn value_key(&self) -> Option<String> {
        match self.stack.last() {
            Some(Frame::Object { current_key, .. }) => current_key.clone(),
            _ => None,
        }
    }

    fn open_string(&mut self, out: &mut String) {
        self.in_string = true;
        self.buffer.clear();
        let depth = self.stack.len();
        let is_action = self.in_action_object();
        let Some(Frame::Object {
            expect_key,
            current_key,
            action_type,
            ..
        }) = self.stack.last()
        else {
            self.role = StringRole::Skipped;
            return;
        };
        if *expect_key {
            self.role = StringRole::Key;
            return;
        }
        let key = current_key.as_deref().unwrap_or("");
        let shown = if depth == 1 {
            key == "thought"
        } else if is_action {
            if key == "action_type" || key == "type" {
                self.role = StringRole::ActionType;
                return;
            }
            ACTION_TEXT_KEYS.contains(&key)
                || (FEEDBACK_KEYS.contains(&key) && action_type.as_deref() == Some("feedback"))
        } else {
            false
        };
        if !shown {
            self.role = StringRole::Skipped;
            return;
        }
        self.role = StringRole::Shown;
        let suggestion = key == "suggestion";
        if self.shown_any {
            out.push_str(if suggestion { "\n" } else { "\n\n" });
        }
        self.shown_any = true;
        if suggestion {
            out.push_str("Suggestion: ");
        }
    }

    /// Whether the innermost object is an action: inside `actions`, or a bare top-level list.
    fn in_action_object(&self) -> bool {
        let n = self.stack.len();
        if n < 2 {
            return false;
        }
        match (&self.stack[n - 2], &self.stack[n - 1]) {
            (Frame::Array { key }, Frame::Object { .. }) => {
                key.as_deref() == Some("actions") || n == 2
            }
            _ => false,
        }
    }

    fn string_char(&mut self, c: char, out: &mut String) {
        let Some(escape) = &mut self.escape else {
            match c {
                '\\' => self.escape = Some(String::new()),
                '"' => {
                    self.in_string = false;
                    self.close_string();
                }
                c => self.content(c, out),
            }
            return;
        };
        if escape.is_empty() && c != 'u' {
            self.escape = None;
            match c {
                'n' => self.content('\n', out),
                't' => self.content('\t', out),
                'r' | 'b' | 'f' => {}
                other => self.content(other, out),
            }
            return;
        }
        escape.push(c);
        if escape.len() < 5 {
            return;
        }
        let code = u32::from_str_radix(&escape[1..], 16).ok();
        self.escape = None;
        let decoded = match (self.high_surrogate.take(), code) {
            (_, Some(high @ 0xD800..=0xDBFF)) => {
                self.high_surrogate = Some(high);
                None
            }
            (Some(high), Some(low @ 0xDC00..=0xDFFF)) => {
                char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
            }
            (_, Some(code)) => char::from_u32(code),
            (_, None) => None,
        };
        if let Some(c) = decoded {
            self.content(c, out);
        }
    }

    fn content(&mut self, c: char, out: &mut String) {
        match self.role {
            StringRole::Key | StringRole::ActionType => self.buffer.push(c),
            StringRole::Shown => out.push(c),
            StringRole::Skipped => {}
        }
    }

    fn close_string(&mut self) {
        let text = std::mem::take(&mut self.buffer);
        match (std::mem::take(&mut self.role), self.stack.last_mut()) {
            (StringRole::Key, Some(Frame::Object { current_key, .. })) => {
                *current_key = Some(text);
            }
            (StringRole::ActionType, Some(Frame::Object { action_type, .. })) => {
                *action_type = Some(text.to_ascii_lowercase());
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The preview of `reply` fed whole, and fed split at every char boundary.
    fn preview_all_ways(reply: &str) -> String {
        let mut whole = PlanPreview::new();
        let mut expected = whole.push(reply);
        expected.push_str(&whole.finish());
        for (split, _) in reply.char_indices().skip(1) {
            let mut preview = PlanPreview::new();
            let mut got = preview.push(&reply[..split]);
            got.push_str(&preview.push(&reply[split..]));
            got.push_str(&preview.finish());
            assert_eq!(got, expected, "split at byte {split} of {reply:?}");
        }
        let mut per_char = PlanPreview::new();
        let mut got: String = reply
            .chars()
            .map(|c| per_char.push(c.encode_utf8(&mut [0; 4])))
            .collect();
        got.push_str(&per_char.finish());
        assert_eq!(got, expected, "char by char");
        expected
    }

    #[test]
    fn shows_the_thought_and_the_readable_actions_of_a_json_plan() {
        let reply = r#"{"thought": "Checkout \"crashes\":\nsee logs \u00e9\ud83d\ude00", "memory": null,
            "actions": [{"action_type": "command", "argv": ["kubectl", "get", "pods"],
                         "explanation": "not shown here", "allowed_exit_codes": [0]},
                        {"action_type": "feedback", "explanation": "Set DATABASE_URL.", "suggestion": "kubectl set env"},
                        {"action_type": "done", "summary": "Fixed."}]}"#;
        assert_eq!(
            preview_all_ways(reply),
            "Checkout \"crashes\":\nsee logs é😀\n\nSet DATABASE_URL.\nSuggestion: kubectl set env\n\nFixed."
        );
    }

    #[test]
    fn a_fenced_plan_after_reasoning_shows_only_its_text() {
        let reply = "<think>the user wants pods</think>\n```json\n{\"thought\": \"List pods.\", \"actions\": [{\"action_type\": \"command\", \"argv\": [\"kubectl\", \"get\", \"pods\"]}]}\n```\ntrailing words";
        assert_eq!(preview_all_ways(reply), "List pods.");
    }

    #[test]
    fn prose_passes_through_until_the_plan_json_starts() {
        let reply = "The pods crash because a variable is missing.\nI'll check.\n```json\n{\"actions\": []}\n```";
        assert_eq!(
            preview_all_ways(reply),
            "The pods crash because a variable is missing.\nI'll check."
        );
        let plain = "Just an answer with `code` and {braces} inside a line.";
        assert_eq!(preview_all_ways(plain), plain);
    }

    #[test]
    fn a_bare_list_of_actions_and_unshown_keys() {
        let reply = r#"[{"type": "Done", "summary": "ok"}, {"action_type": "error", "message": "no access"}]"#;
        assert_eq!(preview_all_ways(reply), "ok\n\nno access");
        let nested = r#"{"thought": null, "actions": [{"action_type": "command", "argv": ["kubectl", "get", "cm", "-o", "jsonpath={.data.text}"]}]}"#;
        assert_eq!(preview_all_ways(nested), "");
    }

    #[test]
    fn whitespace_only_and_unclosed_reasoning_show_nothing() {
        assert_eq!(preview_all_ways("  \n "), "");
        assert_eq!(preview_all_ways("<think>still thinking"), "");
    }
}
