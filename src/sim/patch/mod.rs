//! Patches: the four patch content types and applying one to a stored object.

mod apply;
mod keys;
mod strategic;

use serde_json::Value;

use crate::sim::resource::ResourceType;
use crate::sim::status::ApiError;

pub use strategic::strategic_merge;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchType {
    /// RFC 6902, `application/json-patch+json`.
    Json,
    /// RFC 7386, `application/merge-patch+json`.
    Merge,
    /// `application/strategic-merge-patch+json`: lists merged by their key.
    StrategicMerge,
    /// `application/apply-patch+yaml`: server-side apply.
    Apply,
}

impl PatchType {
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        let media = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match media.as_str() {
            "application/json-patch+json" => Some(Self::Json),
            "application/merge-patch+json" => Some(Self::Merge),
            "application/strategic-merge-patch+json" => Some(Self::StrategicMerge),
            "application/apply-patch+yaml" | "application/apply-patch+cbor" => Some(Self::Apply),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json-patch+json",
            Self::Merge => "application/merge-patch+json",
            Self::StrategicMerge => "application/strategic-merge-patch+json",
            Self::Apply => "application/apply-patch+yaml",
        }
    }
}

/// A decoded patch body with its type.
#[derive(Clone, Debug, PartialEq)]
pub struct Patch {
    pub kind: PatchType,
    pub body: Value,
    /// The field manager; server-side apply records what it applied under this name.
    pub manager: Option<String>,
}

/// The manager recorded for an apply that names none (only the store's own callers can).
const DEFAULT_MANAGER: &str = "kubevibe-sim";

impl Patch {
    pub fn new(kind: PatchType, body: Value) -> Self {
        Self {
            kind,
            body,
            manager: None,
        }
    }

    /// Server-side apply of `body` by `manager`.
    pub fn apply(body: Value, manager: impl Into<String>) -> Self {
        Self {
            manager: Some(manager.into()),
            ..Self::new(PatchType::Apply, body)
        }
    }

    fn manager(&self) -> &str {
        self.manager.as_deref().unwrap_or(DEFAULT_MANAGER)
    }

    pub fn merge(body: Value) -> Self {
        Self::new(PatchType::Merge, body)
    }

    pub fn strategic(body: Value) -> Self {
        Self::new(PatchType::StrategicMerge, body)
    }

    pub fn json(body: Value) -> Self {
        Self::new(PatchType::Json, body)
    }
}

/// The media types a PATCH of `rt` accepts, as the 415 message lists them.
pub fn accepted_patch_types(rt: &ResourceType) -> String {
    let mut types = vec![PatchType::Json, PatchType::Merge, PatchType::Apply];
    if !rt.is_custom() {
        types.insert(2, PatchType::StrategicMerge);
    }
    types
        .iter()
        .map(|t| t.content_type())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The object a server-side apply creates when `name` does not exist yet.
pub fn object_to_create(rt: &ResourceType, name: &str, patch: &Patch) -> Result<Value, ApiError> {
    let mut object = apply::server_side_apply(None, &patch.body, patch.manager(), &rt.kind)?;
    crate::sim::object::metadata_mut(&mut object).insert("name".to_string(), Value::from(name));
    Ok(object)
}

/// `current` with `patch` applied. Server-side apply is described in [`apply`].
pub fn apply(rt: &ResourceType, current: &Value, patch: &Patch) -> Result<Value, ApiError> {
    match patch.kind {
        PatchType::Json => {
            let operations: json_patch::Patch = serde_json::from_value(patch.body.clone())
                .map_err(|e| ApiError::BadRequest(format!("error decoding patch: {e}")))?;
            let mut patched = current.clone();
            // A failed patch leaves `patched` half-changed, but it is a copy that is dropped.
            // `json_patch::patch` would roll it back instead, and its rollback panics after a
            // failed `move` whose source held an earlier operation's target.
            json_patch::patch_unsafe(&mut patched, &operations).map_err(|e| {
                ApiError::Unprocessable(format!(
                    "the server rejected our request due to an error in our request: {e}"
                ))
            })?;
            Ok(patched)
        }
        PatchType::Merge => {
            let mut patched = current.clone();
            json_patch::merge(&mut patched, &patch.body);
            Ok(patched)
        }
        PatchType::StrategicMerge if rt.is_custom() => Err(unsupported(rt)),
        PatchType::StrategicMerge => strategic_merge(current, &patch.body, &rt.kind),
        PatchType::Apply => {
            apply::server_side_apply(Some(current), &patch.body, patch.manager(), &rt.kind)
        }
    }
}

fn unsupported(rt: &ResourceType) -> ApiError {
    ApiError::UnsupportedMediaType(format!(
        "the body of the request was in an unknown format - accepted media types include: {}",
        accepted_patch_types(rt)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::resource::{self, Catalog};
    use serde_json::json;

    fn pods() -> std::sync::Arc<ResourceType> {
        Catalog::default()
            .by_group_resource(&resource::PODS)
            .expect("pods type")
    }

    #[test]
    fn json_patch_test_failures_are_unprocessable() {
        let patch = Patch::json(json!([{ "op": "test", "path": "/a", "value": 2 }]));
        let error = apply(&pods(), &json!({ "a": 1 }), &patch).expect_err("test op fails");
        assert_eq!(error.code().as_u16(), 422);
        let malformed = Patch::json(json!({ "op": "add" }));
        assert_eq!(
            apply(&pods(), &json!({}), &malformed)
                .expect_err("not a list")
                .code()
                .as_u16(),
            400
        );
    }

    #[test]
    fn a_failed_move_after_an_add_is_unprocessable() {
        let patch = Patch::json(json!([
            { "op": "add", "path": "/metadata/labels/x", "value": null },
            { "op": "move", "from": "/metadata", "path": "/data/a" },
        ]));
        let pod = json!({ "metadata": { "name": "web", "labels": {} } });
        let error = apply(&pods(), &pod, &patch).expect_err("no /data to move into");
        assert_eq!(error.code().as_u16(), 422);
    }

    #[test]
    fn merge_patch_deletes_with_null() {
        let patch = Patch::merge(json!({ "metadata": { "labels": { "a": null, "b": "2" } } }));
        let patched = apply(
            &pods(),
            &json!({ "metadata": { "labels": { "a": "1" } } }),
            &patch,
        )
        .expect("applies");
        assert_eq!(patched, json!({ "metadata": { "labels": { "b": "2" } } }));
    }

    #[test]
    fn content_types_map_to_patch_types() {
        assert_eq!(
            PatchType::from_content_type("application/merge-patch+json; charset=utf-8"),
            Some(PatchType::Merge)
        );
        assert_eq!(PatchType::from_content_type("application/json"), None);
    }
}
