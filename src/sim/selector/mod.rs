//! Label and field selectors: parsing the query-string forms and matching stored objects.

mod field;
mod label;

pub use field::{FieldRequirement, FieldSelector};
pub use label::{LabelSelector, Operator, Requirement, label_key_problem, label_value_problem};

use serde_json::Value;

/// The string form (`app=web,tier in (a,b)`) of a `LabelSelector` object (`matchLabels`,
/// `matchExpressions`), as `kubectl` and the scale subresource show it.
pub fn label_selector_string(selector: &Value) -> String {
    let mut parts = Vec::new();
    if let Some(labels) = selector.get("matchLabels").and_then(Value::as_object) {
        for (key, value) in labels {
            parts.push(format!("{key}={}", value.as_str().unwrap_or("")));
        }
    }
    if let Some(expressions) = selector.get("matchExpressions").and_then(Value::as_array) {
        for expression in expressions {
            let key = expression["key"].as_str().unwrap_or("");
            let values: Vec<&str> = expression["values"]
                .as_array()
                .map(|v| v.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let part = match expression["operator"].as_str().unwrap_or("") {
                "In" => format!("{key} in ({})", values.join(",")),
                "NotIn" => format!("{key} notin ({})", values.join(",")),
                "Exists" => key.to_string(),
                "DoesNotExist" => format!("!{key}"),
                _ => continue,
            };
            parts.push(part);
        }
    }
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selector_objects_render_like_kubectl() {
        let selector = json!({
            "matchLabels": { "app": "web" },
            "matchExpressions": [
                { "key": "tier", "operator": "In", "values": ["a", "b"] },
                { "key": "canary", "operator": "DoesNotExist" }
            ]
        });
        assert_eq!(
            label_selector_string(&selector),
            "app=web,tier in (a,b),!canary"
        );
    }
}
