//! The rollouts view: the rollouts being followed (Deployment, StatefulSet, DaemonSet), opened with `r` on a row or by a planner's rollout_watch step.

use std::time::Instant;

use crossterm::event::KeyEvent;

use crate::app::effect::Effect;
use crate::app::keymap::Action;
use crate::app::model::Model;

/// What the view holds.
#[derive(Debug, Default)]
pub struct RolloutsState {}

/// `r` on a watch row: follow the rollout of the selected workload.
pub fn open_from_watch(model: &mut Model) -> Vec<Effect> {
    model.flash = Some("rollouts: not available yet".into());
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
