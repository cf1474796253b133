//! The live slot: the middle pane of the side column shows one live view at a time — resources
//! (the watch table), rollouts, port-forwards, logs or events — switched with `[` / `]`, by the
//! command bar (`:rollouts`, `:pf`, `:logs`, `:events`) or by opening one from a row.

use std::time::Instant;

use crossterm::event::KeyEvent;

use crate::app::effect::Effect;
use crate::app::keymap::Action;
use crate::app::model::{Model, Pane};

/// What the live slot shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LiveView {
    /// The watch table of any kind (`:pods`, `:deploy`, …).
    #[default]
    Resources,
    Rollouts,
    Forwards,
    Logs,
    Events,
}

impl LiveView {
    pub const ALL: [LiveView; 5] = [
        LiveView::Resources,
        LiveView::Rollouts,
        LiveView::Forwards,
        LiveView::Logs,
        LiveView::Events,
    ];

    /// The tab's name in the live slot's title.
    pub fn title(self) -> &'static str {
        match self {
            LiveView::Resources => "watch",
            LiveView::Rollouts => "rollouts",
            LiveView::Forwards => "forwards",
            LiveView::Logs => "logs",
            LiveView::Events => "events",
        }
    }

    pub fn next(self) -> LiveView {
        let i = Self::ALL.iter().position(|v| *v == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    pub fn prev(self) -> LiveView {
        let i = Self::ALL.iter().position(|v| *v == self).unwrap_or(0);
        Self::ALL[(i + Self::ALL.len() - 1) % Self::ALL.len()]
    }

    /// The command-bar word that shows this view (`:rollouts`, …); `None` for resources,
    /// which the kind words select.
    pub fn from_word(word: &str) -> Option<LiveView> {
        match word {
            "rollouts" | "rollout" | "ro" => Some(LiveView::Rollouts),
            "forwards" | "forward" | "pf" | "portforwards" | "port-forwards" => {
                Some(LiveView::Forwards)
            }
            "logs" | "log" => Some(LiveView::Logs),
            "watch" | "resources" => Some(LiveView::Resources),
            _ => None,
        }
    }
}

/// Shows `view` in the live slot and focuses it.
pub fn show(model: &mut Model, view: LiveView) {
    model.live_view = view;
    model.focus = Pane::Watch;
    model.dirty = true;
}

/// `]` / `[`: the next or previous live view.
pub fn cycle(model: &mut Model, forward: bool) {
    let view = if forward {
        model.live_view.next()
    } else {
        model.live_view.prev()
    };
    show(model, view);
}

/// `z`: the focused pane takes the whole screen, or the cockpit comes back.
pub fn toggle_zoom(model: &mut Model) {
    model.zoomed = !model.zoomed;
    model.dirty = true;
}

/// A key for the live slot while a view other than resources shows, before the key table:
/// `Some` when the view took it (its own text input is open).
pub fn on_raw_key(model: &mut Model, key: KeyEvent) -> Option<Vec<Effect>> {
    match model.live_view {
        LiveView::Resources => None,
        LiveView::Rollouts => crate::app::rollouts::on_raw_key(model, key),
        LiveView::Forwards => crate::app::forwards::on_raw_key(model, key),
        LiveView::Logs => crate::app::logs::on_raw_key(model, key),
        LiveView::Events => crate::app::events::on_raw_key(model, key),
    }
}

/// A key-table action for the live slot while a view other than resources shows.
pub fn on_action(model: &mut Model, action: Action, now: Instant) -> Vec<Effect> {
    match model.live_view {
        LiveView::Resources => Vec::new(),
        LiveView::Rollouts => crate::app::rollouts::on_action(model, action, now),
        LiveView::Forwards => crate::app::forwards::on_action(model, action, now),
        LiveView::Logs => crate::app::logs::on_action(model, action, now),
        LiveView::Events => crate::app::events::on_action(model, action, now),
    }
}

/// A command-bar line for one of the live views (`:rollouts`, `:pf NAME`, `:logs`, `:events`):
/// `None` when the first word is not one of theirs (it is a kind or `ns`).
pub fn run_command(model: &mut Model, line: &str) -> Option<Vec<Effect>> {
    let mut words = line.split_whitespace();
    let first = words.next()?;
    let rest: Vec<&str> = words.collect();
    match first {
        "pf" | "forward" | "port-forward" if !rest.is_empty() => {
            Some(crate::app::forwards::run_command(model, &rest))
        }
        "events" | "ev" | "event" if rest.first() == Some(&"pane") => {
            show(model, LiveView::Events);
            Some(Vec::new())
        }
        word => LiveView::from_word(word).map(|view| {
            show(model, view);
            Vec::new()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_cycle_both_ways() {
        for view in LiveView::ALL {
            assert_eq!(view.next().prev(), view);
        }
        assert_eq!(LiveView::Events.next(), LiveView::Resources);
    }

    #[test]
    fn command_words_name_views() {
        assert_eq!(LiveView::from_word("pf"), Some(LiveView::Forwards));
        assert_eq!(LiveView::from_word("rollouts"), Some(LiveView::Rollouts));
        assert_eq!(LiveView::from_word("logs"), Some(LiveView::Logs));
        assert_eq!(LiveView::from_word("pods"), None);
    }
}
