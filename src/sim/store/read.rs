//! Reads: paged, filtered lists and the consistent starting point of a watch.

use std::sync::Arc;

use tokio::sync::{broadcast, watch};

use super::change::Change;
use super::object::StoredObject;
use super::state::{ObjectKey, State};
use crate::sim::resource::GroupResource;
use crate::sim::selector::{FieldSelector, LabelSelector};
use crate::sim::status::ApiError;

/// Which objects a list returns, and how many.
#[derive(Clone, Debug, Default)]
pub struct ListOptions {
    pub labels: LabelSelector,
    pub fields: FieldSelector,
    /// At most this many items; `None` or 0 for all.
    pub limit: Option<usize>,
    /// Continue a paged list after this key.
    pub after: Option<ObjectKey>,
}

/// One page of a list.
#[derive(Clone, Debug)]
pub struct ListPage {
    pub resource_version: u64,
    pub items: Vec<Arc<StoredObject>>,
    /// Where the next page starts, when there is one.
    pub next: Option<ObjectKey>,
    /// How many matching items follow this page (only counted without selectors).
    pub remaining: Option<u64>,
}

/// Where a watch starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchFrom {
    /// The current state as ADDED events, then every later change.
    Now,
    /// Every change after this resourceVersion (410 Gone if no longer retained).
    After(u64),
}

/// What a watcher needs to start without missing or repeating a change: the initial objects
/// (for `WatchFrom::Now`) or the retained changes to replay, then the live feed. Changes on
/// the feed at or below `resource_version` are already covered and must be skipped.
/// `compacted` changes when the history is compacted; the watch must then end with 410 Gone.
pub struct WatchStart {
    pub initial: Vec<Arc<StoredObject>>,
    pub replay: Vec<Arc<Change>>,
    pub resource_version: u64,
    pub feed: broadcast::Receiver<Arc<Change>>,
    pub compacted: watch::Receiver<u64>,
}

impl ListOptions {
    pub fn matches(&self, object: &StoredObject) -> bool {
        self.labels.matches(object.labels()) && self.fields.matches(|f| object.field(f))
    }
}

impl State {
    pub fn list(
        &self,
        gr: &GroupResource,
        namespace: &str,
        options: &ListOptions,
    ) -> Result<ListPage, ApiError> {
        let rt = self.resource_type(gr)?;
        if let Some(unsupported) = options
            .fields
            .requirements
            .iter()
            .find(|r| !rt.supports_field(&r.field))
        {
            return Err(ApiError::BadRequest(format!(
                "field label not supported: {}",
                unsupported.field
            )));
        }
        let namespace = if rt.namespaced { namespace } else { "" };
        let mut page = ListPage {
            resource_version: self.rv,
            items: Vec::new(),
            next: None,
            remaining: None,
        };
        let Some(collection) = self.collection(gr) else {
            return Ok(page);
        };
        let start = match &options.after {
            Some(after) => std::ops::Bound::Excluded(after.clone()),
            None => std::ops::Bound::Included((namespace.to_string(), String::new())),
        };
        let in_scope = collection
            .objects
            .range((start, std::ops::Bound::Unbounded))
            .take_while(|(key, _)| namespace.is_empty() || key.0 == namespace)
            .map(|(_, object)| object)
            .filter(|object| options.matches(object));
        let limit = options.limit.filter(|l| *l > 0).unwrap_or(usize::MAX);
        let mut rest = 0u64;
        for object in in_scope {
            if page.items.len() < limit {
                page.items.push(object.clone());
                continue;
            }
            if page.next.is_none() {
                page.next = page
                    .items
                    .last()
                    .map(|last| (last.namespace().to_string(), last.name().to_string()));
            }
            rest += 1;
            if !options.labels.is_empty() || !options.fields.is_empty() {
                break;
            }
        }
        if page.next.is_some() && options.labels.is_empty() && options.fields.is_empty() {
            page.remaining = Some(rest);
        }
        Ok(page)
    }

    pub fn watch(
        &self,
        gr: &GroupResource,
        namespace: &str,
        from: WatchFrom,
    ) -> Result<WatchStart, ApiError> {
        let rt = self.resource_type(gr)?;
        let namespace = if rt.namespaced { namespace } else { "" };
        // Subscribing under the lock means no change can fall between the snapshot and the feed.
        let feed = self.feed.subscribe();
        let (initial, replay) = match from {
            WatchFrom::Now => {
                let everything = ListOptions::default();
                (self.list(gr, namespace, &everything)?.items, Vec::new())
            }
            WatchFrom::After(rv) => (Vec::new(), self.changes_since(gr, rv)?),
        };
        let compacted = self.compactions.subscribe();
        Ok(WatchStart {
            initial,
            replay,
            resource_version: self.rv,
            feed,
            compacted,
        })
    }
}
