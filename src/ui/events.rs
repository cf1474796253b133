//! The events view: LAST SEEN TYPE REASON OBJECT MESSAGE, newest first, warnings highlighted,
//! repeats folded into one row with their count (`x 5`).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};

use crate::app::events::EventsState;
use crate::app::model::Model;
use crate::live::age::human_duration;
use crate::live::events::AggregatedEvent;
use crate::ui::theme;

pub fn draw(frame: &mut Frame<'_>, model: &Model, focused: bool, block: Block<'_>, area: Rect) {
    draw_at(
        frame,
        model,
        focused,
        block,
        area,
        jiff::Timestamp::now().as_second(),
    );
}

/// Draws with ages taken at `now` (Unix seconds), so tests can pin the time.
pub fn draw_at(
    frame: &mut Frame<'_>,
    model: &Model,
    _focused: bool,
    block: Block<'_>,
    area: Rect,
    now: i64,
) {
    let state = &model.events;
    let Some(target) = &state.target else {
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
        return;
    };
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 2 {
        return;
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
    frame.render_widget(Paragraph::new(status_line(state, &target.label())), status);
    if state.rows.is_empty() {
        let text = if state.synced {
            "No events."
        } else {
            "Loading events…"
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme::dim())), body);
        return;
    }
    let wide = inner.width >= 100;
    let rows = state
        .rows
        .iter()
        .skip(state.top)
        .take(usize::from(body.height))
        .map(|event| row(event, now, wide));
    let widths = if wide {
        vec![
            Constraint::Length(9),
            Constraint::Length(8),
            Constraint::Length(18),
            Constraint::Length(32),
            Constraint::Fill(1),
        ]
    } else {
        vec![
            Constraint::Length(5),
            Constraint::Length(4),
            Constraint::Length(12),
            Constraint::Length(16),
            Constraint::Fill(1),
        ]
    };
    let header = Row::new(["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"])
        .style(Style::default().add_modifier(Modifier::BOLD));
    frame.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        body,
    );
}

fn row(event: &AggregatedEvent, now: i64, wide: bool) -> Row<'static> {
    let seen = event
        .last_seen
        .map_or_else(|| "-".to_string(), |t| human_duration(now - t.as_second()));
    let warning = event.type_ == "Warning";
    let tone = if warning {
        Style::default().fg(Color::Yellow)
    } else {
        Style::default()
    };
    let type_ = if wide || !warning {
        event.type_.clone()
    } else {
        "Warn".into()
    };
    let mut message = vec![Span::raw(event.message.clone())];
    if event.count > 1 {
        let first = event
            .first_seen
            .map(|t| format!(", first {} ago", human_duration(now - t.as_second())))
            .unwrap_or_default();
        message.push(Span::styled(
            format!(" (x {}{first})", event.count),
            Style::default().add_modifier(Modifier::BOLD),
        ));
    }
    Row::new(vec![
        Cell::from(seen),
        Cell::from(type_),
        Cell::from(event.reason.clone()),
        Cell::from(event.object.clone()),
        Cell::from(Line::from(message)),
    ])
    .style(tone)
}

fn status_line(state: &EventsState, label: &str) -> Line<'static> {
    let warnings = state.rows.iter().filter(|r| r.type_ == "Warning").count();
    let mut spans = vec![Span::styled(
        format!("{label} · {} rows · {warnings} warnings", state.rows.len()),
        theme::dim(),
    )];
    if let Some(error) = &state.error {
        spans.push(Span::styled(
            format!(" · {error}"),
            Style::default().fg(Color::Red),
        ));
    }
    Line::from(spans)
}
