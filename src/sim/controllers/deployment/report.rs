//! Reporting a Deployment's progress: its status counts and conditions, the progress
//! deadline, and trimming old revisions once a rollout is complete.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::time::Instant;

use super::rolling::surge_and_unavailable;
use super::status::{self, Counts};
use super::{COMPONENT, DeploymentController, Outcome, Set, revisions};
use crate::sim::clock::parse_timestamp;
use crate::sim::controllers::Ctx;
use crate::sim::controllers::pods::templates_equal;
use crate::sim::events::{EventSpec, EventType, Involved, Source};
use crate::sim::object::At;
use crate::sim::resource;
use crate::sim::store::{DeleteOptions, StoredObject};

impl DeploymentController {
    pub(super) fn write_status(
        &mut self,
        ctx: &Ctx,
        deployment: &StoredObject,
        value: &Value,
        sets: &[Set],
        outcome: &Outcome,
    ) -> Option<Duration> {
        let desired = value
            .at("/spec/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(1)
            .max(0);
        let strategy = value
            .at("/spec/strategy")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let max_unavailable = if strategy["type"] == "Recreate" {
            0
        } else {
            surge_and_unavailable(&strategy, desired).1
        };
        let template = value
            .at("/spec/template")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let new = sets
            .iter()
            .find(|s| templates_equal(&s.value["spec"]["template"], &template));
        let counts = Counts {
            replicas: sets.iter().map(|s| s.status("replicas")).sum(),
            updated: new.map_or(0, |s| s.status("replicas")),
            ready: sets.iter().map(|s| s.status("readyReplicas")).sum(),
            available: sets.iter().map(|s| s.status("availableReplicas")).sum(),
        };
        let paused = value.at("/spec/paused") == Some(&json!(true));
        let deadline = value
            .at("/spec/progressDeadlineSeconds")
            .and_then(Value::as_i64);
        let generation = value
            .at("/metadata/generation")
            .cloned()
            .unwrap_or(json!(1));
        let new_name = new.map(|s| s.object.name().to_string()).unwrap_or_default();
        let old_status = value.get("status").cloned().unwrap_or_else(|| json!({}));
        let uid = deployment.uid().to_string();
        let now = Instant::now();
        let mut status = old_status.clone();
        status::set_counts(&mut status, counts, desired, &generation);
        status::set_available(&mut status, counts.available, desired, max_unavailable);
        let mut again = None;
        if deadline.is_some() {
            let previous_reason = status::condition(&old_status, "Progressing")
                .map(|c| c["reason"].as_str().unwrap_or("").to_string());
            let rs_message = |verb: &str| format!("ReplicaSet \"{new_name}\" {verb}");
            if paused {
                status::set_condition(
                    &mut status,
                    "Progressing",
                    "Unknown",
                    status::PAUSED,
                    "Deployment is paused",
                    false,
                );
            } else if previous_reason.as_deref() == Some(status::PAUSED) {
                status::set_condition(
                    &mut status,
                    "Progressing",
                    "Unknown",
                    status::RESUMED,
                    "Deployment is resumed",
                    true,
                );
                self.progress.insert(uid.clone(), now);
            } else if outcome.created {
                status::set_condition(
                    &mut status,
                    "Progressing",
                    "True",
                    status::NEW_RS_CREATED,
                    &format!("Created new replica set \"{new_name}\""),
                    true,
                );
                self.progress.insert(uid.clone(), now);
            } else if counts.complete(desired) {
                status::set_condition(
                    &mut status,
                    "Progressing",
                    "True",
                    status::NEW_RS_AVAILABLE,
                    &rs_message("has successfully progressed."),
                    false,
                );
                self.progress.remove(&uid);
            } else if previous_reason.is_none() {
                status::set_condition(
                    &mut status,
                    "Progressing",
                    "True",
                    status::FOUND_NEW_RS,
                    &format!("Found new replica set \"{new_name}\""),
                    true,
                );
                self.progress.insert(uid.clone(), now);
            } else if counts.progressed_from(&old_status) {
                status::set_condition(
                    &mut status,
                    "Progressing",
                    "True",
                    status::RS_UPDATED,
                    &rs_message("is progressing."),
                    true,
                );
                self.progress.insert(uid.clone(), now);
            } else if previous_reason.as_deref() != Some(status::NEW_RS_AVAILABLE)
                && previous_reason.as_deref() != Some(status::TIMED_OUT)
            {
                let limit = Duration::from_secs(deadline.unwrap_or(600).max(0) as u64);
                let elapsed = self.since_progress(&uid, &old_status, now, ctx);
                if elapsed >= limit {
                    status::set_condition(
                        &mut status,
                        "Progressing",
                        "False",
                        status::TIMED_OUT,
                        &rs_message("has timed out progressing."),
                        false,
                    );
                    ctx.events.record(EventSpec {
                        involved: &Involved::of("Deployment", "apps/v1", deployment),
                        kind: EventType::Warning,
                        reason: status::TIMED_OUT,
                        message: &format!(
                            "Deployment \"{}\" has timed out progressing.",
                            deployment.name()
                        ),
                        source: &Source::controller(COMPONENT),
                    });
                } else {
                    again = Some(limit - elapsed);
                }
            }
            if again.is_none()
                && !paused
                && !counts.complete(desired)
                && status::condition(&status, "Progressing")
                    .is_some_and(|c| c["reason"] != status::TIMED_OUT)
            {
                again = Some(Duration::from_secs(deadline.unwrap_or(600).max(1) as u64));
            }
        }
        if status != old_status {
            let written = ctx.store.modify_status(
                &resource::DEPLOYMENTS,
                deployment.namespace(),
                deployment.name(),
                |d| {
                    d["status"] = status;
                },
            );
            if let Err(error) = written {
                tracing::debug!(%error, deployment = deployment.name(), "status not written");
            }
        }
        if counts.complete(desired) {
            self.clean_up(ctx, value, sets, &new_name);
        }
        again
    }

    /// Simulated time since the Deployment last progressed.
    fn since_progress(&self, uid: &str, status: &Value, now: Instant, ctx: &Ctx) -> Duration {
        if let Some(at) = self.progress.get(uid) {
            return now
                .saturating_duration_since(*at)
                .mul_f64(ctx.clock.speed());
        }
        status::condition(status, "Progressing")
            .and_then(|c| c["lastUpdateTime"].as_str())
            .and_then(parse_timestamp)
            .map(|at| {
                let wall = jiff::Timestamp::now()
                    .duration_since(at)
                    .as_secs_f64()
                    .max(0.0);
                Duration::from_secs_f64(wall * ctx.clock.speed())
            })
            .unwrap_or_default()
    }

    fn clean_up(&mut self, ctx: &Ctx, value: &Value, sets: &[Set], new_name: &str) {
        let limit = value
            .at("/spec/revisionHistoryLimit")
            .and_then(Value::as_i64)
            .unwrap_or(10);
        let olds: Vec<(String, Value)> = sets
            .iter()
            .filter(|s| s.object.name() != new_name)
            .map(|s| (s.object.name().to_string(), s.value.clone()))
            .collect();
        for name in revisions::beyond_history(&olds, limit) {
            let namespace = value
                .at("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or("default");
            let _ = ctx.store.delete(
                &resource::REPLICASETS,
                namespace,
                &name,
                &DeleteOptions::default(),
            );
        }
    }
}
