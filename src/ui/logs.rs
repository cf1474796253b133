//! The logs view: the merged, filtered tail of the followed log streams, `pod/container`
//! prefixes coloured per stream, filter matches highlighted, and a status line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::app::logs::LogsState;
use crate::app::model::Model;
use crate::live::logs::LogLine;
use crate::ui::theme;

/// Narrower than this, prefixes keep only the pod's last name segment and times their clock.
const WIDE: u16 = 100;

const PALETTE: [Color; 8] = [
    Color::Cyan,
    Color::Magenta,
    Color::Green,
    Color::Yellow,
    Color::Blue,
    Color::LightRed,
    Color::LightCyan,
    Color::LightMagenta,
];

/// A stream's colour: the same for the same pod and container on every run (FNV-1a).
pub fn stream_color(pod: &str, container: &str) -> Color {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in pod.bytes().chain([b'/']).chain(container.bytes()) {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    PALETTE[hash as usize % PALETTE.len()]
}

/// `pod/container`, or `suffix/container` when narrow (`web-7d9f-x2k4p` → `x2k4p`).
pub fn prefix(line: &LogLine, wide: bool) -> String {
    let pod: &str = &line.pod;
    let pod = if wide {
        pod
    } else {
        pod.rsplit('-').next().unwrap_or(pod)
    };
    format!("{pod}/{} ", line.container)
}

fn highlighted(text: &str, state: &LogsState) -> Vec<Span<'static>> {
    let ranges = state
        .filter
        .as_ref()
        .map(|f| f.highlights(text))
        .unwrap_or_default();
    let mut spans = Vec::new();
    let mut at = 0;
    for (start, end) in ranges {
        if start < at {
            continue;
        }
        spans.push(Span::raw(text[at..start].to_string()));
        spans.push(Span::styled(
            text[start..end].to_string(),
            Style::default()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
        ));
        at = end;
    }
    spans.push(Span::raw(text[at..].to_string()));
    spans
}

fn render_line(line: &LogLine, state: &LogsState, wide: bool) -> Line<'static> {
    let mut spans = Vec::new();
    if state.merged() {
        spans.push(Span::styled(
            prefix(line, wide),
            Style::default().fg(stream_color(&line.pod, &line.container)),
        ));
    }
    if state.timestamps
        && let Some(at) = line.timestamp
    {
        let format = if wide {
            "%Y-%m-%dT%H:%M:%S%.3fZ "
        } else {
            "%H:%M:%S "
        };
        spans.push(Span::styled(at.strftime(format).to_string(), theme::dim()));
    }
    spans.extend(highlighted(&line.text, state));
    Line::from(spans)
}

/// The status line: follow state, source, lines held, filter, drops, the last problem.
fn status_line(state: &LogsState) -> Line<'static> {
    if let Some(typed) = &state.filter_input {
        return Line::from(vec![
            Span::styled("filter /", Style::default().add_modifier(Modifier::BOLD)),
            Span::raw(format!("{typed}▏")),
            Span::styled(
                "  text, ~regex, ! inverts; Enter applies, Esc cancels",
                theme::dim(),
            ),
        ]);
    }
    let mut spans = Vec::new();
    if state.paused {
        spans.push(Span::styled(
            format!("paused, {} new", state.new_while_paused),
            Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
        ));
    } else {
        spans.push(Span::styled("following", Style::default().fg(Color::Green)));
    }
    let mut parts = Vec::new();
    if let Some(request) = &state.request {
        let previous = if request.previous { " (previous)" } else { "" };
        parts.push(format!("{}{previous}", request.source.label()));
    }
    parts.push(format!(
        "{}/{} lines",
        state.ring.len(),
        state.ring.capacity()
    ));
    if let Some(filter) = &state.filter {
        parts.push(format!("filter {}", filter.text));
    }
    if let Some(container) = &state.container {
        parts.push(format!("container {container}"));
    }
    if state.ring.dropped > 0 {
        parts.push(format!("{} dropped", state.ring.dropped));
    }
    if state.wrap {
        parts.push("wrap".into());
    }
    spans.push(Span::styled(
        format!(" · {}", parts.join(" · ")),
        theme::dim(),
    ));
    if let Some(status) = &state.status {
        spans.push(Span::styled(
            format!(" · {status}"),
            Style::default().fg(Color::Red),
        ));
    }
    Line::from(spans)
}

fn placeholder(frame: &mut Frame<'_>, block: Block<'_>, area: Rect) {
    let lines: Vec<Line<'_>> = [
        "No logs followed.",
        "Press l on a pod, deployment or service row to tail its logs.",
    ]
    .iter()
    .map(|text| Line::styled(*text, theme::dim()))
    .collect();
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}

pub fn draw(frame: &mut Frame<'_>, model: &Model, _focused: bool, block: Block<'_>, area: Rect) {
    let state = &model.logs;
    if state.request.is_none() {
        placeholder(frame, block, area);
        return;
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
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
    frame.render_widget(Paragraph::new(status_line(state)), status);
    let wide = inner.width >= WIDE;
    let rows = usize::from(body.height);
    let width = usize::from(body.width.max(1));
    let end = state.visible.len() - state.bottom_offset.min(state.visible.len());
    let mut lines = Vec::new();
    let mut used = 0;
    for seq in state.visible.range(..end).rev() {
        if used >= rows {
            break;
        }
        let Some(line) = state.ring.get(*seq) else {
            continue;
        };
        let rendered = render_line(line, state, wide);
        used += if state.wrap {
            rendered.width().div_ceil(width).max(1)
        } else {
            1
        };
        lines.push(rendered);
    }
    if lines.is_empty() {
        let text = if state.filter.is_some() || state.container.is_some() {
            "No line matches the filter."
        } else {
            "Waiting for log lines…"
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme::dim())), body);
        return;
    }
    lines.reverse();
    let mut paragraph = Paragraph::new(lines);
    if state.wrap {
        let skip = u16::try_from(used.saturating_sub(rows)).unwrap_or(u16::MAX);
        paragraph = paragraph.wrap(Wrap { trim: false }).scroll((skip, 0));
    }
    frame.render_widget(paragraph, body);
}
