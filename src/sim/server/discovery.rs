//! Discovery: `/version`, `/api`, `/apis`, `/apis/{group}` and each group version's resource list.

use serde_json::{Value, json};

use crate::sim::resource::{Catalog, ResourceType};
use crate::sim::status::ApiError;

/// The Kubernetes release whose API the simulator follows. `+kubevibe-sim` marks it as a simulator.
pub fn version() -> Value {
    json!({
        "major": "1",
        "minor": "32",
        "gitVersion": "v1.32.0+kubevibe-sim",
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2024-12-11T00:00:00Z",
        "goVersion": "go1.23.3",
        "compiler": "gc",
        "platform": "linux/amd64",
    })
}

pub fn core_versions(server_address: &str) -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{ "clientCIDR": "0.0.0.0/0", "serverAddress": server_address }],
    })
}

fn group_entry(name: &str, versions: &[String]) -> Value {
    let versions: Vec<Value> = versions
        .iter()
        .map(|v| json!({ "groupVersion": format!("{name}/{v}"), "version": v }))
        .collect();
    json!({ "name": name, "versions": versions, "preferredVersion": versions.first().cloned().unwrap_or(Value::Null) })
}

pub fn groups(catalog: &Catalog) -> Value {
    let groups: Vec<Value> = catalog
        .groups()
        .iter()
        .filter(|(name, _)| !name.is_empty())
        .map(|(name, versions)| group_entry(name, versions))
        .collect();
    json!({ "kind": "APIGroupList", "apiVersion": "v1", "groups": groups })
}

pub fn group(catalog: &Catalog, name: &str) -> Result<Value, ApiError> {
    let (_, versions) = catalog
        .groups()
        .into_iter()
        .find(|(group, _)| group == name && !name.is_empty())
        .ok_or(ApiError::NoSuchResource)?;
    let mut entry = group_entry(name, &versions);
    entry["kind"] = json!("APIGroup");
    entry["apiVersion"] = json!("v1");
    Ok(entry)
}

pub fn resource_list(catalog: &Catalog, group: &str, version: &str) -> Result<Value, ApiError> {
    let types = catalog.in_group_version(group, version);
    if types.is_empty() && !(group.is_empty() && version == "v1") {
        return Err(ApiError::NoSuchResource);
    }
    let group_version = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    let resources: Vec<Value> = types.iter().flat_map(|rt| entries(rt)).collect();
    Ok(
        json!({ "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": resources }),
    )
}

fn entries(rt: &ResourceType) -> Vec<Value> {
    let mut main = json!({
        "name": rt.plural,
        "singularName": rt.singular,
        "namespaced": rt.namespaced,
        "kind": rt.kind,
        "verbs": rt.verbs,
    });
    if !rt.short_names.is_empty() {
        main["shortNames"] = json!(rt.short_names);
    }
    if !rt.categories.is_empty() {
        main["categories"] = json!(rt.categories);
    }
    let mut entries = vec![main];
    for sub in &rt.subresources {
        let mut entry = json!({
            "name": format!("{}/{}", rt.plural, sub.name),
            "singularName": "",
            "namespaced": rt.namespaced,
            "kind": if sub.kind.is_empty() { rt.kind.as_str() } else { sub.kind },
            "verbs": sub.verbs,
        });
        if !sub.group.is_empty() {
            entry["group"] = json!(sub.group);
            entry["version"] = json!(sub.version);
        }
        entries.push(entry);
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apps_v1_lists_deployments_with_scale() {
        let list = resource_list(&Catalog::default(), "apps", "v1").expect("apps/v1 served");
        let names: Vec<&str> = list["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["name"].as_str())
            .collect();
        assert!(names.contains(&"deployments") && names.contains(&"deployments/scale"));
        let scale = list["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["name"] == "deployments/scale");
        assert_eq!(
            scale.map(|s| s["group"].clone()),
            Some(json!("autoscaling"))
        );
        assert!(resource_list(&Catalog::default(), "nope", "v1").is_err());
    }

    #[test]
    fn groups_exclude_the_core_group() {
        let list = groups(&Catalog::default());
        let names: Vec<&str> = list["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|g| g["name"].as_str())
            .collect();
        assert!(
            names.contains(&"apps")
                && names.contains(&"apiextensions.k8s.io")
                && !names.contains(&"")
        );
    }
}
