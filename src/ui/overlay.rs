//! Overlays drawn above the panes: the small input a pane opened, and the prompt viewer.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::app::model::Model;
use crate::llm::{ChatRequest, Role};
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

/// The exact text of a request: the system prompt, then each message under its role.
pub fn prompt_text(request: &ChatRequest) -> String {
    let mut text = String::new();
    if let Some(system) = &request.system {
        text.push_str("── system ──\n");
        text.push_str(system);
        text.push('\n');
    }
    for message in &request.messages {
        let role = match message.role {
            Role::User => "user",
            Role::Assistant => "assistant",
        };
        text.push_str(&format!("── {role} ──\n"));
        text.push_str(&message.content);
        text.push('\n');
    }
    text
}

/// The prompt viewer: the last request sent, scrollable.
pub fn draw_prompt_viewer(frame: &mut Frame<'_>, model: &Model, area: Rect) {
    let (Some(top), Some(request)) = (model.prompt_view, &model.agent.last_prompt) else {
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
    let text = prompt_text(request);
    let lines: Vec<Line<'_>> = text.lines().map(Line::raw).collect();
    let rows = usize::from(popup.height.saturating_sub(2));
    let top = top.min(lines.len().saturating_sub(rows));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(theme::ACCENT))
        .title(Span::styled(" last prompt sent ", theme::title(true)))
        .title_bottom(
            Line::styled(" ↑↓ PgUp PgDn scroll · Esc closes ", theme::dim()).right_aligned(),
        );
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((u16::try_from(top).unwrap_or(u16::MAX), 0)),
        popup,
    );
}
