//! Tables of the apps kinds: Deployments, ReplicaSets, StatefulSets, DaemonSets, ControllerRevisions.

use serde_json::{Value, json};

use super::{Printer, age_column, col, containers_and_images, int_at, name_column, or_none, since};
use crate::sim::object::At;
use crate::sim::object::str_at;
use crate::sim::selector::label_selector_string;

fn workload_tail(object: &Value, now: jiff::Timestamp) -> (Value, Value, Value, Value) {
    let (containers, images) = containers_and_images(object.at("/spec/template/spec"));
    let selector = object
        .at("/spec/selector")
        .map(label_selector_string)
        .unwrap_or_default();
    (
        json!(since(object.at("/metadata/creationTimestamp"), now)),
        json!(containers),
        json!(images),
        json!(or_none(selector)),
    )
}

fn template_columns() -> [super::Column; 3] {
    [
        col(
            "Containers",
            "string",
            1,
            "Names of each container in the template.",
        ),
        col(
            "Images",
            "string",
            1,
            "Images referenced by each container in the template.",
        ),
        col("Selector", "string", 1, "Label selector for pods."),
    ]
}

pub fn deployments() -> Printer {
    let mut columns = vec![
        name_column(),
        col("Ready", "string", 0, "Number of the pod with ready state"),
        col(
            "Up-to-date",
            "integer",
            0,
            "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
        ),
        col(
            "Available",
            "integer",
            0,
            "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
        ),
        age_column(),
    ];
    columns.extend(template_columns());
    Printer::new(columns, |d, now| {
        let (age, containers, images, selector) = workload_tail(d, now);
        let desired = d.at("/spec/replicas").and_then(Value::as_i64).unwrap_or(1);
        vec![
            json!(str_at(d, "/metadata/name")),
            json!(format!("{}/{desired}", int_at(d, "/status/readyReplicas"))),
            json!(int_at(d, "/status/updatedReplicas")),
            json!(int_at(d, "/status/availableReplicas")),
            age,
            containers,
            images,
            selector,
        ]
    })
}

pub fn replicasets() -> Printer {
    let mut columns = vec![
        name_column(),
        col(
            "Desired",
            "integer",
            0,
            "Replicas is the number of desired replicas.",
        ),
        col(
            "Current",
            "integer",
            0,
            "Replicas is the most recently observed number of replicas.",
        ),
        col(
            "Ready",
            "integer",
            0,
            "The number of ready replicas for this replica set.",
        ),
        age_column(),
    ];
    columns.extend(template_columns());
    Printer::new(columns, |rs, now| {
        let (age, containers, images, selector) = workload_tail(rs, now);
        vec![
            json!(str_at(rs, "/metadata/name")),
            json!(rs.at("/spec/replicas").and_then(Value::as_i64).unwrap_or(1)),
            json!(int_at(rs, "/status/replicas")),
            json!(int_at(rs, "/status/readyReplicas")),
            age,
            containers,
            images,
            selector,
        ]
    })
}

pub fn statefulsets() -> Printer {
    let mut columns = vec![
        name_column(),
        col("Ready", "string", 0, "Number of the pod with ready state"),
        age_column(),
    ];
    columns.extend(template_columns().into_iter().take(2));
    Printer::new(columns, |sts, now| {
        let (age, containers, images, _) = workload_tail(sts, now);
        let desired = sts
            .at("/spec/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(1);
        vec![
            json!(str_at(sts, "/metadata/name")),
            json!(format!(
                "{}/{desired}",
                int_at(sts, "/status/readyReplicas")
            )),
            age,
            containers,
            images,
        ]
    })
}

pub fn daemonsets() -> Printer {
    let mut columns = vec![
        name_column(),
        col(
            "Desired",
            "integer",
            0,
            "The total number of nodes that should be running the daemon pod.",
        ),
        col(
            "Current",
            "integer",
            0,
            "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.",
        ),
        col(
            "Ready",
            "integer",
            0,
            "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.",
        ),
        col(
            "Up-to-date",
            "integer",
            0,
            "The total number of nodes that are running updated daemon pod",
        ),
        col(
            "Available",
            "integer",
            0,
            "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.",
        ),
        col(
            "Node Selector",
            "string",
            0,
            "NodeSelector is a selector which must be true for the pod to fit on a node.",
        ),
        age_column(),
    ];
    columns.extend(template_columns());
    Printer::new(columns, |ds, now| {
        let (age, containers, images, selector) = workload_tail(ds, now);
        let node_selector: Vec<String> = ds
            .at("/spec/template/spec/nodeSelector")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                    .collect()
            })
            .unwrap_or_default();
        vec![
            json!(str_at(ds, "/metadata/name")),
            json!(int_at(ds, "/status/desiredNumberScheduled")),
            json!(int_at(ds, "/status/currentNumberScheduled")),
            json!(int_at(ds, "/status/numberReady")),
            json!(int_at(ds, "/status/updatedNumberScheduled")),
            json!(int_at(ds, "/status/numberAvailable")),
            json!(or_none(node_selector.join(","))),
            age,
            containers,
            images,
            selector,
        ]
    })
}

pub fn controller_revisions() -> Printer {
    let columns = vec![
        name_column(),
        col("Controller", "string", 0, "Controller of the object"),
        col(
            "Revision",
            "integer",
            0,
            "Revision indicates the revision of the state represented by Data.",
        ),
        age_column(),
    ];
    Printer::new(columns, |cr, now| {
        let owners = cr.at("/metadata/ownerReferences").and_then(Value::as_array);
        let controller = owners
            .into_iter()
            .flatten()
            .find(|o| o["controller"].as_bool() == Some(true))
            .map(|o| {
                let group = str_at(o, "/apiVersion")
                    .split_once('/')
                    .map(|(g, _)| g)
                    .unwrap_or("");
                let kind = str_at(o, "/kind").to_lowercase();
                let kind = if group.is_empty() {
                    kind
                } else {
                    format!("{kind}.{group}")
                };
                format!("{kind}/{}", str_at(o, "/name"))
            })
            .unwrap_or_else(|| "<none>".to_string());
        vec![
            json!(str_at(cr, "/metadata/name")),
            json!(controller),
            json!(int_at(cr, "/revision")),
            json!(since(cr.at("/metadata/creationTimestamp"), now)),
        ]
    })
}
