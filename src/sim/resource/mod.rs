//! The resource catalog: which kinds the simulator serves, how they are named, scoped and stored.

mod builtin;
pub mod convert;
pub(crate) mod crd;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

pub use builtin::*;
pub use crd::{custom_resource_types, validate_crd};

/// A resource independent of version: the key objects are stored under.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupResource {
    pub group: Cow<'static, str>,
    pub resource: Cow<'static, str>,
}

impl GroupResource {
    pub const fn new(group: &'static str, resource: &'static str) -> Self {
        Self {
            group: Cow::Borrowed(group),
            resource: Cow::Borrowed(resource),
        }
    }

    pub fn owned(group: impl Into<String>, resource: impl Into<String>) -> Self {
        Self {
            group: Cow::Owned(group.into()),
            resource: Cow::Owned(resource.into()),
        }
    }
}

impl fmt::Display for GroupResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.group.is_empty() {
            f.write_str(&self.resource)
        } else {
            write!(f, "{}.{}", self.resource, self.group)
        }
    }
}

/// A subresource served under `{resource}/{name}/{subresource}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subresource {
    pub name: &'static str,
    pub kind: &'static str,
    /// Empty when the subresource answers in the parent's group and version.
    pub group: &'static str,
    pub version: &'static str,
    pub verbs: &'static [&'static str],
}

pub const STATUS: Subresource = Subresource {
    name: "status",
    kind: "",
    group: "",
    version: "",
    verbs: &["get", "patch", "update"],
};
pub const SCALE: Subresource = Subresource {
    name: "scale",
    kind: "Scale",
    group: "autoscaling",
    version: "v1",
    verbs: &["get", "patch", "update"],
};
pub const PORTFORWARD: Subresource = Subresource {
    name: "portforward",
    kind: "PodPortForwardOptions",
    group: "",
    version: "",
    verbs: &["create", "get"],
};
pub const LOG: Subresource = Subresource {
    name: "log",
    kind: "Pod",
    group: "",
    version: "",
    verbs: &["get"],
};

/// Where the scale subresource reads and writes, as JSON pointers into the object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScalePaths {
    pub spec_replicas: String,
    pub status_replicas: String,
    pub label_selector: Option<String>,
}

/// What deleting an owner does to its dependents when the client does not say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Propagation {
    Background,
    Foreground,
    Orphan,
}

/// Everything the simulator needs to know about one served resource.
#[derive(Clone, Debug)]
pub struct ResourceType {
    pub group: String,
    /// Served versions, preferred first.
    pub versions: Vec<String>,
    pub plural: String,
    pub singular: String,
    pub kind: String,
    pub namespaced: bool,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
    pub verbs: Vec<&'static str>,
    pub subresources: Vec<Subresource>,
    /// The collection objects live in; differs from `group/plural` for `events.k8s.io` events.
    pub storage: GroupResource,
    /// Fields accepted by `fieldSelector` besides `metadata.name` and `metadata.namespace`.
    pub selectable_fields: Vec<&'static str>,
    pub scale: Option<ScalePaths>,
    /// Whether `metadata.generation` follows spec changes.
    pub tracks_generation: bool,
    pub default_propagation: Propagation,
    /// The CRD that defines this resource, for custom resources.
    pub defined_by: Option<String>,
    /// Printer columns declared by a CRD: (name, type, JSON path, priority).
    pub printer_columns: Vec<PrinterColumn>,
}

/// An `additionalPrinterColumns` entry of a CRD.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrinterColumn {
    pub name: String,
    pub kind: String,
    pub json_path: String,
    pub priority: i64,
    pub description: String,
}

impl ResourceType {
    pub fn group_resource(&self) -> GroupResource {
        GroupResource::owned(self.group.clone(), self.plural.clone())
    }

    pub fn preferred_version(&self) -> &str {
        self.versions.first().map(String::as_str).unwrap_or("v1")
    }

    pub fn api_version(&self, version: &str) -> String {
        if self.group.is_empty() {
            version.to_string()
        } else {
            format!("{}/{version}", self.group)
        }
    }

    pub fn has_subresource(&self, name: &str) -> bool {
        self.subresources.iter().any(|s| s.name == name)
    }

    pub fn has_status(&self) -> bool {
        self.has_subresource("status")
    }

    pub fn is_custom(&self) -> bool {
        self.defined_by.is_some()
    }

    pub fn supports_field(&self, field: &str) -> bool {
        field == "metadata.name"
            || (field == "metadata.namespace" && self.namespaced)
            || self.selectable_fields.contains(&field)
    }
}

/// The served resources: the built-in kinds plus those defined by CRDs.
#[derive(Clone, Debug)]
pub struct Catalog {
    types: Vec<Arc<ResourceType>>,
    by_path: HashMap<(String, String, String), usize>,
}

impl Default for Catalog {
    fn default() -> Self {
        Self::new(builtin_types())
    }
}

impl Catalog {
    pub fn new(types: Vec<ResourceType>) -> Self {
        let mut catalog = Self {
            types: Vec::new(),
            by_path: HashMap::new(),
        };
        for rt in types {
            catalog.insert(rt);
        }
        catalog
    }

    fn insert(&mut self, rt: ResourceType) {
        self.types.push(Arc::new(rt));
        self.reindex();
    }

    fn reindex(&mut self) {
        self.by_path.clear();
        for (index, rt) in self.types.iter().enumerate() {
            for version in &rt.versions {
                self.by_path.insert(
                    (rt.group.clone(), version.clone(), rt.plural.clone()),
                    index,
                );
            }
        }
    }

    /// Adds or replaces the resources a CRD defines.
    pub fn register_custom(&mut self, crd_name: &str, types: Vec<ResourceType>) {
        self.types
            .retain(|rt| rt.defined_by.as_deref() != Some(crd_name));
        self.types.extend(types.into_iter().map(Arc::new));
        self.reindex();
    }

    pub fn unregister_custom(&mut self, crd_name: &str) {
        self.types
            .retain(|rt| rt.defined_by.as_deref() != Some(crd_name));
        self.reindex();
    }

    /// The resource served at `/apis/{group}/{version}/{plural}`.
    pub fn find(&self, group: &str, version: &str, plural: &str) -> Option<Arc<ResourceType>> {
        let key = (group.to_string(), version.to_string(), plural.to_string());
        self.by_path
            .get(&key)
            .and_then(|&index| self.types.get(index))
            .cloned()
    }

    /// The resource stored under `gr` (for `events`, the core one).
    pub fn by_group_resource(&self, gr: &GroupResource) -> Option<Arc<ResourceType>> {
        self.types
            .iter()
            .find(|rt| rt.group == gr.group && rt.plural == gr.resource)
            .cloned()
    }

    pub fn by_kind(&self, group: &str, kind: &str) -> Option<Arc<ResourceType>> {
        self.types
            .iter()
            .find(|rt| rt.group == group && rt.kind == kind)
            .cloned()
    }

    pub fn all(&self) -> &[Arc<ResourceType>] {
        &self.types
    }

    /// Group names with their served versions, in the order discovery lists them.
    pub fn groups(&self) -> Vec<(String, Vec<String>)> {
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for rt in &self.types {
            let entry = match groups.iter_mut().position(|(g, _)| *g == rt.group) {
                Some(i) => &mut groups[i].1,
                None => {
                    groups.push((rt.group.clone(), Vec::new()));
                    let last = groups.len() - 1;
                    &mut groups[last].1
                }
            };
            for version in &rt.versions {
                if !entry.contains(version) {
                    entry.push(version.clone());
                }
            }
        }
        groups
    }

    /// The resources served in one group version.
    pub fn in_group_version(&self, group: &str, version: &str) -> Vec<Arc<ResourceType>> {
        self.types
            .iter()
            .filter(|rt| rt.group == group && rt.versions.iter().any(|v| v == version))
            .cloned()
            .collect()
    }
}

/// Splits `apps/v1` into `("apps", "v1")` and `v1` into `("", "v1")`.
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.rsplit_once('/') {
        Some((group, version)) => (group, version),
        None => ("", api_version),
    }
}
