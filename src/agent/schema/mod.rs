//! The planner's reply: a flat plan of typed actions, its JSON Schema, and its validation.
//!
//! Wire form (every field shown; `thought` and `memory` may be null or left out):
//!
//! ```json
//! {"thought": "checkout pods may be crashing", "memory": null,
//!  "actions": [{"action_type": "command", "argv": ["kubectl", "get", "pods"],
//!               "explanation": "list the pods", "allowed_exit_codes": [0]}]}
//! ```

mod action;
mod decode;
mod error;
mod json_schema;
mod target;
mod validate;

use serde::{Deserialize, Serialize};

pub use action::{ACTION_TYPES, Action, CommandAction, PortForward, RolloutWatch};
pub use decode::plan_from_value;
pub use error::SchemaError;
pub use json_schema::{PLAN_SCHEMA_NAME, plan_json_schema};
pub use target::{ForwardKind, ForwardTarget, PortMapping, WorkloadKind};

/// Most actions one plan may hold: the planner works one step at a time.
pub const MAX_ACTIONS: usize = 10;

/// Longest wait a plan may ask for, in seconds.
pub const MAX_WAIT_SECONDS: u32 = 600;

/// What the planner proposes for one turn. Build it with [`plan_from_value`], which validates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The model's short reasoning, shown above the actions.
    pub thought: Option<String>,
    pub actions: Vec<Action>,
    /// The memory notes rewritten by the model, when it updates them (sent with the plan
    /// that follows a command's output, so memory needs no call of its own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
}

impl Plan {
    /// The commands of the plan, in order.
    pub fn commands(&self) -> impl Iterator<Item = &CommandAction> {
        self.actions.iter().filter_map(|action| match action {
            Action::Command(command) => Some(command),
            _ => None,
        })
    }
}
