//! Garbage collection: dependents found through ownerReferences, cascades after a removal,
//! orphaning, foreground owners, and cleanup when a CRD goes.

use std::sync::Arc;

use serde_json::{Value, json};

use super::DeleteOptions;
use super::change::ChangeKind;
use super::delete::{FOREGROUND_FINALIZER, key_of};
use super::object::{OwnerRef, StoredObject};
use super::state::State;
use crate::sim::object::metadata_mut;
use crate::sim::resource::{self, ResourceType, split_api_version};

impl State {
    /// Objects that name `owner` (by uid) in their ownerReferences.
    pub(super) fn dependents_of(
        &self,
        owner: &StoredObject,
    ) -> Vec<(Arc<ResourceType>, Arc<StoredObject>)> {
        let mut found = Vec::new();
        for (gr, collection) in &self.collections {
            let Some(rt) = self.catalog.by_group_resource(gr) else {
                continue;
            };
            // A namespaced owner can only own objects in its own namespace.
            let candidates: Box<dyn Iterator<Item = &Arc<StoredObject>>> =
                if owner.namespace().is_empty() {
                    Box::new(collection.objects.values())
                } else {
                    let start = (owner.namespace().to_string(), String::new());
                    let namespace = owner.namespace().to_string();
                    Box::new(
                        collection
                            .objects
                            .range(start..)
                            .take_while(move |(k, _)| k.0 == namespace)
                            .map(|(_, v)| v),
                    )
                };
            for object in candidates {
                if object.owners().iter().any(|o| o.uid == owner.uid()) {
                    found.push((rt.clone(), object.clone()));
                }
            }
        }
        found
    }

    /// The live owner `reference` points to from `dependent`, if it still exists.
    fn owner_of(
        &self,
        dependent: &StoredObject,
        reference: &OwnerRef,
    ) -> Option<(Arc<ResourceType>, Arc<StoredObject>)> {
        let (group, _) = split_api_version(&reference.api_version);
        let rt = self.catalog.by_kind(group, &reference.kind)?;
        let namespace = if rt.namespaced {
            dependent.namespace()
        } else {
            ""
        };
        let owner = self.get(&rt.storage, namespace, &reference.name)?;
        (owner.uid() == reference.uid).then_some((rt, owner))
    }

    /// Drops the ownerReferences to `owner` from its dependents, so they outlive it.
    pub(super) fn orphan_dependents(&mut self, owner: &StoredObject) {
        for (rt, dependent) in self.dependents_of(owner) {
            let mut object = dependent.value();
            if let Some(Value::Array(refs)) = metadata_mut(&mut object).get_mut("ownerReferences") {
                refs.retain(|r| r["uid"].as_str() != Some(owner.uid()));
            }
            self.commit(&rt, object, ChangeKind::Modified);
        }
    }

    /// Everything that follows an object's removal: dependents without a remaining owner go,
    /// foreground owners waiting on it may finish, a terminating namespace may empty, a CRD's
    /// custom resources go with it, and a pod's logs are dropped.
    pub(super) fn after_removal(&mut self, rt: &ResourceType, removed: &StoredObject) {
        for (dependent_rt, dependent) in self.dependents_of(removed) {
            let other_owner_alive = dependent
                .owners()
                .iter()
                .any(|o| o.uid != removed.uid() && self.owner_of(&dependent, o).is_some());
            if !other_owner_alive {
                let gr = dependent_rt.group_resource();
                let _ = self.delete(
                    &gr,
                    dependent.namespace(),
                    dependent.name(),
                    &DeleteOptions::default(),
                );
            }
        }
        for reference in removed.owners() {
            let Some((owner_rt, owner)) = self.owner_of(removed, reference) else {
                continue;
            };
            let waiting = owner.finalizers().iter().any(|f| f == FOREGROUND_FINALIZER);
            if waiting && self.dependents_of(&owner).is_empty() {
                self.drop_finalizer(&owner_rt, &owner, FOREGROUND_FINALIZER);
            }
        }
        let gr = rt.group_resource();
        if rt.namespaced {
            self.finish_namespace_if_empty(removed.namespace());
        }
        if gr == resource::CRDS {
            self.remove_custom_resources(removed);
        }
        if gr == resource::PODS {
            self.logs.drop_pod(removed.namespace(), removed.name());
        }
    }

    fn drop_finalizer(&mut self, rt: &ResourceType, object: &StoredObject, finalizer: &str) {
        let mut value = object.value();
        let remaining: Vec<String> = object
            .finalizers()
            .iter()
            .filter(|f| *f != finalizer)
            .cloned()
            .collect();
        metadata_mut(&mut value).insert("finalizers".to_string(), json!(remaining));
        let stored = self.commit(rt, value, ChangeKind::Modified);
        if stored.is_deleting()
            && stored.finalizers().is_empty()
            && !stored.in_grace_period()
            && let Some(last) = self.remove(rt, &key_of(&stored))
        {
            self.after_removal(rt, &last);
        }
    }

    fn remove_custom_resources(&mut self, crd: &StoredObject) {
        let custom: Vec<Arc<ResourceType>> = self
            .catalog
            .all()
            .iter()
            .filter(|rt| rt.defined_by.as_deref() == Some(crd.name()))
            .cloned()
            .collect();
        for rt in custom {
            let keys: Vec<_> = self
                .collections
                .get(&rt.group_resource())
                .map(|c| c.objects.keys().cloned().collect())
                .unwrap_or_default();
            for key in keys {
                if let Some(last) = self.remove(&rt, &key) {
                    self.after_removal(&rt, &last);
                }
            }
        }
        self.catalog.unregister_custom(crd.name());
    }
}
