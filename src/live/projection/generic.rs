//! Any other kind (CRDs included, found by discovery): NAME, NAMESPACE and AGE from metadata.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Deserialize;

use crate::live::projection::meta::{self, identity};
use crate::live::projection::{Projection, projection_resource};
use crate::live::row::{Cell, Column, Row, Tone, column};

/// Metadata only; watch it with the `ApiResource` discovery found.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct GenericRow {
    #[serde(default, deserialize_with = "meta::compact")]
    pub metadata: ObjectMeta,
}

projection_resource!(GenericRow);

const COLUMNS: &[Column] = &[column("AGE", 7)];

impl Projection for GenericRow {
    fn columns() -> &'static [Column] {
        COLUMNS
    }

    fn into_row(self) -> Row {
        let id = identity(self.metadata);
        let cells = Box::new([Cell::Age(id.created)]);
        id.into_row(cells, Tone::Normal)
    }
}
