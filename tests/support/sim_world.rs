//! Shared by the simulated-world tests: a fast store, a started world, and waiting for a
//! condition with a deadline instead of sleeping.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use kubevibe::sim::bootstrap::bootstrap;
use kubevibe::sim::clock::Clock;
use kubevibe::sim::resource::{self, GroupResource};
use kubevibe::sim::scenarios::Scenario;
use kubevibe::sim::store::{Store, StoreOptions, StoredObject};
use kubevibe::sim::world::World;
use serde_json::Value;

/// Simulated seconds per wall second in tests: a 10 s step takes 20 ms.
pub const SPEED: f64 = 500.0;

pub fn store_at(speed: f64) -> Store {
    let store = Store::new(StoreOptions {
        clock: Clock::new(speed),
        ..StoreOptions::default()
    });
    bootstrap(&store).unwrap();
    store
}

/// A store running `scenario` at [`SPEED`].
pub fn world(scenario: &str) -> (Store, World) {
    let store = store_at(SPEED);
    let scenario: Scenario = scenario.parse().unwrap();
    let world = World::start(&store, &scenario).unwrap();
    (store, world)
}

/// Polls `check` every few milliseconds until it returns `Some`, or panics after `limit`.
pub async fn wait_for<T>(what: &str, limit: Duration, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(found) = check() {
            return found;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out after {limit:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

pub fn get(store: &Store, gr: &GroupResource, namespace: &str, name: &str) -> Option<Value> {
    store.get(gr, namespace, name).ok().map(|o| o.value())
}

pub fn pods_of(store: &Store, namespace: &str, label: &str, value: &str) -> Vec<Value> {
    store
        .list(&resource::PODS, namespace)
        .unwrap()
        .iter()
        .filter(|pod| pod.labels().iter().any(|(k, v)| k == label && v == value))
        .map(|pod| pod.value())
        .collect()
}

pub fn owned_by(
    store: &Store,
    gr: &GroupResource,
    namespace: &str,
    owner: &StoredObject,
) -> Vec<Arc<StoredObject>> {
    store
        .list(gr, namespace)
        .unwrap()
        .into_iter()
        .filter(|o| o.owners().iter().any(|r| r.uid == owner.uid()))
        .collect()
}

pub fn is_ready(pod: &Value) -> bool {
    pod["status"]["phase"] == "Running"
        && pod["status"]["conditions"].as_array().is_some_and(|c| {
            c.iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
}

pub fn int(value: &Value, pointer: &str) -> i64 {
    value.pointer(pointer).and_then(Value::as_i64).unwrap_or(0)
}

pub fn events_for(store: &Store, namespace: &str, name: &str) -> Vec<Value> {
    store
        .list(&resource::EVENTS, namespace)
        .unwrap()
        .iter()
        .map(|e| e.value())
        .filter(|e| e["involvedObject"]["name"] == name)
        .collect()
}

pub const LONG: Duration = Duration::from_secs(20);
