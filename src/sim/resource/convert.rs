//! Conversion between how objects are stored and the version a request names: custom
//! resources change `apiVersion` only; `events.k8s.io/v1` Events map onto core v1 Events.

use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::{EVENTS_V1, ResourceType};
use crate::sim::object::At;
use crate::sim::store::StoredObject;

/// Core v1 field ↔ events.k8s.io/v1 field.
const EVENT_FIELDS: [(&str, &str); 9] = [
    ("involvedObject", "regarding"),
    ("message", "note"),
    ("source", "deprecatedSource"),
    ("firstTimestamp", "deprecatedFirstTimestamp"),
    ("lastTimestamp", "deprecatedLastTimestamp"),
    ("count", "deprecatedCount"),
    ("reportingComponent", "reportingController"),
    ("related", "related"),
    ("series", "series"),
];

fn needs_conversion(rt: &ResourceType) -> bool {
    rt.group_resource() == EVENTS_V1 || rt.versions.len() > 1
}

/// The stored object as served at `version` of `rt`; the stored bytes when nothing changes.
pub fn to_wire(rt: &ResourceType, version: &str, object: &StoredObject) -> Bytes {
    if !needs_conversion(rt) {
        return object.raw().clone();
    }
    Bytes::from(serde_json::to_vec(&to_wire_value(rt, version, object.value())).unwrap_or_default())
}

/// Like [`to_wire`], for an object already parsed.
pub fn to_wire_value(rt: &ResourceType, version: &str, mut object: Value) -> Value {
    if rt.group_resource() == EVENTS_V1 {
        return event_to_v1(object);
    }
    if rt.versions.len() > 1
        && let Some(map) = object.as_object_mut()
    {
        map.insert("apiVersion".to_string(), json!(rt.api_version(version)));
    }
    object
}

/// A request body in `rt`'s wire form, as the store keeps it.
pub fn from_wire(rt: &ResourceType, object: Value) -> Value {
    if rt.group_resource() == EVENTS_V1 {
        event_from_v1(object)
    } else {
        object
    }
}

/// The stored field a `fieldSelector` on `rt` names (events.k8s.io's `regarding.name` is
/// the stored `involvedObject.name`).
pub fn storage_field(rt: &ResourceType, field: &str) -> String {
    if rt.group_resource() != EVENTS_V1 {
        return field.to_string();
    }
    if let Some(rest) = field.strip_prefix("regarding.") {
        return format!("involvedObject.{rest}");
    }
    match field {
        "reportingController" => "reportingComponent".to_string(),
        other => other.to_string(),
    }
}

fn rename(
    object: Value,
    pairs: impl Iterator<Item = (&'static str, &'static str)>,
    api_version: &str,
) -> Value {
    let Value::Object(mut map) = object else {
        return object;
    };
    let mut out = Map::new();
    for (from, to) in pairs {
        if let Some(value) = map.remove(from) {
            out.insert(to.to_string(), value);
        }
    }
    map.extend(out);
    map.insert("apiVersion".to_string(), json!(api_version));
    map.insert("kind".to_string(), json!("Event"));
    Value::Object(map)
}

fn event_to_v1(object: Value) -> Value {
    let mut converted = rename(object, EVENT_FIELDS.into_iter(), "events.k8s.io/v1");
    let component = converted.at("/deprecatedSource/component").cloned();
    if let Some(map) = converted.as_object_mut()
        && map
            .get("reportingController")
            .is_none_or(|v| v.as_str().is_none_or(str::is_empty))
        && let Some(component) = component
    {
        map.insert("reportingController".to_string(), component);
    }
    converted
}

fn event_from_v1(object: Value) -> Value {
    rename(
        object,
        EVENT_FIELDS.into_iter().map(|(core, v1)| (v1, core)),
        "v1",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::resource::Catalog;

    #[test]
    fn events_round_trip_between_versions() {
        let rt = Catalog::default()
            .by_group_resource(&EVENTS_V1)
            .expect("events.k8s.io type");
        let core = json!({ "apiVersion": "v1", "kind": "Event", "metadata": { "name": "e" },
            "involvedObject": { "kind": "Pod", "name": "web" }, "message": "Started", "reason": "Started",
            "source": { "component": "kubelet" }, "count": 2 });
        let v1 = to_wire_value(&rt, "v1", core.clone());
        assert_eq!(v1["apiVersion"], "events.k8s.io/v1");
        assert_eq!(v1["regarding"]["name"], "web");
        assert_eq!(v1["note"], "Started");
        assert_eq!(v1["reportingController"], "kubelet");
        let mut back = from_wire(&rt, v1);
        back.as_object_mut().map(|m| m.remove("reportingComponent"));
        assert_eq!(back, core);
    }
}
