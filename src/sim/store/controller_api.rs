//! Writes only cluster components make, which change more than one part of an object at once.

use std::sync::Arc;

use serde_json::{Value, json};

use super::Store;
use super::change::ChangeKind;
use super::object::StoredObject;
use crate::sim::clock::now_rfc3339;
use crate::sim::object::At;
use crate::sim::resource;
use crate::sim::status::ApiError;

impl Store {
    /// Binds a pending pod to `node` in one write, as the `pods/binding` subresource does:
    /// `spec.nodeName` and the `PodScheduled=True` condition together. A pod that is already
    /// bound or terminating is a conflict.
    pub fn bind_pod(
        &self,
        namespace: &str,
        name: &str,
        node: &str,
    ) -> Result<Arc<StoredObject>, ApiError> {
        self.write(|state| {
            let rt = state.resource_type(&resource::PODS)?;
            let current = state
                .get(&resource::PODS, namespace, name)
                .ok_or_else(|| ApiError::not_found("", "pods", name))?;
            let mut pod = current.value();
            let bound = pod
                .at("/spec/nodeName")
                .and_then(Value::as_str)
                .is_some_and(|n| !n.is_empty());
            if bound || current.is_deleting() {
                return Err(ApiError::Conflict {
                    subject: crate::sim::status::Subject::new("", "pods", name),
                    message: format!("pod {name} is already assigned to a node or terminating"),
                });
            }
            pod["spec"]["nodeName"] = json!(node);
            let condition = json!({ "type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": now_rfc3339() });
            let status = pod
                .as_object_mut()
                .map(|map| map.entry("status").or_insert_with(|| json!({})));
            if let Some(status) = status {
                let conditions = status
                    .as_object_mut()
                    .map(|s| s.entry("conditions").or_insert_with(|| json!([])));
                if let Some(Value::Array(conditions)) = conditions {
                    conditions.retain(|c| c["type"] != "PodScheduled");
                    conditions.insert(0, condition);
                }
            }
            Ok(state.commit(&rt, pod, ChangeKind::Modified))
        })
    }
}
