//! The port-forwards view: the forwards the operator started (`f` on a pod or service row, `:pf NAME`, a planner's port_forward step), their state and traffic.

use std::time::Instant;

use crossterm::event::KeyEvent;

use crate::app::effect::Effect;
use crate::app::keymap::Action;
use crate::app::model::Model;

/// What the view holds.
#[derive(Debug, Default)]
pub struct ForwardsState {}

/// `f` on a watch row: forward a port of the selected pod or service.
pub fn open_from_watch(model: &mut Model) -> Vec<Effect> {
    model.flash = Some("forwards: not available yet".into());
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

/// `:pf NAME` (and `:pf` words after it): restart a saved forward.
pub fn run_command(model: &mut Model, words: &[&str]) -> Vec<Effect> {
    model.flash = Some(format!("no saved forward named {:?}", words.join(" ")));
    Vec::new()
}
