//! The plan, live (watch and the other live views) and memory panes; each shows an honest empty state until it has content.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::app::live_view::LiveView;
use crate::app::model::{Model, Pane};
use crate::ui::theme;

pub fn draw(frame: &mut Frame<'_>, model: &Model, pane: Pane, area: Rect) {
    if area.area() == 0 {
        return;
    }
    let focused = model.focus == pane;
    let title = match pane {
        Pane::Memory if model.memory.paused => format!(" {} (paused) ", pane.title()),
        _ => format!(" {} ", pane.title()),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(focused));
    let block = if pane == Pane::Watch {
        block.title(crate::ui::live_tabs::title(model, focused, area.width))
    } else {
        block.title(Span::styled(title, theme::title(focused)))
    };
    if pane == Pane::Watch {
        match model.live_view {
            LiveView::Resources => {}
            LiveView::Rollouts => {
                return crate::ui::rollouts::draw(frame, model, focused, block, area);
            }
            LiveView::Forwards => {
                return crate::ui::forwards::draw(frame, model, focused, block, area);
            }
            LiveView::Logs => return crate::ui::logs::draw(frame, model, focused, block, area),
            LiveView::Events => return crate::ui::events::draw(frame, model, focused, block, area),
        }
    }
    if pane == Pane::Plan
        && let Some(plan) = &model.plan
    {
        crate::ui::plan::draw(frame, model, plan, block, area);
        return;
    }
    if pane == Pane::Watch
        && let Some(watch) = &model.watch
    {
        crate::ui::watch::draw(frame, watch, focused, block, area);
        return;
    }
    if pane == Pane::Memory && !model.memory.text().is_empty() {
        let lines: Vec<Line<'_>> = model.memory.text().lines().map(Line::raw).collect();
        frame.render_widget(
            Paragraph::new(lines)
                .block(block)
                .wrap(Wrap { trim: false }),
            area,
        );
        return;
    }
    let lines: Vec<Line<'_>> = empty_state(model, pane)
        .iter()
        .map(|text| Line::styled(*text, theme::dim()))
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}

fn empty_state(model: &Model, pane: Pane) -> &'static [&'static str] {
    match pane {
        Pane::Chat => &[],
        Pane::Plan => &[
            "No plan yet.",
            "Commands the model plans will wait here for your approval; nothing runs without a key press.",
        ],
        Pane::Watch if model.cluster.context.is_none() => &[
            "No cluster: no kubeconfig context was found.",
            "Set KUBECONFIG or run `kubevibe demo` for the built-in demo cluster.",
        ],
        Pane::Watch => &[
            "Not watching anything yet.",
            "Live pods, deployments and events will stream here through the Kubernetes API.",
        ],
        Pane::Memory => &[
            "Memory is empty.",
            "What the cockpit learns about this cluster and incident will be kept here (e edits, p pauses).",
        ],
    }
}
