//! Strategic merge patch: a JSON merge patch whose lists of known kinds merge by key, with the
//! `$patch`, `$retainKeys`, `$setElementOrder/` and `$deleteFromPrimitiveList/` directives.

use serde_json::{Map, Value};

use super::keys::{ListStrategy, list_strategy};
use crate::sim::status::ApiError;

const PATCH: &str = "$patch";
const RETAIN_KEYS: &str = "$retainKeys";
const SET_ORDER: &str = "$setElementOrder/";
const DELETE_FROM: &str = "$deleteFromPrimitiveList/";

/// `original` with `patch` merged in, for an object of `kind`.
pub fn strategic_merge(original: &Value, patch: &Value, kind: &str) -> Result<Value, ApiError> {
    let Value::Object(patch) = patch else {
        return Err(ApiError::BadRequest(
            "strategic merge patch: the patch must be a JSON object".to_string(),
        ));
    };
    let mut merged = original.as_object().cloned().unwrap_or_default();
    merge_map(&mut merged, patch, &mut Vec::new(), kind)?;
    Ok(Value::Object(merged))
}

fn merge_map(
    original: &mut Map<String, Value>,
    patch: &Map<String, Value>,
    path: &mut Vec<String>,
    kind: &str,
) -> Result<(), ApiError> {
    match patch.get(PATCH).and_then(Value::as_str) {
        Some("replace") => {
            *original = patch
                .iter()
                .filter(|(k, _)| k.as_str() != PATCH)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            return Ok(());
        }
        Some("delete") => {
            original.clear();
            return Ok(());
        }
        Some("merge") | None => {}
        Some(other) => return Err(bad(format!("unknown patch type: {other}"))),
    }
    for (key, value) in patch {
        if key == PATCH || key == RETAIN_KEYS || key.starts_with(SET_ORDER) {
            continue;
        }
        if let Some(field) = key.strip_prefix(DELETE_FROM) {
            delete_from_primitive_list(original, field, value);
            continue;
        }
        if value.is_null() {
            original.remove(key);
            continue;
        }
        path.push(key.clone());
        let merged = match (original.remove(key), value) {
            (Some(Value::Object(mut current)), Value::Object(patch_map)) => {
                merge_map(&mut current, patch_map, path, kind)?;
                Value::Object(current)
            }
            (Some(Value::Array(current)), Value::Array(patch_items)) => {
                merge_list(current, patch_items, path, kind)?
            }
            (None, Value::Object(patch_map)) => {
                let mut fresh = Map::new();
                merge_map(&mut fresh, patch_map, path, kind)?;
                Value::Object(fresh)
            }
            (None, Value::Array(patch_items)) => merge_list(Vec::new(), patch_items, path, kind)?,
            (_, other) => other.clone(),
        };
        path.pop();
        original.insert(key.clone(), merged);
    }
    for (key, order) in patch
        .iter()
        .filter_map(|(k, v)| k.strip_prefix(SET_ORDER).map(|f| (f, v)))
    {
        path.push(key.to_string());
        let strategy = list_strategy(kind, path);
        path.pop();
        if let (Some(Value::Array(items)), Some(order)) = (original.get_mut(key), order.as_array())
        {
            reorder(items, order, strategy);
        }
    }
    if let Some(retain) = patch.get(RETAIN_KEYS) {
        let Some(retain) = retain.as_array() else {
            return Err(bad("$retainKeys must be a list of strings".to_string()));
        };
        let keep: Vec<&str> = retain.iter().filter_map(Value::as_str).collect();
        original.retain(|k, _| keep.contains(&k.as_str()));
    }
    Ok(())
}

fn merge_list(
    current: Vec<Value>,
    patch: &[Value],
    path: &mut Vec<String>,
    kind: &str,
) -> Result<Value, ApiError> {
    if patch
        .iter()
        .any(|item| item.get(PATCH).and_then(Value::as_str) == Some("replace"))
    {
        let kept = patch
            .iter()
            .filter(|item| item.get(PATCH).is_none())
            .map(strip_directives)
            .collect();
        return Ok(Value::Array(kept));
    }
    match list_strategy(kind, path) {
        ListStrategy::Replace => Ok(Value::Array(patch.iter().map(strip_directives).collect())),
        ListStrategy::MergePrimitives => {
            let mut merged = current;
            for item in patch {
                if !merged.contains(item) {
                    merged.push(item.clone());
                }
            }
            Ok(Value::Array(merged))
        }
        ListStrategy::MergeByKey(key) => {
            let mut merged = current;
            for item in patch {
                let Value::Object(item_map) = item else {
                    return Err(bad(format!(
                        "the list at {} can only hold maps",
                        path.join(".")
                    )));
                };
                let Some(id) = item_map.get(key) else {
                    return Err(bad(format!(
                        "map: {item} does not contain declared merge key: {key}"
                    )));
                };
                let position = merged
                    .iter()
                    .position(|existing| existing.get(key) == Some(id));
                if item_map.get(PATCH).and_then(Value::as_str) == Some("delete") {
                    if let Some(position) = position {
                        merged.remove(position);
                    }
                    continue;
                }
                match position.and_then(|p| merged.get_mut(p)) {
                    Some(Value::Object(existing)) => merge_map(existing, item_map, path, kind)?,
                    _ => {
                        let mut fresh = Map::new();
                        merge_map(&mut fresh, item_map, path, kind)?;
                        merged.push(Value::Object(fresh));
                    }
                }
            }
            Ok(Value::Array(merged))
        }
    }
}

fn delete_from_primitive_list(original: &mut Map<String, Value>, field: &str, values: &Value) {
    let (Some(Value::Array(items)), Some(values)) = (original.get_mut(field), values.as_array())
    else {
        return;
    };
    items.retain(|item| !values.contains(item));
}

/// Puts the items named in `order` first, in that order; the rest keep their relative order.
fn reorder(items: &mut Vec<Value>, order: &[Value], strategy: ListStrategy) {
    let identity = |item: &Value| -> Value {
        match strategy {
            ListStrategy::MergeByKey(key) => item.get(key).cloned().unwrap_or(Value::Null),
            _ => item.clone(),
        }
    };
    let wanted: Vec<Value> = order.iter().map(&identity).collect();
    let mut ordered: Vec<Value> = Vec::with_capacity(items.len());
    for id in &wanted {
        if let Some(position) = items.iter().position(|item| identity(item) == *id) {
            ordered.push(items.remove(position));
        }
    }
    ordered.append(items);
    *items = ordered;
}

fn strip_directives(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !k.starts_with('$'))
                .map(|(k, v)| (k.clone(), strip_directives(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn bad(message: String) -> ApiError {
    ApiError::BadRequest(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment() -> Value {
        json!({ "spec": { "template": { "spec": { "containers": [
            { "name": "app", "image": "app:1", "env": [{ "name": "A", "value": "1" }],
              "ports": [{ "containerPort": 80 }] },
            { "name": "sidecar", "image": "proxy:1" }
        ] } } } })
    }

    #[test]
    fn containers_merge_by_name_and_env_by_name() {
        let patch = json!({ "spec": { "template": { "spec": { "containers": [
            { "name": "app", "image": "app:2", "env": [{ "name": "B", "value": "2" }] }
        ] } } } });
        let merged = strategic_merge(&deployment(), &patch, "Deployment").expect("merges");
        let containers = &merged["spec"]["template"]["spec"]["containers"];
        assert_eq!(containers.as_array().map(Vec::len), Some(2));
        assert_eq!(containers[0]["image"], "app:2");
        assert_eq!(
            containers[0]["env"],
            json!([{ "name": "A", "value": "1" }, { "name": "B", "value": "2" }])
        );
        assert_eq!(containers[0]["ports"], json!([{ "containerPort": 80 }]));
    }

    #[test]
    fn delete_directive_removes_an_item_and_null_removes_a_key() {
        let patch = json!({ "spec": { "template": { "spec": { "containers": [
            { "name": "sidecar", "$patch": "delete" },
            { "name": "app", "image": null }
        ] } } } });
        let merged = strategic_merge(&deployment(), &patch, "Deployment").expect("merges");
        let containers = &merged["spec"]["template"]["spec"]["containers"];
        assert_eq!(containers.as_array().map(Vec::len), Some(1));
        assert!(containers[0].get("image").is_none());
    }

    #[test]
    fn set_element_order_and_retain_keys() {
        let patch = json!({
            "spec": {
                "template": { "spec": {
                    "$setElementOrder/containers": [{ "name": "sidecar" }, { "name": "app" }],
                    "containers": [{ "name": "app", "image": "app:3" }]
                } },
                "strategy": { "$retainKeys": ["type"], "type": "Recreate" }
            }
        });
        let mut original = deployment();
        original["spec"]["strategy"] =
            json!({ "type": "RollingUpdate", "rollingUpdate": { "maxSurge": 1 } });
        let merged = strategic_merge(&original, &patch, "Deployment").expect("merges");
        assert_eq!(
            merged["spec"]["template"]["spec"]["containers"][0]["name"],
            "sidecar"
        );
        assert_eq!(merged["spec"]["strategy"], json!({ "type": "Recreate" }));
    }

    #[test]
    fn unkeyed_lists_are_replaced_and_finalizers_unioned() {
        let original =
            json!({ "metadata": { "finalizers": ["a"] }, "spec": { "args": ["x", "y"] } });
        let patch = json!({ "metadata": { "finalizers": ["b"] }, "spec": { "args": ["z"] } });
        let merged = strategic_merge(&original, &patch, "Pod").expect("merges");
        assert_eq!(merged["metadata"]["finalizers"], json!(["a", "b"]));
        assert_eq!(merged["spec"]["args"], json!(["z"]));
        let removal = json!({ "metadata": { "$deleteFromPrimitiveList/finalizers": ["a"] } });
        let merged = strategic_merge(&merged, &removal, "Pod").expect("merges");
        assert_eq!(merged["metadata"]["finalizers"], json!(["b"]));
    }

    #[test]
    fn a_keyed_item_without_its_key_is_rejected() {
        let patch =
            json!({ "spec": { "template": { "spec": { "containers": [{ "image": "x" }] } } } });
        let error = strategic_merge(&deployment(), &patch, "Deployment").expect_err("no merge key");
        assert_eq!(error.code().as_u16(), 400);
    }
}
