//! One stored object: its JSON serialized once, plus the few fields lists, selectors and the
//! garbage collector read without parsing it.

use bytes::Bytes;
use serde_json::Value;

use crate::sim::object::At;
use crate::sim::object::{str_at, string_map};
use crate::sim::resource::ResourceType;

/// An `ownerReferences` entry, as the garbage collector needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerRef {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub uid: String,
}

/// An immutable stored version of an object. Cheap to share (`Arc`); `raw()` is its JSON.
#[derive(Debug)]
pub struct StoredObject {
    raw: Bytes,
    namespace: String,
    name: String,
    uid: String,
    resource_version: u64,
    labels: Vec<(String, String)>,
    fields: Vec<(&'static str, String)>,
    owners: Vec<OwnerRef>,
    finalizers: Vec<String>,
    deleting: bool,
    pending_grace: bool,
    status_digest: u64,
}

impl StoredObject {
    /// Indexes `object` (already carrying its final metadata) for `rt`.
    pub(crate) fn new(rt: &ResourceType, object: &Value) -> Self {
        let (raw, status_digest) = serialize(object);
        let owners = object
            .at("/metadata/ownerReferences")
            .and_then(Value::as_array)
            .map(|refs| {
                refs.iter()
                    .map(|r| OwnerRef {
                        api_version: str_at(r, "/apiVersion").to_string(),
                        kind: str_at(r, "/kind").to_string(),
                        name: str_at(r, "/name").to_string(),
                        uid: str_at(r, "/uid").to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let finalizers = object
            .at("/metadata/finalizers")
            .and_then(Value::as_array)
            .map(|f| {
                f.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let grace = object
            .at("/metadata/deletionGracePeriodSeconds")
            .and_then(Value::as_i64);
        Self {
            raw,
            namespace: str_at(object, "/metadata/namespace").to_string(),
            name: str_at(object, "/metadata/name").to_string(),
            uid: str_at(object, "/metadata/uid").to_string(),
            resource_version: str_at(object, "/metadata/resourceVersion")
                .parse()
                .unwrap_or(0),
            labels: string_map(object, "/metadata/labels"),
            fields: rt
                .selectable_fields
                .iter()
                .map(|f| (*f, field_value(object, f)))
                .collect(),
            owners,
            finalizers,
            deleting: object
                .at("/metadata/deletionTimestamp")
                .is_some_and(|t| !t.is_null()),
            pending_grace: grace.is_some_and(|g| g > 0),
            status_digest,
        }
    }

    /// The object as JSON bytes, exactly as served.
    pub fn raw(&self) -> &Bytes {
        &self.raw
    }

    /// The object parsed into a fresh value the caller may change.
    pub fn value(&self) -> Value {
        // `raw` is always our own serialization of a `Value`, so it parses back.
        serde_json::from_slice(&self.raw).unwrap_or(Value::Null)
    }

    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn uid(&self) -> &str {
        &self.uid
    }

    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    pub fn labels(&self) -> &[(String, String)] {
        &self.labels
    }

    pub fn owners(&self) -> &[OwnerRef] {
        &self.owners
    }

    pub fn finalizers(&self) -> &[String] {
        &self.finalizers
    }

    /// Whether `metadata.deletionTimestamp` is set.
    pub fn is_deleting(&self) -> bool {
        self.deleting
    }

    /// Deleting, but still inside its grace period (`deletionGracePeriodSeconds` > 0).
    pub(crate) fn in_grace_period(&self) -> bool {
        self.deleting && self.pending_grace
    }

    /// A hash of `status`: equal for two versions whose status is the same (a label change),
    /// so controllers that only count pods can skip such changes without parsing them.
    pub fn status_digest(&self) -> u64 {
        self.status_digest
    }

    /// The value `fieldSelector` compares for `field`; `None` if the kind does not support it.
    pub fn field(&self, field: &str) -> Option<&str> {
        match field {
            "metadata.name" => Some(&self.name),
            "metadata.namespace" => Some(&self.namespace),
            _ => self
                .fields
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, v)| v.as_str()),
        }
    }
}

/// The object's compact JSON (what `serde_json::to_vec` writes) and a hash of its `status`
/// taken from the same bytes, so the status is not serialized twice.
fn serialize(object: &Value) -> (Bytes, u64) {
    let Some(map) = object.as_object() else {
        let raw = serde_json::to_vec(object).unwrap_or_default();
        return (Bytes::from(raw), digest(b"null"));
    };
    let mut raw = Vec::with_capacity(4096);
    let mut status: Option<std::ops::Range<usize>> = None;
    raw.push(b'{');
    for (index, (key, value)) in map.iter().enumerate() {
        if index > 0 {
            raw.push(b',');
        }
        // Writing JSON into a vector cannot fail.
        let _ = serde_json::to_writer(&mut raw, key);
        raw.push(b':');
        let start = raw.len();
        let _ = serde_json::to_writer(&mut raw, value);
        if key == "status" {
            status = Some(start..raw.len());
        }
    }
    raw.push(b'}');
    // Stored versions keep their buffer: no room to spare.
    raw.shrink_to_fit();
    let digest = digest(status.map_or(&b"null"[..], |range| &raw[range]));
    (Bytes::from(raw), digest)
}

fn digest(bytes: &[u8]) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hasher::write(&mut hasher, bytes);
    std::hash::Hasher::finish(&hasher)
}

/// The string a field selector sees for `field` (dotted path) in `object`.
fn field_value(object: &Value, field: &str) -> String {
    let path = if field == "source" {
        "source.component"
    } else {
        field
    };
    let found = path
        .split('.')
        .try_fold(object, |node, part| node.get(part));
    match found {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Bool(flag)) => flag.to_string(),
        Some(Value::Number(number)) => number.to_string(),
        _ => match field {
            "spec.hostNetwork" | "spec.unschedulable" => "false".to_string(),
            "status.replicas" | "status.successful" => "0".to_string(),
            _ => String::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::resource::{self, Catalog};
    use serde_json::json;

    #[test]
    fn indexes_selectable_fields_and_owners() {
        let rt = Catalog::default()
            .by_group_resource(&resource::PODS)
            .expect("pods type");
        let pod = json!({
            "metadata": { "name": "p", "namespace": "ns", "uid": "u", "resourceVersion": "42",
                          "labels": { "app": "web" },
                          "ownerReferences": [{ "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "uid": "o" }] },
            "spec": { "nodeName": "node-1" },
            "status": { "phase": "Running" }
        });
        let stored = StoredObject::new(&rt, &pod);
        assert_eq!(stored.resource_version(), 42);
        assert_eq!(stored.field("spec.nodeName"), Some("node-1"));
        assert_eq!(stored.field("spec.hostNetwork"), Some("false"));
        assert_eq!(stored.field("metadata.namespace"), Some("ns"));
        assert_eq!(stored.field("spec.unknown"), None);
        assert_eq!(stored.owners()[0].uid, "o");
        assert_eq!(stored.value(), pod);
        let expected = serde_json::to_vec(&pod).expect("serializes");
        assert_eq!(stored.raw().as_ref(), expected.as_slice());
        let mut relabelled = pod.clone();
        relabelled["metadata"]["labels"]["app"] = json!("api");
        let relabelled = StoredObject::new(&rt, &relabelled);
        assert_eq!(relabelled.status_digest(), stored.status_digest());
        let mut pending = pod.clone();
        pending["status"]["phase"] = json!("Pending");
        assert_ne!(
            StoredObject::new(&rt, &pending).status_digest(),
            stored.status_digest()
        );
    }
}
