//! The live slot's title: one tab per live view, the one showing highlighted (`[` / `]` switch).

use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use crate::app::live_view::LiveView;
use crate::app::model::Model;
use crate::ui::theme;

/// ` watch │ rollouts │ forwards │ logs │ events ` with the current view highlighted, or
/// ` ‹ watch › ` when the pane (`width` columns) is too narrow for every tab.
pub fn title(model: &Model, focused: bool, width: u16) -> Line<'static> {
    let current = theme::title(focused).add_modifier(Modifier::BOLD);
    let all: usize = LiveView::ALL
        .iter()
        .map(|v| v.title().len() + 3)
        .sum::<usize>()
        + 4;
    if usize::from(width) < all {
        return Line::from(vec![
            Span::styled(" ‹ ", theme::dim()),
            Span::styled(model.live_view.title(), current),
            Span::styled(" › ", theme::dim()),
        ]);
    }
    let mut spans = vec![Span::raw(" ")];
    for (i, view) in LiveView::ALL.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" │ ", theme::dim()));
        }
        let style = if view == model.live_view {
            current.add_modifier(Modifier::UNDERLINED)
        } else {
            theme::dim()
        };
        spans.push(Span::styled(view.title(), style));
    }
    spans.push(Span::raw(" "));
    Line::from(spans)
}
