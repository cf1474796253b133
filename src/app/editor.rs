//! The small one-purpose input the plan and memory panes open: a typed confirmation, a note
//! for a rejection or for memory, an edited argv, the memory text.

use ratatui::style::{Modifier, Style};
use ratatui_textarea::{CursorMove, TextArea};

/// What the text typed is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditPurpose {
    /// Confirm the destructive step `step` by typing `expected`.
    TypedConfirm { step: usize, expected: String },
    /// Reject step `step` and send this note back to the model.
    RejectNote { step: usize },
    /// Approve step `step` and add this note to memory.
    ApproveNote { step: usize },
    /// Replace the argv of step `step` (one command line, no shell).
    EditArgv { step: usize },
    /// Replace the memory.
    EditMemory,
}

impl EditPurpose {
    /// The line shown above the input.
    pub fn label(&self) -> String {
        match self {
            EditPurpose::TypedConfirm { expected, .. } => {
                format!("type `{expected}` and Enter to confirm · Esc cancels")
            }
            EditPurpose::RejectNote { .. } => {
                "why not? (sent to the model, which plans again) · Enter sends · Esc cancels".into()
            }
            EditPurpose::ApproveNote { .. } => {
                "note for memory, then the step runs · Enter approves · Esc cancels".into()
            }
            EditPurpose::EditArgv { .. } => {
                "edit the command (checked again) · Enter keeps it · Esc cancels".into()
            }
            EditPurpose::EditMemory => "edit memory · Enter saves · Esc cancels".into(),
        }
    }
}

pub struct Editor {
    pub purpose: EditPurpose,
    area: TextArea<'static>,
}

impl std::fmt::Debug for Editor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Editor")
            .field("purpose", &self.purpose)
            .field("text", &self.text())
            .finish()
    }
}

impl Editor {
    pub fn new(purpose: EditPurpose, initial: &str) -> Self {
        let mut area = TextArea::default();
        area.set_cursor_line_style(Style::default());
        area.set_cursor_style(Style::default().add_modifier(Modifier::REVERSED));
        area.insert_str(initial);
        area.move_cursor(CursorMove::Bottom);
        area.move_cursor(CursorMove::End);
        Self { purpose, area }
    }

    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    pub fn textarea(&self) -> &TextArea<'static> {
        &self.area
    }

    pub fn input(&mut self, key: crossterm::event::KeyEvent) {
        self.area.input(key);
    }

    pub fn insert_text(&mut self, text: &str) {
        self.area.insert_str(text);
    }
}
