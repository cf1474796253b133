//! The port-forwards view: each forward's local → remote ports, pod, state, connections and
//! bytes (one line each in a narrow slot, columns when wide), the port picker, the name input;
//! and the port_forward step of the plan pane.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::agent::mode::Gate;
use crate::app::forwards::plan_step::ForwardStep;
use crate::app::forwards::{ForwardRow, Picker};
use crate::app::model::Model;
use crate::live::forward::ForwardState;
use crate::ui::theme;

/// Inner widths from which the view shows columns instead of one compact line per forward.
const WIDE: u16 = 70;

pub fn draw(frame: &mut Frame<'_>, model: &Model, focused: bool, block: Block<'_>, area: Rect) {
    let state = &model.forwards;
    let inner = block.inner(area);
    let mut lines: Vec<Line<'static>> = Vec::new();
    if let Some(picker) = &state.picker {
        lines.extend(picker_lines(picker));
    } else if state.rows.is_empty() {
        lines.push(Line::styled("No port-forward running.", theme::dim()));
        lines.push(Line::styled(
            "Press f on a pod or service row to forward a port, or :pf NAME for a saved one.",
            theme::dim(),
        ));
    } else {
        let wide = inner.width >= WIDE;
        if wide {
            lines.push(header());
        }
        for (index, row) in state.rows.iter().enumerate() {
            let selected = focused && index == state.selected;
            if wide {
                lines.extend(wide_lines(row, selected));
            } else {
                lines.push(compact_line(row, selected));
            }
        }
        if let Some((_, name)) = &state.naming {
            lines.push(Line::from(vec![
                Span::styled("save as: ", Style::default().fg(theme::ACCENT)),
                Span::styled(format!("{name}▏"), Style::default().fg(theme::TEXT)),
                Span::styled("  Enter saves · Esc cancels", theme::dim()),
            ]));
        } else if wide && focused {
            lines.push(Line::styled(
                "j/k select · x stops (again: removes) · s saves by name · Enter restarts · :pf NAME",
                theme::dim(),
            ));
        }
    }
    // Keep the selected forward (and the input under the list) in view.
    let height = usize::from(inner.height.max(1));
    let top = lines.len().saturating_sub(height);
    let top = top.min(state.selected.saturating_sub(height.saturating_sub(2)));
    let shown: Vec<Line<'static>> = lines.into_iter().skip(top).collect();
    frame.render_widget(Paragraph::new(shown).block(block), area);
}

pub fn state_color(state: &ForwardState) -> Color {
    match state {
        ForwardState::Starting | ForwardState::Reconnecting => theme::WARN,
        ForwardState::Listening => theme::OK,
        ForwardState::Active => theme::ACCENT,
        ForwardState::Failed { .. } => theme::ERROR,
        ForwardState::Stopped => theme::DIM,
    }
}

/// 1234 → `1.2k`, bytes in short form.
pub fn bytes(count: u64) -> String {
    const UNITS: [&str; 4] = ["k", "M", "G", "T"];
    if count < 1000 {
        return format!("{count}B");
    }
    let mut value = count as f64;
    let mut unit = "";
    for next in UNITS {
        value /= 1000.0;
        unit = next;
        if value < 1000.0 {
            break;
        }
    }
    format!("{value:.1}{unit}")
}

fn marker(selected: bool) -> Span<'static> {
    Span::styled(
        if selected { "▶ " } else { "  " },
        Style::default().fg(theme::ACCENT),
    )
}

fn state_span(state: &ForwardState) -> Span<'static> {
    Span::styled(
        state.label().to_string(),
        Style::default().fg(state_color(state)),
    )
}

fn compact_line(row: &ForwardRow, selected: bool) -> Line<'static> {
    let mut spans = vec![
        marker(selected),
        Span::styled(
            row.ports_text(),
            Style::default().fg(theme::TEXT).add_modifier(if selected {
                Modifier::BOLD
            } else {
                Modifier::empty()
            }),
        ),
        Span::raw(" "),
        state_span(&row.state),
    ];
    let tail = match &row.state {
        ForwardState::Failed { error } => format!(" {error}"),
        _ => format!(
            " {}c {}↓ {}↑",
            row.traffic.connections,
            bytes(row.traffic.bytes_in),
            bytes(row.traffic.bytes_out)
        ),
    };
    spans.push(Span::styled(tail, theme::dim()));
    Line::from(spans)
}

fn header() -> Line<'static> {
    Line::styled(
        format!(
            "  {:<34} {:<26} {:<12} {:>4} {:>8} {:>8}  {}",
            "LOCAL → REMOTE", "POD", "STATE", "CONN", "IN", "OUT", "LAST ERROR / NOTE"
        ),
        theme::dim().add_modifier(Modifier::BOLD),
    )
}

fn wide_lines(row: &ForwardRow, selected: bool) -> Vec<Line<'static>> {
    let name = row
        .name
        .as_ref()
        .map(|n| format!(" [{n}]"))
        .unwrap_or_default();
    let pod = match (&row.pod, row.pod_port) {
        (Some(pod), Some(port)) => format!("{pod}:{port}"),
        _ => "—".to_string(),
    };
    let style = Style::default().fg(theme::TEXT).add_modifier(if selected {
        Modifier::BOLD
    } else {
        Modifier::empty()
    });
    let last = match (&row.last_error, &row.note) {
        (Some(error), _) => Span::styled(error.clone(), Style::default().fg(theme::ERROR)),
        (None, Some(note)) => Span::styled(note.clone(), Style::default().fg(theme::WARN)),
        (None, None) => Span::raw(""),
    };
    let mut lines = vec![Line::from(vec![
        marker(selected),
        Span::styled(
            format!("{:<34} ", format!("127.0.0.1:{}{name}", row.ports_text())),
            style,
        ),
        Span::styled(format!("{pod:<26} "), Style::default().fg(theme::TEXT)),
        Span::styled(
            format!("{:<12} ", row.state.label()),
            Style::default().fg(state_color(&row.state)),
        ),
        Span::styled(
            format!(
                "{:>4} {:>8} {:>8}  ",
                row.traffic.connections,
                bytes(row.traffic.bytes_in),
                bytes(row.traffic.bytes_out)
            ),
            Style::default().fg(theme::TEXT),
        ),
        last,
    ])];
    if row.last_error.is_some()
        && let Some(note) = &row.note
    {
        lines.push(Line::styled(
            format!("    {note}"),
            Style::default().fg(theme::WARN),
        ));
    }
    lines
}

fn picker_lines(picker: &Picker) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        format!("Forward which port of {}?", picker.target),
        Style::default()
            .fg(theme::ACCENT)
            .add_modifier(Modifier::BOLD),
    )];
    for (index, choice) in picker.choices.iter().enumerate() {
        let selected = index == picker.selected;
        let local = crate::live::forward::local_port_for(choice.port);
        lines.push(Line::from(vec![
            marker(selected),
            Span::styled(
                format!("{}. {} ", index + 1, choice.port),
                Style::default().fg(theme::TEXT).add_modifier(if selected {
                    Modifier::BOLD
                } else {
                    Modifier::empty()
                }),
            ),
            Span::styled(format!("{} → local {local}", choice.label), theme::dim()),
        ]));
    }
    lines.push(Line::styled(
        "j/k moves · Enter or 1-9 forwards · Esc cancels",
        theme::dim(),
    ));
    lines
}

/// The plan pane's line for a port_forward step.
pub fn plan_step_line(
    mut first: Vec<Span<'static>>,
    step: &ForwardStep,
    selected: bool,
) -> Line<'static> {
    first.push(Span::styled(
        "data-egress ",
        Style::default().fg(theme::WARN),
    ));
    first.push(Span::styled(
        step.words().join(" "),
        Style::default().fg(theme::TEXT).add_modifier(if selected {
            Modifier::BOLD
        } else {
            Modifier::empty()
        }),
    ));
    Line::from(first)
}

/// What the plan pane says under a port_forward step.
pub fn plan_step_details(step: &ForwardStep, awaiting: bool) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        format!(
            "    opens network access: 127.0.0.1:{} on this machine reaches {} inside the cluster",
            step.spec.wanted_local_port(),
            step.spec.target
        ),
        theme::dim(),
    )];
    if let Gate::Refuse(reason) = &step.gate {
        lines.push(Line::styled(
            format!("    refused: {reason}"),
            Style::default().fg(theme::ERROR),
        ));
    }
    if awaiting {
        lines.push(Line::styled(
            "    y starts the forward · n rejects · N with a note",
            Style::default().fg(theme::WARN),
        ));
    }
    lines
}
