//! The rollouts view: one block per followed rollout — header (kind/name, revision, verdict
//! colored), bar lines for desired/updated/ready/available, the ReplicaSet ladder (old → new),
//! and when expanded the new pods, the last events (warnings highlighted) and the revision
//! history. A small slot gets one line per rollout.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::app::model::Model;
use crate::app::rollouts::Followed;
use crate::app::rollouts::step::RolloutStep;
use crate::live::rollout::{PodLine, RolloutSnapshot, Verdict, WorkloadKind, history};
use crate::ui::theme;

/// Below this many inner rows (or columns) every rollout gets one line.
const RICH_ROWS: u16 = 12;
const RICH_COLUMNS: u16 = 56;
/// Pods, events and revisions shown per expanded rollout.
const PODS_SHOWN: usize = 6;
const EVENTS_SHOWN: usize = 5;
const REVISIONS_SHOWN: usize = 6;

pub fn draw(frame: &mut Frame<'_>, model: &Model, _focused: bool, block: Block<'_>, area: Rect) {
    let inner = block.inner(area);
    let state = &model.rollouts;
    if state.followed.is_empty() {
        let lines: Vec<Line<'_>> = [
            "No rollout followed.",
            "r on a deployment, statefulset or daemonset row follows one; so does an approved rollout_watch step.",
        ]
        .iter()
        .map(|text| Line::styled(*text, theme::dim()))
        .collect();
        frame.render_widget(
            Paragraph::new(lines)
                .block(block)
                .wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    let rich = inner.height >= RICH_ROWS && inner.width >= RICH_COLUMNS;
    let width = usize::from(inner.width);
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut selected_at = (0, 0);
    for (index, followed) in state.followed.iter().enumerate() {
        let selected = index == state.selected;
        let start = lines.len();
        if rich {
            rich_lines(&mut lines, followed, selected, width);
        } else {
            lines.push(compact_line(followed, selected, width));
        }
        if selected {
            selected_at = (start, lines.len());
        }
    }
    if !rich
        && inner.height > u16::try_from(lines.len()).unwrap_or(u16::MAX)
        && let Some(followed) = state.selected()
    {
        lines.push(Line::styled(
            format!("  {}", verdict_detail(&followed.verdict, followed)),
            verdict_style(&followed.verdict),
        ));
    }
    let height = usize::from(inner.height);
    let top = if selected_at.1 > height {
        selected_at.0.min(lines.len().saturating_sub(height))
    } else {
        0
    };
    let visible: Vec<Line<'static>> = lines.into_iter().skip(top).take(height).collect();
    frame.render_widget(Paragraph::new(visible).block(block), area);
}

fn verdict_style(verdict: &Verdict) -> Style {
    match verdict {
        Verdict::Complete => Style::default().fg(theme::OK),
        Verdict::InProgress { .. } => Style::default().fg(theme::WARN),
        Verdict::Stuck { .. } => Style::default()
            .fg(theme::ERROR)
            .add_modifier(Modifier::BOLD),
    }
}

fn verdict_detail(verdict: &Verdict, followed: &Followed) -> String {
    let detail = match verdict {
        Verdict::Complete => "rolled out".to_string(),
        Verdict::InProgress { detail } | Verdict::Stuck { detail, .. } => detail.clone(),
    };
    match &followed.snapshot.error {
        Some(error) => format!("{detail} · {error}"),
        None => detail,
    }
}

fn short_kind(kind: WorkloadKind) -> &'static str {
    match kind {
        WorkloadKind::Deployment => "deploy",
        WorkloadKind::StatefulSet => "sts",
        WorkloadKind::DaemonSet => "ds",
    }
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// `▶ deploy/web 2/3 stuck: CrashLoopBackOff`.
fn compact_line(followed: &Followed, selected: bool, width: usize) -> Line<'static> {
    let marker = if selected { "▶ " } else { "  " };
    let name = format!("{}/{}", short_kind(followed.key.kind), followed.key.name);
    let counts = followed.snapshot.workload.as_ref().map_or_else(
        || "–".to_string(),
        |w| format!("{}/{}", w.available, w.desired.unwrap_or(w.replicas)),
    );
    let verdict = followed.verdict.label();
    let room = width.saturating_sub(2 + counts.len() + verdict.len() + 2);
    Line::from(vec![
        Span::styled(marker, Style::default().fg(theme::ACCENT)),
        Span::styled(truncate(&name, room.max(4)), name_style(selected)),
        Span::styled(format!(" {counts} "), theme::dim()),
        Span::styled(verdict, verdict_style(&followed.verdict)),
    ])
}

fn name_style(selected: bool) -> Style {
    let style = Style::default().fg(theme::TEXT);
    if selected {
        style.add_modifier(Modifier::BOLD)
    } else {
        style
    }
}

fn bar(value: i64, total: i64, width: usize) -> String {
    let total = total.max(1);
    let filled = usize::try_from(value.clamp(0, total) * i64::try_from(width).unwrap_or(0) / total)
        .unwrap_or(0);
    format!(
        "{}{}",
        "█".repeat(filled),
        "░".repeat(width - filled.min(width))
    )
}

fn rich_lines(lines: &mut Vec<Line<'static>>, followed: &Followed, selected: bool, width: usize) {
    let snapshot = &followed.snapshot;
    let marker = if selected { "▶ " } else { "  " };
    let mut header = vec![
        Span::styled(marker, Style::default().fg(theme::ACCENT)),
        Span::styled(followed.key.label(), name_style(selected)),
        Span::styled(format!("  {}", followed.key.namespace), theme::dim()),
    ];
    if let Some(revision) = snapshot.workload.as_ref().and_then(|w| w.revision) {
        header.push(Span::styled(format!("  rev {revision}"), theme::dim()));
    }
    header.push(Span::raw("  "));
    header.push(Span::styled(
        followed.verdict.label(),
        verdict_style(&followed.verdict),
    ));
    lines.push(Line::from(header));
    lines.push(Line::styled(
        format!(
            "    {}",
            truncate(
                &verdict_detail(&followed.verdict, followed),
                width.saturating_sub(4)
            )
        ),
        if matches!(followed.verdict, Verdict::Stuck { .. }) {
            Style::default().fg(theme::ERROR)
        } else {
            theme::dim()
        },
    ));
    if let Some(w) = &snapshot.workload {
        let desired = w.desired.unwrap_or(w.replicas);
        let bar_width = width.saturating_sub(24).clamp(4, 30);
        for (label, value) in [
            ("updated", w.updated),
            ("ready", w.ready),
            ("available", w.available),
        ] {
            let style = if value >= desired {
                Style::default().fg(theme::OK)
            } else {
                Style::default().fg(theme::WARN)
            };
            lines.push(Line::from(vec![
                Span::styled(format!("    {label:<10}"), theme::dim()),
                Span::styled(bar(value, desired, bar_width), style),
                Span::styled(
                    format!(" {value}/{desired}"),
                    Style::default().fg(theme::TEXT),
                ),
            ]));
        }
    }
    ladder(lines, snapshot, width);
    if !followed.expanded {
        return;
    }
    pods(lines, snapshot, width);
    events(lines, snapshot, width);
    revisions(lines, snapshot, width);
}

/// `ladder  web-6d5f r1 3 → 1 ⟶ web-7c9a r2 1 → 3`: the live ReplicaSets, old to new.
fn ladder(lines: &mut Vec<Line<'static>>, snapshot: &RolloutSnapshot, width: usize) {
    let new = snapshot.new_replica_set().map(|rs| rs.name.clone());
    let live: Vec<_> = snapshot
        .replica_sets
        .iter()
        .filter(|rs| rs.replicas > 0 || rs.desired > 0 || Some(&rs.name) == new.as_ref())
        .collect();
    if live.is_empty() {
        return;
    }
    let mut spans = vec![Span::styled("    ladder    ", theme::dim())];
    for (i, rs) in live.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" → ", theme::dim()));
        }
        let is_new = Some(&rs.name) == new.as_ref();
        spans.push(Span::styled(
            format!("r{} {}/{}", rs.revision, rs.ready, rs.desired),
            if is_new {
                Style::default()
                    .fg(theme::ACCENT)
                    .add_modifier(Modifier::BOLD)
            } else {
                Style::default().fg(theme::TEXT)
            },
        ));
    }
    let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    if let Some(rs) = live.last()
        && used + rs.name.len() + 3 < width
    {
        spans.push(Span::styled(format!("  ({})", rs.name), theme::dim()));
    }
    lines.push(Line::from(spans));
}

fn pod_style(pod: &PodLine) -> Style {
    match pod.state.as_str() {
        "CrashLoopBackOff" | "ImagePullBackOff" | "ErrImagePull" | "Unschedulable"
        | "OOMKilled" | "Error" => Style::default().fg(theme::ERROR),
        _ if pod.ready => Style::default().fg(theme::OK),
        _ => Style::default().fg(theme::WARN),
    }
}

fn pods(lines: &mut Vec<Line<'static>>, snapshot: &RolloutSnapshot, width: usize) {
    let new = snapshot.new_pods();
    if new.is_empty() {
        return;
    }
    lines.push(Line::styled(
        format!("    new pods ({})", new.len()),
        theme::dim(),
    ));
    for pod in new.iter().take(PODS_SHOWN) {
        let state = if pod.ready && pod.state == "Running" {
            "Ready".to_string()
        } else {
            pod.state.clone()
        };
        let mut spans = vec![
            Span::styled(
                format!(
                    "      {}",
                    truncate(&pod.name, width.saturating_sub(30).max(8))
                ),
                Style::default().fg(theme::TEXT),
            ),
            Span::styled(format!("  {state}"), pod_style(pod)),
        ];
        if pod.restarts > 0 {
            spans.push(Span::styled(format!("  {}↻", pod.restarts), theme::dim()));
        }
        lines.push(Line::from(spans));
    }
}

fn events(lines: &mut Vec<Line<'static>>, snapshot: &RolloutSnapshot, width: usize) {
    if snapshot.events.is_empty() {
        return;
    }
    lines.push(Line::styled("    events", theme::dim()));
    let skip = snapshot.events.len().saturating_sub(EVENTS_SHOWN);
    for event in &snapshot.events[skip..] {
        let text = format!(
            "      {} {}: {}{}",
            event.reason,
            event.object,
            event.message,
            if event.count > 1 {
                format!(" (×{})", event.count)
            } else {
                String::new()
            }
        );
        let style = if event.warning {
            Style::default().fg(theme::WARN)
        } else {
            theme::dim()
        };
        lines.push(Line::styled(truncate(&text, width), style));
    }
}

fn revisions(lines: &mut Vec<Line<'static>>, snapshot: &RolloutSnapshot, width: usize) {
    let revisions = history(snapshot);
    if revisions.is_empty() {
        return;
    }
    lines.push(Line::styled("    history", theme::dim()));
    let skip = revisions.len().saturating_sub(REVISIONS_SHOWN);
    for r in &revisions[skip..] {
        let text = format!(
            "      {}{:<3} {}  {}",
            if r.current { "● " } else { "  " },
            r.number,
            r.change_cause.as_deref().unwrap_or("—"),
            r.images.join(", ")
        );
        let style = if r.current {
            Style::default().fg(theme::ACCENT)
        } else {
            Style::default().fg(theme::TEXT)
        };
        lines.push(Line::styled(truncate(&text, width), style));
    }
}

/// A planned rollout watch in the plan pane: its class and what it follows.
pub fn plan_step_spans(step: &RolloutStep, selected: bool) -> Vec<Span<'static>> {
    vec![
        Span::styled("read ", Style::default().fg(theme::OK)),
        Span::styled(step.describe(), name_style(selected)),
    ]
}
