//! Events as a cluster's components emit them: core/v1 Events about an object, aggregated
//! (`count`, `lastTimestamp`) when the same component reports the same thing again, and
//! expired after the API server's event TTL. The events.k8s.io view serves the same objects.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use crate::sim::clock::{now_rfc3339, parse_timestamp};
use crate::sim::resource;
use crate::sim::status::ApiError;
use crate::sim::store::{DeleteOptions, Store, StoredObject};

/// How long an event lives, in simulated time (kube-apiserver's `--event-ttl` default).
pub const EVENT_TTL: Duration = Duration::from_secs(3600);
/// Aggregation keys remembered before the oldest are forgotten (repeats then start new events).
const MAX_AGGREGATES: usize = 50_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    Normal,
    Warning,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "Normal",
            Self::Warning => "Warning",
        }
    }
}

/// The object an event is about (`involvedObject`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Involved {
    pub kind: String,
    pub api_version: String,
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub resource_version: String,
    /// e.g. `spec.containers{web}` for container events.
    pub field_path: String,
}

impl Involved {
    pub fn of(kind: &str, api_version: &str, object: &StoredObject) -> Self {
        Self {
            kind: kind.to_string(),
            api_version: api_version.to_string(),
            namespace: object.namespace().to_string(),
            name: object.name().to_string(),
            uid: object.uid().to_string(),
            resource_version: object.resource_version().to_string(),
            field_path: String::new(),
        }
    }

    pub fn pod(object: &StoredObject) -> Self {
        Self::of("Pod", "v1", object)
    }

    pub fn container(pod: &StoredObject, container: &str) -> Self {
        Self {
            field_path: format!("spec.containers{{{container}}}"),
            ..Self::pod(pod)
        }
    }

    fn to_json(&self) -> Value {
        let mut object = json!({
            "kind": self.kind,
            "apiVersion": self.api_version,
            "name": self.name,
            "uid": self.uid,
        });
        if !self.namespace.is_empty() {
            object["namespace"] = json!(self.namespace);
        }
        if !self.resource_version.is_empty() {
            object["resourceVersion"] = json!(self.resource_version);
        }
        if !self.field_path.is_empty() {
            object["fieldPath"] = json!(self.field_path);
        }
        object
    }
}

/// The component reporting an event (`source`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub component: &'static str,
    pub host: String,
}

impl Source {
    pub fn controller(component: &'static str) -> Self {
        Self {
            component,
            host: String::new(),
        }
    }

    pub fn kubelet(node: &str) -> Self {
        Self {
            component: "kubelet",
            host: node.to_string(),
        }
    }
}

/// One event to report.
#[derive(Clone, Debug)]
pub struct EventSpec<'a> {
    pub involved: &'a Involved,
    pub kind: EventType,
    pub reason: &'a str,
    pub message: &'a str,
    pub source: &'a Source,
}

type AggregateKey = (String, String, String, String, String, &'static str);

struct Inner {
    store: Store,
    aggregates: Mutex<HashMap<AggregateKey, String>>,
    per_pod: AtomicBool,
    sequence: AtomicU64,
}

/// Writes events into the store. Cheap to clone; shared by every controller.
#[derive(Clone)]
pub struct EventRecorder {
    inner: Arc<Inner>,
}

impl EventRecorder {
    pub fn new(store: Store) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                aggregates: Mutex::new(HashMap::new()),
                per_pod: AtomicBool::new(true),
                sequence: AtomicU64::new(0),
            }),
        }
    }

    /// Whether events emitted once per pod (scheduling, image pulls, container starts,
    /// pod creation) are recorded. Turned off for very large clusters.
    pub fn set_per_pod(&self, enabled: bool) {
        self.inner.per_pod.store(enabled, Ordering::Relaxed);
    }

    pub fn per_pod(&self) -> bool {
        self.inner.per_pod.load(Ordering::Relaxed)
    }

    /// Records an event that a cluster emits once per pod; skipped when those are turned off.
    pub fn record_per_pod(&self, event: EventSpec<'_>) {
        if self.per_pod() {
            self.record(event);
        }
    }

    /// Records an event, or counts a repeat of the same one.
    pub fn record(&self, event: EventSpec<'_>) {
        if let Err(error) = self.try_record(&event) {
            tracing::debug!(%error, reason = event.reason, "event not recorded");
        }
    }

    fn try_record(&self, event: &EventSpec<'_>) -> Result<(), ApiError> {
        let namespace = if event.involved.namespace.is_empty() {
            "default".to_string()
        } else {
            event.involved.namespace.clone()
        };
        let key: AggregateKey = (
            namespace.clone(),
            event.involved.uid.clone(),
            event.involved.field_path.clone(),
            event.reason.to_string(),
            event.message.to_string(),
            event.source.component,
        );
        let existing = self.aggregates().get(&key).cloned();
        if let Some(name) = existing {
            let now = now_rfc3339();
            let repeated =
                self.inner
                    .store
                    .modify(&resource::EVENTS, &namespace, &name, |object| {
                        let count = object["count"].as_i64().unwrap_or(1);
                        object["count"] = json!(count + 1);
                        object["lastTimestamp"] = json!(now);
                    });
            match repeated {
                Ok(_) => return Ok(()),
                Err(ApiError::NotFound(_)) => {}
                Err(other) => return Err(other),
            }
        }
        let name = format!(
            "{}.{:x}",
            event.involved.name,
            unique_suffix(self.inner.sequence.fetch_add(1, Ordering::Relaxed))
        );
        let now = now_rfc3339();
        let object = json!({
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": { "name": name, "namespace": namespace },
            "involvedObject": event.involved.to_json(),
            "reason": event.reason,
            "message": event.message,
            "source": source_json(event.source),
            "firstTimestamp": now,
            "lastTimestamp": now,
            "count": 1,
            "type": event.kind.as_str(),
            "eventTime": null,
            "reportingComponent": event.source.component,
            "reportingInstance": event.source.host,
        });
        self.inner
            .store
            .create(&resource::EVENTS, &namespace, object)?;
        let mut aggregates = self.aggregates();
        if aggregates.len() >= MAX_AGGREGATES {
            aggregates.clear();
        }
        aggregates.insert(key, name);
        Ok(())
    }

    fn aggregates(&self) -> std::sync::MutexGuard<'_, HashMap<AggregateKey, String>> {
        self.inner
            .aggregates
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Deletes events whose last occurrence is older than [`EVENT_TTL`] of simulated time.
    pub fn expire(&self) -> usize {
        let store = &self.inner.store;
        let Ok(events) = store.list(&resource::EVENTS, "") else {
            return 0;
        };
        let speed = store.clock().speed();
        let now = jiff::Timestamp::now();
        let mut expired = 0;
        for event in events {
            let value = event.value();
            let last = value["lastTimestamp"]
                .as_str()
                .and_then(parse_timestamp)
                .or_else(|| value["eventTime"].as_str().and_then(parse_timestamp));
            let Some(last) = last else { continue };
            let age = now.duration_since(last).as_secs_f64() * speed;
            if age < EVENT_TTL.as_secs_f64() {
                continue;
            }
            if store
                .delete(
                    &resource::EVENTS,
                    event.namespace(),
                    event.name(),
                    &DeleteOptions::default(),
                )
                .is_ok()
            {
                expired += 1;
            }
        }
        if expired > 0 {
            self.aggregates()
                .retain(|key, name| store.get(&resource::EVENTS, &key.0, name).is_ok());
        }
        expired
    }

    /// Expires old events every few simulated minutes until `cancel` fires.
    pub async fn run_expiry(self, cancel: CancellationToken) {
        let every = self
            .inner
            .store
            .clock()
            .scaled(Duration::from_secs(300))
            .max(Duration::from_millis(100));
        loop {
            tokio::select! {
                () = cancel.cancelled() => return,
                () = tokio::time::sleep(every) => { self.expire(); }
            }
        }
    }
}

fn source_json(source: &Source) -> Value {
    if source.host.is_empty() {
        json!({ "component": source.component })
    } else {
        json!({ "component": source.component, "host": source.host })
    }
}

/// A name suffix like the ones client-go gives events: a hex timestamp, kept unique.
fn unique_suffix(sequence: u64) -> u128 {
    let nanos = jiff::Timestamp::now().as_nanosecond().unsigned_abs();
    nanos + u128::from(sequence % 1_000_000)
}
