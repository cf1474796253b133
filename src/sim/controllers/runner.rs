//! The loop every controller runs in: drain the change feed, reconcile the keys that are due
//! (a bounded batch at a time), then wait for the next change, the next timer or cancellation.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::hash::Hash;

use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::{Controller, Ctx};

/// Keys reconciled before the loop yields to other tasks.
const BATCH: usize = 256;

/// Keys due now, in arrival order, plus keys due later. A key is queued at most once.
pub struct WorkQueue<K> {
    ready: VecDeque<K>,
    queued: HashSet<K>,
    timers: BTreeMap<(Instant, u64), K>,
    scheduled: HashMap<K, Instant>,
    sequence: u64,
}

impl<K> Default for WorkQueue<K> {
    fn default() -> Self {
        Self {
            ready: VecDeque::new(),
            queued: HashSet::new(),
            timers: BTreeMap::new(),
            scheduled: HashMap::new(),
            sequence: 0,
        }
    }
}

impl<K: Clone + Eq + Hash> WorkQueue<K> {
    pub fn now(&mut self, key: K) {
        if self.queued.insert(key.clone()) {
            self.ready.push_back(key);
        }
    }

    /// Reconcile `key` at `at`, unless it is already due earlier.
    pub fn at(&mut self, key: K, at: Instant) {
        if self.scheduled.get(&key).is_some_and(|due| *due <= at) {
            return;
        }
        self.sequence += 1;
        self.scheduled.insert(key.clone(), at);
        self.timers.insert((at, self.sequence), key);
    }

    /// Moves every timer due by `now` to the ready queue.
    fn promote(&mut self, now: Instant) {
        while let Some(entry) = self.timers.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let ((at, _), key) = entry.remove_entry();
            if self.scheduled.get(&key) == Some(&at) {
                self.scheduled.remove(&key);
                self.now(key);
            }
        }
    }

    pub fn pop_due(&mut self, now: Instant) -> Option<K> {
        self.promote(now);
        let key = self.ready.pop_front()?;
        self.queued.remove(&key);
        Some(key)
    }

    pub fn has_ready(&self) -> bool {
        !self.ready.is_empty()
    }

    pub fn next_timer(&self) -> Option<Instant> {
        self.timers.keys().next().map(|(at, _)| *at)
    }
}

/// Runs `controller` until `cancel` fires or the store goes away.
pub async fn run<C: Controller>(mut controller: C, ctx: Ctx, cancel: CancellationToken) {
    let mut feed = ctx.store.subscribe();
    let mut queue = WorkQueue::default();
    let mut dirty = controller.resync(&ctx);
    tracing::debug!(
        controller = controller.name(),
        keys = dirty.len(),
        "controller started"
    );
    loop {
        loop {
            match feed.try_recv() {
                Ok(change) => controller.observe(&ctx, &change, &mut dirty),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Lagged(missed)) => {
                    tracing::debug!(
                        controller = controller.name(),
                        missed,
                        "feed lagged; resyncing"
                    );
                    dirty.extend(controller.resync(&ctx));
                }
                Err(TryRecvError::Closed) => return,
            }
        }
        dirty.drain(..).for_each(|key| queue.now(key));
        let now = Instant::now();
        for _ in 0..BATCH {
            let Some(key) = queue.pop_due(now) else {
                break;
            };
            if let Some(after) = controller.reconcile(&ctx, &key) {
                queue.at(key, now + ctx.clock.scaled(after));
            }
        }
        if cancel.is_cancelled() {
            return;
        }
        if queue.has_ready() {
            tokio::task::yield_now().await;
            continue;
        }
        let next_timer = queue.next_timer();
        tokio::select! {
            biased;
            () = cancel.cancelled() => return,
            received = feed.recv() => match received {
                Ok(change) => controller.observe(&ctx, &change, &mut dirty),
                Err(RecvError::Lagged(_)) => dirty.extend(controller.resync(&ctx)),
                Err(RecvError::Closed) => return,
            },
            () = sleep_until(next_timer) => {}
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn keys_are_queued_once_and_timers_fire_in_order() {
        let mut queue = WorkQueue::default();
        let start = Instant::now();
        queue.now("a");
        queue.now("a");
        queue.at("late", start + Duration::from_secs(10));
        queue.at("soon", start + Duration::from_millis(1));
        assert_eq!(queue.pop_due(start), Some("a"));
        assert_eq!(queue.pop_due(start), None);
        let later = start + Duration::from_secs(1);
        assert_eq!(queue.pop_due(later), Some("soon"));
        assert_eq!(queue.pop_due(later), None);
        assert_eq!(queue.next_timer(), Some(start + Duration::from_secs(10)));
    }

    #[test]
    fn an_earlier_timer_replaces_a_later_one() {
        let mut queue = WorkQueue::default();
        let start = Instant::now();
        queue.at("k", start + Duration::from_secs(10));
        queue.at("k", start + Duration::from_secs(1));
        queue.at("k", start + Duration::from_secs(5));
        let after_all = start + Duration::from_secs(20);
        assert_eq!(queue.pop_due(after_all), Some("k"));
        assert_eq!(queue.pop_due(after_all), None);
    }
}
