//! OpenAPI v3: an index of group versions and, per group version, the paths and operations of
//! its resources. kubectl reads the PATCH operations (tagged with their group, version and
//! kind) to learn that the server takes `fieldValidation`, so `apply` and `create -f` validate
//! on the server instead of downloading full schemas. Component schemas name each kind with
//! its top-level fields only, which is what `kubectl explain KIND` shows from them.

use serde_json::{Map, Value, json};

use crate::sim::resource::{Catalog, ResourceType};
use crate::sim::status::ApiError;

fn path_key(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

pub fn index(catalog: &Catalog) -> Value {
    let mut paths = Map::new();
    for (group, versions) in catalog.groups() {
        for version in versions {
            let key = path_key(&group, &version);
            paths.insert(
                key.clone(),
                json!({ "serverRelativeURL": format!("/openapi/v3/{key}") }),
            );
        }
    }
    json!({ "paths": paths })
}

fn query_parameter(name: &str, description: &str) -> Value {
    json!({ "name": name, "in": "query", "description": description, "schema": { "type": "string", "uniqueItems": true } })
}

fn write_parameters() -> Vec<Value> {
    vec![
        query_parameter(
            "dryRun",
            "When present, indicates that modifications should not be persisted. Valid value: All",
        ),
        query_parameter(
            "fieldManager",
            "fieldManager is a name associated with the actor or entity that is making these changes.",
        ),
        query_parameter(
            "fieldValidation",
            "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict. The simulator accepts all three and does not check fields against schemas.",
        ),
    ]
}

fn operation(
    rt: &ResourceType,
    version: &str,
    action: &str,
    id: &str,
    parameters: Vec<Value>,
) -> Value {
    json!({
        "operationId": id,
        "description": format!("{action} {}", rt.kind),
        "parameters": parameters,
        "responses": { "200": { "description": "OK" } },
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": { "group": rt.group, "version": version, "kind": rt.kind },
    })
}

fn schema_name(rt: &ResourceType, version: &str) -> String {
    let package = match rt.group.as_str() {
        "" => "io.k8s.api.core".to_string(),
        "apiextensions.k8s.io" => {
            "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions".to_string()
        }
        group if rt.is_custom() => group.split('.').rev().collect::<Vec<_>>().join("."),
        group => format!("io.k8s.api.{}", group.split('.').next().unwrap_or(group)),
    };
    format!("{package}.{version}.{}", rt.kind)
}

fn kind_schema(rt: &ResourceType, version: &str) -> Value {
    let field = |description: &str, kind: &str| json!({ "description": description, "type": kind });
    json!({
        "description": format!("{} is served by the kubevibe cluster simulator; field-level schemas are not available.", rt.kind),
        "type": "object",
        "properties": {
            "apiVersion": field("APIVersion defines the versioned schema of this representation of an object.", "string"),
            "kind": field("Kind is a string value representing the REST resource this object represents.", "string"),
            "metadata": field("Standard object's metadata.", "object"),
            "spec": field("Specification of the desired behavior.", "object"),
            "status": field("Most recently observed status. Read-only.", "object"),
        },
        "x-kubernetes-group-version-kind": [{ "group": rt.group, "version": version, "kind": rt.kind }],
    })
}

pub fn group_version(catalog: &Catalog, group: &str, version: &str) -> Result<Value, ApiError> {
    let types = catalog.in_group_version(group, version);
    if types.is_empty() {
        return Err(ApiError::NoSuchResource);
    }
    let mut paths = Map::new();
    let mut schemas = Map::new();
    let base = format!("/{}", path_key(group, version));
    for rt in &types {
        let scope = if rt.namespaced {
            "/namespaces/{namespace}"
        } else {
            ""
        };
        let collection = format!("{base}{scope}/{}", rt.plural);
        let id = |verb: &str| format!("{verb}{}", rt.kind);
        paths.insert(
            collection.clone(),
            json!({
                "get": operation(rt, version, "list", &id("list"), Vec::new()),
                "post": operation(rt, version, "post", &id("create"), write_parameters()),
            }),
        );
        let mut patch_parameters = write_parameters();
        patch_parameters.push(query_parameter(
            "force",
            "Force is going to \"force\" Apply requests.",
        ));
        paths.insert(
            format!("{collection}/{{name}}"),
            json!({
                "get": operation(rt, version, "get", &id("read"), Vec::new()),
                "put": operation(rt, version, "put", &id("replace"), write_parameters()),
                "patch": operation(rt, version, "patch", &id("patch"), patch_parameters),
                "delete": operation(rt, version, "delete", &id("delete"), Vec::new()),
            }),
        );
        schemas.insert(schema_name(rt, version), kind_schema(rt, version));
    }
    Ok(json!({
        "openapi": "3.0.0",
        "info": { "title": "Kubernetes", "version": "v1.32.0" },
        "paths": paths,
        "components": { "schemas": schemas },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_operations_declare_field_validation_for_their_kind() {
        let doc = group_version(&Catalog::default(), "apps", "v1").expect("apps/v1 served");
        let patch =
            &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
        assert_eq!(
            patch["x-kubernetes-group-version-kind"]["kind"],
            "Deployment"
        );
        let names: Vec<&str> = patch["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert!(names.contains(&"fieldValidation"));
        assert!(doc["components"]["schemas"]["io.k8s.api.apps.v1.Deployment"].is_object());
        assert!(index(&Catalog::default())["paths"]["api/v1"].is_object());
    }
}
