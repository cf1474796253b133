//! Overlays drawn above the panes: the small input a pane opened, and the text viewer.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::app::model::Model;
use crate::ui::theme;

/// The small input, over the bottom rows of `area` (the pane that opened it).
pub fn draw_editor(frame: &mut Frame<'_>, model: &Model, area: Rect) {
    let Some(editor) = &model.editor else {
        return;
    };
    if area.width < 10 || area.height < 3 {
        return;
    }
    let height = 3.min(area.height);
    let rect = Rect {
        x: area.x,
        y: area.y + area.height - height,
        width: area.width,
        height,
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(theme::WARN))
        .title(Span::styled(
            format!(" {} ", editor.purpose.label()),
            Style::default().fg(theme::WARN),
        ));
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    frame.render_widget(editor.textarea(), inner);
}

/// The text viewer (the last prompt, a command's full output): only the visible lines are
/// laid out, so a 200 000-line output scrolls as fast as a short one.
pub fn draw_viewer(frame: &mut Frame<'_>, model: &Model, area: Rect) {
    let Some(viewer) = &model.viewer else {
        return;
    };
    if area.width < 20 || area.height < 6 {
        return;
    }
    let popup = Rect {
        x: area.x + 1,
        y: area.y + 1,
        width: area.width - 2,
        height: area.height - 2,
    };
    let rows = usize::from(popup.height.saturating_sub(2));
    let total = viewer.text.lines().count();
    let top = viewer.top.min(total.saturating_sub(rows));
    let lines: Vec<Line<'_>> = viewer
        .text
        .lines()
        .skip(top)
        .take(rows)
        .map(Line::raw)
        .collect();
    let position = format!(
        " lines {}–{} of {total} · ↑↓ PgUp PgDn Home End scroll · Esc closes ",
        (top + 1).min(total),
        (top + rows).min(total)
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(theme::ACCENT))
        .title(Span::styled(
            format!(" {} ", viewer.title),
            theme::title(true),
        ))
        .title_bottom(Line::styled(position, theme::dim()).right_aligned());
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        popup,
    );
}
