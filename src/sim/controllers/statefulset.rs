//! The StatefulSet controller: pods `name-0`, `name-1`… with stable hostnames, created in
//! order one at a time once the previous is Running and Ready (all at once with the
//! `Parallel` policy), removed from the highest ordinal down, and updated highest first; the
//! template's revisions are kept as ControllerRevisions.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::index::{OwnerIndex, key_of};
use super::pods::{PodName, PodView, controller_ref, pod_from_template, template_hash};
use super::{Controller, Ctx, set_count};
use crate::sim::events::{EventSpec, EventType, Involved, Source};
use crate::sim::object::At;
use crate::sim::resource;
use crate::sim::status::ApiError;
use crate::sim::store::{Change, ChangeKind, DeleteOptions, ObjectKey, StoredObject};

const COMPONENT: &str = "statefulset-controller";
const REVISION_LABEL: &str = "controller-revision-hash";

pub struct StatefulSetController {
    pods: OwnerIndex,
    by_uid: HashMap<String, ObjectKey>,
}

impl Default for StatefulSetController {
    fn default() -> Self {
        Self {
            pods: OwnerIndex::new(resource::PODS),
            by_uid: HashMap::new(),
        }
    }
}

fn event(ctx: &Ctx, set: &StoredObject, reason: &str, message: &str) {
    ctx.events.record_per_pod(EventSpec {
        involved: &Involved::of("StatefulSet", "apps/v1", set),
        kind: EventType::Normal,
        reason,
        message,
        source: &Source::controller(COMPONENT),
    });
}

fn ordinal(set: &str, pod: &str) -> Option<usize> {
    pod.strip_prefix(set)?.strip_prefix('-')?.parse().ok()
}

fn revision_label(pod: &StoredObject) -> &str {
    pod.labels()
        .iter()
        .find(|(k, _)| k == REVISION_LABEL)
        .map_or("", |(_, v)| v.as_str())
}

impl StatefulSetController {
    /// Makes sure a ControllerRevision exists for the current template; returns its name.
    fn revision(&self, ctx: &Ctx, set: &StoredObject, value: &Value) -> String {
        let template = value
            .at("/spec/template")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let hash = template_hash(&template, 0);
        let name = format!("{}-{hash}", set.name());
        if ctx
            .store
            .get(&resource::CONTROLLERREVISIONS, set.namespace(), &name)
            .is_ok()
        {
            return name;
        }
        let number = ctx
            .store
            .list(&resource::CONTROLLERREVISIONS, set.namespace())
            .unwrap_or_default()
            .iter()
            .filter(|r| r.owners().iter().any(|o| o.uid == set.uid()))
            .filter_map(|r| r.value()["revision"].as_i64())
            .max()
            .unwrap_or(0)
            + 1;
        let mut labels = value
            .at("/spec/selector/matchLabels")
            .cloned()
            .unwrap_or_else(|| json!({}));
        labels[REVISION_LABEL] = json!(hash);
        let revision = json!({
            "apiVersion": "apps/v1", "kind": "ControllerRevision",
            "metadata": { "name": name, "labels": labels, "ownerReferences": [controller_ref("StatefulSet", "apps/v1", set)] },
            "data": { "spec": { "template": template } },
            "revision": number,
        });
        match ctx
            .store
            .create(&resource::CONTROLLERREVISIONS, set.namespace(), revision)
        {
            Ok(_) | Err(ApiError::AlreadyExists(_)) => {}
            Err(error) => tracing::debug!(%error, statefulset = set.name(), "revision not stored"),
        }
        name
    }

    fn create(
        &mut self,
        ctx: &Ctx,
        set: &StoredObject,
        value: &Value,
        index: usize,
        revision: &str,
    ) {
        let name = format!("{}-{index}", set.name());
        let mut template = value
            .at("/spec/template")
            .cloned()
            .unwrap_or_else(|| json!({}));
        template["metadata"]["labels"][REVISION_LABEL] = json!(revision);
        template["metadata"]["labels"]["statefulset.kubernetes.io/pod-name"] = json!(name);
        template["metadata"]["labels"]["apps.kubernetes.io/pod-index"] = json!(index.to_string());
        template["spec"]["hostname"] = json!(name);
        if let Some(service) = value.at("/spec/serviceName").and_then(Value::as_str) {
            template["spec"]["subdomain"] = json!(service);
        }
        let pod = pod_from_template(
            &template,
            PodName::Fixed(&name),
            controller_ref("StatefulSet", "apps/v1", set),
        );
        match ctx.store.create(&resource::PODS, set.namespace(), pod) {
            Ok(pod) => {
                self.pods.record(&pod);
                event(
                    ctx,
                    set,
                    "SuccessfulCreate",
                    &format!("create Pod {name} in StatefulSet {} successful", set.name()),
                );
            }
            Err(error) => tracing::debug!(%error, pod = %name, "pod not created"),
        }
    }

    fn delete(ctx: &Ctx, set: &StoredObject, pod: &StoredObject) {
        if ctx
            .store
            .delete(
                &resource::PODS,
                pod.namespace(),
                pod.name(),
                &DeleteOptions::default(),
            )
            .is_ok()
        {
            event(
                ctx,
                set,
                "SuccessfulDelete",
                &format!(
                    "delete Pod {} in StatefulSet {} successful",
                    pod.name(),
                    set.name()
                ),
            );
        }
    }
}

impl Controller for StatefulSetController {
    type Key = ObjectKey;

    fn name(&self) -> &'static str {
        "statefulset"
    }

    fn resync(&mut self, ctx: &Ctx) -> Vec<ObjectKey> {
        self.pods.rebuild(&ctx.store);
        let sets = ctx
            .store
            .list(&resource::STATEFULSETS, "")
            .unwrap_or_default();
        self.by_uid = sets
            .iter()
            .map(|s| (s.uid().to_string(), key_of(s)))
            .collect();
        sets.iter().map(|s| key_of(s)).collect()
    }

    fn observe(&mut self, _ctx: &Ctx, change: &Change, dirty: &mut Vec<ObjectKey>) {
        if change.resource == resource::STATEFULSETS {
            if change.kind == ChangeKind::Deleted {
                self.by_uid.remove(change.object.uid());
            } else {
                self.by_uid
                    .insert(change.object.uid().to_string(), key_of(&change.object));
                dirty.push(key_of(&change.object));
            }
            return;
        }
        for owner in self.pods.observe(change) {
            if let Some(key) = self.by_uid.get(&owner) {
                dirty.push(key.clone());
            }
        }
    }

    fn reconcile(&mut self, ctx: &Ctx, key: &ObjectKey) -> Option<Duration> {
        let set = ctx
            .store
            .get(&resource::STATEFULSETS, &key.0, &key.1)
            .ok()?;
        if set.is_deleting() {
            return None;
        }
        let value = set.value();
        let replicas = value
            .at("/spec/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(1)
            .max(0) as usize;
        let parallel = value
            .at("/spec/podManagementPolicy")
            .and_then(Value::as_str)
            == Some("Parallel");
        let update_revision = self.revision(ctx, &set, &value);
        let pods: BTreeMap<usize, Arc<StoredObject>> = self
            .pods
            .objects_owned_by(&ctx.store, set.uid())
            .into_iter()
            .filter_map(|pod| Some((ordinal(set.name(), pod.name())?, pod)))
            .collect();
        let views: BTreeMap<usize, PodView> =
            pods.iter().map(|(i, p)| (*i, PodView::of(p))).collect();
        let healthy = |i: &usize| {
            views
                .get(i)
                .is_some_and(|v| v.is_ready() && !v.is_deleting())
        };
        let mut blocked = false;
        for index in 0..replicas {
            match pods.get(&index) {
                None => {
                    self.create(ctx, &set, &value, index, &update_revision);
                    if !parallel {
                        blocked = true;
                        break;
                    }
                }
                Some(_) if !healthy(&index) && !parallel => {
                    blocked = true;
                    break;
                }
                Some(_) => {}
            }
        }
        if !blocked {
            let surplus = pods.range(replicas..).next_back();
            let outdated = (0..replicas).rev().find(|i| {
                pods.get(i)
                    .is_some_and(|p| revision_label(p) != update_revision)
            });
            if let Some((_, pod)) = surplus {
                if !pod.is_deleting() {
                    Self::delete(ctx, &set, pod);
                }
            } else if let Some(index) = outdated
                && let Some(pod) = pods.get(&index)
                && !pod.is_deleting()
            {
                Self::delete(ctx, &set, pod);
            }
        }
        let active: Vec<(&usize, &Arc<StoredObject>)> =
            pods.iter().filter(|(_, p)| !p.is_deleting()).collect();
        let ready = active.iter().filter(|(i, _)| healthy(i)).count() as i64;
        let updated = active
            .iter()
            .filter(|(_, p)| revision_label(p) == update_revision)
            .count() as i64;
        let all_updated = updated as usize == replicas && active.len() == replicas;
        let generation = value
            .at("/metadata/generation")
            .cloned()
            .unwrap_or(json!(1));
        let written = ctx
            .store
            .modify_status(&resource::STATEFULSETS, &key.0, &key.1, |set| {
                let status = &mut set["status"];
                let current_revision = status["currentRevision"].as_str().unwrap_or("").to_string();
                let current_revision = if all_updated || current_revision.is_empty() {
                    update_revision.clone()
                } else {
                    current_revision
                };
                let current = active
                    .iter()
                    .filter(|(_, p)| revision_label(p) == current_revision)
                    .count() as i64;
                status["observedGeneration"] = generation;
                status["replicas"] = json!(active.len());
                set_count(status, "readyReplicas", ready);
                status["availableReplicas"] = json!(ready);
                set_count(status, "currentReplicas", current);
                set_count(status, "updatedReplicas", updated);
                status["currentRevision"] = json!(current_revision);
                status["updateRevision"] = json!(update_revision);
                status["collisionCount"] = json!(0);
            });
        if let Err(error) = written {
            tracing::debug!(%error, statefulset = %key.1, "status not written");
        }
        None
    }
}
