//! The chat pane: the transcript (only visible rows are drawn), the rule and the prompt editor.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::app::model::{Model, Pane};
use crate::app::stream::StreamState;
use crate::app::transcript::{Entry, EntryKind, Transcript};
use crate::ui::layout::CockpitLayout;
use crate::ui::theme;

pub fn draw(frame: &mut Frame<'_>, model: &Model, layout: &CockpitLayout) {
    let focused = model.focus == Pane::Chat;
    let height = usize::from(layout.transcript.height);
    let below = model.transcript.rows_below(height);
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(focused))
        .title(Span::styled(" chat ", theme::title(focused)));
    if below > 0 {
        block = block.title_bottom(
            Line::styled(
                format!(" ↓ {below} more · ctrl+end follows "),
                Style::default().fg(theme::WARN),
            )
            .right_aligned(),
        );
    }
    frame.render_widget(block, layout.chat);
    if model.transcript.entries().is_empty() {
        draw_welcome(frame, model, layout.transcript);
    } else {
        draw_transcript(
            frame.buffer_mut(),
            &model.transcript,
            &model.stream,
            layout.transcript,
        );
    }
    if layout.input.height > 0 {
        let rule = Rect {
            y: layout.input.y - 1,
            height: 1,
            ..layout.input
        };
        frame.render_widget(
            Paragraph::new("─".repeat(usize::from(rule.width))).style(theme::border(focused)),
            rule,
        );
        frame.render_widget(model.input.textarea(), layout.input);
    }
}

fn draw_welcome(frame: &mut Frame<'_>, model: &Model, area: Rect) {
    let help = model
        .keymap
        .key_for(crate::app::keymap::Action::Help)
        .unwrap_or_else(|| "?".into());
    let mut lines = vec![
        Line::styled(
            "kubevibe",
            Style::default()
                .fg(theme::ACCENT)
                .add_modifier(Modifier::BOLD),
        ),
        Line::raw(""),
        Line::styled(
            "Ask about your cluster in plain language; the answer streams here.",
            theme::dim(),
        ),
        Line::styled(
            format!("Tab moves between panes · {help} lists every key."),
            theme::dim(),
        ),
    ];
    if !model.input.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "A question is ready below: press Enter to send it.",
            Style::default().fg(theme::WARN),
        ));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}

/// Draw rows `top..top+height` of the transcript straight into the buffer.
fn draw_transcript(buf: &mut Buffer, transcript: &Transcript, stream: &StreamState, area: Rect) {
    let height = usize::from(area.height);
    let top = transcript.top(height);
    let Some(mut index) = transcript.entry_at(top) else {
        return;
    };
    let entries = transcript.entries();
    let mut row = top;
    let end = top + height;
    while row < end && index < entries.len() {
        let entry = &entries[index];
        let start = transcript.start_of(index);
        let text_rows = entry.doc.height();
        let last = index + 1 == entries.len();
        let first_text = row.saturating_sub(start + 1);
        if row == start {
            let y = area.y + to_u16(row - top);
            buf.set_line(area.x, y, &header(entry, last, stream), area.width);
            row += 1;
        }
        let want = (end - row).min((start + 1 + text_rows).saturating_sub(row));
        for line in entry.doc.lines(first_text..first_text + want) {
            let y = area.y + to_u16(row - top);
            buf.set_line(area.x, y, line, area.width);
            row += 1;
        }
        // The blank separator row below the entry.
        row = row.max(start + 1 + text_rows) + 1;
        index += 1;
    }
}

fn header(entry: &Entry, last: bool, stream: &StreamState) -> Line<'static> {
    let (label, color) = match entry.kind {
        EntryKind::User => ("▌ you", theme::USER),
        EntryKind::Assistant => ("▌ kubevibe", theme::ASSISTANT),
        EntryKind::Error => ("✖ error", theme::ERROR),
        EntryKind::Info => ("• note", theme::DIM),
    };
    let mut spans = vec![Span::styled(
        label,
        Style::default().fg(color).add_modifier(Modifier::BOLD),
    )];
    if last && entry.kind == EntryKind::Assistant && matches!(stream, StreamState::Streaming { .. })
    {
        spans.push(Span::styled("  streaming…", theme::dim()));
    }
    Line::from(spans)
}

fn to_u16(value: usize) -> u16 {
    u16::try_from(value).unwrap_or(u16::MAX)
}
