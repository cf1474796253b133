//! The Deployment controller: one ReplicaSet per pod template (named by its hash), rolled
//! forward with `RollingUpdate` (`maxSurge`/`maxUnavailable`) or `Recreate`, paused with
//! `spec.paused`, old revisions kept up to `revisionHistoryLimit`, and a status whose counts,
//! `observedGeneration` and conditions follow what the real controller reports.

mod report;
pub mod revisions;
pub mod rolling;
pub mod status;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::time::Instant;

use super::index::{OwnerIndex, key_of};
use super::pods::{template_hash, templates_equal};
use super::{Controller, Ctx};
use crate::sim::events::{EventSpec, EventType, Involved, Source};
use crate::sim::object::At;
use crate::sim::resource;
use crate::sim::selector::LabelSelector;
use crate::sim::status::ApiError;
use crate::sim::store::{Change, ChangeKind, ListOptions, ObjectKey, StoredObject};
use revisions::{DESIRED_REPLICAS, MAX_REPLICAS, REVISION, annotate, new_replicaset, revision_of};
use rolling::{Replicas, next_new_size, next_old_sizes, surge_and_unavailable};

const COMPONENT: &str = "deployment-controller";
/// How often a Recreate rollout looks whether the old pods are gone.
const RECREATE_POLL: Duration = Duration::from_secs(1);

/// One of a Deployment's ReplicaSets, read once per reconcile.
struct Set {
    object: Arc<StoredObject>,
    value: Value,
}

impl Set {
    fn wanted(&self) -> i64 {
        self.value
            .at("/spec/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(0)
    }

    fn status(&self, field: &str) -> i64 {
        self.value["status"][field].as_i64().unwrap_or(0)
    }

    /// Pods this set has or is about to have: its spec, or more while surplus pods still run.
    fn pods(&self) -> i64 {
        self.wanted().max(self.status("replicas"))
    }

    fn replicas(&self) -> Replicas {
        // A status not yet caught up with a scale-down must not count pods already going.
        Replicas {
            wanted: self.wanted(),
            available: self.status("availableReplicas").min(self.wanted()),
        }
    }
}

pub struct DeploymentController {
    sets: OwnerIndex,
    by_uid: HashMap<String, ObjectKey>,
    /// When each Deployment last made progress, for `progressDeadlineSeconds`.
    progress: HashMap<String, Instant>,
}

impl Default for DeploymentController {
    fn default() -> Self {
        Self {
            sets: OwnerIndex::new(resource::REPLICASETS),
            by_uid: HashMap::new(),
            progress: HashMap::new(),
        }
    }
}

/// What one reconcile decided, for the status.
struct Outcome {
    created: bool,
    waiting: bool,
}

impl DeploymentController {
    fn owned_sets(&self, ctx: &Ctx, deployment: &StoredObject) -> Vec<Set> {
        let mut sets: Vec<Set> = self
            .sets
            .objects_owned_by(&ctx.store, deployment.uid())
            .into_iter()
            .map(|object| Set {
                value: object.value(),
                object,
            })
            .collect();
        sets.sort_by(|a, b| {
            let created = |s: &Set| {
                s.value
                    .at("/metadata/creationTimestamp")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            created(a)
                .cmp(&created(b))
                .then_with(|| a.object.name().cmp(b.object.name()))
        });
        sets
    }

    fn scale(
        &mut self,
        ctx: &Ctx,
        deployment: &StoredObject,
        set: &mut Set,
        to: i64,
        desired: i64,
        surge: i64,
    ) {
        let from = set.wanted();
        if from == to {
            return;
        }
        let written = ctx.store.modify(
            &resource::REPLICASETS,
            set.object.namespace(),
            set.object.name(),
            |rs| {
                rs["spec"]["replicas"] = json!(to);
                rs["metadata"]["annotations"][DESIRED_REPLICAS] = json!(desired.to_string());
                rs["metadata"]["annotations"][MAX_REPLICAS] = json!((desired + surge).to_string());
            },
        );
        match written {
            Ok(object) => {
                self.sets.record(&object);
                set.value = object.value();
                set.object = object;
                let direction = if to > from { "up" } else { "down" };
                scaling_event(
                    ctx,
                    deployment,
                    &format!(
                        "Scaled {direction} replica set {} from {from} to {to}",
                        set.object.name()
                    ),
                );
            }
            Err(error) => tracing::debug!(%error, replicaset = set.object.name(), "not scaled"),
        }
    }

    fn create_new(
        &mut self,
        ctx: &Ctx,
        deployment: &StoredObject,
        value: &Value,
        revision: i64,
        replicas: i64,
        surge: i64,
    ) -> Option<Set> {
        let collisions = value
            .at("/status/collisionCount")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        let template = value
            .at("/spec/template")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let hash = template_hash(&template, collisions);
        let mut rs = new_replicaset(deployment, value, &hash, replicas);
        let desired = value
            .at("/spec/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(1);
        annotate(&mut rs, value, revision, desired, desired + surge);
        match ctx
            .store
            .create(&resource::REPLICASETS, deployment.namespace(), rs)
        {
            Ok(object) => {
                self.sets.record(&object);
                if replicas > 0 {
                    scaling_event(
                        ctx,
                        deployment,
                        &format!(
                            "Scaled up replica set {} from 0 to {replicas}",
                            object.name()
                        ),
                    );
                }
                Some(Set {
                    value: object.value(),
                    object,
                })
            }
            Err(ApiError::AlreadyExists(_)) => {
                let _ = ctx.store.modify_status(
                    &resource::DEPLOYMENTS,
                    deployment.namespace(),
                    deployment.name(),
                    |d| {
                        d["status"]["collisionCount"] = json!(collisions + 1);
                    },
                );
                None
            }
            Err(error) => {
                tracing::debug!(%error, deployment = deployment.name(), "new replica set not created");
                None
            }
        }
    }

    /// Whether pods of the old ReplicaSets still exist (Recreate waits for them to go).
    fn old_pods_remain(ctx: &Ctx, olds: &[&Set]) -> bool {
        olds.iter().any(|set| {
            if set.status("replicas") > 0 {
                return true;
            }
            let selector = LabelSelector::from_object(&set.value["spec"]["selector"]);
            let options = ListOptions {
                labels: selector,
                limit: Some(1),
                ..ListOptions::default()
            };
            ctx.store
                .list_page(&resource::PODS, set.object.namespace(), &options)
                .is_ok_and(|page| {
                    page.items
                        .iter()
                        .any(|pod| pod.owners().iter().any(|o| o.uid == set.object.uid()))
                })
        })
    }

    fn roll(
        &mut self,
        ctx: &Ctx,
        deployment: &StoredObject,
        value: &Value,
        sets: &mut Vec<Set>,
    ) -> Outcome {
        let desired = value
            .at("/spec/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(1)
            .max(0);
        let strategy = value
            .at("/spec/strategy")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let recreate = strategy["type"] == "Recreate";
        let (surge, unavailable) = if recreate {
            (0, 0)
        } else {
            surge_and_unavailable(&strategy, desired)
        };
        let template = value
            .at("/spec/template")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let mut outcome = Outcome {
            created: false,
            waiting: false,
        };
        let mut new_index = sets
            .iter()
            .position(|s| templates_equal(&s.value["spec"]["template"], &template));
        let max_old_revision = sets
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != new_index)
            .map(|(_, s)| revision_of(&s.value))
            .max()
            .unwrap_or(0);
        if recreate {
            for (i, set) in sets.iter_mut().enumerate() {
                if Some(i) != new_index {
                    self.scale(ctx, deployment, set, 0, desired, surge);
                }
            }
            let olds: Vec<&Set> = sets
                .iter()
                .enumerate()
                .filter(|(i, _)| Some(*i) != new_index)
                .map(|(_, s)| s)
                .collect();
            if Self::old_pods_remain(ctx, &olds) {
                outcome.waiting = true;
                return outcome;
            }
        }
        let new_index = match new_index.take() {
            Some(index) => {
                let set = &mut sets[index];
                let revision = if revision_of(&set.value) > max_old_revision {
                    revision_of(&set.value)
                } else {
                    max_old_revision + 1
                };
                let mut updated = set.value.clone();
                if annotate(&mut updated, value, revision, desired, desired + surge) {
                    let annotations = updated["metadata"]["annotations"].clone();
                    if let Ok(object) = ctx.store.modify(
                        &resource::REPLICASETS,
                        set.object.namespace(),
                        set.object.name(),
                        |rs| {
                            rs["metadata"]["annotations"] = annotations;
                        },
                    ) {
                        set.value = object.value();
                        set.object = object;
                    }
                }
                index
            }
            None => {
                let all_wanted: i64 = sets.iter().map(Set::pods).sum();
                let first = if recreate {
                    desired
                } else {
                    next_new_size(desired, surge, Replicas::default(), all_wanted)
                };
                let Some(set) =
                    self.create_new(ctx, deployment, value, max_old_revision + 1, first, surge)
                else {
                    return outcome;
                };
                outcome.created = true;
                sets.push(set);
                sets.len() - 1
            }
        };
        let revision = revision_of(&sets[new_index].value).to_string();
        if value
            .at("/metadata/annotations")
            .and_then(|a| a.get(REVISION))
            .and_then(Value::as_str)
            != Some(revision.as_str())
        {
            let _ = ctx.store.modify(
                &resource::DEPLOYMENTS,
                deployment.namespace(),
                deployment.name(),
                |d| {
                    d["metadata"]["annotations"][REVISION] = json!(revision);
                },
            );
        }
        if recreate {
            let set = &mut sets[new_index];
            self.scale(ctx, deployment, set, desired, desired, surge);
            return outcome;
        }
        let new = sets[new_index].replicas();
        let all_wanted: i64 = sets.iter().map(Set::pods).sum();
        let next = next_new_size(desired, surge, new, all_wanted);
        if next != new.wanted {
            let set = &mut sets[new_index];
            self.scale(ctx, deployment, set, next, desired, surge);
            return outcome;
        }
        let old_indices: Vec<usize> = (0..sets.len()).filter(|i| *i != new_index).collect();
        let olds: Vec<Replicas> = old_indices.iter().map(|i| sets[*i].replicas()).collect();
        let sizes = next_old_sizes(desired, unavailable, new, &olds);
        for (index, size) in old_indices.into_iter().zip(sizes) {
            let set = &mut sets[index];
            self.scale(ctx, deployment, set, size, desired, surge);
        }
        outcome
    }

    /// Paused: only keep a lone ReplicaSet at the desired size.
    fn sync_paused(
        &mut self,
        ctx: &Ctx,
        deployment: &StoredObject,
        value: &Value,
        sets: &mut [Set],
    ) {
        let desired = value
            .at("/spec/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(1)
            .max(0);
        let mut active: Vec<&mut Set> = sets.iter_mut().filter(|s| s.wanted() > 0).collect();
        if let [only] = active.as_mut_slice() {
            self.scale(ctx, deployment, only, desired, desired, 0);
        }
    }
}

fn scaling_event(ctx: &Ctx, deployment: &StoredObject, message: &str) {
    ctx.events.record(EventSpec {
        involved: &Involved::of("Deployment", "apps/v1", deployment),
        kind: EventType::Normal,
        reason: "ScalingReplicaSet",
        message,
        source: &Source::controller(COMPONENT),
    });
}

impl Controller for DeploymentController {
    type Key = ObjectKey;

    fn name(&self) -> &'static str {
        "deployment"
    }

    fn resync(&mut self, ctx: &Ctx) -> Vec<ObjectKey> {
        self.sets.rebuild(&ctx.store);
        let deployments = ctx
            .store
            .list(&resource::DEPLOYMENTS, "")
            .unwrap_or_default();
        self.by_uid = deployments
            .iter()
            .map(|d| (d.uid().to_string(), key_of(d)))
            .collect();
        deployments.iter().map(|d| key_of(d)).collect()
    }

    fn observe(&mut self, _ctx: &Ctx, change: &Change, dirty: &mut Vec<ObjectKey>) {
        if change.resource == resource::DEPLOYMENTS {
            if change.kind == ChangeKind::Deleted {
                self.by_uid.remove(change.object.uid());
                self.progress.remove(change.object.uid());
            } else {
                self.by_uid
                    .insert(change.object.uid().to_string(), key_of(&change.object));
                dirty.push(key_of(&change.object));
            }
            return;
        }
        for owner in self.sets.observe(change) {
            if let Some(key) = self.by_uid.get(&owner) {
                dirty.push(key.clone());
            }
        }
    }

    fn reconcile(&mut self, ctx: &Ctx, key: &ObjectKey) -> Option<Duration> {
        let deployment = ctx.store.get(&resource::DEPLOYMENTS, &key.0, &key.1).ok()?;
        if deployment.is_deleting() {
            return None;
        }
        let value = deployment.value();
        let mut sets = self.owned_sets(ctx, &deployment);
        let paused = value.at("/spec/paused") == Some(&json!(true));
        let outcome = if paused {
            self.sync_paused(ctx, &deployment, &value, &mut sets);
            Outcome {
                created: false,
                waiting: false,
            }
        } else {
            self.roll(ctx, &deployment, &value, &mut sets)
        };
        let latest = ctx.store.get(&resource::DEPLOYMENTS, &key.0, &key.1).ok()?;
        let again = self.write_status(ctx, &latest, &latest.value(), &sets, &outcome);
        if outcome.waiting {
            return Some(again.map_or(RECREATE_POLL, |a| a.min(RECREATE_POLL)));
        }
        again
    }
}
