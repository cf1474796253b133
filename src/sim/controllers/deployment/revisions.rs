//! ReplicaSets as a Deployment's revisions: building the new one for a template (name from the
//! `pod-template-hash`, revision annotations, copied `kubernetes.io/change-cause`), revision
//! numbers, and which old ones to delete past `revisionHistoryLimit`.

use serde_json::{Map, Value, json};

use crate::sim::controllers::pods::{TEMPLATE_HASH_LABEL, controller_ref};
use crate::sim::object::At;
use crate::sim::store::StoredObject;

pub const REVISION: &str = "deployment.kubernetes.io/revision";
pub const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
pub const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
pub const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";
const NOT_COPIED: [&str; 5] = [
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    REVISION_HISTORY,
    DESIRED_REPLICAS,
    MAX_REPLICAS,
];

pub fn revision_of(object: &Value) -> i64 {
    object
        .at("/metadata/annotations")
        .and_then(|a| a.get(REVISION))
        .and_then(Value::as_str)
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// The Deployment's annotations a ReplicaSet carries (e.g. `kubernetes.io/change-cause`).
pub fn copied_annotations(deployment: &Value) -> Map<String, Value> {
    deployment
        .at("/metadata/annotations")
        .and_then(Value::as_object)
        .map(|annotations| {
            annotations
                .iter()
                .filter(|(key, _)| !NOT_COPIED.contains(&key.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// Sets the annotations a Deployment keeps on its ReplicaSets; returns whether any changed.
pub fn annotate(rs: &mut Value, deployment: &Value, revision: i64, desired: i64, max: i64) -> bool {
    let before = rs.at("/metadata/annotations").cloned();
    let annotations = &mut rs["metadata"]["annotations"];
    if !annotations.is_object() {
        *annotations = json!({});
    }
    let previous = revision_of_annotations(annotations);
    for (key, value) in copied_annotations(deployment) {
        annotations[key] = value;
    }
    if previous != 0 && previous != revision {
        let history = annotations
            .get(REVISION_HISTORY)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        annotations[REVISION_HISTORY] = json!(if history.is_empty() {
            previous.to_string()
        } else {
            format!("{history},{previous}")
        });
    }
    annotations[REVISION] = json!(revision.to_string());
    annotations[DESIRED_REPLICAS] = json!(desired.to_string());
    annotations[MAX_REPLICAS] = json!(max.to_string());
    rs.at("/metadata/annotations").cloned() != before
}

fn revision_of_annotations(annotations: &Value) -> i64 {
    annotations
        .get(REVISION)
        .and_then(Value::as_str)
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// The ReplicaSet for `deployment`'s current template.
pub fn new_replicaset(
    deployment: &StoredObject,
    value: &Value,
    hash: &str,
    replicas: i64,
) -> Value {
    let mut template = value
        .at("/spec/template")
        .cloned()
        .unwrap_or_else(|| json!({}));
    template["metadata"]["labels"][TEMPLATE_HASH_LABEL] = json!(hash);
    let mut selector = value
        .at("/spec/selector")
        .cloned()
        .unwrap_or_else(|| json!({}));
    selector["matchLabels"][TEMPLATE_HASH_LABEL] = json!(hash);
    let labels = template["metadata"]["labels"].clone();
    let mut spec = json!({ "replicas": replicas, "selector": selector, "template": template });
    if let Some(min_ready) = value.at("/spec/minReadySeconds") {
        spec["minReadySeconds"] = min_ready.clone();
    }
    json!({
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": format!("{}-{hash}", deployment.name()),
            "namespace": deployment.namespace(),
            "labels": labels,
            "annotations": {},
            "ownerReferences": [controller_ref("Deployment", "apps/v1", deployment)],
        },
        "spec": spec,
    })
}

/// Old ReplicaSets to delete: scaled to zero, beyond the `limit` most recent revisions.
pub fn beyond_history(olds: &[(String, Value)], limit: i64) -> Vec<String> {
    let mut idle: Vec<(i64, &String)> = olds
        .iter()
        .filter(|(_, rs)| {
            rs.at("/spec/replicas").and_then(Value::as_i64).unwrap_or(0) == 0
                && rs
                    .at("/status/replicas")
                    .and_then(Value::as_i64)
                    .unwrap_or(0)
                    == 0
                && rs.at("/metadata/deletionTimestamp").is_none()
        })
        .map(|(name, rs)| (revision_of(rs), name))
        .collect();
    idle.sort();
    let surplus = idle.len().saturating_sub(limit.max(0) as usize);
    idle.into_iter()
        .take(surplus)
        .map(|(_, name)| name.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_carry_the_change_cause_and_revision_history() {
        let deployment = json!({ "metadata": { "annotations": { "kubernetes.io/change-cause": "set image", REVISION: "3" } } });
        let mut rs = json!({ "metadata": { "annotations": { REVISION: "1" } } });
        assert!(annotate(&mut rs, &deployment, 4, 3, 4));
        let annotations = &rs["metadata"]["annotations"];
        assert_eq!(annotations["kubernetes.io/change-cause"], "set image");
        assert_eq!(annotations[REVISION], "4");
        assert_eq!(annotations[REVISION_HISTORY], "1");
        assert!(!annotate(&mut rs, &deployment, 4, 3, 4));
    }

    #[test]
    fn only_idle_sets_beyond_the_limit_are_dropped() {
        let rs = |revision: i64, replicas: i64| {
            json!({ "metadata": { "annotations": { REVISION: revision.to_string() } },
                    "spec": { "replicas": replicas }, "status": { "replicas": replicas } })
        };
        let olds = vec![
            ("a".to_string(), rs(1, 0)),
            ("b".to_string(), rs(2, 0)),
            ("c".to_string(), rs(3, 2)),
            ("d".to_string(), rs(4, 0)),
        ];
        assert_eq!(
            beyond_history(&olds, 1),
            vec!["a".to_string(), "b".to_string()]
        );
        assert!(beyond_history(&olds, 10).is_empty());
    }
}
