//! The rollouts view: the rollouts being followed (Deployment, StatefulSet, DaemonSet), opened
//! with `r` on a row or by a planner's rollout_watch step. j/k select, Enter expands, `x` stops
//! following, `e` asks the model to explain the selected rollout.

pub mod explain;
pub mod step;
pub mod task;

use std::time::Instant;

use crossterm::event::KeyEvent;

use crate::app::effect::Effect;
use crate::app::keymap::{Action, Scope};
use crate::app::live_view::{self, LiveView};
use crate::app::model::Model;
use crate::app::transcript::EntryKind;
use crate::live::rollout::{RolloutKey, RolloutSnapshot, Verdict, WorkloadKind, verdict};
use crate::ui::markdown::MarkdownDoc;

/// One followed rollout.
#[derive(Debug, Clone, PartialEq)]
pub struct Followed {
    /// The follower task's id (snapshots of stopped followers are dropped).
    pub id: u64,
    pub key: RolloutKey,
    pub snapshot: RolloutSnapshot,
    pub verdict: Verdict,
    /// Shows pods, events and history (Enter).
    pub expanded: bool,
}

/// What the view holds: the followed rollouts in the order they were opened.
#[derive(Debug, Default)]
pub struct RolloutsState {
    pub followed: Vec<Followed>,
    pub selected: usize,
    /// The last follower id handed out.
    pub last_id: u64,
}

impl RolloutsState {
    pub fn selected(&self) -> Option<&Followed> {
        self.followed.get(self.selected)
    }
}

/// The workload kind of a watch table's kind title (`deployments`, `statefulsets`,
/// `daemonsets`).
pub fn workload_kind(title: &str) -> Option<WorkloadKind> {
    match title {
        "deployments" | "deployment" => Some(WorkloadKind::Deployment),
        "statefulsets" | "statefulset" => Some(WorkloadKind::StatefulSet),
        "daemonsets" | "daemonset" => Some(WorkloadKind::DaemonSet),
        _ => None,
    }
}

/// Follows `key` (or selects it when it is followed already) and shows the view.
pub fn follow(model: &mut Model, key: RolloutKey) -> Vec<Effect> {
    live_view::show(model, LiveView::Rollouts);
    let state = &mut model.rollouts;
    if let Some(at) = state.followed.iter().position(|f| f.key == key) {
        state.selected = at;
        return Vec::new();
    }
    state.last_id += 1;
    let id = state.last_id;
    let snapshot = RolloutSnapshot::new(key.clone());
    state.followed.push(Followed {
        id,
        verdict: verdict(&snapshot),
        key: key.clone(),
        snapshot,
        expanded: state.followed.is_empty(),
    });
    state.selected = state.followed.len() - 1;
    vec![Effect::StartRollout { id, key }]
}

/// `r` on a watch row: follow the rollout of the selected workload.
pub fn open_from_watch(model: &mut Model) -> Vec<Effect> {
    let Some(object) = crate::app::watch::selected_object(model) else {
        model.flash = Some("rollouts: no row selected".into());
        return Vec::new();
    };
    let Some(kind) = workload_kind(object.kind.title()) else {
        model.flash = Some(format!(
            "rollouts: r follows deployments, statefulsets and daemonsets, not {}",
            object.kind.title()
        ));
        return Vec::new();
    };
    let namespace = object
        .namespace
        .unwrap_or_else(|| model.cluster.namespace.clone());
    follow(model, RolloutKey::new(kind, namespace, object.name))
}

/// A snapshot from the follower `id`; a verdict that becomes final is said once in chat.
pub fn on_snapshot(model: &mut Model, id: u64, snapshot: RolloutSnapshot) {
    let Some(followed) = model.rollouts.followed.iter_mut().find(|f| f.id == id) else {
        return;
    };
    let verdict = verdict(&snapshot);
    let changed = verdict.label() != followed.verdict.label();
    followed.snapshot = snapshot;
    followed.verdict = verdict.clone();
    let label = followed.key.label();
    model.dirty = true;
    if changed && verdict.is_final() {
        model.transcript.push(
            if matches!(verdict, Verdict::Complete) {
                EntryKind::Info
            } else {
                EntryKind::Error
            },
            MarkdownDoc::from_text(&format!("rollout {label}: {verdict}")),
        );
        model.transcript.follow_bottom();
    }
}

fn select(model: &mut Model, delta: isize) {
    let state = &mut model.rollouts;
    let last = state.followed.len().saturating_sub(1);
    state.selected = match delta {
        isize::MIN => 0,
        isize::MAX => last,
        delta => state.selected.saturating_add_signed(delta).min(last),
    };
    model.dirty = true;
}

/// A key before the key table: the selection keys (j/k/g/G, arrows) move between rollouts.
pub fn on_raw_key(model: &mut Model, key: KeyEvent) -> Option<Vec<Effect>> {
    let delta = match model.keymap.action(Scope::Pane, &key)? {
        Action::LineUp => -1,
        Action::LineDown => 1,
        Action::ScrollTop => isize::MIN,
        Action::ScrollBottom => isize::MAX,
        _ => return None,
    };
    select(model, delta);
    Some(Vec::new())
}

/// A key-table action while the view shows: Enter expands or collapses, `x` stops following,
/// `e` asks the model to explain.
pub fn on_action(model: &mut Model, action: Action, now: Instant) -> Vec<Effect> {
    match action {
        Action::Open => {
            let selected = model.rollouts.selected;
            if let Some(followed) = model.rollouts.followed.get_mut(selected) {
                followed.expanded = !followed.expanded;
            }
            Vec::new()
        }
        Action::ClearMemory => stop_selected(model),
        Action::Edit => explain::explain_selected(model, now),
        _ => Vec::new(),
    }
}

/// `x`: stop following the selected rollout.
pub fn stop_selected(model: &mut Model) -> Vec<Effect> {
    let state = &mut model.rollouts;
    if state.selected >= state.followed.len() {
        model.flash = Some("rollouts: nothing is followed".into());
        return Vec::new();
    }
    let stopped = state.followed.remove(state.selected);
    state.selected = state.selected.min(state.followed.len().saturating_sub(1));
    model.flash = Some(format!(
        "rollouts: stopped following {}",
        stopped.key.label()
    ));
    vec![Effect::StopRollout { id: stopped.id }]
}
