//! CustomResourceDefinitions: checking one, and the resource type it makes the simulator serve.

use serde_json::Value;

use super::{GroupResource, PrinterColumn, Propagation, ResourceType, SCALE, STATUS, ScalePaths};
use crate::sim::object::At;
use crate::sim::status::Cause;

const ALL_VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

fn text<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value.at(pointer).and_then(Value::as_str).unwrap_or("")
}

fn strings(value: &Value, pointer: &str) -> Vec<String> {
    value
        .at(pointer)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The problems that make a CRD unservable, as 422 causes.
pub fn validate_crd(crd: &Value) -> Vec<Cause> {
    let mut causes = Vec::new();
    let group = text(crd, "/spec/group");
    let plural = text(crd, "/spec/names/plural");
    for (pointer, field) in [
        ("/spec/group", "spec.group"),
        ("/spec/names/plural", "spec.names.plural"),
        ("/spec/names/kind", "spec.names.kind"),
    ] {
        if text(crd, pointer).is_empty() {
            causes.push(Cause::required(field, ""));
        }
    }
    let scope = text(crd, "/spec/scope");
    if scope != "Namespaced" && scope != "Cluster" {
        causes.push(Cause::not_supported(
            "spec.scope",
            scope,
            &["Cluster", "Namespaced"],
        ));
    }
    let versions = crd.at("/spec/versions").and_then(Value::as_array);
    match versions {
        Some(versions) if !versions.is_empty() => {
            let storage = versions
                .iter()
                .filter(|v| v["storage"].as_bool() == Some(true))
                .count();
            if storage != 1 {
                causes.push(Cause::invalid(
                    "spec.versions",
                    &Value::from(storage),
                    "must have exactly one version marked as storage version",
                ));
            }
        }
        _ => causes.push(Cause::required(
            "spec.versions",
            "must have exactly one version marked as storage version",
        )),
    }
    let name = text(crd, "/metadata/name");
    if !group.is_empty() && !plural.is_empty() && name != format!("{plural}.{group}") {
        causes.push(Cause::invalid(
            "metadata.name",
            &Value::from(name),
            "must be spec.names.plural+\".\"+spec.group",
        ));
    }
    causes
}

/// The resource a stored CRD serves, with one entry per served version.
pub fn custom_resource_types(crd: &Value) -> Vec<ResourceType> {
    let crd_name = text(crd, "/metadata/name").to_string();
    let group = text(crd, "/spec/group").to_string();
    let plural = text(crd, "/spec/names/plural").to_string();
    let kind = text(crd, "/spec/names/kind").to_string();
    let singular = match text(crd, "/spec/names/singular") {
        "" => kind.to_lowercase(),
        given => given.to_string(),
    };
    let served: Vec<&Value> = crd
        .at("/spec/versions")
        .and_then(Value::as_array)
        .map(|versions| {
            versions
                .iter()
                .filter(|v| v["served"].as_bool() != Some(false))
                .collect()
        })
        .unwrap_or_default();
    let Some(first) = served.first() else {
        return Vec::new();
    };
    let mut subresources = Vec::new();
    if first.at("/subresources/status").is_some() {
        subresources.push(STATUS);
    }
    let scale = first.at("/subresources/scale").map(|scale| {
        subresources.insert(0, SCALE);
        ScalePaths {
            spec_replicas: json_path_to_pointer(text(scale, "/specReplicasPath")),
            status_replicas: json_path_to_pointer(text(scale, "/statusReplicasPath")),
            label_selector: scale
                .at("/labelSelectorPath")
                .and_then(Value::as_str)
                .map(json_path_to_pointer),
        }
    });
    let printer_columns = first
        .at("/additionalPrinterColumns")
        .and_then(Value::as_array)
        .map(|columns| columns.iter().map(printer_column).collect())
        .unwrap_or_default();
    vec![ResourceType {
        group: group.clone(),
        versions: served
            .iter()
            .map(|v| text(v, "/name").to_string())
            .collect(),
        plural: plural.clone(),
        singular,
        kind,
        namespaced: text(crd, "/spec/scope") == "Namespaced",
        short_names: strings(crd, "/spec/names/shortNames"),
        categories: strings(crd, "/spec/names/categories"),
        verbs: ALL_VERBS.to_vec(),
        subresources,
        storage: GroupResource::owned(group, plural),
        selectable_fields: Vec::new(),
        scale,
        tracks_generation: true,
        default_propagation: Propagation::Background,
        defined_by: Some(crd_name),
        printer_columns,
    }]
}

fn printer_column(column: &Value) -> PrinterColumn {
    PrinterColumn {
        name: text(column, "/name").to_string(),
        kind: text(column, "/type").to_string(),
        json_path: text(column, "/jsonPath").to_string(),
        priority: column["priority"].as_i64().unwrap_or(0),
        description: text(column, "/description").to_string(),
    }
}

/// `.spec.replicas` → `/spec/replicas` (the simple JSON paths CRDs use for scale and columns).
pub fn json_path_to_pointer(path: &str) -> String {
    path.trim_start_matches('.')
        .split('.')
        .fold(String::new(), |mut pointer, part| {
            if !part.is_empty() {
                pointer.push('/');
                pointer.push_str(part);
            }
            pointer
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn crd() -> Value {
        json!({
            "metadata": { "name": "widgets.example.com" },
            "spec": {
                "group": "example.com",
                "scope": "Namespaced",
                "names": { "plural": "widgets", "kind": "Widget", "shortNames": ["wd"] },
                "versions": [
                    { "name": "v1", "served": true, "storage": true,
                      "subresources": { "status": {}, "scale": { "specReplicasPath": ".spec.size", "statusReplicasPath": ".status.size" } } },
                    { "name": "v1beta1", "served": false, "storage": false }
                ]
            }
        })
    }

    #[test]
    fn a_crd_serves_its_served_versions_with_subresources() {
        assert!(validate_crd(&crd()).is_empty());
        let types = custom_resource_types(&crd());
        let widget = &types[0];
        assert_eq!(widget.versions, vec!["v1"]);
        assert_eq!(widget.singular, "widget");
        assert!(widget.has_status() && widget.has_subresource("scale"));
        assert_eq!(
            widget.scale.as_ref().map(|s| s.spec_replicas.as_str()),
            Some("/spec/size")
        );
    }

    #[test]
    fn the_name_must_be_plural_dot_group() {
        let mut bad = crd();
        bad["metadata"]["name"] = json!("widgets");
        let causes = validate_crd(&bad);
        assert_eq!(causes.len(), 1);
        assert_eq!(causes[0].field, "metadata.name");
    }
}
