//! The simulated cluster's object store: one handle shared by the HTTP server, watches and
//! controllers.
//!
//! - Objects are JSON, stored once as bytes (`StoredObject`) and indexed by
//!   `(resource, namespace, name)`. Cluster-scoped objects use the namespace "".
//! - Every write bumps one global resourceVersion and emits a [`Change`] on the change feed
//!   ([`Store::subscribe`]). Each resource keeps a window of its recent changes so a watch can
//!   resume from a resourceVersion ([`Store::changes_since`]); older ones give 410 Gone.
//! - Writes apply what the API server applies: server-set metadata (uid, resourceVersion,
//!   creationTimestamp, generation, generateName), defaulting, validation (422), optimistic
//!   concurrency (409), status/main separation, graceful pod deletion, finalizers, owner
//!   garbage collection and namespace termination.
//!
//! Controllers typically `subscribe()`, react to changes, and write back with [`Store::modify`]
//! / [`Store::modify_status`] (read-modify-write under the lock, never a conflict).

mod batch;
mod change;
mod controller_api;
mod delete;
mod gc;
mod logs;
mod object;
mod read;
mod state;
mod write;

#[cfg(test)]
mod tests;

use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard, Weak};

use serde_json::Value;
use tokio::sync::broadcast;

pub use batch::{Created, Modified};
pub use change::{Change, ChangeKind};
pub use logs::LogLine;
pub use object::{OwnerRef, StoredObject};
pub use read::{ListOptions, ListPage, WatchFrom, WatchStart};
pub use state::ObjectKey;

use crate::sim::clock::Clock;
use crate::sim::patch::{self, Patch, PatchType};
use crate::sim::resource::{self, Catalog, GroupResource, Propagation, ResourceType};
use crate::sim::status::ApiError;
use logs::LogStore;
use state::State;

/// Tuning of a [`Store`].
#[derive(Clone, Debug)]
pub struct StoreOptions {
    pub clock: Clock,
    /// Changes retained per resource for watch resume.
    pub window: usize,
    /// Changes the feed buffers for a slow subscriber before it lags.
    pub feed_capacity: usize,
    /// Lines kept per container log.
    pub log_lines: usize,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            clock: Clock::default(),
            window: 10_000,
            feed_capacity: 16_384,
            log_lines: 10_000,
        }
    }
}

/// Which part of an object a write changes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Target {
    /// Everything but `status` (for kinds with a status subresource).
    #[default]
    Main,
    /// Only `status`.
    Status,
}

/// Options of create, update and patch.
#[derive(Clone, Debug, Default)]
pub struct WriteOptions {
    /// Validate and return the result without storing it (`dryRun=All`).
    pub dry_run: bool,
    /// Keep the `status` a new object was created with (for seeding scenarios); the API
    /// server resets it for most kinds.
    pub keep_status: bool,
}

/// Options of delete.
#[derive(Clone, Debug, Default)]
pub struct DeleteOptions {
    /// What happens to dependents; `None` uses the resource's default (Background, Orphan for Jobs).
    pub propagation: Option<Propagation>,
    /// Pods only: overrides `spec.terminationGracePeriodSeconds`; 0 removes at once.
    pub grace_period_seconds: Option<i64>,
    pub precondition_uid: Option<String>,
    pub precondition_resource_version: Option<String>,
    pub dry_run: bool,
}

/// The result of a delete.
#[derive(Clone, Debug)]
pub enum DeleteOutcome {
    /// The object is gone; this is its last state.
    Deleted(Arc<StoredObject>),
    /// The object is terminating (grace period or finalizers) and still readable.
    Pending(Arc<StoredObject>),
}

impl DeleteOutcome {
    pub fn object(&self) -> &Arc<StoredObject> {
        match self {
            Self::Deleted(object) | Self::Pending(object) => object,
        }
    }
}

/// A followed container log: the lines so far, then every new one.
pub struct LogFollow {
    pub past: Vec<Arc<LogLine>>,
    pub live: broadcast::Receiver<Arc<LogLine>>,
}

struct Inner {
    state: RwLock<State>,
    logs: Arc<LogStore>,
    clock: Clock,
}

/// A cheap-to-clone handle to the cluster state.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

impl Default for Store {
    fn default() -> Self {
        Self::new(StoreOptions::default())
    }
}

impl Store {
    pub fn new(options: StoreOptions) -> Self {
        let logs = Arc::new(LogStore::new(options.log_lines));
        let state = State::new(options.window, options.feed_capacity, logs.clone());
        Self {
            inner: Arc::new(Inner {
                state: RwLock::new(state),
                logs,
                clock: options.clock,
            }),
        }
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.inner
            .state
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` under the write lock, then starts the grace-period timers it scheduled.
    fn write<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let (result, timers) = {
            let mut state: RwLockWriteGuard<'_, State> = self
                .inner
                .state
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            let result = f(&mut state);
            (result, std::mem::take(&mut state.timers))
        };
        for timer in timers {
            self.start_grace_timer(timer);
        }
        result
    }

    /// Grace periods run on the Tokio runtime, scaled by the clock. Without a runtime the
    /// object stays terminating until [`Store::end_grace_period`].
    fn start_grace_timer(&self, timer: state::GraceTimer) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let weak: Weak<Inner> = Arc::downgrade(&self.inner);
        let after = self.inner.clock.scaled(timer.after);
        runtime.spawn(async move {
            tokio::time::sleep(after).await;
            if let Some(inner) = weak.upgrade() {
                let store = Store { inner };
                let _ = store.end_grace_period_of(&timer.resource, &timer.key, &timer.uid);
            }
        });
    }

    pub fn clock(&self) -> Clock {
        self.inner.clock
    }

    /// The latest resourceVersion handed out.
    pub fn resource_version(&self) -> u64 {
        self.read().rv
    }

    /// A snapshot of the served resources (built-in and CRD-defined).
    pub fn catalog(&self) -> Catalog {
        self.read().catalog.clone()
    }

    /// The resource served at `/apis/{group}/{version}/{plural}`.
    pub fn find_resource(
        &self,
        group: &str,
        version: &str,
        plural: &str,
    ) -> Option<Arc<ResourceType>> {
        self.read().catalog.find(group, version, plural)
    }

    pub fn get(
        &self,
        gr: &GroupResource,
        namespace: &str,
        name: &str,
    ) -> Result<Arc<StoredObject>, ApiError> {
        let state = self.read();
        let rt = state.resource_type(gr)?;
        let namespace = if rt.namespaced { namespace } else { "" };
        state
            .get(gr, namespace, name)
            .ok_or_else(|| ApiError::not_found(&rt.group, &rt.plural, name))
    }

    /// Every object of `gr` in `namespace` ("" for all namespaces).
    pub fn list(
        &self,
        gr: &GroupResource,
        namespace: &str,
    ) -> Result<Vec<Arc<StoredObject>>, ApiError> {
        Ok(self
            .read()
            .list(gr, namespace, &ListOptions::default())?
            .items)
    }

    /// A filtered page of objects; `namespace` "" lists all namespaces.
    pub fn list_page(
        &self,
        gr: &GroupResource,
        namespace: &str,
        options: &ListOptions,
    ) -> Result<ListPage, ApiError> {
        self.read().list(gr, namespace, options)
    }

    /// Creates `object` in `namespace` (taken from the object when ""; "default" if neither says).
    pub fn create(
        &self,
        gr: &GroupResource,
        namespace: &str,
        object: Value,
    ) -> Result<Arc<StoredObject>, ApiError> {
        self.create_with(gr, namespace, object, &WriteOptions::default())
    }

    pub fn create_with(
        &self,
        gr: &GroupResource,
        namespace: &str,
        object: Value,
        options: &WriteOptions,
    ) -> Result<Arc<StoredObject>, ApiError> {
        self.write(|state| state.create(gr, namespace, object, options))
    }

    /// Creates many objects of `gr` in one write: `objects` are (namespace, body) pairs, and
    /// each gets the result [`Store::create_with`] would give it, in the same order. The
    /// objects are defaulted, validated and serialized on every core under one lock, so
    /// seeding tens of thousands of them takes a fraction of one create each.
    pub fn create_many(
        &self,
        gr: &GroupResource,
        objects: Vec<(String, Value)>,
        options: &WriteOptions,
    ) -> Result<Created, ApiError> {
        self.write(|state| state.create_many(gr, objects, options))
    }

    /// Replaces an object; a `metadata.resourceVersion` other than the current one is a 409.
    pub fn update(
        &self,
        gr: &GroupResource,
        namespace: &str,
        name: &str,
        object: Value,
    ) -> Result<Arc<StoredObject>, ApiError> {
        self.update_with(
            gr,
            namespace,
            name,
            Target::Main,
            &WriteOptions::default(),
            |_| Ok(object),
        )
    }

    /// Replaces an object's `status` (the `/status` subresource).
    pub fn update_status(
        &self,
        gr: &GroupResource,
        namespace: &str,
        name: &str,
        object: Value,
    ) -> Result<Arc<StoredObject>, ApiError> {
        self.update_with(
            gr,
            namespace,
            name,
            Target::Status,
            &WriteOptions::default(),
            |_| Ok(object),
        )
    }

    /// Read-modify-write under the lock: `change` gets the current object and returns the new one.
    pub fn update_with(
        &self,
        gr: &GroupResource,
        namespace: &str,
        name: &str,
        target: Target,
        options: &WriteOptions,
        change: impl FnOnce(Value) -> Result<Value, ApiError>,
    ) -> Result<Arc<StoredObject>, ApiError> {
        self.write(|state| state.write_existing(gr, namespace, name, target, options, change))
    }

    /// Changes an object in place; never conflicts. For controllers.
    pub fn modify(
        &self,
        gr: &GroupResource,
        namespace: &str,
        name: &str,
        change: impl FnOnce(&mut Value),
    ) -> Result<Arc<StoredObject>, ApiError> {
        self.update_with(
            gr,
            namespace,
            name,
            Target::Main,
            &WriteOptions::default(),
            |mut object| {
                change(&mut object);
                Ok(object)
            },
        )
    }

    /// Changes many objects of `gr` in place in one write, as [`Store::modify`] changes one:
    /// `keys` are (namespace, name) pairs and each gets the result `modify` would give it, in
    /// the same order, with consecutive resourceVersions. The objects are changed, defaulted,
    /// validated and serialized on every core under one lock, and the feed gets the burst of
    /// changes at once.
    pub fn modify_many(
        &self,
        gr: &GroupResource,
        keys: Vec<ObjectKey>,
        change: impl Fn(&mut Value) + Sync,
    ) -> Result<Modified, ApiError> {
        self.write(|state| state.modify_many(gr, keys, &change))
    }

    /// Changes an object's `status` in place; never conflicts. For controllers.
    pub fn modify_status(
        &self,
        gr: &GroupResource,
        namespace: &str,
        name: &str,
        change: impl FnOnce(&mut Value),
    ) -> Result<Arc<StoredObject>, ApiError> {
        self.update_with(
            gr,
            namespace,
            name,
            Target::Status,
            &WriteOptions::default(),
            |mut object| {
                change(&mut object);
                Ok(object)
            },
        )
    }

    /// Applies a patch. Server-side apply (`PatchType::Apply`) creates the object when missing.
    pub fn patch(
        &self,
        gr: &GroupResource,
        namespace: &str,
        name: &str,
        patch: &Patch,
        target: Target,
        options: &WriteOptions,
    ) -> Result<Arc<StoredObject>, ApiError> {
        self.write(|state| {
            let rt = state.resource_type(gr)?;
            let scoped = if rt.namespaced { namespace } else { "" };
            if patch.kind == PatchType::Apply
                && target == Target::Main
                && state.get(gr, scoped, name).is_none()
            {
                let object = patch::object_to_create(&rt, name, patch)?;
                return state.create(gr, namespace, object, options);
            }
            state.write_existing(gr, namespace, name, target, options, |current| {
                patch::apply(&rt, &current, patch)
            })
        })
    }

    pub fn delete(
        &self,
        gr: &GroupResource,
        namespace: &str,
        name: &str,
        options: &DeleteOptions,
    ) -> Result<DeleteOutcome, ApiError> {
        self.write(|state| state.delete(gr, namespace, name, options))
    }

    /// Deletes every object of `gr` in `namespace` ("" for all) that `list` selects.
    pub fn delete_collection(
        &self,
        gr: &GroupResource,
        namespace: &str,
        list: &ListOptions,
        options: &DeleteOptions,
    ) -> Result<Vec<DeleteOutcome>, ApiError> {
        self.write(|state| {
            let selected = state.list(gr, namespace, list)?.items;
            let mut outcomes = Vec::new();
            for object in selected {
                match state.delete(gr, object.namespace(), object.name(), options) {
                    Ok(outcome) => outcomes.push(outcome),
                    Err(ApiError::NotFound(_)) => {}
                    Err(other) => return Err(other),
                }
            }
            Ok(outcomes)
        })
    }

    /// Ends a terminating object's grace period now (a kubelet that stopped the containers).
    pub fn end_grace_period(
        &self,
        gr: &GroupResource,
        namespace: &str,
        name: &str,
    ) -> Result<Option<DeleteOutcome>, ApiError> {
        let object = self.get(gr, namespace, name)?;
        let key = (object.namespace().to_string(), object.name().to_string());
        self.end_grace_period_of(gr, &key, object.uid())
    }

    fn end_grace_period_of(
        &self,
        gr: &GroupResource,
        key: &ObjectKey,
        uid: &str,
    ) -> Result<Option<DeleteOutcome>, ApiError> {
        self.write(|state| {
            let rt = state.resource_type(gr)?;
            Ok(state.end_grace_period(&rt, key, uid))
        })
    }

    /// Every change from now on, for all resources. A receiver that falls behind by more than
    /// `feed_capacity` changes gets `Lagged` and should resync (`list` or `changes_since`).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Change>> {
        self.read().feed.subscribe()
    }

    /// The retained changes of `gr` after `rv`, oldest first; 410 Gone if some were dropped.
    pub fn changes_since(&self, gr: &GroupResource, rv: u64) -> Result<Vec<Arc<Change>>, ApiError> {
        self.read().changes_since(gr, rv)
    }

    /// A consistent starting point for a watch of `gr` in `namespace` ("" for all).
    pub fn watch(
        &self,
        gr: &GroupResource,
        namespace: &str,
        from: WatchFrom,
    ) -> Result<WatchStart, ApiError> {
        self.read().watch(gr, namespace, from)
    }

    /// Drops every retained change, so resuming from any earlier resourceVersion gets 410 Gone,
    /// and ends every open watch with a 410 ERROR event, forcing clients to relist. A test
    /// hook for the path real clusters take when etcd compaction outruns a watcher.
    pub fn compact_history(&self) {
        self.write(State::compact);
    }

    /// Appends a line to a container's log. The pod must exist.
    pub fn append_log(
        &self,
        namespace: &str,
        pod: &str,
        container: &str,
        line: impl Into<String>,
    ) -> Result<(), ApiError> {
        let state = self.read();
        if state.get(&resource::PODS, namespace, pod).is_none() {
            return Err(ApiError::not_found("", "pods", pod));
        }
        self.inner
            .logs
            .append(namespace, pod, container, line.into());
        Ok(())
    }

    /// Appends lines written at the same moment to a container's log. The pod must exist.
    pub fn append_logs(
        &self,
        namespace: &str,
        pod: &str,
        container: &str,
        lines: Vec<String>,
    ) -> Result<(), ApiError> {
        let state = self.read();
        if state.get(&resource::PODS, namespace, pod).is_none() {
            return Err(ApiError::not_found("", "pods", pod));
        }
        self.inner
            .logs
            .append_lines(namespace, pod, container, lines);
        Ok(())
    }

    /// The container restarted: its log becomes the `previous` one and a new log starts.
    pub fn restart_log(&self, namespace: &str, pod: &str, container: &str) {
        self.inner.logs.restart(namespace, pod, container);
    }

    /// A container instance exited: whoever follows its log reaches the end.
    pub fn end_log(&self, namespace: &str, pod: &str, container: &str) {
        self.inner.logs.end(namespace, pod, container);
    }

    /// A container's log lines (`previous` for the instance before the last restart).
    pub fn log_lines(
        &self,
        namespace: &str,
        pod: &str,
        container: &str,
        previous: bool,
    ) -> Vec<Arc<LogLine>> {
        self.inner.logs.lines(namespace, pod, container, previous)
    }

    /// The log so far plus a receiver of later lines, which closes when the container instance
    /// exits or the pod is removed.
    pub fn follow_log(
        &self,
        namespace: &str,
        pod: &str,
        container: &str,
    ) -> Result<LogFollow, ApiError> {
        let state = self.read();
        if state.get(&resource::PODS, namespace, pod).is_none() {
            return Err(ApiError::not_found("", "pods", pod));
        }
        let (past, live) = self.inner.logs.follow(namespace, pod, container);
        Ok(LogFollow { past, live })
    }
}
