//! Read a planner reply into a [`Plan`], trying vibe-zsh's layers in order.
//!
//! Reasoning in `<think>…</think>` is set aside first (`reasoning`). Then: (a) the whole
//! reply as JSON; (b) JSON found inside it: fenced blocks, or balanced objects in prose
//! (`extract` says which); (c) the pieces that are not JSON, repaired ([`repair`]). The reply
//! must hold one plan across (b) and (c): different valid plans are ambiguous, never picked
//! between. The plan is reported with the earliest layer that found it. (d) Otherwise one
//! re-ask with a precise error ([`reask_message`]); (e) if the re-ask's reply fails too, it is
//! plain text. Text is never read as a command: only a JSON action with
//! `"action_type": "command"` becomes one, so "run kubectl delete pod x" in prose stays prose.

mod cut;
mod error;
mod extract;
mod preview;
mod reask;
mod reasoning;
pub mod repair;
mod search;

use serde_json::Value;

use crate::agent::schema::{Plan, plan_from_value};
use search::Search;

pub use error::ParseError;
pub use preview::PlanPreview;
pub use reask::reask_message;
pub use repair::Repair;

/// Which layer found the plan (for the audit log and the status line), earliest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParseLayer {
    /// The reply was exactly the JSON plan.
    Json,
    /// The plan was a fenced block or an object inside prose, or followed `<think>` reasoning.
    Extracted,
    /// The plan needed repairs (listed in [`ParseOutcome::Plan::repairs`]).
    Repaired,
}

impl ParseLayer {
    pub fn as_str(self) -> &'static str {
        match self {
            ParseLayer::Json => "json",
            ParseLayer::Extracted => "extracted",
            ParseLayer::Repaired => "repaired",
        }
    }
}

/// What to do with a reply.
#[derive(Debug, Clone, PartialEq)]
pub enum ParseOutcome {
    /// A valid plan, the layer that found it, and the repairs it took (empty unless repaired).
    Plan {
        plan: Plan,
        layer: ParseLayer,
        repairs: Vec<Repair>,
    },
    /// No plan: send [`reask_message`]`(&error)` to the model once, then parse its answer
    /// with [`parse_reask_reply`].
    NeedsReask { error: ParseError },
    /// No plan even after the re-ask: show the reply as text. It never becomes a command.
    Text(String),
}

/// Parse the planner's first reply to a request.
pub fn parse_reply(reply: &str) -> ParseOutcome {
    match find_plan(reply) {
        Ok(found) => found.into_outcome(),
        Err(error) => ParseOutcome::NeedsReask { error },
    }
}

/// Parse the reply to a re-ask: a failure now means the reply is shown as text.
pub fn parse_reask_reply(reply: &str) -> ParseOutcome {
    match find_plan(reply) {
        Ok(found) => found.into_outcome(),
        Err(_) => ParseOutcome::Text(reply.trim().to_string()),
    }
}

struct Found {
    plan: Plan,
    layer: ParseLayer,
    repairs: Vec<Repair>,
}

impl Found {
    fn into_outcome(self) -> ParseOutcome {
        ParseOutcome::Plan {
            plan: self.plan,
            layer: self.layer,
            repairs: self.repairs,
        }
    }
}

fn find_plan(reply: &str) -> Result<Found, ParseError> {
    let answer = reasoning::without_reasoning(reply);
    let text = answer
        .unwrap_or(reply)
        .trim_start_matches('\u{feff}')
        .trim();
    if text.is_empty() {
        return Err(match answer {
            Some(_) => ParseError::OnlyReasoning,
            None => ParseError::Empty,
        });
    }
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        return Ok(Found {
            plan: plan_from_value(value)?,
            layer: match answer {
                Some(_) => ParseLayer::Extracted,
                None => ParseLayer::Json,
            },
            repairs: Vec::new(),
        });
    }
    let mut search = Search::default();
    for candidate in extract::candidates(text) {
        match serde_json::from_str::<Value>(candidate) {
            Ok(value) => search.consider_json(value),
            Err(strict_error) => search.consider_broken(candidate, &strict_error),
        }
    }
    search.conclude()
}
