//! Deletion: preconditions, pod grace periods, finalizers, propagation policies and namespaces.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::change::ChangeKind;
use super::object::StoredObject;
use super::state::{GraceTimer, ObjectKey, State};
use super::{DeleteOptions, DeleteOutcome};
use crate::sim::clock::{format_timestamp, now_rfc3339};
use crate::sim::object::At;
use crate::sim::object::{metadata_mut, str_at};
use crate::sim::resource::{self, GroupResource, Propagation, ResourceType};
use crate::sim::status::{ApiError, Subject};

pub(super) const FOREGROUND_FINALIZER: &str = "foregroundDeletion";
const DEFAULT_POD_GRACE_SECONDS: i64 = 30;

impl State {
    pub fn delete(
        &mut self,
        gr: &GroupResource,
        namespace: &str,
        name: &str,
        options: &DeleteOptions,
    ) -> Result<DeleteOutcome, ApiError> {
        let rt = self.resource_type(gr)?;
        let namespace = if rt.namespaced { namespace } else { "" };
        let current = self
            .get(gr, namespace, name)
            .ok_or_else(|| ApiError::not_found(&rt.group, &rt.plural, name))?;
        check_preconditions(&rt, &current, options)?;
        if options.dry_run {
            return Ok(self.delete_preview(&rt, current, options));
        }
        if *gr == resource::NAMESPACES {
            return Ok(self.delete_namespace(&rt, &current));
        }
        let grace = grace_period(&rt, &current, options);
        let key = key_of(&current);
        if current.is_deleting() {
            if grace == 0 && current.in_grace_period() {
                return Ok(self
                    .end_grace_period(&rt, &key, current.uid())
                    .unwrap_or(DeleteOutcome::Pending(current)));
            }
            return Ok(DeleteOutcome::Pending(current));
        }
        let propagation = options.propagation.unwrap_or(rt.default_propagation);
        if propagation == Propagation::Orphan {
            self.orphan_dependents(&current);
        }
        let mut finalizers = current.finalizers().to_vec();
        let foreground =
            propagation == Propagation::Foreground && !self.dependents_of(&current).is_empty();
        if foreground {
            finalizers.push(FOREGROUND_FINALIZER.to_string());
        }
        if finalizers.is_empty() && grace == 0 {
            let last = self.remove(&rt, &key).unwrap_or(current);
            self.after_removal(&rt, &last);
            return Ok(DeleteOutcome::Deleted(last));
        }
        let object = marked_for_deletion(&rt, &current, grace, &finalizers);
        let stored = self.commit(&rt, object, ChangeKind::Modified);
        if grace > 0 {
            self.timers.push(GraceTimer {
                resource: rt.group_resource(),
                key,
                uid: stored.uid().to_string(),
                after: Duration::from_secs(grace.unsigned_abs()),
            });
        }
        if foreground {
            for (dependent_rt, dependent) in self.dependents_of(&stored) {
                let options = DeleteOptions {
                    propagation: Some(Propagation::Foreground),
                    ..DeleteOptions::default()
                };
                // A dependent that vanished meanwhile needs nothing more.
                let _ = self.delete(
                    &dependent_rt.group_resource(),
                    dependent.namespace(),
                    dependent.name(),
                    &options,
                );
            }
        }
        let latest = self.get(gr, namespace, name);
        Ok(match latest {
            Some(object) => DeleteOutcome::Pending(object),
            None => DeleteOutcome::Deleted(stored),
        })
    }

    /// What a delete with `options` would answer, changing nothing (`dryRun=All`): the object
    /// as it would be once marked for deletion, or its last state when it would go at once.
    fn delete_preview(
        &self,
        rt: &ResourceType,
        current: Arc<StoredObject>,
        options: &DeleteOptions,
    ) -> DeleteOutcome {
        if current.is_deleting() {
            return DeleteOutcome::Pending(current);
        }
        if rt.group_resource() == resource::NAMESPACES {
            let mut object = marked_for_deletion(rt, &current, 0, current.finalizers());
            if let Some(map) = object.as_object_mut() {
                map.insert("status".to_string(), json!({ "phase": "Terminating" }));
            }
            let marked = Arc::new(StoredObject::new(rt, &object));
            return if self.objects_in_namespace(current.name()).is_empty() {
                DeleteOutcome::Deleted(marked)
            } else {
                DeleteOutcome::Pending(marked)
            };
        }
        let grace = grace_period(rt, &current, options);
        let propagation = options.propagation.unwrap_or(rt.default_propagation);
        let mut finalizers = current.finalizers().to_vec();
        if propagation == Propagation::Foreground && !self.dependents_of(&current).is_empty() {
            finalizers.push(FOREGROUND_FINALIZER.to_string());
        }
        if finalizers.is_empty() && grace == 0 {
            return DeleteOutcome::Deleted(current);
        }
        let object = marked_for_deletion(rt, &current, grace, &finalizers);
        DeleteOutcome::Pending(Arc::new(StoredObject::new(rt, &object)))
    }

    /// The grace period of a deleting object is over: it goes, unless finalizers still hold it.
    pub fn end_grace_period(
        &mut self,
        rt: &ResourceType,
        key: &ObjectKey,
        uid: &str,
    ) -> Option<DeleteOutcome> {
        let current = self.get(&rt.group_resource(), &key.0, &key.1)?;
        if current.uid() != uid || !current.is_deleting() {
            return None;
        }
        if current.finalizers().is_empty() {
            let last = self.remove(rt, key)?;
            self.after_removal(rt, &last);
            return Some(DeleteOutcome::Deleted(last));
        }
        let mut object = current.value();
        metadata_mut(&mut object).insert("deletionGracePeriodSeconds".to_string(), json!(0));
        Some(DeleteOutcome::Pending(self.commit(
            rt,
            object,
            ChangeKind::Modified,
        )))
    }

    /// Marks the namespace Terminating, deletes everything in it, and removes it once empty.
    fn delete_namespace(
        &mut self,
        rt: &ResourceType,
        current: &Arc<StoredObject>,
    ) -> DeleteOutcome {
        if current.is_deleting() {
            return DeleteOutcome::Pending(current.clone());
        }
        let mut object = current.value();
        {
            let metadata = metadata_mut(&mut object);
            metadata.insert("deletionTimestamp".to_string(), json!(now_rfc3339()));
            metadata.insert("deletionGracePeriodSeconds".to_string(), json!(0));
        }
        if let Some(map) = object.as_object_mut() {
            map.insert("status".to_string(), json!({ "phase": "Terminating" }));
        }
        let marked = self.commit(rt, object, ChangeKind::Modified);
        let namespace = marked.name().to_string();
        for (content_rt, object) in self.objects_in_namespace(&namespace) {
            let _ = self.delete(
                &content_rt.group_resource(),
                &namespace,
                object.name(),
                &DeleteOptions::default(),
            );
        }
        self.finish_namespace_if_empty(&namespace);
        match self.get(&resource::NAMESPACES, "", &namespace) {
            Some(still) => DeleteOutcome::Pending(still),
            None => DeleteOutcome::Deleted(marked),
        }
    }

    pub(super) fn finish_namespace_if_empty(&mut self, namespace: &str) {
        let Some(ns) = self.get(&resource::NAMESPACES, "", namespace) else {
            return;
        };
        if !ns.is_deleting() || !self.objects_in_namespace(namespace).is_empty() {
            return;
        }
        let Ok(rt) = self.resource_type(&resource::NAMESPACES) else {
            return;
        };
        if let Some(last) = self.remove(&rt, &key_of(&ns)) {
            self.after_removal(&rt, &last);
        }
    }

    /// Every namespaced object stored in `namespace`, with its type.
    pub(super) fn objects_in_namespace(
        &self,
        namespace: &str,
    ) -> Vec<(Arc<ResourceType>, Arc<StoredObject>)> {
        let mut found = Vec::new();
        for (gr, collection) in &self.collections {
            let Some(rt) = self
                .catalog
                .by_group_resource(gr)
                .filter(|rt| rt.namespaced)
            else {
                continue;
            };
            let start = (namespace.to_string(), String::new());
            for (key, object) in collection.objects.range(start..) {
                if key.0 != namespace {
                    break;
                }
                found.push((rt.clone(), object.clone()));
            }
        }
        found
    }
}

/// `current` with its deletion timestamp, grace period and finalizers set, as a delete leaves it.
fn marked_for_deletion(
    rt: &ResourceType,
    current: &StoredObject,
    grace: i64,
    finalizers: &[String],
) -> Value {
    let mut object = current.value();
    let deadline = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(grace);
    let metadata = metadata_mut(&mut object);
    metadata.insert(
        "deletionTimestamp".to_string(),
        json!(format_timestamp(deadline)),
    );
    metadata.insert("deletionGracePeriodSeconds".to_string(), json!(grace));
    if finalizers.is_empty() {
        metadata.remove("finalizers");
    } else {
        metadata.insert("finalizers".to_string(), json!(finalizers));
    }
    if rt.tracks_generation {
        let generation = metadata
            .get("generation")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        metadata.insert("generation".to_string(), json!(generation + 1));
    }
    object
}

pub(super) fn key_of(object: &StoredObject) -> ObjectKey {
    (object.namespace().to_string(), object.name().to_string())
}

fn check_preconditions(
    rt: &ResourceType,
    current: &StoredObject,
    options: &DeleteOptions,
) -> Result<(), ApiError> {
    let failed = |message: String| ApiError::Conflict {
        subject: Subject::new(&rt.group, &rt.plural, current.name()),
        message,
    };
    if let Some(uid) = options.precondition_uid.as_deref()
        && uid != current.uid()
    {
        return Err(failed(format!(
            "Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
            current.uid()
        )));
    }
    if let Some(rv) = options.precondition_resource_version.as_deref()
        && rv.parse::<u64>().ok() != Some(current.resource_version())
    {
        return Err(failed(format!(
            "Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {}",
            current.resource_version()
        )));
    }
    Ok(())
}

/// Only pods delete gracefully, and only once scheduled and not yet finished.
fn grace_period(rt: &ResourceType, current: &StoredObject, options: &DeleteOptions) -> i64 {
    if rt.group_resource() != resource::PODS {
        return 0;
    }
    let pod = current.value();
    let phase = str_at(&pod, "/status/phase");
    if str_at(&pod, "/spec/nodeName").is_empty() || phase == "Succeeded" || phase == "Failed" {
        return 0;
    }
    let spec_grace = pod
        .at("/spec/terminationGracePeriodSeconds")
        .and_then(Value::as_i64);
    options
        .grace_period_seconds
        .or(spec_grace)
        .unwrap_or(DEFAULT_POD_GRACE_SECONDS)
        .max(0)
}
