//! Object metadata decoded compactly: only what rows and the watcher need (identity,
//! resourceVersion, timestamps, labels, owners); managedFields and annotations are skipped.

use compact_str::CompactString;
use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference, Time};
use serde::{Deserialize, Deserializer};

use crate::live::row::Owner;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CompactMeta {
    name: Option<String>,
    namespace: Option<String>,
    uid: Option<String>,
    resource_version: Option<String>,
    creation_timestamp: Option<Time>,
    deletion_timestamp: Option<Time>,
    labels: Option<BTreeMap<String, String>>,
    owner_references: Option<Vec<OwnerReference>>,
}

/// `#[serde(deserialize_with = "compact")]` on a projection's `metadata` field.
pub fn compact<'de, D: Deserializer<'de>>(deserializer: D) -> Result<ObjectMeta, D::Error> {
    let meta = CompactMeta::deserialize(deserializer)?;
    Ok(ObjectMeta {
        name: meta.name,
        namespace: meta.namespace,
        uid: meta.uid,
        resource_version: meta.resource_version,
        creation_timestamp: meta.creation_timestamp,
        deletion_timestamp: meta.deletion_timestamp,
        labels: meta.labels,
        owner_references: meta.owner_references,
        ..ObjectMeta::default()
    })
}

/// Unix seconds of a timestamp.
pub fn seconds(time: &Option<Time>) -> Option<i64> {
    time.as_ref().map(|t| t.0.as_second())
}

/// The identity and drill-down parts of a row, taken out of the metadata.
pub struct Identity {
    pub uid: CompactString,
    pub namespace: CompactString,
    pub name: CompactString,
    pub labels: Arc<[(CompactString, CompactString)]>,
    pub owners: Arc<[Owner]>,
    pub created: Option<i64>,
}

/// Takes the identity out of `meta`. An object without a uid (never from a real server) is
/// keyed by namespace/name.
pub fn identity(meta: ObjectMeta) -> Identity {
    let namespace = meta.namespace.unwrap_or_default();
    let name = meta.name.unwrap_or_default();
    let uid = meta
        .uid
        .unwrap_or_else(|| format!("{namespace}/{name}"))
        .into();
    Identity {
        uid,
        namespace: namespace.into(),
        name: name.into(),
        labels: meta
            .labels
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect(),
        owners: meta
            .owner_references
            .unwrap_or_default()
            .into_iter()
            .map(|o| Owner {
                kind: o.kind.into(),
                name: o.name.into(),
                controller: o.controller.unwrap_or(false),
            })
            .collect(),
        created: seconds(&meta.creation_timestamp),
    }
}
