//! Server-side defaulting: the fields the API server fills in before storing an object.

mod pod;
mod service;
mod workload;

pub use service::Allocations;

use serde_json::{Map, Value, json};

use crate::sim::object::At;
use crate::sim::object::{metadata_mut, str_at};
use crate::sim::resource::{self, ResourceType};

/// Whether an object is being created (status reset, allocations) or updated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Write<'a> {
    Create { keep_status: bool },
    Update { old: &'a Value },
}

/// Fills in what the API server defaults for `rt`; `uid` is the object's (new or kept) uid.
pub fn apply(
    rt: &ResourceType,
    object: &mut Value,
    write: Write<'_>,
    allocations: &mut Allocations,
) {
    let gr = rt.group_resource();
    if let Write::Create { keep_status: false } = write {
        reset_status(rt, object);
    }
    if gr == resource::PODS {
        pod::pod(object, matches!(write, Write::Create { .. }));
    } else if gr == resource::SERVICES {
        service::service(object, write, allocations);
    } else if gr == resource::NAMESPACES {
        namespace(object);
    } else if gr == resource::SECRETS {
        secret(object);
    } else if gr == resource::CRDS {
        crd_status(object);
    } else {
        workload::workload(&gr, object, write);
    }
}

/// Sets `map[key] = value` unless the key holds something other than null.
pub(crate) fn set_default(map: &mut Map<String, Value>, key: &str, value: Value) {
    match map.get(key) {
        Some(existing) if !existing.is_null() => {}
        _ => {
            map.insert(key.to_string(), value);
        }
    }
}

/// The object at `object[key]`, created (or replaced when not an object) as needed.
pub(crate) fn child<'a>(map: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    let entry = map.entry(key.to_string()).or_insert_with(|| json!({}));
    if !entry.is_object() {
        *entry = json!({});
    }
    match entry {
        Value::Object(child) => child,
        _ => unreachable!("entry was just made an object"),
    }
}

fn reset_status(rt: &ResourceType, object: &mut Value) {
    let gr = rt.group_resource();
    let status = if gr == resource::PODS {
        json!({ "phase": "Pending" })
    } else if gr == resource::SERVICES {
        json!({ "loadBalancer": {} })
    } else if gr == resource::NAMESPACES {
        json!({ "phase": "Active" })
    } else if gr == resource::REPLICASETS {
        json!({ "replicas": 0 })
    } else if gr == resource::STATEFULSETS {
        json!({ "replicas": 0, "availableReplicas": 0 })
    } else if gr == resource::DAEMONSETS {
        json!({ "currentNumberScheduled": 0, "numberMisscheduled": 0, "desiredNumberScheduled": 0, "numberReady": 0 })
    } else if [resource::DEPLOYMENTS, resource::JOBS, resource::CRONJOBS].contains(&gr) {
        json!({})
    } else if rt.is_custom() && rt.has_status() {
        if let Some(map) = object.as_object_mut() {
            map.remove("status");
        }
        return;
    } else {
        return;
    };
    if let Some(map) = object.as_object_mut() {
        map.insert("status".to_string(), status);
    }
}

fn namespace(object: &mut Value) {
    let name = str_at(object, "/metadata/name").to_string();
    let labels = child(metadata_mut(object), "labels");
    labels.insert("kubernetes.io/metadata.name".to_string(), Value::from(name));
    let Some(map) = object.as_object_mut() else {
        return;
    };
    set_default(child(map, "spec"), "finalizers", json!(["kubernetes"]));
    set_default(child(map, "status"), "phase", json!("Active"));
}

/// `stringData` is write-only: it is merged into `data` (base64) and dropped, as the API server does.
fn secret(object: &mut Value) {
    use base64::Engine as _;
    let Some(map) = object.as_object_mut() else {
        return;
    };
    set_default(map, "type", json!("Opaque"));
    let Some(Value::Object(string_data)) = map.remove("stringData") else {
        return;
    };
    let data = child(map, "data");
    for (key, value) in string_data {
        let text = value.as_str().unwrap_or_default();
        data.insert(
            key,
            json!(base64::engine::general_purpose::STANDARD.encode(text)),
        );
    }
}

/// A CRD is accepted and established the moment it is stored.
fn crd_status(object: &mut Value) {
    let names = object.at("/spec/names").cloned().unwrap_or(json!({}));
    let stored: Vec<Value> = object
        .at("/spec/versions")
        .and_then(Value::as_array)
        .map(|versions| {
            versions
                .iter()
                .filter(|v| v["storage"].as_bool() == Some(true))
                .map(|v| v["name"].clone())
                .collect()
        })
        .unwrap_or_default();
    let now = crate::sim::clock::now_rfc3339();
    let condition = |kind: &str, reason: &str, message: &str| json!({ "type": kind, "status": "True", "lastTransitionTime": now, "reason": reason, "message": message });
    let Some(map) = object.as_object_mut() else {
        return;
    };
    map.insert(
        "status".to_string(),
        json!({
            "acceptedNames": names,
            "conditions": [
                condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
            ],
            "storedVersions": stored,
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::resource::{Catalog, GroupResource};

    fn defaulted(gr: &GroupResource, mut object: Value) -> Value {
        let rt = Catalog::default()
            .by_group_resource(gr)
            .expect("built-in type");
        apply(
            &rt,
            &mut object,
            Write::Create { keep_status: false },
            &mut Allocations::default(),
        );
        object
    }

    #[test]
    fn string_data_becomes_base64_data() {
        let secret = defaulted(
            &resource::SECRETS,
            json!({ "metadata": { "name": "s" }, "stringData": { "k": "hi" } }),
        );
        assert_eq!(secret["data"]["k"], "aGk=");
        assert_eq!(secret["type"], "Opaque");
        assert!(secret.get("stringData").is_none());
    }

    #[test]
    fn namespaces_get_their_name_label_and_active_phase() {
        let ns = defaulted(
            &resource::NAMESPACES,
            json!({ "metadata": { "name": "team" } }),
        );
        assert_eq!(
            ns["metadata"]["labels"]["kubernetes.io/metadata.name"],
            "team"
        );
        assert_eq!(ns["status"]["phase"], "Active");
    }
}
