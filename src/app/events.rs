//! The events view: events of the namespace or of the selected object (`E` on a row), newest first, warnings highlighted, repeats aggregated.

use std::time::Instant;

use crossterm::event::KeyEvent;

use crate::app::effect::Effect;
use crate::app::keymap::Action;
use crate::app::model::Model;

/// What the view holds.
#[derive(Debug, Default)]
pub struct EventsState {}

/// `E` on a watch row: the events of the selected object (of the namespace without a selection).
pub fn open_from_watch(model: &mut Model) -> Vec<Effect> {
    model.flash = Some("events: not available yet".into());
    Vec::new()
}

/// A key before the key table (the view's own text input): `Some` when taken.
pub fn on_raw_key(_model: &mut Model, _key: KeyEvent) -> Option<Vec<Effect>> {
    None
}

/// A key-table action while the view shows.
pub fn on_action(_model: &mut Model, _action: Action, _now: Instant) -> Vec<Effect> {
    Vec::new()
}
