//! What chat shows of a planner reply while it streams ([`PlanPreview`]: a plan's thought and
//! notes, or prose as it arrives), and whether anything was shown — then the notes are not
//! repeated when the plan is parsed.

use crate::agent::parse::PlanPreview;

#[derive(Debug, Default)]
pub struct ReplyPreview {
    inner: PlanPreview,
    shown: bool,
}

impl ReplyPreview {
    pub fn new() -> Self {
        Self::default()
    }

    /// Take a chunk; returns the text that became displayable.
    pub fn push(&mut self, chunk: &str) -> String {
        let text = self.inner.push(chunk);
        self.shown |= !text.is_empty();
        text
    }

    /// The reply is complete: returns what was held back.
    pub fn finish(&mut self) -> String {
        let text = self.inner.finish();
        self.shown |= !text.is_empty();
        text
    }

    /// Whether anything was shown.
    pub fn shown(&self) -> bool {
        self.shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_streams_and_a_plan_shows_its_thought() {
        let mut prose = ReplyPreview::new();
        assert_eq!(prose.push("  "), "");
        assert!(!prose.shown());
        let mut seen = prose.push("Hello there");
        seen.push_str(&prose.finish());
        assert_eq!(seen.trim(), "Hello there");
        assert!(prose.shown());
        let mut json = ReplyPreview::new();
        let mut seen = json.push("{\"thought\": \"pods cr");
        seen.push_str(&json.push("ash\", \"actions\": []}"));
        seen.push_str(&json.finish());
        assert!(seen.contains("pods crash"), "{seen}");
        assert!(!seen.contains("actions"), "{seen}");
    }
}
