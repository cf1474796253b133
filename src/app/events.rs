//! The events view: events of the namespace or of the selected object (`E` on a row), newest
//! first, warnings highlighted, repeats aggregated. The watch runs in `live::events`; [`run`]
//! connects it to the cockpit.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use crossterm::event::KeyEvent;
use tokio::sync::mpsc;

use crate::app::effect::Effect;
use crate::app::keymap::Action;
use crate::app::live_view::{self, LiveView};
use crate::app::model::Model;
use crate::app::msg::Msg;
use crate::app::watch::WatchKind;
use crate::live::events::{AggregatedEvent, EventChange, EventItem, EventsTarget, aggregate};

/// Event objects held at most (a namespace's events expire after an hour anyway).
pub const MAX_EVENTS: usize = 5_000;

/// What the view holds.
#[derive(Debug, Default)]
pub struct EventsState {
    /// The running watch (0: none).
    pub id: u64,
    next_id: u64,
    pub target: Option<EventsTarget>,
    /// Event objects by uid.
    pub items: HashMap<String, EventItem>,
    /// `items` aggregated, newest first (rebuilt on change).
    pub rows: Vec<AggregatedEvent>,
    /// The first row shown.
    pub top: usize,
    /// The initial list has arrived.
    pub synced: bool,
    /// The last watch failure (cleared when the list syncs).
    pub error: Option<String>,
}

fn kind_name(kind: WatchKind) -> Option<&'static str> {
    match kind {
        WatchKind::Pods => Some("Pod"),
        WatchKind::Deployments => Some("Deployment"),
        WatchKind::Services => Some("Service"),
        WatchKind::Nodes => Some("Node"),
        WatchKind::Events => None,
        // A discovered kind: events name it by its kind (StatefulSet, CronTab, …).
        WatchKind::Other(info) => Some(info.kind.as_str()),
    }
}

/// `E` on a watch row: the events of the selected object (of the namespace without a selection).
pub fn open_from_watch(model: &mut Model) -> Vec<Effect> {
    let namespace = model
        .watch
        .as_ref()
        .and_then(|w| w.namespace.clone())
        .unwrap_or_else(|| model.cluster.namespace.clone());
    let target = match crate::app::watch::selected_object(model) {
        Some(object) => match kind_name(object.kind) {
            Some(kind) => EventsTarget {
                namespace: object.namespace.clone().unwrap_or(if kind == "Node" {
                    "default".into()
                } else {
                    namespace
                }),
                object: Some((kind.into(), object.name)),
            },
            None => EventsTarget {
                namespace,
                object: None,
            },
        },
        None => EventsTarget {
            namespace,
            object: None,
        },
    };
    live_view::show(model, LiveView::Events);
    start(model, target)
}

/// Watches `target`'s events in place of what the view showed.
pub fn start(model: &mut Model, target: EventsTarget) -> Vec<Effect> {
    let state = &mut model.events;
    let mut effects = Vec::new();
    if state.id != 0 {
        effects.push(Effect::StopEvents { id: state.id });
    }
    state.next_id += 1;
    state.id = state.next_id;
    state.items.clear();
    state.rows.clear();
    state.top = 0;
    state.synced = false;
    state.error = None;
    state.target = Some(target.clone());
    model.dirty = true;
    effects.push(Effect::StartEvents {
        id: state.id,
        target,
    });
    effects
}

/// A batch from the watch started as `id` (stale watches are ignored).
pub fn on_changes(model: &mut Model, id: u64, changes: Vec<EventChange>) {
    let state = &mut model.events;
    if id != state.id || id == 0 {
        return;
    }
    for change in changes {
        match change {
            EventChange::Reset => {
                state.items.clear();
                state.synced = false;
            }
            EventChange::Apply(item) => {
                if state.items.len() < MAX_EVENTS || state.items.contains_key(&item.uid) {
                    state.items.insert(item.uid.clone(), item);
                }
            }
            EventChange::Delete(uid) => {
                state.items.remove(&uid);
            }
            EventChange::Synced => {
                state.synced = true;
                state.error = None;
            }
            EventChange::Down(error) => state.error = Some(error),
        }
    }
    state.rows = aggregate(state.items.values());
    state.top = state.top.min(state.rows.len().saturating_sub(1));
    model.dirty = true;
}

/// A key before the key table (the view's own text input): `Some` when taken.
pub fn on_raw_key(_model: &mut Model, _key: KeyEvent) -> Option<Vec<Effect>> {
    None
}

/// A key-table action while the view shows.
pub fn on_action(model: &mut Model, action: Action, _now: Instant) -> Vec<Effect> {
    let state = &mut model.events;
    let last = state.rows.len().saturating_sub(1);
    match action {
        Action::LineUp => state.top = state.top.saturating_sub(1),
        Action::LineDown => state.top = (state.top + 1).min(last),
        Action::ScrollUp => state.top = state.top.saturating_sub(10),
        Action::ScrollDown => state.top = (state.top + 10).min(last),
        Action::ScrollTop => state.top = 0,
        Action::ScrollBottom => state.top = last,
        Action::Events => return open_from_watch(model),
        _ => return Vec::new(),
    }
    model.dirty = true;
    Vec::new()
}

/// The effect runner's side: builds the client, watches, forwards batches as `Msg::Events`.
pub async fn run(
    id: u64,
    target: EventsTarget,
    kubeconfig: Option<PathBuf>,
    context: Option<String>,
    tx: mpsc::Sender<Msg>,
) {
    let client =
        match crate::app::watch_task::client(kubeconfig.as_deref(), context.as_deref()).await {
            Ok(client) => client,
            Err(error) => {
                let changes = vec![EventChange::Down(error)];
                let _ = tx.send(Msg::Events { id, changes }).await;
                return;
            }
        };
    let (batches, mut received) = mpsc::channel(16);
    let watch = crate::live::events::run(client, target, batches);
    let forward = async {
        while let Some(changes) = received.recv().await {
            if tx.send(Msg::Events { id, changes }).await.is_err() {
                return;
            }
        }
    };
    tokio::join!(watch, forward);
}
