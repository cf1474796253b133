//! A custom resource's own columns: its CRD's `additionalPrinterColumns` (name, type and a
//! JSONPath into the object), evaluated per object as `kubectl get` prints them.

use std::collections::HashSet;
use std::sync::Mutex;

use jsonpath_rust::parser::model::JpQuery;
use jsonpath_rust::parser::parse_json_path;
use jsonpath_rust::query::js_path_process;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::live::projection::meta::{self, identity};
use crate::live::projection::projection_resource;
use crate::live::row::{Cell, Column, Row, Tone, column};

/// One `additionalPrinterColumns` entry shown by default (priority 0), as the CRD declares it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PrinterColumn {
    pub name: String,
    /// `integer`, `number`, `string`, `boolean` or `date`.
    pub type_: String,
    /// kubectl's JSONPath, e.g. `.spec.replicas` or `.status.conditions[?(@.type=="Ready")].status`.
    pub json_path: String,
}

/// A custom resource: compact metadata and every other top-level field, kept only until its
/// row is built.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CustomRow {
    #[serde(default, deserialize_with = "meta::compact")]
    pub metadata: ObjectMeta,
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

projection_resource!(CustomRow);

/// The compiled columns of one kind: what the table shows and how each cell is found.
pub struct Printer {
    columns: Vec<(PrinterColumn, Option<JpQuery>)>,
    reads_metadata: bool,
}

impl Printer {
    /// Compiles `columns`; a path the JSONPath parser refuses gives empty cells (kubectl shows
    /// the column and nothing in it).
    pub fn new(columns: &[PrinterColumn]) -> Self {
        let compiled = columns
            .iter()
            .map(|c| (c.clone(), parse_json_path(&rfc_path(&c.json_path)).ok()))
            .collect();
        Self {
            columns: compiled,
            reads_metadata: columns
                .iter()
                .any(|c| c.json_path.trim_start().starts_with(".metadata")),
        }
    }

    /// The table's columns after NAME: the printer columns' names in capitals.
    pub fn table_columns(&self) -> Vec<Column> {
        self.columns
            .iter()
            .map(|(c, _)| {
                let title = intern(&c.name.to_uppercase());
                let width = match c.type_.as_str() {
                    "date" => 7,
                    "integer" | "number" | "boolean" => (title.len() as u16).max(8),
                    _ => (title.len() as u16).max(16),
                };
                column(title, width)
            })
            .collect()
    }

    /// The row of `object`, one cell per column.
    pub fn row(&self, object: CustomRow) -> Row {
        let mut fields = object.fields;
        if self.reads_metadata
            && let Ok(metadata) = serde_json::to_value(&object.metadata)
        {
            fields.insert("metadata".into(), metadata);
        }
        let document = Value::Object(fields);
        let cells: Box<[Cell]> = self
            .columns
            .iter()
            .map(|(c, query)| cell(&c.type_, query.as_ref(), &document))
            .collect();
        let id = identity(object.metadata);
        id.into_row(cells, Tone::Normal)
    }
}

/// kubectl writes `.spec.x` or `{.spec.x}`; RFC 9535 wants `$.spec.x`.
fn rfc_path(path: &str) -> String {
    let path = path.trim();
    let path = path
        .strip_prefix('{')
        .and_then(|p| p.strip_suffix('}'))
        .unwrap_or(path);
    if path.starts_with('$') {
        path.to_string()
    } else if path.starts_with('.') || path.starts_with('[') {
        format!("${path}")
    } else {
        format!("$.{path}")
    }
}

fn cell(type_: &str, query: Option<&JpQuery>, document: &Value) -> Cell {
    let found: Vec<&Value> = query
        .and_then(|q| js_path_process(q, document).ok())
        .map(|refs| refs.into_iter().map(|r| r.val).collect())
        .unwrap_or_default();
    match (type_, found.as_slice()) {
        (_, []) => Cell::text(""),
        ("integer", [value]) if value.as_i64().is_some() => {
            Cell::Int(value.as_i64().unwrap_or_default())
        }
        ("date", [Value::String(text)]) => match text.parse::<jiff::Timestamp>() {
            Ok(time) => Cell::Age(Some(time.as_second())),
            Err(_) => Cell::text(text.as_str()),
        },
        (_, values) => Cell::text(
            values
                .iter()
                .map(|v| match v {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(","),
        ),
    }
}

/// Column titles live as long as the process (a cluster serves a bounded set of kinds).
fn intern(text: &str) -> &'static str {
    static INTERNED: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    let mut interned = INTERNED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let set = interned.get_or_insert_with(HashSet::new);
    if let Some(found) = set.get(text) {
        return found;
    }
    let leaked: &'static str = Box::leak(text.to_string().into_boxed_str());
    set.insert(leaked);
    leaked
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn columns() -> Vec<PrinterColumn> {
        [
            ("Spec", "string", ".spec.cronSpec"),
            ("Replicas", "integer", ".spec.replicas"),
            (
                "Ready",
                "string",
                ".status.conditions[?(@.type==\"Ready\")].status",
            ),
            ("Images", "string", ".spec.images[*]"),
            ("Missing", "string", ".status.nothing"),
            ("Age", "date", ".metadata.creationTimestamp"),
        ]
        .into_iter()
        .map(|(name, type_, path)| PrinterColumn {
            name: name.into(),
            type_: type_.into(),
            json_path: path.into(),
        })
        .collect()
    }

    #[test]
    fn cells_follow_the_printer_columns_like_kubectl() {
        let printer = Printer::new(&columns());
        let titles: Vec<&str> = printer.table_columns().iter().map(|c| c.title).collect();
        assert_eq!(
            titles,
            ["SPEC", "REPLICAS", "READY", "IMAGES", "MISSING", "AGE"]
        );
        let object: CustomRow = serde_json::from_value(json!({
            "apiVersion": "stable.example.com/v1", "kind": "CronTab",
            "metadata": {"name": "nightly", "namespace": "default", "uid": "u1",
                         "creationTimestamp": "2026-01-01T00:00:00Z"},
            "spec": {"cronSpec": "*/5 * * * *", "replicas": 3, "images": ["a:1", "b:2"]},
            "status": {"conditions": [{"type": "Synced", "status": "False"},
                                      {"type": "Ready", "status": "True"}]}
        }))
        .unwrap();
        let row = printer.row(object);
        assert_eq!(row.name, "nightly");
        let created = "2026-01-01T00:00:00Z".parse::<jiff::Timestamp>().unwrap();
        assert_eq!(
            row.cells.as_ref(),
            [
                Cell::text("*/5 * * * *"),
                Cell::Int(3),
                Cell::text("True"),
                Cell::text("a:1,b:2"),
                Cell::text(""),
                Cell::Age(Some(created.as_second())),
            ]
        );
    }

    #[test]
    fn kubectl_paths_become_rfc_paths() {
        assert_eq!(rfc_path(".spec.x"), "$.spec.x");
        assert_eq!(rfc_path("{.spec.x}"), "$.spec.x");
        assert_eq!(rfc_path("spec.x"), "$.spec.x");
        assert_eq!(rfc_path("$.spec.x"), "$.spec.x");
    }

    #[test]
    fn a_path_the_parser_refuses_gives_empty_cells() {
        let printer = Printer::new(&[PrinterColumn {
            name: "Broken".into(),
            type_: "string".into(),
            json_path: ".spec[?(".into(),
        }]);
        let row = printer.row(CustomRow::default());
        assert_eq!(row.cells.as_ref(), [Cell::text("")]);
    }
}
