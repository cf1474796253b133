//! The data behind the store's lock: collections, the global resourceVersion, the retained
//! change windows and the change feed. Every mutation goes through `commit` or `remove`.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::{broadcast, watch};

use super::change::{Change, ChangeKind};
use super::logs::LogStore;
use super::object::StoredObject;
use crate::sim::defaults::Allocations;
use crate::sim::object::metadata_mut;
use crate::sim::resource::{Catalog, GroupResource, ResourceType};
use crate::sim::status::ApiError;

/// `(namespace, name)`; the namespace is "" for cluster-scoped objects.
pub type ObjectKey = (String, String);

#[derive(Default)]
pub(super) struct Collection {
    pub objects: BTreeMap<ObjectKey, Arc<StoredObject>>,
    pub window: VecDeque<Arc<Change>>,
    /// Every change with a resourceVersion above this is still in `window`.
    pub floor: u64,
}

/// A graceful deletion whose grace period must be waited out once the lock is released.
pub(super) struct GraceTimer {
    pub resource: GroupResource,
    pub key: ObjectKey,
    pub uid: String,
    pub after: Duration,
}

pub(super) struct State {
    pub rv: u64,
    pub catalog: Catalog,
    pub collections: HashMap<GroupResource, Collection>,
    pub allocations: Allocations,
    pub feed: broadcast::Sender<Arc<Change>>,
    /// Bumped by every compaction; open watches end with 410 Gone when it changes.
    pub compactions: watch::Sender<u64>,
    pub window_size: usize,
    pub timers: Vec<GraceTimer>,
    pub logs: Arc<LogStore>,
}

impl State {
    pub fn new(window_size: usize, feed_capacity: usize, logs: Arc<LogStore>) -> Self {
        let (feed, _) = broadcast::channel(feed_capacity.max(1));
        let (compactions, _) = watch::channel(0);
        Self {
            rv: 0,
            catalog: Catalog::default(),
            collections: HashMap::new(),
            allocations: Allocations::default(),
            feed,
            compactions,
            window_size: window_size.max(1),
            timers: Vec::new(),
            logs,
        }
    }

    pub fn resource_type(&self, gr: &GroupResource) -> Result<Arc<ResourceType>, ApiError> {
        self.catalog
            .by_group_resource(gr)
            .ok_or(ApiError::NoSuchResource)
    }

    pub fn get(
        &self,
        gr: &GroupResource,
        namespace: &str,
        name: &str,
    ) -> Option<Arc<StoredObject>> {
        let key = (namespace.to_string(), name.to_string());
        self.collections
            .get(gr)
            .and_then(|c| c.objects.get(&key))
            .cloned()
    }

    pub fn collection(&self, gr: &GroupResource) -> Option<&Collection> {
        self.collections.get(gr)
    }

    /// Stores `object` as the new version of its key, stamping the next resourceVersion.
    pub fn commit(
        &mut self,
        rt: &ResourceType,
        mut object: Value,
        kind: ChangeKind,
    ) -> Arc<StoredObject> {
        self.rv += 1;
        stamp_resource_version(&mut object, self.rv);
        let stored = Arc::new(StoredObject::new(rt, &object));
        self.put(rt, stored.clone(), kind);
        stored
    }

    /// Puts a version already stamped with a resourceVersion above every earlier one (and at
    /// most `rv`) in place, and records its change.
    pub fn put(&mut self, rt: &ResourceType, stored: Arc<StoredObject>, kind: ChangeKind) {
        let key = (stored.namespace().to_string(), stored.name().to_string());
        let gr = rt.group_resource();
        let previous = self
            .collections
            .entry(gr.clone())
            .or_default()
            .objects
            .insert(key, stored.clone());
        self.record(Change::new(kind, gr, stored, previous));
    }

    /// Removes the object at `key`; the DELETED change carries its last state at a new resourceVersion.
    pub fn remove(&mut self, rt: &ResourceType, key: &ObjectKey) -> Option<Arc<StoredObject>> {
        let gr = rt.group_resource();
        let previous = self.collections.get_mut(&gr)?.objects.remove(key)?;
        self.rv += 1;
        let mut last = previous.value();
        stamp_resource_version(&mut last, self.rv);
        let stored = Arc::new(StoredObject::new(rt, &last));
        self.record(Change::new(
            ChangeKind::Deleted,
            gr,
            stored.clone(),
            Some(previous),
        ));
        Some(stored)
    }

    fn record(&mut self, change: Change) {
        let change = Arc::new(change);
        let window_size = self.window_size;
        let collection = self.collections.entry(change.resource.clone()).or_default();
        collection.window.push_back(change.clone());
        while collection.window.len() > window_size {
            if let Some(dropped) = collection.window.pop_front() {
                collection.floor = dropped.object.resource_version();
            }
        }
        // No subscriber is fine: watches subscribe before they read.
        let _ = self.feed.send(change);
    }

    /// The retained changes of `gr` after `rv`, or 410 Gone when some were already dropped.
    pub fn changes_since(&self, gr: &GroupResource, rv: u64) -> Result<Vec<Arc<Change>>, ApiError> {
        let Some(collection) = self.collections.get(gr) else {
            return Ok(Vec::new());
        };
        if rv < collection.floor {
            return Err(ApiError::expired(rv, collection.floor + 1));
        }
        Ok(collection
            .window
            .iter()
            .filter(|c| c.object.resource_version() > rv)
            .cloned()
            .collect())
    }

    /// Forgets every retained change, as an etcd compaction does, and expires open watches.
    pub fn compact(&mut self) {
        let rv = self.rv;
        for collection in self.collections.values_mut() {
            collection.window.clear();
            collection.floor = rv;
        }
        self.compactions.send_replace(rv);
    }
}

/// Sets `metadata.resourceVersion` (a string, as the API server serves it).
pub(super) fn stamp_resource_version(object: &mut Value, rv: u64) {
    metadata_mut(object).insert("resourceVersion".to_string(), json!(rv.to_string()));
}
