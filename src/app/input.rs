//! The chat prompt editor: a multi-line textarea plus recall of earlier prompts.

use ratatui::style::{Modifier, Style};
use ratatui_textarea::{CursorMove, TextArea};

use crate::store::history::HistoryCursor;
use crate::ui::theme;

/// Most rows the prompt editor grows to before it scrolls.
pub const MAX_INPUT_ROWS: u16 = 6;

pub struct PromptInput {
    area: TextArea<'static>,
    history: Vec<String>,
    recall: HistoryCursor,
}

impl std::fmt::Debug for PromptInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PromptInput")
            .field("text", &self.text())
            .field("history", &self.history.len())
            .field("recalling", &self.recall.is_recalling())
            .finish()
    }
}

impl PromptInput {
    pub fn new(history: Vec<String>, placeholder: &str) -> Self {
        let mut input = Self {
            area: TextArea::default(),
            history,
            recall: HistoryCursor::new(),
        };
        input.area = Self::fresh_area(placeholder);
        input
    }

    fn fresh_area(placeholder: &str) -> TextArea<'static> {
        let mut area = TextArea::default();
        area.set_placeholder_text(placeholder.to_string());
        area.set_placeholder_style(Style::default().fg(theme::DIM));
        area.set_cursor_line_style(Style::default());
        area.set_cursor_style(Style::default().add_modifier(Modifier::REVERSED));
        area
    }

    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    pub fn is_empty(&self) -> bool {
        self.area.lines().iter().all(String::is_empty)
    }

    pub fn textarea(&self) -> &TextArea<'static> {
        &self.area
    }

    pub fn rows(&self) -> u16 {
        u16::try_from(self.area.lines().len())
            .unwrap_or(u16::MAX)
            .clamp(1, MAX_INPUT_ROWS)
    }

    /// Feed a key the keymap did not claim; returns whether the text changed.
    pub fn edit(&mut self, key: crossterm::event::KeyEvent) -> bool {
        self.area.input(key)
    }

    pub fn insert_text(&mut self, text: &str) {
        self.area
            .insert_str(text.replace("\r\n", "\n").replace('\r', "\n"));
    }

    pub fn insert_newline(&mut self) {
        self.area.insert_newline();
    }

    pub fn on_first_line(&self) -> bool {
        self.area.cursor().0 == 0
    }

    pub fn on_last_line(&self) -> bool {
        self.area.cursor().0 + 1 >= self.area.lines().len()
    }

    /// Take the prompt out for sending, remember it, and clear the editor.
    pub fn take(&mut self, placeholder: &str) -> String {
        let text = self.text();
        if !text.trim().is_empty() && self.history.last() != Some(&text) {
            self.history.push(text.clone());
        }
        self.area = Self::fresh_area(placeholder);
        self.recall.reset();
        text
    }

    /// Show the previous prompt; the unsent draft is kept for the way back.
    pub fn recall_prev(&mut self) -> bool {
        let draft = self.text();
        let Some(text) = self.recall.prev(&self.history, &draft).map(str::to_owned) else {
            return false;
        };
        self.replace(&text);
        true
    }

    /// Show the next prompt, or the draft again after the newest.
    pub fn recall_next(&mut self) -> bool {
        let Some(text) = self.recall.next(&self.history).map(str::to_owned) else {
            return false;
        };
        self.replace(&text);
        true
    }

    fn replace(&mut self, text: &str) {
        self.area.select_all();
        self.area.cut();
        self.area.insert_str(text);
        self.area.move_cursor(CursorMove::Bottom);
        self.area.move_cursor(CursorMove::End);
    }
}
