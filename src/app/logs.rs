//! The logs view: the log streams of the selected pod or workload (`l` on a row), kept in a bounded ring buffer.

use std::time::Instant;

use crossterm::event::KeyEvent;

use crate::app::effect::Effect;
use crate::app::keymap::Action;
use crate::app::model::Model;

/// What the view holds.
#[derive(Debug, Default)]
pub struct LogsState {}

/// `l` on a watch row: tail the logs of the selected pod or workload.
pub fn open_from_watch(model: &mut Model) -> Vec<Effect> {
    model.flash = Some("logs: not available yet".into());
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
