//! The port-forwards view: each forward's local → remote ports, pod, state, connections and bytes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::app::model::Model;
use crate::ui::theme;

pub fn draw(frame: &mut Frame<'_>, _model: &Model, _focused: bool, block: Block<'_>, area: Rect) {
    let lines: Vec<Line<'_>> = [
        "No port-forward running.",
        "Press f on a pod or service row to forward a port, or :pf NAME for a saved one.",
    ]
    .iter()
    .map(|text| Line::styled(*text, theme::dim()))
    .collect();
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}
