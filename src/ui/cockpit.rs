//! Draws the whole cockpit from `&Model`: panes, status bar, small-terminal hint, help overlay.

use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::app::model::{Model, Pane};
use crate::ui::{chat, help, overlay, panes, status, theme};

pub fn draw(frame: &mut Frame<'_>, model: &Model) {
    let layout = model.layout();
    if layout.single && layout.status.area() == 0 {
        frame.render_widget(Paragraph::new("kubevibe: terminal too small"), frame.area());
        return;
    }
    if layout.single {
        // The live slot is named by the view it shows (forwards, logs…), not as "watch".
        let shown = match model.focus {
            Pane::Watch => model.live_view.title(),
            pane => pane.title(),
        };
        let hint = if model.zoomed {
            format!("zoomed: {shown} · z: back to the cockpit")
        } else {
            format!(
                "{}x{}: showing {shown} · Tab: next pane · 80x24 shows all",
                model.width, model.height,
            )
        };
        frame.render_widget(
            Paragraph::new(Line::styled(
                hint,
                ratatui::style::Style::default().fg(theme::WARN),
            )),
            layout.hint,
        );
    }
    if layout.chat.area() > 0 {
        chat::draw(frame, model, &layout);
    }
    for pane in [Pane::Plan, Pane::Watch, Pane::Memory] {
        panes::draw(frame, model, pane, layout.pane(pane));
    }
    status::draw(frame, model, layout.status);
    if model.editor.is_some() {
        let area = match model.focus {
            Pane::Chat => layout.chat,
            pane => layout.pane(pane),
        };
        overlay::draw_editor(frame, model, area);
    }
    if model.viewer.is_some() {
        overlay::draw_viewer(frame, model, frame.area());
    }
    if model.help_open {
        help::draw(frame, model, frame.area());
    }
}
