//! Events of a namespace or of one object, watched with kube-rs's `watcher` (a field selector
//! on `involvedObject` for one object) and sent as small [`EventChange`] batches; the
//! aggregation of repeats is the view's ([`aggregate`]).

use std::collections::HashMap;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Event as KubeEvent;
use kube::api::Api;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use tokio::sync::mpsc;

/// Changes that arrive together are sent as one batch of at most this many.
const BATCH: usize = 256;

/// Whose events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventsTarget {
    pub namespace: String,
    /// `(kind, name)` of the involved object, e.g. `("Pod", "web-1")`; `None`: all of them.
    pub object: Option<(String, String)>,
}

impl EventsTarget {
    /// The field selector for the target's object, if any.
    pub fn field_selector(&self) -> Option<String> {
        self.object
            .as_ref()
            .map(|(kind, name)| format!("involvedObject.kind={kind},involvedObject.name={name}"))
    }

    /// `shop`, or `pod/web-1 in shop`.
    pub fn label(&self) -> String {
        match &self.object {
            Some((kind, name)) => format!("{}/{name} in {}", kind.to_lowercase(), self.namespace),
            None => format!("namespace {}", self.namespace),
        }
    }
}

/// One event object, reduced to what the view shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventItem {
    pub uid: String,
    pub type_: String,
    pub reason: String,
    /// `kind/name` of the involved object, kind in lower case.
    pub object: String,
    pub message: String,
    pub count: u32,
    pub first_seen: Option<jiff::Timestamp>,
    pub last_seen: Option<jiff::Timestamp>,
}

impl EventItem {
    pub fn from_event(event: &KubeEvent) -> Self {
        let first = event.first_timestamp.as_ref().map(|t| t.0);
        let last = event
            .last_timestamp
            .as_ref()
            .map(|t| t.0)
            .or_else(|| event.event_time.as_ref().map(|t| t.0))
            .or(first)
            .or_else(|| event.metadata.creation_timestamp.as_ref().map(|t| t.0));
        Self {
            uid: event.metadata.uid.clone().unwrap_or_default(),
            type_: event.type_.clone().unwrap_or_default(),
            reason: event.reason.clone().unwrap_or_default(),
            object: format!(
                "{}/{}",
                event
                    .involved_object
                    .kind
                    .as_deref()
                    .unwrap_or("")
                    .to_lowercase(),
                event.involved_object.name.as_deref().unwrap_or("")
            ),
            message: event.message.clone().unwrap_or_default().replace('\n', " "),
            count: event
                .count
                .and_then(|c| u32::try_from(c).ok())
                .unwrap_or(1)
                .max(1),
            first_seen: first.or(last),
            last_seen: last,
        }
    }
}

/// What the watcher reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventChange {
    /// A relist starts: everything held is replaced by the `Apply`s up to `Synced`.
    Reset,
    Apply(EventItem),
    /// The event with this uid expired or was deleted.
    Delete(String),
    /// The list is complete.
    Synced,
    /// The watch failed; it is retried.
    Down(String),
}

/// Same reason, object and message: one row with the counts added up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AggregatedEvent {
    pub type_: String,
    pub reason: String,
    pub object: String,
    pub message: String,
    pub count: u32,
    pub first_seen: Option<jiff::Timestamp>,
    pub last_seen: Option<jiff::Timestamp>,
}

/// Repeats folded into one row each, newest (last seen) first.
pub fn aggregate<'a>(items: impl IntoIterator<Item = &'a EventItem>) -> Vec<AggregatedEvent> {
    let mut rows: HashMap<(&str, &str, &str), AggregatedEvent> = HashMap::new();
    for item in items {
        let key = (
            item.reason.as_str(),
            item.object.as_str(),
            item.message.as_str(),
        );
        rows.entry(key)
            .and_modify(|row| {
                row.count = row.count.saturating_add(item.count);
                row.first_seen = min_time(row.first_seen, item.first_seen);
                if item.last_seen > row.last_seen {
                    row.last_seen = item.last_seen;
                    row.type_ = item.type_.clone();
                }
            })
            .or_insert_with(|| AggregatedEvent {
                type_: item.type_.clone(),
                reason: item.reason.clone(),
                object: item.object.clone(),
                message: item.message.clone(),
                count: item.count,
                first_seen: item.first_seen,
                last_seen: item.last_seen,
            });
    }
    let mut rows: Vec<AggregatedEvent> = rows.into_values().collect();
    rows.sort_by(|a, b| {
        b.last_seen
            .cmp(&a.last_seen)
            .then_with(|| a.object.cmp(&b.object))
            .then_with(|| a.reason.cmp(&b.reason))
    });
    rows
}

fn min_time(a: Option<jiff::Timestamp>, b: Option<jiff::Timestamp>) -> Option<jiff::Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Watches the target's events until the task is dropped or `tx` closes.
pub async fn run(client: kube::Client, target: EventsTarget, tx: mpsc::Sender<Vec<EventChange>>) {
    let api: Api<KubeEvent> = Api::namespaced(client, &target.namespace);
    let mut config = watcher::Config::default();
    if let Some(fields) = target.field_selector() {
        config = config.fields(&fields);
    }
    let stream = watcher::watcher(api, config)
        .default_backoff()
        .map(|event| match event {
            Ok(Event::Init) => EventChange::Reset,
            Ok(Event::InitApply(e) | Event::Apply(e)) => {
                EventChange::Apply(EventItem::from_event(&e))
            }
            Ok(Event::Delete(e)) => EventChange::Delete(e.metadata.uid.unwrap_or_default()),
            Ok(Event::InitDone) => EventChange::Synced,
            Err(error) => EventChange::Down(format!("watching events: {error}")),
        })
        .ready_chunks(BATCH);
    let mut stream = std::pin::pin!(stream);
    while let Some(batch) = stream.next().await {
        if tx.send(batch).await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(uid: &str, reason: &str, count: u32, last: i64) -> EventItem {
        EventItem {
            uid: uid.into(),
            type_: "Warning".into(),
            reason: reason.into(),
            object: "pod/web-1".into(),
            message: "m".into(),
            count,
            first_seen: jiff::Timestamp::from_second(last - 10).ok(),
            last_seen: jiff::Timestamp::from_second(last).ok(),
        }
    }

    #[test]
    fn repeats_add_up_newest_first() {
        let items = [
            item("a", "BackOff", 3, 100),
            item("b", "BackOff", 2, 200),
            item("c", "Pulled", 1, 150),
        ];
        let rows = aggregate(&items);
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].reason.as_str(), rows[0].count), ("BackOff", 5));
        assert_eq!(rows[0].first_seen.map(|t| t.as_second()), Some(90));
        assert_eq!(rows[1].reason, "Pulled");
    }
}
