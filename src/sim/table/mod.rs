//! `meta.k8s.io` Tables: what `kubectl get` prints, computed server-side per kind.

mod age;
mod apps;
mod batch;
mod core;
mod custom;
mod events;
mod pods;

use serde_json::{Value, json};

use crate::sim::object::At;
use crate::sim::resource::{self, ResourceType};

pub use age::{human_duration, since};

/// One column definition.
#[derive(Clone, Debug)]
pub struct Column {
    pub name: String,
    /// `string`, `integer`, `number`, `boolean` or `date`.
    pub kind: &'static str,
    /// `name` for the name column, otherwise usually empty.
    pub format: &'static str,
    /// 0 for the default view, 1 for `-o wide`.
    pub priority: i64,
    pub description: String,
}

pub(crate) fn col(name: &str, kind: &'static str, priority: i64, description: &str) -> Column {
    Column {
        name: name.to_string(),
        kind,
        format: "",
        priority,
        description: description.to_string(),
    }
}

pub(crate) fn name_column() -> Column {
    Column {
        format: "name",
        ..col(
            "Name",
            "string",
            0,
            "Name must be unique within a namespace. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
        )
    }
}

pub(crate) fn age_column() -> Column {
    col(
        "Age",
        "string",
        0,
        "CreationTimestamp is a timestamp representing the server time when this object was created.",
    )
}

/// What each row carries in its `object` field (`includeObject`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IncludeObject {
    None,
    Metadata,
    Object,
}

impl IncludeObject {
    pub fn parse(text: Option<&str>) -> Result<Self, String> {
        match text {
            None | Some("") | Some("Metadata") => Ok(Self::Metadata),
            Some("None") => Ok(Self::None),
            Some("Object") => Ok(Self::Object),
            Some(other) => Err(format!("unrecognized includeObject value: {other:?}")),
        }
    }
}

/// How to build a table.
#[derive(Clone, Copy, Debug)]
pub struct TableOptions<'a> {
    /// `meta.k8s.io/{api_version}`.
    pub api_version: &'a str,
    pub include: IncludeObject,
    /// Whether to send column definitions (watch events after the first omit them).
    pub headers: bool,
}

/// Computes one row's cells from an object and the current time.
type RowFn = Box<dyn Fn(&Value, jiff::Timestamp) -> Vec<Value> + Send + Sync>;

/// Columns and cells of one kind.
pub struct Printer {
    pub columns: Vec<Column>,
    row: RowFn,
}

impl Printer {
    fn new(
        columns: Vec<Column>,
        row: impl Fn(&Value, jiff::Timestamp) -> Vec<Value> + Send + Sync + 'static,
    ) -> Self {
        Self {
            columns,
            row: Box::new(row),
        }
    }

    pub fn cells(&self, object: &Value, now: jiff::Timestamp) -> Vec<Value> {
        (self.row)(object, now)
    }
}

/// The printer for `rt`: a dedicated one for the built-in kinds, the CRD's printer columns
/// for custom resources, else NAME AGE.
pub fn printer(rt: &ResourceType) -> Printer {
    let gr = rt.group_resource();
    let builtin = [
        (resource::PODS, pods::printer as fn() -> Printer),
        (resource::DEPLOYMENTS, apps::deployments),
        (resource::REPLICASETS, apps::replicasets),
        (resource::STATEFULSETS, apps::statefulsets),
        (resource::DAEMONSETS, apps::daemonsets),
        (resource::CONTROLLERREVISIONS, apps::controller_revisions),
        (resource::JOBS, batch::jobs),
        (resource::CRONJOBS, batch::cronjobs),
        (resource::SERVICES, core::services),
        (resource::CONFIGMAPS, core::configmaps),
        (resource::SECRETS, core::secrets),
        (resource::NAMESPACES, core::namespaces),
        (resource::NODES, core::nodes),
        (resource::ENDPOINTS, core::endpoints),
        (resource::ENDPOINTSLICES, core::endpoint_slices),
        (resource::SERVICEACCOUNTS, core::service_accounts),
        (resource::EVENTS, events::core_events),
        (resource::EVENTS_V1, events::events_v1),
        (resource::CRDS, custom::definitions),
    ];
    match builtin.iter().find(|(known, _)| *known == gr) {
        Some((_, make)) => make(),
        None => custom::custom_resources(rt),
    }
}

/// The Table for `objects` (already in their wire form), with `list_metadata` as its metadata.
pub fn table(
    rt: &ResourceType,
    objects: &[Value],
    options: TableOptions<'_>,
    list_metadata: Value,
) -> Value {
    let printer = printer(rt);
    let now = jiff::Timestamp::now();
    let rows: Vec<Value> = objects
        .iter()
        .map(|object| {
            let mut row = json!({ "cells": printer.cells(object, now) });
            match options.include {
                IncludeObject::None => {}
                IncludeObject::Metadata => {
                    row["object"] = partial_metadata(object, options.api_version)
                }
                IncludeObject::Object => row["object"] = object.clone(),
            }
            row
        })
        .collect();
    let columns: Vec<Value> = if options.headers {
        printer
            .columns
            .iter()
            .map(|c| {
                json!({ "name": c.name, "type": c.kind, "format": c.format, "description": c.description, "priority": c.priority })
            })
            .collect()
    } else {
        Vec::new()
    };
    json!({
        "kind": "Table",
        "apiVersion": format!("meta.k8s.io/{}", options.api_version),
        "metadata": list_metadata,
        "columnDefinitions": columns,
        "rows": rows,
    })
}

/// `PartialObjectMetadata`: the object's metadata alone.
pub fn partial_metadata(object: &Value, api_version: &str) -> Value {
    json!({
        "kind": "PartialObjectMetadata",
        "apiVersion": format!("meta.k8s.io/{api_version}"),
        "metadata": object.get("metadata").cloned().unwrap_or_else(|| json!({})),
    })
}

/// `<none>` for empty text, as the printers show missing values.
pub(crate) fn or_none(text: impl Into<String>) -> String {
    let text = text.into();
    if text.is_empty() {
        "<none>".to_string()
    } else {
        text
    }
}

pub(crate) fn int_at(object: &Value, pointer: &str) -> i64 {
    object.at(pointer).and_then(Value::as_i64).unwrap_or(0)
}

/// Comma-joined names and images of a pod template's containers.
pub(crate) fn containers_and_images(pod_spec: Option<&Value>) -> (String, String) {
    let containers = pod_spec
        .and_then(|s| s.get("containers"))
        .and_then(Value::as_array);
    let (names, images): (Vec<&str>, Vec<&str>) = containers
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or(""),
                c["image"].as_str().unwrap_or(""),
            )
        })
        .unzip();
    (names.join(","), images.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::resource::Catalog;

    #[test]
    fn rows_carry_partial_metadata_by_default() {
        let rt = Catalog::default()
            .by_group_resource(&resource::CONFIGMAPS)
            .expect("configmaps type");
        let cm = json!({ "metadata": { "name": "c", "creationTimestamp": "2020-01-01T00:00:00Z" }, "data": { "a": "1", "b": "2" } });
        let options = TableOptions {
            api_version: "v1",
            include: IncludeObject::Metadata,
            headers: true,
        };
        let table = table(&rt, &[cm], options, json!({ "resourceVersion": "7" }));
        assert_eq!(table["columnDefinitions"][1]["name"], "Data");
        assert_eq!(table["rows"][0]["cells"][0], "c");
        assert_eq!(table["rows"][0]["cells"][1], 2);
        assert_eq!(table["rows"][0]["object"]["kind"], "PartialObjectMetadata");
        assert_eq!(table["metadata"]["resourceVersion"], "7");
    }
}
