//! Server-side apply. The applied configuration is merged into the live object (keyed lists by
//! their merge key, as a strategic merge does). What each manager applied is recorded in
//! `metadata.managedFields` (operation `Apply`, `FieldsV1`), and fields a manager applied
//! before but leaves out now are removed. Ownership from other writes (update, patch) is not
//! tracked, so apply never reports conflicts.

use serde_json::{Map, Value, json};

use super::keys::{ListStrategy, list_strategy};
use super::strategic::strategic_merge;
use crate::sim::object::At;
use crate::sim::status::ApiError;

/// Identity fields, never part of a field set.
const IDENTITY: [&str; 2] = ["apiVersion", "kind"];
const METADATA_IDENTITY: [&str; 3] = ["name", "namespace", "managedFields"];

/// `live` (or nothing, for a create) with `applied` applied by `manager`.
pub fn server_side_apply(
    live: Option<&Value>,
    applied: &Value,
    manager: &str,
    kind: &str,
) -> Result<Value, ApiError> {
    let applied = without_nulls(applied);
    let Value::Object(applied_map) = &applied else {
        return Err(ApiError::BadRequest(
            "an applied configuration must be an object".to_string(),
        ));
    };
    let fields = field_set(applied_map, &mut Vec::new(), kind);
    let mut result = match live {
        None => applied.clone(),
        Some(live) => {
            let mut merged = strategic_merge(live, &applied, kind)?;
            if let Some(previous) = applied_fields(live, manager) {
                remove_dropped(&mut merged, &previous, &fields);
            }
            merged
        }
    };
    record(&mut result, live, manager, fields);
    Ok(result)
}

/// An applied configuration states values; a null in it is no opinion.
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// The `FieldsV1` set of an applied map: `f:<field>` for fields, `k:<key json>` for items of
/// keyed lists, `.` for a keyed item itself; unkeyed lists are owned whole.
fn field_set(map: &Map<String, Value>, path: &mut Vec<String>, kind: &str) -> Value {
    let mut set = Map::new();
    for (key, value) in map {
        let top = path.is_empty();
        let in_metadata = path.len() == 1 && path[0] == "metadata";
        if (top && IDENTITY.contains(&key.as_str()))
            || (in_metadata && METADATA_IDENTITY.contains(&key.as_str()))
        {
            continue;
        }
        path.push(key.clone());
        let owned = match value {
            Value::Object(child) => field_set(child, path, kind),
            Value::Array(items) => match list_strategy(kind, path) {
                ListStrategy::MergeByKey(merge_key) => keyed_items(items, merge_key, path, kind),
                _ => json!({}),
            },
            _ => json!({}),
        };
        path.pop();
        set.insert(format!("f:{key}"), owned);
    }
    Value::Object(set)
}

fn item_key(item: &Value, merge_key: &str) -> Option<String> {
    let id = item.get(merge_key)?;
    Some(format!("k:{}", json!({ merge_key: id })))
}

fn keyed_items(items: &[Value], merge_key: &str, path: &mut Vec<String>, kind: &str) -> Value {
    let mut set = Map::new();
    for item in items {
        let (Some(key), Value::Object(fields)) = (item_key(item, merge_key), item) else {
            continue;
        };
        let mut owned = field_set(fields, path, kind);
        if let Value::Object(owned) = &mut owned {
            owned.insert(".".to_string(), json!({}));
        }
        set.insert(key, owned);
    }
    Value::Object(set)
}

/// The fields `manager` applied last time, from the live object's managedFields.
fn applied_fields(live: &Value, manager: &str) -> Option<Value> {
    let entries = live.at("/metadata/managedFields")?.as_array()?;
    let entry = entries
        .iter()
        .find(|e| e["manager"] == manager && e["operation"] == "Apply")?;
    entry.get("fieldsV1").cloned()
}

/// Removes from `object` what `previous` has and `current` does not.
fn remove_dropped(object: &mut Value, previous: &Value, current: &Value) {
    let Value::Object(previous) = previous else {
        return;
    };
    for (key, owned_before) in previous {
        if key == "." {
            continue;
        }
        let still = current.get(key);
        if let Some(field) = key.strip_prefix("f:") {
            let Some(map) = object.as_object_mut() else {
                continue;
            };
            match still {
                None => {
                    map.remove(field);
                }
                Some(owned_now) => {
                    if let Some(child) = map.get_mut(field) {
                        remove_dropped(child, owned_before, owned_now);
                    }
                }
            }
        } else if let Some(id) = key.strip_prefix("k:") {
            let Ok(Value::Object(id)) = serde_json::from_str::<Value>(id) else {
                continue;
            };
            let Some(items) = object.as_array_mut() else {
                continue;
            };
            let matches = |item: &Value| id.iter().all(|(k, v)| item.get(k) == Some(v));
            match still {
                None => items.retain(|item| !matches(item)),
                Some(owned_now) => {
                    if let Some(item) = items.iter_mut().find(|item| matches(item)) {
                        remove_dropped(item, owned_before, owned_now);
                    }
                }
            }
        }
    }
}

/// Stores `fields` as `manager`'s Apply entry, keeping the other managers' entries.
fn record(object: &mut Value, live: Option<&Value>, manager: &str, fields: Value) {
    let mut entries: Vec<Value> = live
        .and_then(|l| l.at("/metadata/managedFields"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    entries.retain(|e| !(e["manager"] == manager && e["operation"] == "Apply"));
    let api_version = object.get("apiVersion").cloned().unwrap_or(Value::Null);
    entries.push(json!({
        "manager": manager,
        "operation": "Apply",
        "apiVersion": api_version,
        "time": crate::sim::clock::now_rfc3339(),
        "fieldsType": "FieldsV1",
        "fieldsV1": fields,
    }));
    let metadata = crate::sim::object::metadata_mut(object);
    metadata.insert("managedFields".to_string(), Value::Array(entries));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(env: Value, replicas: Option<i64>) -> Value {
        let mut object = json!({
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": { "name": "web", "labels": { "app": "web" } },
            "spec": { "template": { "spec": { "containers": [{ "name": "app", "image": "nginx", "env": env }] } } }
        });
        if let Some(replicas) = replicas {
            object["spec"]["replicas"] = json!(replicas);
        }
        object
    }

    #[test]
    fn a_later_apply_removes_what_the_manager_dropped() {
        let first = deployment(
            json!([{ "name": "A", "value": "1" }, { "name": "B", "value": "2" }]),
            Some(3),
        );
        let created = server_side_apply(None, &first, "me", "Deployment").expect("applies");
        let fields = &created["metadata"]["managedFields"][0]["fieldsV1"];
        assert!(fields["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"app\"}"]["f:env"]
            .get("k:{\"name\":\"B\"}")
            .is_some());
        let mut live = created.clone();
        live["status"] = json!({ "replicas": 3 });
        let second = deployment(json!([{ "name": "A", "value": "1" }]), None);
        let result = server_side_apply(Some(&live), &second, "me", "Deployment").expect("applies");
        assert!(result["spec"].get("replicas").is_none());
        assert_eq!(
            result["spec"]["template"]["spec"]["containers"][0]["env"],
            json!([{ "name": "A", "value": "1" }])
        );
        assert_eq!(
            result["status"]["replicas"], 3,
            "fields nobody applied stay"
        );
        assert_eq!(
            result["metadata"]["managedFields"].as_array().map(Vec::len),
            Some(1)
        );
    }

    #[test]
    fn another_managers_fields_are_kept() {
        let mine = json!({ "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "c" }, "data": { "a": "1" } });
        let live = server_side_apply(None, &mine, "me", "ConfigMap").expect("applies");
        let theirs = json!({ "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "c" }, "data": { "b": "2" } });
        let both = server_side_apply(Some(&live), &theirs, "them", "ConfigMap").expect("applies");
        let mine_again = json!({ "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "c" }, "data": {} });
        let result =
            server_side_apply(Some(&both), &mine_again, "me", "ConfigMap").expect("applies");
        assert_eq!(result["data"], json!({ "b": "2" }));
        assert_eq!(
            result["metadata"]["managedFields"].as_array().map(Vec::len),
            Some(2)
        );
    }
}
