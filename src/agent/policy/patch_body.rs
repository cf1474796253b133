//! Reads a `kubectl patch` body for a change to zero replicas, which stops every pod.

use serde_json::Value;

/// Whether the patch sets `spec.replicas` to 0, as a merge or strategic patch
/// (`{"spec":{"replicas":0}}`) or a JSON patch (`[{"op":"replace","path":"/spec/replicas",
/// "value":0}]`). A body that is not JSON (YAML patches) is not recognised.
pub(crate) fn scales_to_zero(body: &str) -> bool {
    let Ok(patch) = serde_json::from_str::<Value>(body) else {
        return false;
    };
    match &patch {
        Value::Object(_) => patch.pointer("/spec/replicas").is_some_and(is_zero),
        Value::Array(operations) => operations.iter().any(|operation| {
            matches!(
                operation.get("op").and_then(Value::as_str),
                Some("add" | "replace")
            ) && operation.get("path").and_then(Value::as_str) == Some("/spec/replicas")
                && operation.get("value").is_some_and(is_zero)
        }),
        _ => false,
    }
}

fn is_zero(value: &Value) -> bool {
    value.as_u64() == Some(0) || value.as_f64() == Some(0.0) || value.as_str() == Some("0")
}
