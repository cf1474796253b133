//! The follower of one rollout: kube-rs watchers (never polling) on the workload (field
//! selector `metadata.name`), on its ReplicaSets and pods (the workload's label selector, once
//! it is known) and on the namespace's events (kept when they are about the workload or an
//! object named after it: its ReplicaSets `NAME-HASH` and pods). After each burst of changes a
//! fresh [`RolloutSnapshot`] goes out on the channel; the follower ends when the receiver is
//! dropped (or its task is aborted). Watch failures are retried with kube-rs's backoff and
//! reported in [`RolloutSnapshot::error`] meanwhile.

use std::collections::{BTreeMap, BTreeSet};

use futures::stream::BoxStream;
use futures::{FutureExt, StreamExt};
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::core::v1::{Event as KubeEvent, Pod};
use kube::api::{Api, DynamicObject};
use kube::core::ApiResource;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use serde_json::Value;
use tokio::sync::mpsc;

use super::WorkloadKind;
use super::snapshot::{
    EVENTS_KEPT, EventLine, PodLine, ReplicaSetLine, RolloutKey, RolloutSnapshot, WorkloadStatus,
};

/// Snapshots in flight between a follower and its reader.
pub const FOLLOW_BUFFER: usize = 8;
/// Changes taken from ready watchers before a snapshot is sent.
const BURST: usize = 256;
/// Events kept before the oldest are dropped (the snapshot shows the last [`EVENTS_KEPT`]).
const EVENTS_HELD: usize = 4 * EVENTS_KEPT;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    Workload,
    Events,
    ReplicaSets,
    Pods,
}

impl Source {
    fn title(self) -> &'static str {
        match self {
            Source::Workload => "workload",
            Source::Events => "events",
            Source::ReplicaSets => "replicasets",
            Source::Pods => "pods",
        }
    }
}

type Item = (Source, Result<Event<DynamicObject>, watcher::Error>);
type Items = BoxStream<'static, Item>;

fn resource(kind: WorkloadKind) -> ApiResource {
    match kind {
        WorkloadKind::Deployment => ApiResource::erase::<Deployment>(&()),
        WorkloadKind::StatefulSet => ApiResource::erase::<StatefulSet>(&()),
        WorkloadKind::DaemonSet => ApiResource::erase::<DaemonSet>(&()),
    }
}

fn watch(
    client: &kube::Client,
    namespace: &str,
    resource: &ApiResource,
    config: watcher::Config,
    source: Source,
) -> Items {
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), namespace, resource);
    watcher::watcher(api, config)
        .default_backoff()
        .map(move |event| (source, event))
        .boxed()
}

/// The watchers that need the workload's selector: pods, and a Deployment's ReplicaSets.
fn scoped(client: &kube::Client, key: &RolloutKey, selector: &str) -> Items {
    let config = watcher::Config::default().labels(selector);
    let pods = watch(
        client,
        &key.namespace,
        &ApiResource::erase::<Pod>(&()),
        config.clone(),
        Source::Pods,
    );
    if key.kind != WorkloadKind::Deployment {
        return pods;
    }
    let sets = watch(
        client,
        &key.namespace,
        &ApiResource::erase::<ReplicaSet>(&()),
        config,
        Source::ReplicaSets,
    );
    futures::stream::select(pods, sets).boxed()
}

async fn next(items: &mut Option<Items>) -> Option<Item> {
    match items {
        Some(items) => items.next().await,
        None => std::future::pending().await,
    }
}

/// Follows `key` and sends a snapshot after every burst of changes, until `tx` closes.
pub async fn follow(client: kube::Client, key: RolloutKey, tx: mpsc::Sender<RolloutSnapshot>) {
    let workload = watch(
        &client,
        &key.namespace,
        &resource(key.kind),
        watcher::Config::default().fields(&format!("metadata.name={}", key.name)),
        Source::Workload,
    );
    let events = watch(
        &client,
        &key.namespace,
        &ApiResource::erase::<KubeEvent>(&()),
        watcher::Config::default(),
        Source::Events,
    );
    let mut fixed = futures::stream::select(workload, events);
    let mut scoped_items: Option<Items> = None;
    let mut selector: Option<String> = None;
    let mut state = State::new(key.clone());
    loop {
        let item = tokio::select! {
            item = fixed.next() => item,
            Some(item) = next(&mut scoped_items) => Some(item),
            () = tx.closed() => return,
        };
        let Some(item) = item else { return };
        state.apply(item);
        for _ in 0..BURST {
            let ready = match fixed.next().now_or_never() {
                Some(Some(item)) => Some(item),
                _ => scoped_items
                    .as_mut()
                    .and_then(|s| s.next().now_or_never().flatten()),
            };
            let Some(item) = ready else { break };
            state.apply(item);
        }
        let wanted = state.selector();
        if wanted != selector {
            selector = wanted;
            state.clear_scoped();
            scoped_items = selector.as_deref().map(|s| scoped(&client, &key, s));
        }
        if let Some(snapshot) = state.snapshot(selector.is_some())
            && tx.send(snapshot).await.is_err()
        {
            return;
        }
    }
}

/// What the watchers told so far.
struct State {
    key: RolloutKey,
    workload: Option<WorkloadStatus>,
    replica_sets: BTreeMap<String, ReplicaSetLine>,
    pods: BTreeMap<String, PodLine>,
    /// By uid.
    events: BTreeMap<String, EventLine>,
    listing: BTreeSet<Source>,
    synced: BTreeSet<Source>,
    errors: BTreeMap<Source, String>,
}

fn name_of(object: &DynamicObject) -> String {
    object.metadata.name.clone().unwrap_or_default()
}

impl State {
    fn new(key: RolloutKey) -> Self {
        Self {
            key,
            workload: None,
            replica_sets: BTreeMap::new(),
            pods: BTreeMap::new(),
            events: BTreeMap::new(),
            listing: BTreeSet::new(),
            synced: BTreeSet::new(),
            errors: BTreeMap::new(),
        }
    }

    fn selector(&self) -> Option<String> {
        self.workload.as_ref()?.selector.clone()
    }

    fn clear_scoped(&mut self) {
        self.replica_sets.clear();
        self.pods.clear();
        for source in [Source::ReplicaSets, Source::Pods] {
            self.synced.remove(&source);
            self.listing.remove(&source);
            self.errors.remove(&source);
        }
    }

    fn apply(&mut self, (source, event): Item) {
        let event = match event {
            Ok(event) => event,
            Err(error) => {
                self.errors
                    .insert(source, format!("{} watch: {error}", source.title()));
                return;
            }
        };
        self.errors.remove(&source);
        match event {
            Event::Init => {
                self.listing.insert(source);
                self.clear(source);
            }
            Event::InitDone => {
                self.listing.remove(&source);
                self.synced.insert(source);
            }
            Event::InitApply(object) | Event::Apply(object) => self.put(source, &object),
            Event::Delete(object) => self.remove(source, &object),
        }
    }

    fn clear(&mut self, source: Source) {
        match source {
            Source::Workload => self.workload = None,
            Source::Events => self.events.clear(),
            Source::ReplicaSets => self.replica_sets.clear(),
            Source::Pods => self.pods.clear(),
        }
    }

    fn put(&mut self, source: Source, object: &DynamicObject) {
        let Ok(value) = serde_json::to_value(object) else {
            return;
        };
        match source {
            Source::Workload => {
                self.workload = Some(WorkloadStatus::from_json(self.key.kind, &value));
            }
            Source::ReplicaSets => {
                self.replica_sets
                    .insert(name_of(object), ReplicaSetLine::from_json(&value));
            }
            Source::Pods => {
                self.pods
                    .insert(name_of(object), PodLine::from_json(&value));
            }
            Source::Events => self.put_event(object, &value),
        }
    }

    fn put_event(&mut self, object: &DynamicObject, value: &Value) {
        let line = EventLine::from_json(value);
        let name = &self.key.name;
        let ours = line.object_name == *name
            || line
                .object_name
                .strip_prefix(name.as_str())
                .is_some_and(|rest| rest.starts_with('-'));
        if !ours {
            return;
        }
        let id = object
            .metadata
            .uid
            .clone()
            .unwrap_or_else(|| name_of(object));
        self.events.insert(id, line);
        if self.events.len() > EVENTS_HELD
            && let Some(oldest) = self
                .events
                .iter()
                .min_by_key(|(_, e)| e.at)
                .map(|(id, _)| id.clone())
        {
            self.events.remove(&oldest);
        }
    }

    fn remove(&mut self, source: Source, object: &DynamicObject) {
        let name = name_of(object);
        match source {
            Source::Workload => self.workload = None,
            Source::ReplicaSets => {
                self.replica_sets.remove(&name);
            }
            Source::Pods => {
                self.pods.remove(&name);
            }
            Source::Events => {
                let id = object.metadata.uid.clone().unwrap_or(name);
                self.events.remove(&id);
            }
        }
    }

    /// The snapshot to send, `None` while a watcher is in the middle of a (re)list.
    fn snapshot(&self, scoped: bool) -> Option<RolloutSnapshot> {
        if !self.listing.is_empty() {
            return None;
        }
        let mut needed = vec![Source::Workload, Source::Events];
        if scoped {
            needed.push(Source::Pods);
            if self.key.kind == WorkloadKind::Deployment {
                needed.push(Source::ReplicaSets);
            }
        }
        let mut replica_sets: Vec<ReplicaSetLine> = self.replica_sets.values().cloned().collect();
        replica_sets.sort_by_key(|rs| rs.revision);
        let mut events: Vec<EventLine> = self.events.values().cloned().collect();
        events.sort_by_key(|e| e.at);
        let skip = events.len().saturating_sub(EVENTS_KEPT);
        let errors: Vec<&str> = self.errors.values().map(String::as_str).collect();
        Some(RolloutSnapshot {
            key: self.key.clone(),
            workload: self.workload.clone(),
            replica_sets,
            pods: self.pods.values().cloned().collect(),
            events: events.split_off(skip),
            error: (!errors.is_empty()).then(|| errors.join("; ")),
            synced: needed.iter().all(|s| self.synced.contains(s)),
        })
    }
}
