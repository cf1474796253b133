//! Tables of CustomResourceDefinitions (NAME, CREATED AT) and of custom resources (NAME AGE,
//! or the CRD's `additionalPrinterColumns`).

use serde_json::{Value, json};

use super::{Column, Printer, age_column, col, name_column, since};
use crate::sim::object::At;
use crate::sim::object::str_at;
use crate::sim::resource::{ResourceType, crd::json_path_to_pointer};

pub fn definitions() -> Printer {
    let columns = vec![
        name_column(),
        Column {
            format: "date",
            ..col(
                "Created At",
                "date",
                0,
                "CreationTimestamp is a timestamp representing the server time when this object was created.",
            )
        },
    ];
    Printer::new(columns, |crd, _| {
        vec![
            json!(str_at(crd, "/metadata/name")),
            json!(str_at(crd, "/metadata/creationTimestamp")),
        ]
    })
}

pub fn custom_resources(rt: &ResourceType) -> Printer {
    if rt.printer_columns.is_empty() {
        return Printer::new(vec![name_column(), age_column()], |object, now| {
            vec![
                json!(str_at(object, "/metadata/name")),
                json!(since(object.at("/metadata/creationTimestamp"), now)),
            ]
        });
    }
    let declared = rt.printer_columns.clone();
    let mut columns = vec![name_column()];
    columns.extend(declared.iter().map(|c| Column {
        name: c.name.clone(),
        kind: column_type(&c.kind),
        format: "",
        priority: c.priority,
        description: c.description.clone(),
    }));
    Printer::new(columns, move |object, now| {
        let mut cells = vec![json!(str_at(object, "/metadata/name"))];
        for column in &declared {
            let value = object.at(&json_path_to_pointer(&column.json_path)).cloned();
            cells.push(match (column.kind.as_str(), value) {
                ("date", Some(at)) => json!(since(Some(&at), now)),
                (_, Some(value)) => value,
                (_, None) => Value::Null,
            });
        }
        cells
    })
}

fn column_type(kind: &str) -> &'static str {
    match kind {
        "integer" => "integer",
        "number" => "number",
        "boolean" => "boolean",
        "date" => "date",
        _ => "string",
    }
}
