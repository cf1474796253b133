//! Where each pane goes for a terminal size: the full cockpit from 80x24, one pane at a time below.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::app::model::Pane;

/// Smallest terminal that shows every pane at once.
pub const MIN_FULL: (u16, u16) = (80, 24);

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CockpitLayout {
    /// Only the focused pane is shown (the terminal is smaller than [`MIN_FULL`]).
    pub single: bool,
    pub hint: Rect,
    pub chat: Rect,
    /// The chat's scrolling transcript, inside the chat pane.
    pub transcript: Rect,
    /// The prompt editor, inside the chat pane.
    pub input: Rect,
    pub plan: Rect,
    pub watch: Rect,
    pub memory: Rect,
    pub status: Rect,
}

impl CockpitLayout {
    /// `zoom`: the focused pane takes the whole body, as on a small terminal.
    pub fn compute(area: Rect, focus: Pane, input_rows: u16, zoom: bool) -> Self {
        let mut layout = Self::default();
        if area.width < 3 || area.height < 3 {
            return Self {
                single: true,
                ..layout
            };
        }
        let [body, status] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
        layout.status = status;
        if zoom || area.width < MIN_FULL.0 || area.height < MIN_FULL.1 {
            let [hint, pane] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(body);
            layout.single = true;
            layout.hint = hint;
            layout.set_pane(focus, pane);
        } else {
            let [chat, side] =
                Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
                    .areas(body);
            let [plan, watch, memory] = Layout::vertical([
                Constraint::Percentage(40),
                Constraint::Percentage(35),
                Constraint::Percentage(25),
            ])
            .areas(side);
            layout.chat = chat;
            layout.plan = plan;
            layout.watch = watch;
            layout.memory = memory;
        }
        layout.split_chat(input_rows);
        layout
    }

    fn set_pane(&mut self, pane: Pane, area: Rect) {
        match pane {
            Pane::Chat => self.chat = area,
            Pane::Plan => self.plan = area,
            Pane::Watch => self.watch = area,
            Pane::Memory => self.memory = area,
        }
    }

    /// Transcript above, a rule, then the prompt editor, all inside the chat pane's border.
    fn split_chat(&mut self, input_rows: u16) {
        let inner = inner(self.chat);
        if inner.height < 3 {
            self.transcript = inner;
            return;
        }
        let rows = input_rows.min(inner.height / 2).max(1);
        let [transcript, _rule, input] = Layout::vertical([
            Constraint::Min(1),
            Constraint::Length(1),
            Constraint::Length(rows),
        ])
        .areas(inner);
        self.transcript = transcript;
        self.input = input;
    }

    pub fn pane(&self, pane: Pane) -> Rect {
        match pane {
            Pane::Chat => self.chat,
            Pane::Plan => self.plan,
            Pane::Watch => self.watch,
            Pane::Memory => self.memory,
        }
    }

    /// The pane under a screen cell (for the mouse wheel).
    pub fn pane_at(&self, column: u16, row: u16) -> Option<Pane> {
        let position = ratatui::layout::Position::new(column, row);
        Pane::ALL
            .into_iter()
            .find(|pane| self.pane(*pane).contains(position))
    }
}

/// The area inside a one-cell border.
pub fn inner(area: Rect) -> Rect {
    Rect {
        x: area.x.saturating_add(1),
        y: area.y.saturating_add(1),
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_cockpit_from_80x24() {
        let layout = CockpitLayout::compute(Rect::new(0, 0, 80, 24), Pane::Chat, 1, false);
        assert!(!layout.single);
        for pane in Pane::ALL {
            assert!(layout.pane(pane).area() > 0, "{pane:?} hidden at 80x24");
        }
        assert_eq!(layout.status, Rect::new(0, 23, 80, 1));
        assert!(layout.transcript.height >= 15);
    }

    #[test]
    fn small_terminals_show_the_focused_pane_only() {
        for (w, h) in [(60, 20), (79, 30), (100, 10), (20, 5)] {
            let layout = CockpitLayout::compute(Rect::new(0, 0, w, h), Pane::Watch, 1, false);
            assert!(layout.single, "{w}x{h}");
            assert!(layout.watch.area() > 0);
            assert_eq!(
                layout.chat.area() + layout.plan.area() + layout.memory.area(),
                0
            );
        }
    }

    #[test]
    fn tiny_terminals_do_not_underflow() {
        for (w, h) in [(0, 0), (1, 1), (2, 50), (200, 2)] {
            let layout = CockpitLayout::compute(Rect::new(0, 0, w, h), Pane::Chat, 6, false);
            assert!(layout.single);
        }
    }

    #[test]
    fn zoom_gives_the_focused_pane_the_whole_body() {
        let layout = CockpitLayout::compute(Rect::new(0, 0, 120, 40), Pane::Watch, 1, true);
        assert!(layout.single);
        assert_eq!(layout.watch, Rect::new(0, 1, 120, 38));
        assert_eq!(layout.chat.area() + layout.plan.area(), 0);
    }
}
