//! The logs view: the merged, filtered tail of the followed log streams.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::app::model::Model;
use crate::ui::theme;

pub fn draw(frame: &mut Frame<'_>, _model: &Model, _focused: bool, block: Block<'_>, area: Rect) {
    let lines: Vec<Line<'_>> = [
        "No logs followed.",
        "Press l on a pod or workload row to tail its logs.",
    ]
    .iter()
    .map(|text| Line::styled(*text, theme::dim()))
    .collect();
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}
