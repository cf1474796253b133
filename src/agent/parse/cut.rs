//! Drop the action a truncated reply was in the middle of writing.
//!
//! A cut action is never used, not even the part that arrived: a cut `argv` could be a shorter
//! command than the one meant (`--replicas=1` from `--replicas=10`, a lost `--dry-run`).
//! Actions completed before the cut stay.

use serde_json::Value;

use super::repair::PathSegment;

/// `value` with the action open at `cut_at` removed (and every action after it, of which
/// there are none in a cut text); `None` when the root itself was a single cut action.
pub fn drop_cut_action(value: Value, cut_at: &[PathSegment]) -> Option<Value> {
    match (value, cut_at) {
        (Value::Array(mut actions), [PathSegment::Index(index), ..]) => {
            actions.truncate(*index);
            Some(Value::Array(actions))
        }
        (Value::Object(mut plan), [PathSegment::Key(key), rest @ ..])
            if plan.contains_key("actions") =>
        {
            if key == "actions" {
                match (plan.get_mut("actions"), rest) {
                    (Some(Value::Array(actions)), [PathSegment::Index(index), ..]) => {
                        actions.truncate(*index)
                    }
                    (Some(Value::Array(_)), []) => {}
                    _ => {
                        plan.remove("actions");
                    }
                }
            }
            Some(Value::Object(plan))
        }
        (Value::Object(plan), []) if plan.contains_key("actions") => Some(Value::Object(plan)),
        (Value::Array(actions), []) => Some(Value::Array(actions)),
        _ => None,
    }
}
