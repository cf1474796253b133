//! What chat shows of a planner reply while it streams: prose as it arrives; a JSON plan
//! shows nothing until it is parsed (its thought and notes are shown then).

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplyPreview {
    seen: String,
    prose: Option<bool>,
}

impl ReplyPreview {
    pub fn new() -> Self {
        Self::default()
    }

    /// Take a chunk; returns the text that became displayable.
    pub fn push(&mut self, chunk: &str) -> String {
        self.seen.push_str(chunk);
        match self.prose {
            Some(true) => chunk.to_string(),
            Some(false) => String::new(),
            None => {
                let start = self.seen.trim_start();
                let Some(first) = start.chars().next() else {
                    return String::new();
                };
                // A plan starts with `{`, a fence or reasoning; anything else is prose.
                let plan_like = first == '{' || first == '`' || first == '<';
                self.prose = Some(!plan_like);
                if plan_like {
                    String::new()
                } else {
                    start.to_string()
                }
            }
        }
    }

    /// Whether anything was shown.
    pub fn shown(&self) -> bool {
        self.prose == Some(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_streams_and_json_waits() {
        let mut prose = ReplyPreview::new();
        assert_eq!(prose.push("  "), "");
        assert_eq!(prose.push("Hel"), "Hel");
        assert_eq!(prose.push("lo"), "lo");
        assert!(prose.shown());
        let mut json = ReplyPreview::new();
        assert_eq!(json.push("{\"thought\""), "");
        assert_eq!(json.push(": \"x\"}"), "");
        assert!(!json.shown());
    }
}
