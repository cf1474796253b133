//! The status bar: model, stream state, tokens, cost, cluster context; least important parts
//! give way first on narrow terminals.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::keymap::Action;
use crate::app::model::Model;
use crate::app::stream::StreamState;
use crate::ui::theme;

pub fn draw(frame: &mut Frame<'_>, model: &Model, area: Rect) {
    if area.area() == 0 {
        return;
    }
    let base = Style::default().bg(theme::STATUS_BG).fg(theme::TEXT);
    // Segments in order of importance; each is kept only if it still fits.
    let mut segments: Vec<Vec<Span<'static>>> = vec![
        vec![Span::styled(
            " kubevibe ",
            Style::default()
                .bg(theme::ACCENT)
                .fg(Color::Black)
                .add_modifier(Modifier::BOLD),
        )],
        vec![stream_span(&model.stream)],
        cluster_spans(model, base),
        vec![mode_span(model, base)],
        vec![Span::styled(
            model.model_label.clone(),
            base.fg(theme::ASSISTANT),
        )],
        vec![Span::styled(tokens_text(model), base)],
    ];
    if let Some(cost) = model.cost() {
        segments.push(vec![Span::styled(format!("${cost:.4}"), base)]);
    }
    let right = match &model.flash {
        Some(flash) => Span::styled(format!(" {flash} "), base.fg(theme::WARN)),
        None => {
            let help = model
                .keymap
                .key_for(Action::Help)
                .unwrap_or_else(|| "?".into());
            Span::styled(format!(" {help} help "), base.fg(theme::DIM))
        }
    };
    let budget = usize::from(area.width).saturating_sub(right.width());
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for segment in segments {
        let width: usize = segment.iter().map(Span::width).sum::<usize>() + 3;
        if used + width > budget {
            continue;
        }
        if !spans.is_empty() {
            spans.push(Span::styled(" │ ", base.fg(theme::BORDER)));
        }
        used += width;
        spans.extend(segment);
    }
    let padding = usize::from(area.width).saturating_sub(used + right.width());
    spans.push(Span::styled(" ".repeat(padding), base));
    spans.push(right);
    frame.render_widget(Paragraph::new(Line::from(spans)).style(base), area);
}

fn stream_span(stream: &StreamState) -> Span<'static> {
    let base = Style::default().bg(theme::STATUS_BG);
    match stream {
        StreamState::Idle => Span::styled("○ ready", base.fg(theme::DIM)),
        StreamState::Connecting { retry: None, .. } => {
            Span::styled("◌ connecting…", base.fg(theme::WARN))
        }
        StreamState::Connecting {
            retry: Some((attempt, delay, _)),
            ..
        } => Span::styled(
            format!("↻ retry {attempt} in {:.0}s", delay.as_secs_f64().ceil()),
            base.fg(theme::WARN),
        ),
        StreamState::Streaming { .. } => Span::styled(
            match stream.rate() {
                Some(rate) => format!("● streaming {rate:.0} tok/s"),
                None => "● streaming".into(),
            },
            base.fg(theme::OK),
        ),
        StreamState::Done { .. } => Span::styled(
            match stream.rate() {
                Some(rate) => format!("✓ done {rate:.0} tok/s"),
                None => "✓ done".into(),
            },
            base.fg(theme::OK),
        ),
        StreamState::Cancelled => Span::styled("■ cancelled", base.fg(theme::WARN)),
        StreamState::Failed(_) => Span::styled("✖ error", base.fg(theme::ERROR)),
    }
}

/// The approval mode; `auto` on a production context says what applies instead.
fn mode_span(model: &Model, base: Style) -> Span<'static> {
    let target = &model.agent.target;
    let effective = crate::agent::mode::effective_mode(target.mode, target.guard);
    let mut text = if effective == target.mode {
        format!("mode {}", target.mode)
    } else {
        format!("mode {} → {effective} (production)", target.mode)
    };
    if target.guard.read_only {
        text.push_str(" · read-only");
    }
    Span::styled(text, base.fg(theme::WARN))
}

fn cluster_spans(model: &Model, base: Style) -> Vec<Span<'static>> {
    let cluster = &model.cluster;
    let Some(context) = &cluster.context else {
        return vec![Span::styled("no cluster", base.fg(theme::DIM))];
    };
    // A production context is red, so a write's target is never a surprise.
    let context_style = if model.agent.target.guard.production {
        base.fg(theme::ERROR).add_modifier(Modifier::BOLD)
    } else {
        base
    };
    let mut spans = vec![
        Span::styled(format!("⎈ {context}"), context_style),
        Span::styled(format!("/{}", cluster.namespace), base.fg(theme::DIM)),
    ];
    if cluster.demo {
        spans.insert(
            0,
            Span::styled("DEMO ", base.fg(theme::WARN).add_modifier(Modifier::BOLD)),
        );
    }
    spans
}

fn tokens_text(model: &Model) -> String {
    let usage = model.usage.total();
    format!(
        "in {} out {}",
        compact(usage.input_tokens),
        compact(usage.output_tokens)
    )
}

/// 950, 1.2k, 3.4M.
pub fn compact(n: u64) -> String {
    match n {
        0..=999 => n.to_string(),
        1_000..=999_999 => format!("{:.1}k", n as f64 / 1_000.0),
        _ => format!("{:.1}M", n as f64 / 1_000_000.0),
    }
}
