//! The memory pane's state: the notes kept for this context, their cap, and whether the model
//! may update them.

/// Default cap of the memory text, in characters.
pub const DEFAULT_MEMORY_CHARS: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryState {
    text: String,
    /// Most characters kept; longer text keeps its end (the newest notes).
    pub cap: usize,
    /// Updates from the model are ignored while paused.
    pub paused: bool,
    /// `x` was pressed: the next `y` clears, anything else keeps.
    pub confirm_clear: bool,
}

impl Default for MemoryState {
    fn default() -> Self {
        Self::new(String::new(), DEFAULT_MEMORY_CHARS)
    }
}

impl MemoryState {
    pub fn new(text: String, cap: usize) -> Self {
        let mut memory = Self {
            text: String::new(),
            cap,
            paused: false,
            confirm_clear: false,
        };
        memory.set(&text);
        memory
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Replace the text, capped; returns the text kept.
    pub fn set(&mut self, text: &str) -> &str {
        let text = text.trim();
        let count = text.chars().count();
        self.text = if count > self.cap {
            text.chars().skip(count - self.cap).collect()
        } else {
            text.to_string()
        };
        &self.text
    }

    /// Add a line at the end, capped.
    pub fn append(&mut self, note: &str) -> &str {
        let joined = if self.text.is_empty() {
            note.trim().to_string()
        } else {
            format!("{}\n{}", self.text, note.trim())
        };
        self.set(&joined)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_keeps_the_newest_text() {
        let mut memory = MemoryState::new("abc".into(), 5);
        assert_eq!(memory.append("defg"), "\ndefg");
        assert_eq!(memory.set("  xy  "), "xy");
    }
}
