//! Why a JSON value is not a usable plan, worded so the model can fix it on a re-ask.

use thiserror::Error;

/// A plan that does not follow the schema. Messages name the field (`actions[1].argv`) and
/// say what is expected, because they are sent back to the model verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SchemaError {
    #[error("the reply is {found}, not a JSON object with an \"actions\" array")]
    NotAnObject { found: &'static str },
    #[error("the object has no \"actions\" array")]
    MissingActions,
    #[error("\"actions\" is {found}; it must be an array of action objects")]
    ActionsNotAnArray { found: &'static str },
    #[error("\"thought\" is {found}; it must be a string or null")]
    ThoughtNotAString { found: &'static str },
    #[error("\"actions\" is empty; give at least one action")]
    NoActions,
    #[error("\"actions\" holds {count} actions; give at most {max}, one step at a time")]
    TooManyActions { count: usize, max: usize },
    #[error("actions[{index}] is {found}; each action must be an object with an \"action_type\"")]
    ActionNotAnObject { index: usize, found: &'static str },
    #[error("actions[{index}] has no \"action_type\"; use one of {}", super::ACTION_TYPES.join(", "))]
    MissingActionType { index: usize },
    #[error("actions[{index}] has action_type \"{found}\", which is unknown; use one of {}", super::ACTION_TYPES.join(", "))]
    UnknownActionType { index: usize, found: String },
    #[error("actions[{index}] ({action_type}): {message}")]
    InvalidField {
        index: usize,
        action_type: &'static str,
        message: String,
    },
    #[error("actions[{index}].command cannot be split into argv: {message}")]
    UnsplittableCommand { index: usize, message: String },
    #[error(
        "actions[{index}].argv is empty; give the program and its arguments, e.g. [\"kubectl\", \"get\", \"pods\"]"
    )]
    EmptyArgv { index: usize },
    #[error(
        "actions[{index}].argv[0] is \"{program}\", which runs other commands; give kubectl's argv directly, without a shell or wrapper"
    )]
    ShellProgram { index: usize, program: String },
    #[error(
        "actions[{index}].argv sets {flag}; leave it out, the cockpit chooses the context and kubeconfig"
    )]
    ForbiddenFlag { index: usize, flag: String },
    #[error("actions[{index}].seconds is {seconds}; it must be between 0 and {max}")]
    WaitOutOfRange {
        index: usize,
        seconds: u32,
        max: u32,
    },
    #[error("actions[{index}].allowed_exit_codes holds {code}; exit codes are 0 to 255")]
    ExitCodeOutOfRange { index: usize, code: i32 },
    #[error("actions[{index}].{field} is empty")]
    EmptyField { index: usize, field: &'static str },
}

/// How a JSON value is described in an error message.
pub(crate) fn describe(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}
