//! Deployments: READY UP-TO-DATE AVAILABLE AGE.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::core::ApiResource;
use serde::Deserialize;

use crate::live::projection::meta::{self, identity};
use crate::live::projection::{KnownKind, Projection, erase, projection_resource};
use crate::live::row::{Cell, Column, Row, Tone, column};

#[derive(Clone, Debug, Default, Deserialize)]
pub struct DeploymentRow {
    #[serde(default, deserialize_with = "meta::compact")]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: DeploymentSpecLite,
    #[serde(default)]
    pub status: DeploymentStatusLite,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeploymentSpecLite {
    /// Missing means 1, as the API server defaults it.
    pub replicas: Option<i32>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeploymentStatusLite {
    pub ready_replicas: i32,
    pub updated_replicas: i32,
    pub available_replicas: i32,
}

projection_resource!(DeploymentRow);

const COLUMNS: &[Column] = &[
    column("READY", 7),
    column("UP-TO-DATE", 10),
    column("AVAILABLE", 9),
    column("AGE", 7),
];

impl Projection for DeploymentRow {
    fn columns() -> &'static [Column] {
        COLUMNS
    }

    fn into_row(self) -> Row {
        let desired = self.spec.replicas.unwrap_or(1).max(0) as u32;
        let status = &self.status;
        let ready = status.ready_replicas.max(0) as u32;
        let tone = if ready == desired && status.updated_replicas as u32 == desired {
            Tone::Good
        } else if status.available_replicas == 0 && desired > 0 {
            Tone::Bad
        } else {
            Tone::Warn
        };
        let id = identity(self.metadata);
        let cells = Box::new([
            Cell::Ratio(ready, desired),
            Cell::Int(status.updated_replicas.into()),
            Cell::Int(status.available_replicas.into()),
            Cell::Age(id.created),
        ]);
        id.into_row(cells, tone)
    }
}

impl KnownKind for DeploymentRow {
    fn api_resource() -> ApiResource {
        erase::<Deployment>()
    }
}
