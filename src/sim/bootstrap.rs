//! What a fresh API server creates by itself: the system namespaces and the `kubernetes` Service.

use serde_json::json;

use crate::sim::resource;
use crate::sim::status::ApiError;
use crate::sim::store::Store;

pub const SYSTEM_NAMESPACES: [&str; 4] =
    ["default", "kube-system", "kube-public", "kube-node-lease"];

pub fn bootstrap(store: &Store) -> Result<(), ApiError> {
    for name in SYSTEM_NAMESPACES {
        store.create(
            &resource::NAMESPACES,
            "",
            json!({ "metadata": { "name": name } }),
        )?;
    }
    store.create(
        &resource::SERVICES,
        "default",
        json!({
            "metadata": { "name": "kubernetes", "labels": { "component": "apiserver", "provider": "kubernetes" } },
            "spec": { "clusterIP": "10.96.0.1", "ports": [{ "name": "https", "port": 443, "targetPort": 6443 }] }
        }),
    )?;
    Ok(())
}
