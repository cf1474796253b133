//! An index from an owner's uid to the objects (of one resource) that name it in their
//! ownerReferences, kept current from the change feed so controllers never scan every object.

use std::collections::{BTreeSet, HashMap};

use crate::sim::resource::GroupResource;
use crate::sim::store::{Change, ChangeKind, ObjectKey, Store, StoredObject};

#[derive(Debug)]
pub struct OwnerIndex {
    resource: GroupResource,
    by_owner: HashMap<String, BTreeSet<ObjectKey>>,
    owners_of: HashMap<ObjectKey, Vec<String>>,
}

impl OwnerIndex {
    pub fn new(resource: GroupResource) -> Self {
        Self {
            resource,
            by_owner: HashMap::new(),
            owners_of: HashMap::new(),
        }
    }

    pub fn resource(&self) -> &GroupResource {
        &self.resource
    }

    /// Rebuilds the index from every object of the resource.
    pub fn rebuild(&mut self, store: &Store) {
        self.by_owner.clear();
        self.owners_of.clear();
        for object in store.list(&self.resource, "").unwrap_or_default() {
            self.insert(&object);
        }
    }

    /// Follows one change; returns the uids of the owners it touched (before and after).
    pub fn observe(&mut self, change: &Change) -> Vec<String> {
        if change.resource != self.resource {
            return Vec::new();
        }
        let unmoved = change.kind == ChangeKind::Modified
            && change
                .previous
                .as_ref()
                .is_some_and(|previous| previous.owners() == change.object.owners());
        if unmoved {
            // Same key, same owners: the index already holds it (a label or status change).
            return change
                .object
                .owners()
                .iter()
                .map(|o| o.uid.clone())
                .collect();
        }
        let key = key_of(&change.object);
        let mut touched = self.remove(&key);
        if change.kind != ChangeKind::Deleted {
            self.insert(&change.object);
            for owner in change.object.owners() {
                if !touched.contains(&owner.uid) {
                    touched.push(owner.uid.clone());
                }
            }
        }
        touched
    }

    fn insert(&mut self, object: &StoredObject) {
        let key = key_of(object);
        let owners: Vec<String> = object.owners().iter().map(|o| o.uid.clone()).collect();
        for owner in &owners {
            self.by_owner
                .entry(owner.clone())
                .or_default()
                .insert(key.clone());
        }
        if !owners.is_empty() {
            self.owners_of.insert(key, owners);
        }
    }

    fn remove(&mut self, key: &ObjectKey) -> Vec<String> {
        let owners = self.owners_of.remove(key).unwrap_or_default();
        for owner in &owners {
            if let Some(keys) = self.by_owner.get_mut(owner) {
                keys.remove(key);
                if keys.is_empty() {
                    self.by_owner.remove(owner);
                }
            }
        }
        owners
    }

    /// Records an object a controller just created, before its change arrives.
    pub fn record(&mut self, object: &StoredObject) {
        self.remove(&key_of(object));
        self.insert(object);
    }

    /// The keys of the objects owned by `owner_uid`.
    pub fn owned_by(&self, owner_uid: &str) -> Vec<ObjectKey> {
        self.by_owner
            .get(owner_uid)
            .map(|keys| keys.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The objects owned by `owner_uid`, read from the store.
    pub fn objects_owned_by(
        &self,
        store: &Store,
        owner_uid: &str,
    ) -> Vec<std::sync::Arc<StoredObject>> {
        let Some(keys) = self.by_owner.get(owner_uid) else {
            return Vec::new();
        };
        keys.iter()
            .filter_map(|(namespace, name)| store.get(&self.resource, namespace, name).ok())
            .filter(|object| object.owners().iter().any(|o| o.uid == owner_uid))
            .collect()
    }
}

pub fn key_of(object: &StoredObject) -> ObjectKey {
    (object.namespace().to_string(), object.name().to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::sim::bootstrap::bootstrap;
    use crate::sim::resource;
    use serde_json::json;

    #[test]
    fn follows_owner_references_through_changes() {
        let store = Store::default();
        bootstrap(&store).unwrap();
        let mut index = OwnerIndex::new(resource::PODS);
        let mut feed = store.subscribe();
        let pod = json!({ "metadata": { "name": "p", "ownerReferences": [{ "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "uid": "owner-1" }] },
            "spec": { "containers": [{ "name": "c", "image": "nginx" }] } });
        store.create(&resource::PODS, "default", pod).unwrap();
        let change = feed.try_recv().unwrap();
        assert_eq!(index.observe(&change), vec!["owner-1".to_string()]);
        assert_eq!(index.owned_by("owner-1").len(), 1);
        store
            .modify(&resource::PODS, "default", "p", |pod| {
                pod["metadata"]["ownerReferences"] = json!([]);
            })
            .unwrap();
        let change = feed.try_recv().unwrap();
        assert_eq!(index.observe(&change), vec!["owner-1".to_string()]);
        assert!(index.owned_by("owner-1").is_empty());
        let mut rebuilt = OwnerIndex::new(resource::PODS);
        rebuilt.rebuild(&store);
        assert!(rebuilt.owned_by("owner-1").is_empty());
    }
}
