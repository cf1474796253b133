//! The one message sent back to the model when its reply gave no plan.

use super::ParseError;

/// A complete, minimal plan the model can copy the shape of.
const PLAN_EXAMPLE: &str = r#"{"thought": "...", "actions": [{"action_type": "command", "argv": ["kubectl", "get", "pods"], "explanation": "...", "allowed_exit_codes": [0]}]}"#;

/// The user message asking the model, once, for a usable reply.
pub fn reask_message(error: &ParseError) -> String {
    let advice = match error {
        ParseError::Truncated => " Keep it shorter: fewer actions, brief explanations.",
        _ => "",
    };
    format!(
        "Your last reply could not be used: {error}.{advice}\n\
         Reply again with exactly one JSON object and nothing else (no prose, no code fences), \
         shaped like:\n{PLAN_EXAMPLE}"
    )
}
