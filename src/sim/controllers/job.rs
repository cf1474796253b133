//! The Job controller: runs up to `parallelism` pods at a time until `completions` succeed
//! (conditions `SuccessCriteriaMet` and `Complete`), or fails the Job once more than
//! `backoffLimit` pods failed (`FailureTarget` and `Failed`, reason `BackoffLimitExceeded`).

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{Value, json};

use super::index::{OwnerIndex, key_of};
use super::pods::{PodName, PodView, controller_ref, pod_from_template};
use super::{Controller, Ctx, set_count};
use crate::sim::clock::now_rfc3339;
use crate::sim::events::{EventSpec, EventType, Involved, Source};
use crate::sim::object::At;
use crate::sim::resource;
use crate::sim::store::{Change, ChangeKind, DeleteOptions, ObjectKey, StoredObject};

const COMPONENT: &str = "job-controller";

pub struct JobController {
    pods: OwnerIndex,
    by_uid: HashMap<String, ObjectKey>,
}

impl Default for JobController {
    fn default() -> Self {
        Self {
            pods: OwnerIndex::new(resource::PODS),
            by_uid: HashMap::new(),
        }
    }
}

/// Whether a Job has finished: its `Complete` or `Failed` condition, if any.
pub fn finished(job: &Value) -> Option<&'static str> {
    let conditions = job.at("/status/conditions").and_then(Value::as_array)?;
    conditions
        .iter()
        .find_map(|c| match (c["type"].as_str(), c["status"].as_str()) {
            (Some("Complete"), Some("True")) => Some("Complete"),
            (Some("Failed"), Some("True")) => Some("Failed"),
            _ => None,
        })
}

fn condition(kind: &str, reason: &str, message: &str) -> Value {
    let now = now_rfc3339();
    json!({ "type": kind, "status": "True", "lastProbeTime": now, "lastTransitionTime": now, "reason": reason, "message": message })
}

fn event(
    ctx: &Ctx,
    job: &StoredObject,
    kind: EventType,
    reason: &str,
    message: &str,
    per_pod: bool,
) {
    let spec = EventSpec {
        involved: &Involved::of("Job", "batch/v1", job),
        kind,
        reason,
        message,
        source: &Source::controller(COMPONENT),
    };
    if per_pod {
        ctx.events.record_per_pod(spec);
    } else {
        ctx.events.record(spec);
    }
}

impl Controller for JobController {
    type Key = ObjectKey;

    fn name(&self) -> &'static str {
        "job"
    }

    fn resync(&mut self, ctx: &Ctx) -> Vec<ObjectKey> {
        self.pods.rebuild(&ctx.store);
        let jobs = ctx.store.list(&resource::JOBS, "").unwrap_or_default();
        self.by_uid = jobs
            .iter()
            .map(|j| (j.uid().to_string(), key_of(j)))
            .collect();
        jobs.iter().map(|j| key_of(j)).collect()
    }

    fn observe(&mut self, _ctx: &Ctx, change: &Change, dirty: &mut Vec<ObjectKey>) {
        if change.resource == resource::JOBS {
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
        let job = ctx.store.get(&resource::JOBS, &key.0, &key.1).ok()?;
        let value = job.value();
        if job.is_deleting() || finished(&value).is_some() {
            return None;
        }
        let spec_int = |field: &str, default: i64| {
            value
                .at(&format!("/spec/{field}"))
                .and_then(Value::as_i64)
                .unwrap_or(default)
        };
        let completions = spec_int("completions", 1).max(1);
        let parallelism = spec_int("parallelism", 1).max(0);
        let backoff_limit = spec_int("backoffLimit", 6);
        let suspended = value.at("/spec/suspend") == Some(&json!(true));
        let pods = self.pods.objects_owned_by(&ctx.store, job.uid());
        let (mut active, mut ready, mut succeeded, mut failed) = (Vec::new(), 0, 0, 0);
        for pod in &pods {
            let view = PodView::of(pod);
            match view.status.phase.as_str() {
                "Succeeded" => succeeded += 1,
                "Failed" => failed += 1,
                _ if view.is_deleting() => {}
                _ => {
                    if view.is_ready() {
                        ready += 1;
                    }
                    active.push(pod.clone());
                }
            }
        }
        let mut conditions: Vec<Value> = Vec::new();
        if succeeded >= completions {
            let message = "Reached expected number of succeeded pods";
            conditions.push(condition(
                "SuccessCriteriaMet",
                "CompletionsReached",
                message,
            ));
            conditions.push(condition("Complete", "CompletionsReached", message));
            event(
                ctx,
                &job,
                EventType::Normal,
                "Completed",
                "Job completed",
                false,
            );
        } else if failed > backoff_limit {
            let message = "Job has reached the specified backoff limit";
            conditions.push(condition("FailureTarget", "BackoffLimitExceeded", message));
            conditions.push(condition("Failed", "BackoffLimitExceeded", message));
            event(
                ctx,
                &job,
                EventType::Warning,
                "BackoffLimitExceeded",
                message,
                false,
            );
        }
        let done = !conditions.is_empty();
        if done || suspended {
            for pod in active.drain(..) {
                let _ = ctx.store.delete(
                    &resource::PODS,
                    pod.namespace(),
                    pod.name(),
                    &DeleteOptions::default(),
                );
                event(
                    ctx,
                    &job,
                    EventType::Normal,
                    "SuccessfulDelete",
                    &format!("Deleted pod: {}", pod.name()),
                    true,
                );
            }
        } else {
            let wanted = parallelism.min(completions - succeeded) as usize;
            let template = value
                .at("/spec/template")
                .cloned()
                .unwrap_or_else(|| json!({}));
            let prefix = format!("{}-", job.name());
            for _ in active.len()..wanted {
                let pod = pod_from_template(
                    &template,
                    PodName::Generate(&prefix),
                    controller_ref("Job", "batch/v1", &job),
                );
                match ctx.store.create(&resource::PODS, job.namespace(), pod) {
                    Ok(pod) => {
                        self.pods.record(&pod);
                        event(
                            ctx,
                            &job,
                            EventType::Normal,
                            "SuccessfulCreate",
                            &format!("Created pod: {}", pod.name()),
                            true,
                        );
                        active.push(pod);
                    }
                    Err(error) => {
                        event(
                            ctx,
                            &job,
                            EventType::Warning,
                            "FailedCreate",
                            &format!("Error creating: {error}"),
                            false,
                        );
                        break;
                    }
                }
            }
        }
        let active_count = active.len() as i64;
        let written = ctx
            .store
            .modify_status(&resource::JOBS, &key.0, &key.1, |job| {
                let status = &mut job["status"];
                if !status.is_object() {
                    *status = json!({});
                }
                if status.get("startTime").is_none() && !suspended {
                    status["startTime"] = json!(now_rfc3339());
                }
                set_count(status, "active", active_count);
                set_count(status, "succeeded", succeeded);
                set_count(status, "failed", failed);
                status["ready"] = json!(ready);
                status["terminating"] = json!(0);
                status["uncountedTerminatedPods"] = json!({});
                if done {
                    status["conditions"] = json!(conditions);
                    if succeeded >= completions {
                        status["completionTime"] = json!(now_rfc3339());
                    }
                }
            });
        if let Err(error) = written {
            tracing::debug!(%error, job = %key.1, "status not written");
        }
        None
    }
}
