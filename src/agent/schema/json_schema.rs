//! The plan's JSON Schema, written for strict structured output.
//!
//! It follows OpenAI's strict-mode subset: the root is an object, every object lists all its
//! properties as required and sets `"additionalProperties": false`, optional values are
//! nullable (`["string", "null"]`), and the action kinds are an `anyOf` of objects each pinned
//! by a one-value `enum` on `action_type`. Sent as
//! `response_format: {"type": "json_schema", "json_schema": {"name": PLAN_SCHEMA_NAME,
//! "strict": true, "schema": plan_json_schema()}}`.
//!
//! The same value works elsewhere:
//! - Ollama: `"format": plan_json_schema()` on `/api/chat`, or the `response_format` above on
//!   its OpenAI-compatible `/v1` endpoint; it is turned into a sampling grammar, so even a
//!   small local model can only emit text that fits.
//! - Anthropic: one tool (`name: PLAN_SCHEMA_NAME`, `input_schema: plan_json_schema()`) forced
//!   with `tool_choice: {"type": "tool", "name": PLAN_SCHEMA_NAME}`, the plan being the tool
//!   call's input; or, without tools, an assistant turn prefilled with `{` so the reply
//!   continues the object (then the reply needs that `{` put back before parsing).
//!
//! Decoding stays lenient either way ([`super::plan_from_value`]); the schema only makes
//! malformed replies rarer.

use serde_json::{Value, json};

use super::{MAX_ACTIONS, MAX_WAIT_SECONDS};

/// The `name` used for the schema in `response_format` and for the Anthropic tool.
pub const PLAN_SCHEMA_NAME: &str = "kubevibe_plan";

/// JSON Schema of a plan, accepted by OpenAI's strict structured output.
pub fn plan_json_schema() -> Value {
    let actions = vec![
        action(
            "command",
            json!({
                "argv": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                "explanation": {"type": "string"},
                "allowed_exit_codes": {"type": ["array", "null"], "items": {"type": "integer"}},
            }),
        ),
        action("thought", json!({"text": {"type": "string"}})),
        action(
            "feedback",
            json!({
                "explanation": {"type": "string"},
                "suggestion": {"type": ["string", "null"]},
            }),
        ),
        action(
            "wait",
            json!({
                "seconds": {"type": "integer", "minimum": 0, "maximum": MAX_WAIT_SECONDS},
                "reason": {"type": "string"},
            }),
        ),
        action("done", json!({"summary": {"type": "string"}})),
        action("error", json!({"message": {"type": "string"}})),
        action(
            "rollout_watch",
            json!({
                "kind": {"type": "string", "enum": ["deployment", "statefulset", "daemonset"]},
                "name": {"type": "string"},
                "namespace": {"type": ["string", "null"]},
            }),
        ),
        action(
            "port_forward",
            json!({
                "target": {"type": "string", "description": "pod/NAME or svc/NAME"},
                "ports": {"type": "string", "description": "LOCAL:REMOTE, e.g. 8080:80"},
                "namespace": {"type": ["string", "null"]},
            }),
        ),
    ];
    strict_object(json!({
        "thought": {"type": ["string", "null"]},
        "memory": {"type": ["string", "null"]},
        "actions": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_ACTIONS,
            "items": {"anyOf": actions},
        },
    }))
}

/// One action kind: its own fields plus `action_type` pinned to `name`.
fn action(name: &str, fields: Value) -> Value {
    let mut properties = json!({"action_type": {"type": "string", "enum": [name]}});
    if let (Some(all), Value::Object(fields)) = (properties.as_object_mut(), fields) {
        all.extend(fields);
    }
    strict_object(properties)
}

/// An object that requires every property and allows no other.
fn strict_object(properties: Value) -> Value {
    let required: Vec<Value> = properties
        .as_object()
        .map(|fields| fields.keys().cloned().map(Value::String).collect())
        .unwrap_or_default();
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}
