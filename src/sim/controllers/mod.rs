//! The control loops that make the simulated cluster move: scheduling, the kubelet's pod
//! lifecycle, the workload controllers and endpoints. Each runs as its own task over the
//! store's change feed (see [`runner`]) and stops when the world's cancellation token fires.

pub mod cron;
pub mod cronjob;
pub mod daemonset;
pub mod deployment;
pub mod endpoints;
pub mod index;
pub mod job;
pub mod kubelet;
pub mod nodes;
pub mod pods;
pub mod quantity;
pub mod replicaset;
pub mod runner;
pub mod scheduler;
pub mod statefulset;

use std::time::Duration;

use crate::sim::clock::Clock;
use crate::sim::events::EventRecorder;
use crate::sim::store::{Change, Store};

/// What every controller gets: the store, the event recorder and the simulated clock.
#[derive(Clone)]
pub struct Ctx {
    pub store: Store,
    pub events: EventRecorder,
    pub clock: Clock,
}

/// A control loop: it keeps indexes of the objects it follows, learns from every change which
/// keys need another look, and reconciles one key at a time.
pub trait Controller: Send + 'static {
    type Key: Clone + Eq + std::hash::Hash + Send + std::fmt::Debug;

    fn name(&self) -> &'static str;

    /// Rebuilds the indexes from the store; returns every key to reconcile.
    fn resync(&mut self, ctx: &Ctx) -> Vec<Self::Key>;

    /// Updates the indexes from one change and adds the keys it affects to `dirty`.
    fn observe(&mut self, ctx: &Ctx, change: &Change, dirty: &mut Vec<Self::Key>);

    /// Moves one key toward its desired state. `Some(d)` asks for another look after `d` of
    /// simulated time.
    fn reconcile(&mut self, ctx: &Ctx, key: &Self::Key) -> Option<Duration>;
}

/// Sets a count in a status, leaving it out when zero as the API server's `omitempty` does.
pub fn set_count(status: &mut serde_json::Value, field: &str, count: i64) {
    if !status.is_object() {
        *status = serde_json::json!({});
    }
    let Some(map) = status.as_object_mut() else {
        return;
    };
    if count == 0 {
        map.remove(field);
    } else {
        map.insert(field.to_string(), serde_json::json!(count));
    }
}
