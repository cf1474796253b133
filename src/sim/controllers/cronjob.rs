//! The CronJob controller: creates a Job from `jobTemplate` each time the schedule fires in
//! simulated time (so a speed of 60 runs an every-minute job every second), honours
//! `suspend` and `concurrencyPolicy`, tracks `active` and `lastScheduleTime`/
//! `lastSuccessfulTime`, and keeps the finished Jobs' history within its limits.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::time::Instant;

use super::cron::Schedule;
use super::index::{OwnerIndex, key_of};
use super::job::finished;
use super::pods::controller_ref;
use super::{Controller, Ctx};
use crate::sim::clock::{format_timestamp, now_rfc3339};
use crate::sim::events::{EventSpec, EventType, Involved, Source};
use crate::sim::object::At;
use crate::sim::resource;
use crate::sim::store::{Change, ChangeKind, DeleteOptions, ObjectKey, StoredObject};

const COMPONENT: &str = "cronjob-controller";

pub struct CronJobController {
    jobs: OwnerIndex,
    by_uid: HashMap<String, ObjectKey>,
    /// The simulated time each CronJob was last scheduled for.
    last_run: HashMap<String, jiff::Timestamp>,
    origin: (jiff::Timestamp, Instant),
}

impl Default for CronJobController {
    fn default() -> Self {
        Self {
            jobs: OwnerIndex::new(resource::JOBS),
            by_uid: HashMap::new(),
            last_run: HashMap::new(),
            origin: (jiff::Timestamp::now(), Instant::now()),
        }
    }
}

fn event(ctx: &Ctx, cronjob: &StoredObject, kind: EventType, reason: &str, message: &str) {
    ctx.events.record(EventSpec {
        involved: &Involved::of("CronJob", "batch/v1", cronjob),
        kind,
        reason,
        message,
        source: &Source::controller(COMPONENT),
    });
}

impl CronJobController {
    /// Simulated now: wall time since the controller started, sped up.
    fn simulated_now(&self, ctx: &Ctx) -> jiff::Timestamp {
        let elapsed = self.origin.1.elapsed().mul_f64(ctx.clock.speed());
        let elapsed = jiff::SignedDuration::try_from(elapsed).unwrap_or(jiff::SignedDuration::ZERO);
        self.origin.0.checked_add(elapsed).unwrap_or(self.origin.0)
    }

    fn job_for(cronjob: &StoredObject, value: &Value, scheduled: jiff::Timestamp) -> Value {
        let template = value
            .at("/spec/jobTemplate")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let minutes = scheduled.as_second() / 60;
        let mut metadata = template
            .get("metadata")
            .cloned()
            .unwrap_or_else(|| json!({}));
        metadata["name"] = json!(format!("{}-{minutes}", cronjob.name()));
        metadata["ownerReferences"] = json!([controller_ref("CronJob", "batch/v1", cronjob)]);
        metadata["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"] =
            json!(format_timestamp(scheduled));
        json!({ "apiVersion": "batch/v1", "kind": "Job", "metadata": metadata, "spec": template.get("spec").cloned().unwrap_or_else(|| json!({})) })
    }

    /// Records finished Jobs and trims the history; returns the active Jobs' references.
    fn track_jobs(
        &self,
        ctx: &Ctx,
        cronjob: &StoredObject,
        value: &Value,
    ) -> (Vec<Value>, Option<String>) {
        let mut active = Vec::new();
        let mut succeeded = Vec::new();
        let mut failed = Vec::new();
        let mut last_success = value
            .at("/status/lastSuccessfulTime")
            .and_then(Value::as_str)
            .map(str::to_string);
        let seen: Vec<String> = value
            .at("/status/active")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|r| r["name"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let mut jobs = self.jobs.objects_owned_by(&ctx.store, cronjob.uid());
        jobs.sort_by(|a, b| a.name().cmp(b.name()));
        for job in jobs {
            let job_value = job.value();
            match finished(&job_value) {
                None => active.push(json!({ "apiVersion": "batch/v1", "kind": "Job", "name": job.name(), "namespace": job.namespace(), "uid": job.uid(), "resourceVersion": job.resource_version().to_string() })),
                Some(outcome) => {
                    if seen.iter().any(|n| n == job.name()) {
                        event(ctx, cronjob, EventType::Normal, "SawCompletedJob", &format!("Saw completed job: {}, condition: {outcome}", job.name()));
                    }
                    if outcome == "Complete" {
                        if let Some(at) = job_value.at("/status/completionTime").and_then(Value::as_str) {
                            last_success = Some(at.to_string());
                        }
                        succeeded.push(job);
                    } else {
                        failed.push(job);
                    }
                }
            }
        }
        let limit = |field: &str, default: i64| {
            value
                .at(&format!("/spec/{field}"))
                .and_then(Value::as_i64)
                .unwrap_or(default)
                .max(0) as usize
        };
        for (list, keep) in [
            (succeeded, limit("successfulJobsHistoryLimit", 3)),
            (failed, limit("failedJobsHistoryLimit", 1)),
        ] {
            let surplus = list.len().saturating_sub(keep);
            for job in list.into_iter().take(surplus) {
                let options = DeleteOptions {
                    propagation: Some(crate::sim::resource::Propagation::Background),
                    ..DeleteOptions::default()
                };
                if ctx
                    .store
                    .delete(&resource::JOBS, job.namespace(), job.name(), &options)
                    .is_ok()
                {
                    event(
                        ctx,
                        cronjob,
                        EventType::Normal,
                        "SuccessfulDelete",
                        &format!("Deleted job {}", job.name()),
                    );
                }
            }
        }
        (active, last_success)
    }
}

impl Controller for CronJobController {
    type Key = ObjectKey;

    fn name(&self) -> &'static str {
        "cronjob"
    }

    fn resync(&mut self, ctx: &Ctx) -> Vec<ObjectKey> {
        self.jobs.rebuild(&ctx.store);
        let cronjobs = ctx.store.list(&resource::CRONJOBS, "").unwrap_or_default();
        self.by_uid = cronjobs
            .iter()
            .map(|c| (c.uid().to_string(), key_of(c)))
            .collect();
        cronjobs.iter().map(|c| key_of(c)).collect()
    }

    fn observe(&mut self, _ctx: &Ctx, change: &Change, dirty: &mut Vec<ObjectKey>) {
        if change.resource == resource::CRONJOBS {
            if change.kind == ChangeKind::Deleted {
                self.by_uid.remove(change.object.uid());
                self.last_run.remove(change.object.uid());
            } else {
                self.by_uid
                    .insert(change.object.uid().to_string(), key_of(&change.object));
                dirty.push(key_of(&change.object));
            }
            return;
        }
        for owner in self.jobs.observe(change) {
            if let Some(key) = self.by_uid.get(&owner) {
                dirty.push(key.clone());
            }
        }
    }

    fn reconcile(&mut self, ctx: &Ctx, key: &ObjectKey) -> Option<Duration> {
        let cronjob = ctx.store.get(&resource::CRONJOBS, &key.0, &key.1).ok()?;
        if cronjob.is_deleting() {
            return None;
        }
        let value = cronjob.value();
        let (mut active, last_success) = self.track_jobs(ctx, &cronjob, &value);
        let schedule_text = value
            .at("/spec/schedule")
            .and_then(Value::as_str)
            .unwrap_or("");
        let schedule: Schedule = match schedule_text.parse() {
            Ok(schedule) => schedule,
            Err(error) => {
                event(
                    ctx,
                    &cronjob,
                    EventType::Warning,
                    "UnparseableSchedule",
                    &error.to_string(),
                );
                return None;
            }
        };
        let now = self.simulated_now(ctx);
        let last = *self
            .last_run
            .entry(cronjob.uid().to_string())
            .or_insert(now);
        let suspended = value.at("/spec/suspend") == Some(&json!(true));
        let mut scheduled_now = false;
        if let Some(due) = schedule.next_after(last).filter(|due| *due <= now) {
            self.last_run.insert(cronjob.uid().to_string(), now);
            let policy = value
                .at("/spec/concurrencyPolicy")
                .and_then(Value::as_str)
                .unwrap_or("Allow");
            let blocked = suspended || (policy == "Forbid" && !active.is_empty());
            if policy == "Replace" && !suspended {
                for job in active.drain(..) {
                    let name = job["name"].as_str().unwrap_or_default().to_string();
                    let _ = ctx.store.delete(
                        &resource::JOBS,
                        &key.0,
                        &name,
                        &DeleteOptions {
                            propagation: Some(crate::sim::resource::Propagation::Background),
                            ..DeleteOptions::default()
                        },
                    );
                    event(
                        ctx,
                        &cronjob,
                        EventType::Normal,
                        "SuccessfulDelete",
                        &format!("Deleted job {name}"),
                    );
                }
            }
            if !blocked {
                match ctx.store.create(
                    &resource::JOBS,
                    &key.0,
                    Self::job_for(&cronjob, &value, due),
                ) {
                    Ok(job) => {
                        self.jobs.record(&job);
                        event(
                            ctx,
                            &cronjob,
                            EventType::Normal,
                            "SuccessfulCreate",
                            &format!("Created job {}", job.name()),
                        );
                        active.push(json!({ "apiVersion": "batch/v1", "kind": "Job", "name": job.name(), "namespace": job.namespace(), "uid": job.uid(), "resourceVersion": job.resource_version().to_string() }));
                        scheduled_now = true;
                    }
                    Err(error) => event(
                        ctx,
                        &cronjob,
                        EventType::Warning,
                        "FailedCreate",
                        &format!("Error creating job: {error}"),
                    ),
                }
            } else if policy == "Forbid" && !suspended {
                event(
                    ctx,
                    &cronjob,
                    EventType::Normal,
                    "JobAlreadyActive",
                    "Not starting job because prior execution is running and concurrency policy is Forbid",
                );
            }
        }
        let written = ctx
            .store
            .modify_status(&resource::CRONJOBS, &key.0, &key.1, |cronjob| {
                let status = &mut cronjob["status"];
                if !status.is_object() {
                    *status = json!({});
                }
                if let Some(map) = status.as_object_mut() {
                    if active.is_empty() {
                        map.remove("active");
                    } else {
                        map.insert("active".to_string(), json!(active));
                    }
                    if scheduled_now {
                        map.insert("lastScheduleTime".to_string(), json!(now_rfc3339()));
                    }
                    if let Some(at) = &last_success {
                        map.insert("lastSuccessfulTime".to_string(), json!(at));
                    }
                }
            });
        if let Err(error) = written {
            tracing::debug!(%error, cronjob = %key.1, "status not written");
        }
        let next = schedule.next_after(self.last_run.get(cronjob.uid()).copied().unwrap_or(now))?;
        let wait = now.duration_until(next);
        Some(Duration::try_from(wait).unwrap_or(Duration::ZERO))
    }
}
