//! Nodes: STATUS ROLES AGE VERSION, as kubectl prints them.

use k8s_openapi::api::core::v1::Node;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::core::ApiResource;
use serde::Deserialize;

use crate::live::projection::meta::{self, identity};
use crate::live::projection::{KnownKind, Projection, erase, projection_resource};
use crate::live::row::{Cell, Column, Row, Tone, column};

#[derive(Clone, Debug, Default, Deserialize)]
pub struct NodeRow {
    #[serde(default, deserialize_with = "meta::compact")]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: NodeSpecLite,
    #[serde(default)]
    pub status: NodeStatusLite,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NodeSpecLite {
    pub unschedulable: bool,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeStatusLite {
    pub conditions: Vec<NodeConditionLite>,
    pub node_info: NodeInfoLite,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NodeConditionLite {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeInfoLite {
    pub kubelet_version: String,
}

projection_resource!(NodeRow);

const COLUMNS: &[Column] = &[
    column("STATUS", 10),
    column("ROLES", 14),
    column("AGE", 7),
    column("VERSION", 10),
];

const ROLE_PREFIX: &str = "node-role.kubernetes.io/";

impl Projection for NodeRow {
    fn columns() -> &'static [Column] {
        COLUMNS
    }

    fn into_row(self) -> Row {
        let ready = self
            .status
            .conditions
            .iter()
            .find(|c| c.type_ == "Ready")
            .map(|c| c.status.as_str());
        let mut status = match ready {
            Some("True") => "Ready",
            Some(_) => "NotReady",
            None => "Unknown",
        }
        .to_string();
        let tone = match (ready, self.spec.unschedulable) {
            (Some("True"), false) => Tone::Good,
            (Some("True"), true) => Tone::Warn,
            _ => Tone::Bad,
        };
        if self.spec.unschedulable {
            status.push_str(",SchedulingDisabled");
        }
        let version = self.status.node_info.kubelet_version;
        let id = identity(self.metadata);
        let mut roles: Vec<&str> = id
            .labels
            .iter()
            .filter_map(|(k, v)| match k.strip_prefix(ROLE_PREFIX) {
                Some(role) if !role.is_empty() => Some(role),
                _ if &**k == "kubernetes.io/role" => Some(&**v),
                _ => None,
            })
            .collect();
        roles.sort_unstable();
        roles.dedup();
        let roles = if roles.is_empty() {
            "<none>".to_string()
        } else {
            roles.join(",")
        };
        let cells = Box::new([
            Cell::text(status),
            Cell::text(roles),
            Cell::Age(id.created),
            Cell::text(version),
        ]);
        id.into_row(cells, tone)
    }
}

impl KnownKind for NodeRow {
    fn api_resource() -> ApiResource {
        erase::<Node>()
    }
}
