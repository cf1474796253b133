//! Small accessors for Kubernetes objects held as JSON values.

use serde_json::{Map, Value};

/// JSON pointer lookup without the allocations of `Value::pointer`, which unescapes every
/// token into a new string: the simulator reads fixed pointers such as `/metadata/name` a
/// dozen times per write, and that unescaping was a fifth of seeding 50 000 pods.
pub trait At {
    /// The value at `pointer` (RFC 6901), as `Value::pointer` finds it.
    fn at(&self, pointer: &str) -> Option<&Value>;
}

impl At for Value {
    fn at(&self, pointer: &str) -> Option<&Value> {
        if pointer.contains('~') {
            return self.pointer(pointer);
        }
        if pointer.is_empty() {
            return Some(self);
        }
        pointer
            .strip_prefix('/')?
            .split('/')
            .try_fold(self, |node, token| match node {
                Value::Object(map) => map.get(token),
                Value::Array(list) => array_index(token).and_then(|index| list.get(index)),
                _ => None,
            })
    }
}

/// An array index token as RFC 6901 allows it: digits, no sign, no leading zero.
fn array_index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() > 1) {
        return None;
    }
    token.parse().ok()
}

/// The string at a JSON pointer, or "" when absent or not a string.
pub fn str_at<'a>(object: &'a Value, pointer: &str) -> &'a str {
    object.at(pointer).and_then(Value::as_str).unwrap_or("")
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
        .at(pointer)
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

    #[test]
    fn at_finds_what_value_pointer_finds() {
        let object = json!({
            "metadata": { "name": "a", "labels": { "app/tier": "web", "x~y": "z", "": "empty" } },
            "spec": { "containers": [{ "name": "c0" }, { "name": "c1" }] },
            "list": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        });
        let pointers = [
            "",
            "/",
            "/metadata",
            "/metadata/name",
            "/metadata/missing",
            "metadata",
            "/metadata/labels/app~1tier",
            "/metadata/labels/x~0y",
            "/metadata/labels/",
            "/metadata/labels/app/tier",
            "/spec/containers/1/name",
            "/spec/containers/2",
            "/spec/containers/01",
            "/spec/containers/+1",
            "/spec/containers/-",
            "/list/10",
            "/list/1x",
            "/metadata/name/deeper",
            "//",
        ];
        for pointer in pointers {
            assert_eq!(object.at(pointer), object.pointer(pointer), "{pointer:?}");
        }
        assert_eq!(str_at(&object, "/spec/containers/1/name"), "c1");
    }
}
