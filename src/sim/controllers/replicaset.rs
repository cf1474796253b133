//! The ReplicaSet controller: keeps `spec.replicas` active pods from the template (creating in
//! bounded bursts, deleting the least useful first) and reports replicas, ready and available
//! counts with `observedGeneration`.

use std::cmp::Reverse;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::index::{OwnerIndex, key_of};
use super::pods::{PodName, PodView, controller_ref, is_active, pod_from_template};
use super::{Controller, Ctx, set_count};
use crate::sim::events::{EventSpec, EventType, Involved, Source};
use crate::sim::object::At;
use crate::sim::resource;
use crate::sim::status::ApiError;
use crate::sim::store::{Change, ChangeKind, DeleteOptions, ObjectKey, StoredObject};

const COMPONENT: &str = "replicaset-controller";
/// Pods created per reconcile before the controller lets others run.
const CREATE_BURST: usize = 500;

pub struct ReplicaSetController {
    pods: OwnerIndex,
    by_uid: HashMap<String, ObjectKey>,
}

impl Default for ReplicaSetController {
    fn default() -> Self {
        Self {
            pods: OwnerIndex::new(resource::PODS),
            by_uid: HashMap::new(),
        }
    }
}

/// Counts a ReplicaSet reports from its pods.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PodCounts {
    pub active: i64,
    pub ready: i64,
    pub available: i64,
}

pub fn count_pods(
    pods: &[Arc<StoredObject>],
    min_ready_seconds: i64,
    ctx: &Ctx,
) -> (PodCounts, bool) {
    let mut counts = PodCounts::default();
    let mut waiting_for_min_ready = false;
    for pod in pods.iter().filter(|p| is_active(p)) {
        counts.active += 1;
        let view = PodView::of(pod);
        if view.is_ready() {
            counts.ready += 1;
            if view.is_available(min_ready_seconds, ctx.clock) {
                counts.available += 1;
            } else {
                waiting_for_min_ready = true;
            }
        }
    }
    (counts, waiting_for_min_ready)
}

/// The order in which surplus pods go: unscheduled, pending, unready, restarting, newest first.
fn deletion_rank(pod: &StoredObject) -> (bool, u8, bool, Reverse<i64>, Reverse<String>) {
    let view = PodView::of(pod);
    let phase = match view.status.phase.as_str() {
        "Pending" => 0,
        "Running" => 2,
        _ => 1,
    };
    (
        !view.spec.node_name.is_empty(),
        phase,
        view.is_ready(),
        Reverse(view.restarts()),
        Reverse(view.metadata.creation_timestamp),
    )
}

impl ReplicaSetController {
    fn create_pods(
        &mut self,
        ctx: &Ctx,
        rs: &StoredObject,
        template: &Value,
        count: usize,
    ) -> usize {
        let prefix = format!("{}-", rs.name());
        let owner = controller_ref("ReplicaSet", "apps/v1", rs);
        let mut created = 0;
        for _ in 0..count {
            let pod = pod_from_template(template, PodName::Generate(&prefix), owner.clone());
            match ctx.store.create(&resource::PODS, rs.namespace(), pod) {
                Ok(pod) => {
                    self.pods.record(&pod);
                    created += 1;
                    ctx.events.record_per_pod(EventSpec {
                        involved: &Involved::of("ReplicaSet", "apps/v1", rs),
                        kind: EventType::Normal,
                        reason: "SuccessfulCreate",
                        message: &format!("Created pod: {}", pod.name()),
                        source: &Source::controller(COMPONENT),
                    });
                }
                Err(error) => {
                    ctx.events.record(EventSpec {
                        involved: &Involved::of("ReplicaSet", "apps/v1", rs),
                        kind: EventType::Warning,
                        reason: "FailedCreate",
                        message: &format!("Error creating: {error}"),
                        source: &Source::controller(COMPONENT),
                    });
                    break;
                }
            }
        }
        created
    }

    fn delete_pods(
        &mut self,
        ctx: &Ctx,
        rs: &StoredObject,
        active: &mut Vec<Arc<StoredObject>>,
        count: usize,
    ) {
        active.sort_by_cached_key(|pod| deletion_rank(pod));
        for pod in active.drain(..count.min(active.len())) {
            match ctx.store.delete(
                &resource::PODS,
                pod.namespace(),
                pod.name(),
                &DeleteOptions::default(),
            ) {
                Ok(_) | Err(ApiError::NotFound(_)) => ctx.events.record_per_pod(EventSpec {
                    involved: &Involved::of("ReplicaSet", "apps/v1", rs),
                    kind: EventType::Normal,
                    reason: "SuccessfulDelete",
                    message: &format!("Deleted pod: {}", pod.name()),
                    source: &Source::controller(COMPONENT),
                }),
                Err(error) => tracing::debug!(%error, pod = pod.name(), "pod not deleted"),
            }
        }
    }
}

impl Controller for ReplicaSetController {
    type Key = ObjectKey;

    fn name(&self) -> &'static str {
        "replicaset"
    }

    fn resync(&mut self, ctx: &Ctx) -> Vec<ObjectKey> {
        self.pods.rebuild(&ctx.store);
        let sets = ctx
            .store
            .list(&resource::REPLICASETS, "")
            .unwrap_or_default();
        self.by_uid = sets
            .iter()
            .map(|rs| (rs.uid().to_string(), key_of(rs)))
            .collect();
        sets.iter().map(|rs| key_of(rs)).collect()
    }

    fn observe(&mut self, _ctx: &Ctx, change: &Change, dirty: &mut Vec<ObjectKey>) {
        if change.resource == resource::REPLICASETS {
            let key = key_of(&change.object);
            if change.kind == ChangeKind::Deleted {
                self.by_uid.remove(change.object.uid());
            } else {
                self.by_uid
                    .insert(change.object.uid().to_string(), key.clone());
                dirty.push(key);
            }
            return;
        }
        if let Some(previous) = &change.previous
            && change.kind == ChangeKind::Modified
            && previous.owners() == change.object.owners()
            && previous.is_deleting() == change.object.is_deleting()
            && previous.status_digest() == change.object.status_digest()
        {
            // A label or annotation change: no count of the owner can have moved.
            return;
        }
        for owner in self.pods.observe(change) {
            if let Some(key) = self.by_uid.get(&owner) {
                dirty.push(key.clone());
            }
        }
    }

    fn reconcile(&mut self, ctx: &Ctx, key: &ObjectKey) -> Option<Duration> {
        let rs = ctx.store.get(&resource::REPLICASETS, &key.0, &key.1).ok()?;
        if rs.is_deleting() {
            return None;
        }
        let value = rs.value();
        let desired = value
            .at("/spec/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(1)
            .max(0);
        let min_ready = value
            .at("/spec/minReadySeconds")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        let template = value
            .at("/spec/template")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let mut active: Vec<Arc<StoredObject>> = self
            .pods
            .objects_owned_by(&ctx.store, rs.uid())
            .into_iter()
            .filter(|pod| is_active(pod))
            .collect();
        let mut again = None;
        let have = active.len() as i64;
        if have < desired {
            let missing = (desired - have) as usize;
            let created = self.create_pods(ctx, &rs, &template, missing.min(CREATE_BURST));
            if created == CREATE_BURST && missing > CREATE_BURST {
                again = Some(Duration::ZERO);
            }
        } else if have > desired {
            self.delete_pods(ctx, &rs, &mut active, (have - desired) as usize);
        }
        let pods = self.pods.objects_owned_by(&ctx.store, rs.uid());
        let (counts, waiting) = count_pods(&pods, min_ready, ctx);
        let generation = value
            .at("/metadata/generation")
            .cloned()
            .unwrap_or(json!(1));
        let written = ctx
            .store
            .modify_status(&resource::REPLICASETS, &key.0, &key.1, |rs| {
                let status = &mut rs["status"];
                set_count(status, "fullyLabeledReplicas", counts.active);
                set_count(status, "readyReplicas", counts.ready);
                set_count(status, "availableReplicas", counts.available);
                status["replicas"] = json!(counts.active);
                status["observedGeneration"] = generation;
            });
        if let Err(error) = written {
            tracing::debug!(%error, replicaset = %key.1, "status not written");
        }
        if waiting {
            return again.or(Some(Duration::from_secs(min_ready.max(1) as u64)));
        }
        again
    }
}
