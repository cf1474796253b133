//! The plan pane: the steps of the current plan with their risk, what they touch, what runs,
//! what each waits for, and the live tail of the running command.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::agent::mode::Gate;
use crate::agent::policy::Risk;
use crate::app::command::display_argv;
use crate::app::model::Model;
use crate::app::plan::{CommandStep, PlanState, StepBody, StepStatus};
use crate::ui::theme;

pub fn draw(frame: &mut Frame<'_>, model: &Model, plan: &PlanState, block: Block<'_>, area: Rect) {
    let inner_rows = usize::from(area.height.saturating_sub(2));
    let mut lines: Vec<Line<'static>> = vec![header(model, plan)];
    if let Some(thought) = plan.thought.as_deref().filter(|t| !t.trim().is_empty()) {
        lines.push(Line::styled(
            thought.to_string(),
            theme::dim().add_modifier(Modifier::ITALIC),
        ));
    }
    let awaiting = plan.awaiting();
    for (index, step) in plan.steps.iter().enumerate() {
        let selected = index == plan.selected;
        let marker = if selected { "▶ " } else { "  " };
        let mut first = vec![
            Span::styled(marker, Style::default().fg(theme::ACCENT)),
            status_span(&step.status),
        ];
        match &step.body {
            StepBody::Command(command) => {
                first.push(risk_span(command));
                first.push(Span::styled(
                    format!("$ {}", shown_argv(command)),
                    Style::default().fg(theme::TEXT).add_modifier(if selected {
                        Modifier::BOLD
                    } else {
                        Modifier::empty()
                    }),
                ));
                lines.push(Line::from(first));
                lines.extend(command_details(model, command, &step.status));
                if awaiting == Some(index) {
                    lines.push(approval_hint(command));
                }
                if step.status == StepStatus::Running {
                    let rows = inner_rows.saturating_sub(lines.len()).max(1);
                    for line in command.output.last(rows).map(|line| &line.text) {
                        lines.push(Line::styled(format!("    {line}"), theme::dim()));
                    }
                }
            }
            StepBody::Note { label, text } => {
                first.push(Span::styled(format!("{label}: "), theme::dim()));
                first.push(Span::raw(
                    text.lines().next().unwrap_or_default().to_string(),
                ));
                lines.push(Line::from(first));
            }
            StepBody::Wait { seconds, reason } => {
                first.push(Span::styled(
                    format!("wait {seconds} s: {reason}"),
                    Style::default().fg(theme::WARN),
                ));
                lines.push(Line::from(first));
            }
            StepBody::Forward(forward) => {
                lines.push(crate::ui::forwards::plan_step_line(
                    first, forward, selected,
                ));
                lines.extend(crate::ui::forwards::plan_step_details(
                    forward,
                    awaiting == Some(index),
                ));
            }
            StepBody::Rollout(rollout) => {
                first.extend(crate::ui::rollouts::plan_step_spans(rollout, selected));
                lines.push(Line::from(first));
                if awaiting == Some(index) {
                    lines.push(Line::styled(
                        "    y follows it in the rollouts view · n rejects",
                        Style::default().fg(theme::WARN),
                    ));
                }
            }
            StepBody::Unavailable { what } => {
                first.push(Span::styled(
                    format!("{what}: not available yet"),
                    theme::dim(),
                ));
                lines.push(Line::from(first));
            }
        }
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

fn header(model: &Model, plan: &PlanState) -> Line<'static> {
    let target = &model.agent.target;
    Line::styled(
        format!(
            "step {} of {} · mode {}",
            plan.turn, model.agent.settings.step_budget, target.mode
        ),
        theme::dim(),
    )
}

fn shown_argv(command: &CommandStep) -> String {
    if command.runs.is_empty() {
        display_argv(&command.planned)
    } else {
        display_argv(&command.runs)
    }
}

fn status_span(status: &StepStatus) -> Span<'static> {
    let (text, color) = match status {
        StepStatus::Queued => ("○ ", theme::DIM),
        StepStatus::Running => ("◐ ", theme::ACCENT),
        StepStatus::Waiting => ("… ", theme::WARN),
        StepStatus::Finished { ok: true, .. } => ("✓ ", theme::OK),
        StepStatus::Finished { ok: false, .. } => ("✗ ", theme::ERROR),
        StepStatus::Skipped(_) => ("– ", theme::DIM),
        StepStatus::Rejected => ("✗ ", theme::DIM),
        StepStatus::Done => ("· ", theme::DIM),
    };
    Span::styled(text, Style::default().fg(color))
}

fn risk_color(risk: Risk) -> ratatui::style::Color {
    match risk {
        Risk::Read => theme::OK,
        Risk::DataEgress => theme::WARN,
        Risk::Write => theme::WARN,
        Risk::Destructive => theme::ERROR,
    }
}

fn risk_span(command: &CommandStep) -> Span<'static> {
    match command.risk() {
        Some(risk) => Span::styled(
            format!("[{risk}] "),
            Style::default()
                .fg(risk_color(risk))
                .add_modifier(Modifier::BOLD),
        ),
        None => Span::styled(
            "[refused] ",
            Style::default()
                .fg(theme::ERROR)
                .add_modifier(Modifier::BOLD),
        ),
    }
}

fn command_details(
    model: &Model,
    command: &CommandStep,
    status: &StepStatus,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if !command.explanation.trim().is_empty() {
        lines.push(Line::styled(
            format!("    {}", command.explanation.trim()),
            theme::dim(),
        ));
    }
    if let Some(classification) = &command.classification
        && classification.risk >= Risk::Write
    {
        let target = &model.agent.target;
        let context_style = if target.guard.production {
            Style::default()
                .fg(theme::ERROR)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().fg(theme::TEXT)
        };
        let mut spans = vec![
            Span::styled("    touches ", theme::dim()),
            Span::styled(classification.summary(), Style::default().fg(theme::TEXT)),
            Span::styled(" on ", theme::dim()),
            Span::styled(
                target
                    .context
                    .clone()
                    .unwrap_or_else(|| "(default context)".into()),
                context_style,
            ),
        ];
        if target.guard.production {
            spans.push(Span::styled(" (production)", context_style));
        }
        lines.push(Line::from(spans));
    }
    if status == &StepStatus::Queued && command.wants_preview() {
        lines.extend(preview_lines(command));
    }
    match (&command.gate, status) {
        (Gate::Refuse(reason), _) => lines.push(Line::styled(
            format!("    refused: {reason}"),
            Style::default().fg(theme::ERROR),
        )),
        (_, StepStatus::Skipped(reason)) => {
            lines.push(Line::styled(format!("    {reason}"), theme::dim()));
        }
        (
            _,
            StepStatus::Finished {
                exit_code,
                duration,
                ..
            },
        ) => lines.push(Line::styled(
            format!(
                "    {} in {:.1} s · {} (s saves)",
                exit_code.map_or_else(|| "killed".to_string(), |c| format!("exit {c}")),
                duration.as_secs_f64(),
                crate::app::agent_loop::line_count(command.output.total_lines())
            ),
            theme::dim(),
        )),
        _ => {}
    }
    lines
}

/// Most diff lines the pane shows of a preview.
const PREVIEW_LINES: usize = 12;

fn preview_lines(command: &CommandStep) -> Vec<Line<'static>> {
    let Some(preview) = &command.preview else {
        return vec![Line::styled("    dry run: checking…", theme::dim())];
    };
    let mut lines = Vec::new();
    if let Some(objects) = preview.objects {
        lines.push(Line::styled(
            format!("    objects touched: {objects}"),
            Style::default().fg(theme::WARN),
        ));
    }
    if let Some(note) = &preview.note {
        lines.push(Line::styled(format!("    dry run: {note}"), theme::dim()));
    }
    if let Some(diff) = &preview.diff {
        let more = diff.lines().count().saturating_sub(PREVIEW_LINES);
        for line in diff.lines().take(PREVIEW_LINES) {
            let color = match line.chars().next() {
                Some('+') => theme::OK,
                Some('-') => theme::ERROR,
                _ => theme::DIM,
            };
            lines.push(Line::styled(
                format!("    {line}"),
                Style::default().fg(color),
            ));
        }
        if more > 0 {
            lines.push(Line::styled(
                format!("    … {more} more diff lines · o shows the whole dry run"),
                theme::dim(),
            ));
        }
    }
    lines
}

fn approval_hint(command: &CommandStep) -> Line<'static> {
    let text = match &command.gate {
        Gate::AskTyped(expected) => {
            format!("    destructive: y, then type `{expected}` · n rejects · N with a note")
        }
        _ => "    y approves · n rejects · N with a note · e edits · a +memory · A all reads"
            .to_string(),
    };
    Line::styled(text, Style::default().fg(theme::WARN))
}
