//! What the live views share around their content: the dim hint a view shows before it has
//! anything, and the split of a framed view into a body and a one-line status at its foot.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::ui::theme;

/// Draws `block` with `lines` inside, dim and wrapped: what an empty view says and how to fill it.
pub fn hint(frame: &mut Frame<'_>, block: Block<'_>, area: Rect, lines: &[&str]) {
    let lines: Vec<Line<'_>> = lines
        .iter()
        .map(|text| Line::styled(*text, theme::dim()))
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}

/// Draws `block` and splits its inside into the body and the status line under it; `None` when
/// there is no room for both (the frame is still drawn).
pub fn body_and_status(
    frame: &mut Frame<'_>,
    block: Block<'_>,
    area: Rect,
) -> Option<(Rect, Rect)> {
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 2 || inner.width == 0 {
        return None;
    }
    let body = Rect {
        height: inner.height - 1,
        ..inner
    };
    let status = Rect {
        y: inner.y + inner.height - 1,
        height: 1,
        ..inner
    };
    Some((body, status))
}
