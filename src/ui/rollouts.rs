//! The rollouts view: one block per followed rollout (progress, ReplicaSet ladder, pods, events, verdict).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::app::model::Model;
use crate::ui::theme;

pub fn draw(frame: &mut Frame<'_>, _model: &Model, _focused: bool, block: Block<'_>, area: Rect) {
    let lines: Vec<Line<'_>> = ["No rollout followed.", "Press r on a deployment, statefulset or daemonset row, or approve a planned rollout_watch step."]
        .iter()
        .map(|text| Line::styled(*text, theme::dim()))
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}
