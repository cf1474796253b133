//! The wrapped rows of a message at one width: a single vector that `lines()` slices into.
//!
//! Rows of final lines are appended once and kept; rows of the open tail sit after them and are
//! replaced on each layout. A new width re-wraps everything from the styled lines.

use ratatui::text::Line;

use super::styled::StyledLine;

#[derive(Debug, Default)]
pub struct WrappedView {
    width: Option<u16>,
    rows: Vec<Line<'static>>,
    /// How many final styled lines are wrapped into `rows`.
    final_lines: usize,
    /// How many rows those final lines occupy; the tail's rows follow.
    final_rows: usize,
}

impl WrappedView {
    pub fn width(&self) -> Option<u16> {
        self.width
    }

    pub fn rows(&self) -> &[Line<'static>] {
        &self.rows
    }

    pub fn set_width(&mut self, width: u16) {
        if self.width != Some(width) {
            self.width = Some(width);
            self.rows.clear();
            self.final_lines = 0;
            self.final_rows = 0;
        }
    }

    /// Frees the wrapped rows but keeps the width; the next `sync` wraps everything again.
    /// Returns how many rows there were.
    pub fn release(&mut self) -> usize {
        let count = self.rows.len();
        self.rows = Vec::new();
        self.final_lines = 0;
        self.final_rows = 0;
        count
    }

    /// Wraps the final lines not yet wrapped, then the tail in place of the previous tail.
    pub fn sync(&mut self, final_lines: &[StyledLine], tail: &[StyledLine]) {
        let Some(width) = self.width else {
            return;
        };
        self.rows.truncate(self.final_rows);
        for line in final_lines.get(self.final_lines..).unwrap_or_default() {
            line.wrap_into(width, &mut self.rows);
        }
        self.final_lines = final_lines.len();
        self.final_rows = self.rows.len();
        for line in tail {
            line.wrap_into(width, &mut self.rows);
        }
    }
}
