//! Tables as aligned columns: a bold header, a rule under it, each cell padded to the widest
//! in its column. Rows are cut at the width like code lines, never reflowed, so columns stay
//! aligned whenever the table fits.

use pulldown_cmark::Alignment;
use ratatui::style::Modifier;
use ratatui::text::Span;

use super::style;
use crate::ui::wrap::spans_width;

const COLUMN_SEPARATOR: &str = " │ ";
const RULE_JOINT: &str = "─┼─";

type Cell = Vec<Span<'static>>;

pub struct Table {
    alignments: Vec<Alignment>,
    header: Vec<Cell>,
    body: Vec<Vec<Cell>>,
    row: Vec<Cell>,
}

impl Table {
    pub fn new(alignments: Vec<Alignment>) -> Self {
        Self {
            alignments,
            header: Vec::new(),
            body: Vec::new(),
            row: Vec::new(),
        }
    }

    pub fn push_cell(&mut self, cell: Cell) {
        self.row.push(cell);
    }

    pub fn end_header(&mut self) {
        self.header = std::mem::take(&mut self.row);
        for cell in &mut self.header {
            for span in cell {
                span.style = span.style.add_modifier(Modifier::BOLD);
            }
        }
    }

    pub fn end_row(&mut self) {
        let row = std::mem::take(&mut self.row);
        self.body.push(row);
    }

    /// The content of each line: header, rule, then the body rows.
    pub fn into_lines(self) -> Vec<Vec<Span<'static>>> {
        let columns = self.alignments.len().max(self.header.len());
        let mut widths = vec![0; columns];
        for row in std::iter::once(&self.header).chain(&self.body) {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(spans_width(cell));
            }
        }
        let mut lines = Vec::with_capacity(self.body.len() + 2);
        lines.push(self.row_line(self.header.clone(), &widths));
        let rule: Vec<String> = widths
            .iter()
            .map(|&width| style::RULE_CHAR.to_string().repeat(width))
            .collect();
        lines.push(vec![Span::styled(rule.join(RULE_JOINT), style::RULE)]);
        for row in &self.body {
            lines.push(self.row_line(row.clone(), &widths));
        }
        lines
    }

    fn row_line(&self, mut row: Vec<Cell>, widths: &[usize]) -> Vec<Span<'static>> {
        row.resize_with(widths.len(), Vec::new);
        let mut line = Vec::new();
        for (column, (cell, &width)) in row.into_iter().zip(widths).enumerate() {
            if column > 0 {
                line.push(Span::styled(COLUMN_SEPARATOR, style::RULE));
            }
            let room = width.saturating_sub(spans_width(&cell));
            let (before, after) = match self.alignments.get(column) {
                Some(Alignment::Right) => (room, 0),
                Some(Alignment::Center) => (room / 2, room - room / 2),
                _ => (0, room),
            };
            let last_column = column + 1 == widths.len();
            push_padding(&mut line, before);
            line.extend(cell);
            if !last_column {
                push_padding(&mut line, after);
            }
        }
        line
    }
}

fn push_padding(line: &mut Vec<Span<'static>>, width: usize) {
    if width > 0 {
        line.push(Span::raw(" ".repeat(width)));
    }
}
