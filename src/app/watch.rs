//! The watch pane's state: which kind and namespace it watches, the live store the watcher's
//! batches are applied to, and the selection. The watcher itself runs in the effect runner.

use crate::app::effect::Effect;
use crate::app::model::Model;
use crate::live::projection::{KnownKind, PodRow};
use crate::live::store::{Change, Store};
use crate::ui::resource_table::TableView;

/// The kinds the pane can watch, each with its compact projection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WatchKind {
    Pods,
}

impl WatchKind {
    /// The title in the table header.
    pub fn title(self) -> &'static str {
        match self {
            WatchKind::Pods => "pods",
        }
    }

    /// An empty store with this kind's columns.
    pub fn store(self, namespace: Option<String>) -> Store {
        match self {
            WatchKind::Pods => Store::for_projection::<PodRow>(self.title(), namespace),
        }
    }

    /// The API resource the watcher lists and watches.
    pub fn api_resource(self) -> kube::core::ApiResource {
        match self {
            WatchKind::Pods => PodRow::api_resource(),
        }
    }
}

/// What one watcher watches: a kind in one namespace (`None`: all namespaces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchTarget {
    pub kind: WatchKind,
    pub namespace: Option<String>,
}

/// The watch pane: the current watcher's id (batches of older ones are ignored), its target,
/// the rows it has sent so far, and the scroll position.
pub struct WatchState {
    pub id: u64,
    pub target: WatchTarget,
    pub store: Store,
    pub view: TableView,
}

impl WatchState {
    /// A pane about to watch `target` with the watcher `id`; it shows "syncing" until the
    /// first list is done.
    pub fn new(id: u64, target: WatchTarget) -> Self {
        let store = target.kind.store(target.namespace.clone());
        WatchState {
            id,
            target,
            store,
            view: TableView::default(),
        }
    }

    /// The effect that starts this pane's watcher.
    pub fn start_effect(&self) -> Effect {
        Effect::StartWatch {
            id: self.id,
            target: self.target.clone(),
        }
    }
}

/// The effects the cockpit starts with: the watcher of the pane, when there is a cluster.
pub fn start(model: &Model) -> Vec<Effect> {
    model
        .watch
        .as_ref()
        .map(WatchState::start_effect)
        .into_iter()
        .collect()
}

/// Applies a batch of the watcher `id` to the pane's store; batches of a stopped watcher are
/// dropped. The pane is redrawn only when a batch arrived.
pub fn on_batch(model: &mut Model, id: u64, changes: Vec<Change>) {
    let Some(watch) = model.watch.as_mut() else {
        return;
    };
    if watch.id != id || changes.is_empty() {
        return;
    }
    watch.store.apply_all(changes);
    let len = watch.store.visible_len();
    watch.view.selected = watch.view.selected.min(len.saturating_sub(1));
    model.dirty = true;
}
