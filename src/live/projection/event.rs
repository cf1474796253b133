//! Events: LAST SEEN TYPE REASON OBJECT MESSAGE, as `kubectl get events` prints them.

use k8s_openapi::api::core::v1::Event;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta, Time};
use kube::core::ApiResource;
use serde::Deserialize;

use crate::live::projection::meta::{self, identity, seconds};
use crate::live::projection::{KnownKind, Projection, erase, projection_resource};
use crate::live::row::{Cell, Column, Row, Tone, column};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRow {
    #[serde(default, deserialize_with = "meta::compact")]
    pub metadata: ObjectMeta,
    #[serde(default, rename = "type")]
    pub type_: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub involved_object: InvolvedObjectLite,
    #[serde(default)]
    pub last_timestamp: Option<Time>,
    #[serde(default)]
    pub first_timestamp: Option<Time>,
    #[serde(default)]
    pub event_time: Option<MicroTime>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct InvolvedObjectLite {
    pub kind: String,
    pub name: String,
}

projection_resource!(EventRow);

const COLUMNS: &[Column] = &[
    column("LAST SEEN", 9),
    column("TYPE", 8),
    column("REASON", 18),
    column("OBJECT", 30),
    column("MESSAGE", 40),
];

impl Projection for EventRow {
    fn columns() -> &'static [Column] {
        COLUMNS
    }

    fn into_row(self) -> Row {
        let kind = self.type_.unwrap_or_default();
        let tone = if kind == "Warning" {
            Tone::Bad
        } else {
            Tone::Normal
        };
        let object = format!(
            "{}/{}",
            self.involved_object.kind.to_lowercase(),
            self.involved_object.name
        );
        let seen = seconds(&self.last_timestamp)
            .or_else(|| self.event_time.as_ref().map(|t| t.0.as_second()))
            .or_else(|| seconds(&self.first_timestamp));
        let id = identity(self.metadata);
        let cells = Box::new([
            Cell::Age(seen.or(id.created)),
            Cell::text(kind),
            Cell::text(self.reason.unwrap_or_default()),
            Cell::text(object),
            // One line: the table shows no line breaks.
            Cell::text(self.message.unwrap_or_default().replace('\n', " ")),
        ]);
        id.into_row(cells, tone)
    }
}

impl KnownKind for EventRow {
    fn api_resource() -> ApiResource {
        erase::<Event>()
    }
}
