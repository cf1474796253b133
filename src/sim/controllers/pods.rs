//! Pod helpers shared by the workload controllers: a cheap typed view of a pod's status,
//! readiness and availability, building pods from templates, controller references and the
//! `pod-template-hash`.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::sim::clock::{Clock, parse_timestamp};
use crate::sim::object::At;
use crate::sim::store::StoredObject;

pub const TEMPLATE_HASH_LABEL: &str = "pod-template-hash";

/// The part of a pod the controllers read; parsing only this skips the rest of the JSON.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodView {
    pub metadata: MetaView,
    pub spec: SpecView,
    pub status: StatusView,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MetaView {
    pub deletion_timestamp: Option<String>,
    pub creation_timestamp: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SpecView {
    pub node_name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StatusView {
    pub phase: String,
    #[serde(rename = "podIP")]
    pub pod_ip: String,
    pub conditions: Vec<ConditionView>,
    pub container_statuses: Vec<ContainerStatusView>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConditionView {
    #[serde(rename = "type")]
    pub kind: String,
    pub status: String,
    pub last_transition_time: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerStatusView {
    pub restart_count: i64,
}

impl PodView {
    pub fn of(object: &StoredObject) -> Self {
        serde_json::from_slice(object.raw()).unwrap_or_default()
    }

    pub fn is_deleting(&self) -> bool {
        self.metadata.deletion_timestamp.is_some()
    }

    pub fn is_finished(&self) -> bool {
        self.status.phase == "Succeeded" || self.status.phase == "Failed"
    }

    fn ready_condition(&self) -> Option<&ConditionView> {
        self.status
            .conditions
            .iter()
            .find(|c| c.kind == "Ready" && c.status == "True")
    }

    pub fn is_ready(&self) -> bool {
        self.status.phase == "Running" && self.ready_condition().is_some()
    }

    /// Ready for at least `min_ready_seconds` of simulated time.
    pub fn is_available(&self, min_ready_seconds: i64, clock: Clock) -> bool {
        let Some(ready) = self.ready_condition().filter(|_| self.is_ready()) else {
            return false;
        };
        if min_ready_seconds <= 0 {
            return true;
        }
        let Some(since) = ready
            .last_transition_time
            .as_deref()
            .and_then(parse_timestamp)
        else {
            return false;
        };
        let elapsed = jiff::Timestamp::now().duration_since(since).as_secs_f64() * clock.speed();
        elapsed >= min_ready_seconds as f64
    }

    pub fn restarts(&self) -> i64 {
        self.status
            .container_statuses
            .iter()
            .map(|c| c.restart_count)
            .sum()
    }
}

/// Neither terminating nor finished: a pod that counts toward its owner's replicas.
pub fn is_active(pod: &StoredObject) -> bool {
    let phase = pod.field("status.phase").unwrap_or("");
    !pod.is_deleting() && phase != "Succeeded" && phase != "Failed"
}

/// The ownerReference a controller puts on what it creates.
pub fn controller_ref(kind: &str, api_version: &str, owner: &StoredObject) -> Value {
    json!({
        "apiVersion": api_version,
        "kind": kind,
        "name": owner.name(),
        "uid": owner.uid(),
        "controller": true,
        "blockOwnerDeletion": true,
    })
}

/// A pod built from a workload's `spec.template`, owned by `owner`.
pub fn pod_from_template(template: &Value, name: PodName<'_>, owner_ref: Value) -> Value {
    let mut metadata = Map::new();
    if let Some(labels) = template.at("/metadata/labels") {
        metadata.insert("labels".to_string(), labels.clone());
    }
    if let Some(annotations) = template.at("/metadata/annotations") {
        metadata.insert("annotations".to_string(), annotations.clone());
    }
    match name {
        PodName::Fixed(name) => metadata.insert("name".to_string(), json!(name)),
        PodName::Generate(prefix) => metadata.insert("generateName".to_string(), json!(prefix)),
    };
    metadata.insert("ownerReferences".to_string(), Value::Array(vec![owner_ref]));
    // Moved in rather than interpolated: `json!` would copy them through its serializer.
    let mut pod = json!({ "apiVersion": "v1", "kind": "Pod" });
    pod["metadata"] = Value::Object(metadata);
    pod["spec"] = template.get("spec").cloned().unwrap_or_else(|| json!({}));
    pod
}

/// How a new pod is named.
#[derive(Clone, Copy, Debug)]
pub enum PodName<'a> {
    Fixed(&'a str),
    Generate(&'a str),
}

/// A template's hash, as the `pod-template-hash` label and revision names carry it: FNV-1a over
/// the template's JSON (without the hash label), spelled in the alphabet the API server uses.
pub fn template_hash(template: &Value, collision_count: i64) -> String {
    let mut template = template.clone();
    if let Some(labels) = template
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        labels.remove(TEMPLATE_HASH_LABEL);
    }
    let text = serde_json::to_string(&template).unwrap_or_default();
    let mut hash: u32 = 0x811c_9dc5;
    for byte in text.bytes().chain(collision_count.to_le_bytes()) {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    safe_encode(u64::from(hash))
}

fn safe_encode(mut value: u64) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let base = ALPHABET.len() as u64;
    let mut out = Vec::new();
    while value > 0 || out.len() < 8 {
        out.push(ALPHABET[(value % base) as usize]);
        value /= base;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Whether two templates are the same ignoring the `pod-template-hash` label.
pub fn templates_equal(a: &Value, b: &Value) -> bool {
    let strip = |template: &Value| {
        let mut template = template.clone();
        if let Some(labels) = template
            .pointer_mut("/metadata/labels")
            .and_then(Value::as_object_mut)
        {
            labels.remove(TEMPLATE_HASH_LABEL);
        }
        normalize(&mut template);
        template
    };
    strip(a) == strip(b)
}

/// Drops empty maps the API server would not keep, so `{}` and absent compare equal.
fn normalize(value: &mut Value) {
    if let Value::Object(map) = value {
        map.retain(|_, v| {
            !matches!(v, Value::Null) && !matches!(v, Value::Object(m) if m.is_empty())
        });
        map.values_mut().for_each(normalize);
    } else if let Value::Array(items) = value {
        items.iter_mut().for_each(normalize);
    }
}

/// A small deterministic hash of a string, for spreading delays and picking log lines.
pub fn stable_hash(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_reads_kubernetes_field_names() {
        let pod = json!({ "metadata": { "creationTimestamp": "2025-01-01T00:00:00Z" },
            "spec": { "nodeName": "n" },
            "status": { "phase": "Running", "podIP": "10.244.1.2",
                        "conditions": [{ "type": "Ready", "status": "True" }],
                        "containerStatuses": [{ "restartCount": 2 }] } });
        let view: PodView = serde_json::from_value(pod).unwrap_or_default();
        assert_eq!(view.status.pod_ip, "10.244.1.2");
        assert_eq!(view.spec.node_name, "n");
        assert!(view.is_ready());
        assert_eq!(view.restarts(), 2);
        assert!(!view.metadata.creation_timestamp.is_empty());
    }

    #[test]
    fn template_hash_ignores_its_own_label_and_follows_changes() {
        let template = json!({ "metadata": { "labels": { "app": "web" } }, "spec": { "containers": [{ "name": "c", "image": "nginx:1" }] } });
        let mut labelled = template.clone();
        labelled["metadata"]["labels"][TEMPLATE_HASH_LABEL] = json!("x");
        assert_eq!(template_hash(&template, 0), template_hash(&labelled, 0));
        assert!(templates_equal(&template, &labelled));
        let mut changed = template.clone();
        changed["spec"]["containers"][0]["image"] = json!("nginx:2");
        assert_ne!(template_hash(&template, 0), template_hash(&changed, 0));
        assert!(!templates_equal(&template, &changed));
        assert_ne!(template_hash(&template, 0), template_hash(&template, 1));
        assert!(template_hash(&template, 0).len() >= 8);
    }
}
