//! Store tests, with helpers shared by the write, read and delete groups.
#![allow(clippy::unwrap_used)]

mod batch;
mod delete;
mod read;
mod write;

use std::time::Duration;

use serde_json::{Value, json};

use super::*;
use crate::sim::bootstrap::bootstrap;
use crate::sim::selector::{FieldSelector, LabelSelector};

pub(super) fn store() -> Store {
    let store = Store::default();
    bootstrap(&store).unwrap();
    store
}

pub(super) fn pod(name: &str, labels: Value) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": { "name": name, "labels": labels },
        "spec": { "containers": [{ "name": "app", "image": "nginx:1.27" }] }
    })
}

pub(super) fn owned(name: &str, owner: &StoredObject, kind: &str) -> Value {
    let mut object = pod(name, json!({ "app": "web" }));
    object["metadata"]["ownerReferences"] = json!([{ "apiVersion": "apps/v1", "kind": kind, "name": owner.name(), "uid": owner.uid(), "controller": true }]);
    object
}

pub(super) fn deployment(name: &str) -> Value {
    json!({
        "metadata": { "name": name },
        "spec": {
            "selector": { "matchLabels": { "app": name } },
            "template": { "metadata": { "labels": { "app": name } },
                          "spec": { "containers": [{ "name": "app", "image": "nginx:1.27" }] } }
        }
    })
}

pub(super) fn replicaset_of(name: &str, owner: &StoredObject) -> Value {
    let mut rs = deployment(name);
    rs["metadata"]["ownerReferences"] = json!([{ "apiVersion": "apps/v1", "kind": "Deployment", "name": owner.name(), "uid": owner.uid() }]);
    rs
}

pub(super) fn names(objects: &[Arc<StoredObject>]) -> Vec<String> {
    objects.iter().map(|o| o.name().to_string()).collect()
}
