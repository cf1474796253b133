//! The help overlay, generated from the key table.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Row, Table};

use crate::app::model::Model;
use crate::ui::theme;

pub fn draw(frame: &mut Frame<'_>, model: &Model, area: Rect) {
    let rows_data = model.keymap.help_rows();
    let width = area.width.saturating_sub(4).min(76);
    let height = area
        .height
        .saturating_sub(2)
        .min(u16::try_from(rows_data.len()).unwrap_or(u16::MAX) + 4);
    if width < 20 || height < 4 {
        return;
    }
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let header = Row::new(["keys", "where", "what"]).style(
        Style::default()
            .fg(theme::ACCENT)
            .add_modifier(Modifier::BOLD),
    );
    let rows = rows_data.into_iter().map(|row| {
        Row::new([
            Line::styled(row.keys, Style::default().fg(theme::WARN)),
            Line::styled(row.scope, theme::dim()),
            Line::raw(row.help),
        ])
    });
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(theme::ACCENT))
        .title(Span::styled(" keys ", theme::title(true)))
        .title_bottom(
            Line::styled(
                " Esc closes · rebind in [keys] of the config file ",
                theme::dim(),
            )
            .right_aligned(),
        );
    let table = Table::new(
        rows,
        [
            Constraint::Length(24),
            Constraint::Length(11),
            Constraint::Min(10),
        ],
    )
    .header(header)
    .block(block);
    frame.render_widget(Clear, popup);
    frame.render_widget(table, popup);
}
