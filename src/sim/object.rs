//! Small accessors for Kubernetes objects held as JSON values.

use serde_json::{Map, Value};

/// The string at a JSON pointer, or "" when absent or not a string.
pub fn str_at<'a>(object: &'a Value, pointer: &str) -> &'a str {
    object
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or("")
}

pub fn name(object: &Value) -> &str {
    str_at(object, "/metadata/name")
}

pub fn namespace(object: &Value) -> &str {
    str_at(object, "/metadata/namespace")
}

/// `metadata` as a mutable map, replacing it when it is missing or not an object.
pub fn metadata_mut(object: &mut Value) -> &mut Map<String, Value> {
    if !object.is_object() {
        *object = Value::Object(Map::new());
    }
    let Value::Object(root) = object else {
        unreachable!("object was just made a map")
    };
    let metadata = root
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !metadata.is_object() {
        *metadata = Value::Object(Map::new());
    }
    match metadata {
        Value::Object(map) => map,
        _ => unreachable!("metadata was just made a map"),
    }
}

/// A string map such as `metadata.labels`, skipping non-string values.
pub fn string_map(object: &Value, pointer: &str) -> Vec<(String, String)> {
    object
        .pointer(pointer)
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// Everything but `metadata` and `status`: what a change of bumps `metadata.generation`.
pub fn spec_equal(a: &Value, b: &Value) -> bool {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return a == b;
    };
    let rest = |map: &'_ serde_json::Map<String, Value>| {
        map.iter()
            .filter(|(key, _)| *key != "metadata" && *key != "status")
            .count()
    };
    rest(a) == rest(b)
        && a.iter()
            .filter(|(key, _)| *key != "metadata" && *key != "status")
            .all(|(key, value)| b.get(key) == Some(value))
}

/// Sets the value at a JSON pointer, creating (or replacing non-object) parents on the way.
pub fn set_pointer(object: &mut Value, pointer: &str, value: Value) {
    let parts: Vec<&str> = pointer.split('/').skip(1).collect();
    let Some((last, parents)) = parts.split_last() else {
        *object = value;
        return;
    };
    let mut current = object;
    for part in parents {
        if !current.is_object() {
            *current = Value::Object(Map::new());
        }
        let Value::Object(map) = current else { return };
        current = map
            .entry(part.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if !current.is_object() {
        *current = Value::Object(Map::new());
    }
    if let Value::Object(map) = current {
        map.insert(last.to_string(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn spec_equal_ignores_only_metadata_and_status() {
        let a = json!({ "metadata": { "name": "a" }, "spec": { "replicas": 1 }, "status": {} });
        let relabelled = json!({ "metadata": { "name": "b" }, "spec": { "replicas": 1 } });
        assert!(spec_equal(&a, &relabelled));
        let scaled = json!({ "metadata": { "name": "a" }, "spec": { "replicas": 2 } });
        assert!(!spec_equal(&a, &scaled));
        let extra = json!({ "metadata": {}, "spec": { "replicas": 1 }, "data": {} });
        assert!(!spec_equal(&a, &extra));
        assert!(!spec_equal(&extra, &a));
    }

    #[test]
    fn set_pointer_creates_parents() {
        let mut object = json!({ "spec": 3 });
        set_pointer(&mut object, "/spec/replicas", json!(2));
        set_pointer(&mut object, "/status/x/y", json!(true));
        assert_eq!(
            object,
            json!({ "spec": { "replicas": 2 }, "status": { "x": { "y": true } } })
        );
    }
}
