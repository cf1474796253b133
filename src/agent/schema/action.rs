//! The typed actions a plan holds, in their canonical serialised form.

use serde::{Deserialize, Deserializer, Serialize};

use super::target::{ForwardTarget, PortMapping, WorkloadKind};

/// One step the planner proposes. Only [`Action::Command`] runs anything, and only after the
/// operator approves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action_type", rename_all = "snake_case")]
pub enum Action {
    Command(CommandAction),
    Thought {
        text: String,
    },
    /// An answer or a question for the operator, optionally with a suggestion.
    Feedback {
        explanation: String,
        #[serde(default)]
        suggestion: Option<String>,
    },
    Wait {
        seconds: u32,
        #[serde(default)]
        reason: String,
    },
    Done {
        summary: String,
    },
    Error {
        message: String,
    },
    RolloutWatch(RolloutWatch),
    PortForward(PortForward),
}

impl Action {
    /// The `action_type` this action is written with.
    pub fn type_name(&self) -> &'static str {
        match self {
            Action::Command(_) => "command",
            Action::Thought { .. } => "thought",
            Action::Feedback { .. } => "feedback",
            Action::Wait { .. } => "wait",
            Action::Done { .. } => "done",
            Action::Error { .. } => "error",
            Action::RolloutWatch(_) => "rollout_watch",
            Action::PortForward(_) => "port_forward",
        }
    }
}

/// Every `action_type` a plan may use, in the order the prompt and the schema list them.
pub const ACTION_TYPES: [&str; 8] = [
    "command",
    "thought",
    "feedback",
    "wait",
    "done",
    "error",
    "rollout_watch",
    "port_forward",
];

/// A program to run with an argv (never through a shell).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandAction {
    pub argv: Vec<String>,
    #[serde(default)]
    pub explanation: String,
    /// Exit codes that count as success; `null`, missing or `[]` mean `[0]`.
    #[serde(
        default = "default_exit_codes",
        deserialize_with = "exit_codes_or_default"
    )]
    pub allowed_exit_codes: Vec<i32>,
}

/// Follow a workload's rollout in a pane.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RolloutWatch {
    pub kind: WorkloadKind,
    pub name: String,
    #[serde(default)]
    pub namespace: Option<String>,
}

/// Forward a local port to a pod or service in a pane.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortForward {
    pub target: ForwardTarget,
    pub ports: PortMapping,
    #[serde(default)]
    pub namespace: Option<String>,
}

fn default_exit_codes() -> Vec<i32> {
    vec![0]
}

fn exit_codes_or_default<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<i32>, D::Error> {
    let codes = Option::<Vec<i32>>::deserialize(deserializer)?.unwrap_or_default();
    Ok(if codes.is_empty() {
        default_exit_codes()
    } else {
        codes
    })
}
