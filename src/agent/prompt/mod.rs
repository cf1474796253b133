//! The planner's request: its system prompt, and the turn that carries the operator's request.

mod preamble;

use crate::agent::schema::{PLAN_SCHEMA_NAME, plan_json_schema};
use crate::llm::{ChatMessage, ChatRequest, ResponseFormat, Role};

pub use preamble::{ClusterContext, user_turn};

/// The planner's system prompt (`assets/prompts/planner_system.md`).
pub const PLANNER_SYSTEM_PROMPT: &str = include_str!("../../../assets/prompts/planner_system.md");

/// Most tokens the system prompt may cost, by [`estimate_tokens`]: small local models follow a
/// short prompt better, and it is sent with every request.
pub const PLANNER_PROMPT_TOKEN_BUDGET: usize = 600;

/// Room for a plan of [`crate::agent::schema::MAX_ACTIONS`] short actions.
pub const PLANNER_MAX_TOKENS: u32 = 1024;

/// Low but not zero: small models loop on repeated text at temperature 0.
pub const PLANNER_TEMPERATURE: f32 = 0.2;

/// A rough token count, `ceil(chars / 4)`, good enough for budgets.
pub fn estimate_tokens(text: &str) -> usize {
    text.chars().count().div_ceil(4)
}

/// The request for one planning turn: the system prompt, the earlier turns unchanged, then
/// the operator's request behind a compact preamble (cluster context and memory). Memory and
/// context go in the last turn rather than the system prompt, so the system prompt and the
/// history stay a stable prefix that providers can cache.
pub fn build_planner_request(
    system: &str,
    memory: &str,
    context: &ClusterContext,
    history: &[ChatMessage],
    request: &str,
) -> ChatRequest {
    let mut messages = history.to_vec();
    messages.push(ChatMessage {
        role: Role::User,
        content: user_turn(memory, context, request),
    });
    ChatRequest {
        system: Some(system.to_string()),
        messages,
        max_tokens: Some(PLANNER_MAX_TOKENS),
        temperature: Some(PLANNER_TEMPERATURE),
        response_format: Some(ResponseFormat {
            name: PLAN_SCHEMA_NAME.to_owned(),
            schema: plan_json_schema(),
        }),
    }
}
