//! Read a plan from parsed JSON, forgiving the shapes small models often write.
//!
//! Forgiven (each is unambiguous): a bare array of actions or a single action object instead
//! of `{"actions": [...]}`; `"actions"` holding one object instead of an array; `action_type`
//! in any case or with `-`/space (`"COMMAND"`, `"Rollout-Watch"`), or written as `"type"`;
//! a command given as a string (`"command": "kubectl get pods"` or `"argv": "kubectl get pods"`),
//! split without a shell so that `|` or `&&` stay visible as arguments; unknown extra fields.
//! Everything else is an error that names the field.

use serde_json::{Map, Value};

use super::action::{ACTION_TYPES, Action};
use super::error::{SchemaError, describe};
use super::{Plan, validate};

/// Read and validate a plan from a JSON value.
pub fn plan_from_value(value: Value) -> Result<Plan, SchemaError> {
    let (thought, memory, actions) = split_plan(value)?;
    let actions = actions
        .into_iter()
        .enumerate()
        .map(|(index, action)| action_from_value(index, action))
        .collect::<Result<Vec<_>, _>>()?;
    let plan = Plan {
        thought,
        actions,
        memory,
    };
    validate::validate(&plan)?;
    Ok(plan)
}

/// A plan's thought, memory and raw actions.
type PlanParts = (Option<String>, Option<String>, Vec<Value>);

/// The plan's thought, memory and raw actions, whichever of the accepted shapes was written.
fn split_plan(value: Value) -> Result<PlanParts, SchemaError> {
    let mut object = match value {
        Value::Array(actions) => return Ok((None, None, actions)),
        Value::Object(object) => object,
        other => {
            return Err(SchemaError::NotAnObject {
                found: describe(&other),
            });
        }
    };
    if !object.contains_key("actions") && type_field(&object).is_some() {
        return Ok((None, None, vec![Value::Object(object)]));
    }
    let thought = match object.remove("thought") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text),
        Some(other) => {
            return Err(SchemaError::ThoughtNotAString {
                found: describe(&other),
            });
        }
    };
    // A memory that is not text is dropped rather than failing the plan: it is a side note.
    let memory = match object.remove("memory") {
        Some(Value::String(text)) if !text.trim().is_empty() => Some(text),
        _ => None,
    };
    let actions = match object.remove("actions") {
        None => return Err(SchemaError::MissingActions),
        Some(Value::Array(actions)) => actions,
        Some(action @ Value::Object(_)) => vec![action],
        Some(other) => {
            return Err(SchemaError::ActionsNotAnArray {
                found: describe(&other),
            });
        }
    };
    Ok((thought, memory, actions))
}

fn type_field(object: &Map<String, Value>) -> Option<&Value> {
    object.get("action_type").or_else(|| object.get("type"))
}

fn action_from_value(index: usize, value: Value) -> Result<Action, SchemaError> {
    let mut object = match value {
        Value::Object(object) => object,
        other => {
            return Err(SchemaError::ActionNotAnObject {
                index,
                found: describe(&other),
            });
        }
    };
    let action_type = canonical_type(index, type_field(&object))?;
    object.insert("action_type".into(), Value::String(action_type.into()));
    if action_type == "command" {
        normalise_argv(index, &mut object)?;
    }
    serde_json::from_value(Value::Object(object)).map_err(|error| SchemaError::InvalidField {
        index,
        action_type,
        message: error.to_string(),
    })
}

fn canonical_type(index: usize, written: Option<&Value>) -> Result<&'static str, SchemaError> {
    let written = match written {
        None | Some(Value::Null) => return Err(SchemaError::MissingActionType { index }),
        Some(Value::String(text)) => text.as_str(),
        Some(other) => {
            return Err(SchemaError::UnknownActionType {
                index,
                found: other.to_string(),
            });
        }
    };
    let squashed = squash(written);
    ACTION_TYPES
        .into_iter()
        .find(|known| squash(known) == squashed)
        .ok_or_else(|| SchemaError::UnknownActionType {
            index,
            found: written.to_string(),
        })
}

/// Lower case without separators: `Rollout-Watch`, `ROLLOUT_WATCH` and `rollout watch` agree.
fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Make `argv` an array of strings, taking it from `command` when `argv` is absent.
fn normalise_argv(index: usize, object: &mut Map<String, Value>) -> Result<(), SchemaError> {
    let written = match object.remove("argv") {
        Some(argv) => Some(argv),
        None => object.remove("command"),
    };
    let argv = match written {
        Some(Value::String(line)) => split_command(index, &line)?,
        Some(other) => other,
        None => return Ok(()),
    };
    object.insert("argv".into(), argv);
    Ok(())
}

fn split_command(index: usize, line: &str) -> Result<Value, SchemaError> {
    let words = shell_words::split(line).map_err(|error| SchemaError::UnsplittableCommand {
        index,
        message: error.to_string(),
    })?;
    Ok(Value::Array(words.into_iter().map(Value::String).collect()))
}
