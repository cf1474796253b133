//! Event tables: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE, for core and events.k8s.io events.

use serde_json::{Value, json};

use super::{Printer, col, since};
use crate::sim::object::str_at;

fn columns() -> Vec<super::Column> {
    vec![
        col(
            "Last Seen",
            "string",
            0,
            "Time when last event was observed",
        ),
        col(
            "Type",
            "string",
            0,
            "Type of this event (Normal, Warning), new types could be added in the future.",
        ),
        col(
            "Reason",
            "string",
            0,
            "Reason why the action was taken. It is human-readable.",
        ),
        col("Object", "string", 0, "The object this Event is about."),
        col(
            "Subobject",
            "string",
            1,
            "The subobject of the object this Event is about.",
        ),
        col("Source", "string", 1, "The component reporting this event."),
        col(
            "Message",
            "string",
            0,
            "A human-readable description of the status of this operation.",
        ),
        col(
            "First Seen",
            "string",
            1,
            "Time when first event was observed.",
        ),
        col(
            "Count",
            "string",
            1,
            "The number of times this event has occurred.",
        ),
        col("Name", "string", 1, "Name of the event."),
    ]
}

/// Field names of the two Event versions, so one row function serves both.
struct Fields {
    regarding: &'static str,
    message: &'static str,
    first: &'static str,
    last: &'static str,
    count: &'static str,
    source: &'static str,
    reporting: &'static str,
}

const CORE: Fields = Fields {
    regarding: "involvedObject",
    message: "message",
    first: "firstTimestamp",
    last: "lastTimestamp",
    count: "count",
    source: "source",
    reporting: "reportingComponent",
};
const V1: Fields = Fields {
    regarding: "regarding",
    message: "note",
    first: "deprecatedFirstTimestamp",
    last: "deprecatedLastTimestamp",
    count: "deprecatedCount",
    source: "deprecatedSource",
    reporting: "reportingController",
};

fn present<'a>(event: &'a Value, key: &str) -> Option<&'a Value> {
    event
        .get(key)
        .filter(|v| v.as_str().is_some_and(|s| !s.is_empty()))
}

fn row(event: &Value, now: jiff::Timestamp, fields: &Fields) -> Vec<Value> {
    let first_at = present(event, fields.first).or_else(|| present(event, "eventTime"));
    let first = since(first_at, now);
    let mut last = match present(event, fields.last) {
        Some(at) => since(Some(at), now),
        None => first.clone(),
    };
    let mut count = event.get(fields.count).and_then(Value::as_i64).unwrap_or(0);
    if let Some(series) = event.get("series").filter(|s| s.is_object()) {
        last = since(series.get("lastObservedTime"), now);
        count = series["count"].as_i64().unwrap_or(count);
    } else if count == 0 {
        count = 1;
    }
    let regarding = event.get(fields.regarding).cloned().unwrap_or(Value::Null);
    let kind = str_at(&regarding, "/kind").to_lowercase();
    let target = match str_at(&regarding, "/name") {
        "" => kind,
        name => format!("{kind}/{name}"),
    };
    let component = match str_at(event, &format!("/{}/component", fields.source)) {
        "" => str_at(event, &format!("/{}", fields.reporting)),
        component => component,
    };
    let host = match str_at(event, &format!("/{}/host", fields.source)) {
        "" => str_at(event, "/reportingInstance"),
        host => host,
    };
    let source = if host.is_empty() {
        component.to_string()
    } else {
        format!("{component}, {host}")
    };
    vec![
        json!(last),
        json!(str_at(event, "/type")),
        json!(str_at(event, "/reason")),
        json!(target),
        json!(str_at(&regarding, "/fieldPath")),
        json!(source),
        json!(str_at(event, &format!("/{}", fields.message)).trim()),
        json!(first),
        json!(count),
        json!(str_at(event, "/metadata/name")),
    ]
}

pub fn core_events() -> Printer {
    Printer::new(columns(), |event, now| row(event, now, &CORE))
}

pub fn events_v1() -> Printer {
    Printer::new(columns(), |event, now| row(event, now, &V1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_event_row() {
        let event = json!({
            "metadata": { "name": "web.1" }, "type": "Warning", "reason": "BackOff",
            "involvedObject": { "kind": "Pod", "name": "web", "fieldPath": "spec.containers{app}" },
            "message": " Back-off restarting failed container ", "count": 3,
            "source": { "component": "kubelet", "host": "node-1" }
        });
        let cells = row(&event, jiff::Timestamp::now(), &CORE);
        assert_eq!(
            cells[1..7],
            [
                json!("Warning"),
                json!("BackOff"),
                json!("pod/web"),
                json!("spec.containers{app}"),
                json!("kubelet, node-1"),
                json!("Back-off restarting failed container")
            ]
        );
        assert_eq!(cells[8], 3);
    }
}
