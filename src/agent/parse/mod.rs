//! Read a planner reply into a [`Plan`], trying vibe-zsh's layers in order.
//!
//! (a) the whole reply as JSON; (b) JSON found inside it — fenced blocks, or balanced objects
//! in prose ([`extract`] says which); (c) those pieces repaired ([`repair`]); (d) otherwise one
//! re-ask with a precise error ([`reask_message`]); (e) if the re-ask's reply fails too, the
//! reply is plain text. The first layer that yields a valid plan wins. Text is never read as a
//! command: only a JSON action with `"action_type": "command"` becomes one, so "run kubectl
//! delete pod x" in prose stays prose.

mod cut;
mod error;
mod extract;
mod reask;
pub mod repair;

use serde_json::Value;

use crate::agent::schema::{Plan, SchemaError, plan_from_value};

pub use error::ParseError;
pub use reask::reask_message;
pub use repair::Repair;

/// Which layer found the plan (for the audit log and the status line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseLayer {
    /// The reply was exactly the JSON plan.
    Json,
    /// The plan was a fenced block or an object inside prose.
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
    let reply = reply.trim_start_matches('\u{feff}').trim();
    if reply.is_empty() {
        return Err(ParseError::Empty);
    }
    if let Ok(value) = serde_json::from_str::<Value>(reply) {
        let plan = plan_from_value(value)?;
        return Ok(Found {
            plan,
            layer: ParseLayer::Json,
            repairs: Vec::new(),
        });
    }
    let mut search = Search::default();
    let mut broken = Vec::new();
    for candidate in extract::candidates(reply) {
        match serde_json::from_str::<Value>(candidate) {
            Ok(value) => search.consider(value, Vec::new(), false),
            Err(error) => broken.push((candidate, error)),
        }
    }
    if let Some(found) = search.conclude(ParseLayer::Extracted)? {
        return Ok(found);
    }
    for (candidate, strict_error) in broken {
        let Some(repaired) = repair::repair(candidate) else {
            search.fail(ParseError::InvalidJson(strict_error.to_string()));
            continue;
        };
        let Ok(value) = serde_json::from_str::<Value>(&repaired.json) else {
            search.fail(ParseError::InvalidJson(strict_error.to_string()));
            continue;
        };
        match &repaired.cut_at {
            Some(cut_at) => match cut::drop_cut_action(value, cut_at) {
                Some(value) => search.consider(value, repaired.repairs, true),
                None => search.fail(ParseError::Truncated),
            },
            None => search.consider(value, repaired.repairs, false),
        }
    }
    match search.conclude(ParseLayer::Repaired)? {
        Some(found) => Ok(found),
        None => Err(search.error.unwrap_or(ParseError::NoJson)),
    }
}

/// The valid plans found so far, and the most useful error from the candidates that failed.
#[derive(Default)]
struct Search {
    plans: Vec<(Plan, Vec<Repair>)>,
    error: Option<ParseError>,
}

impl Search {
    fn consider(&mut self, value: Value, repairs: Vec<Repair>, was_cut: bool) {
        match plan_from_value(value) {
            Ok(plan) => self.plans.push((plan, repairs)),
            Err(_) if was_cut => self.fail(ParseError::Truncated),
            Err(error) => self.fail(ParseError::Schema(error)),
        }
    }

    fn fail(&mut self, error: ParseError) {
        let better = self
            .error
            .as_ref()
            .is_none_or(|current| usefulness(&error) > usefulness(current));
        if better {
            self.error = Some(error);
        }
    }

    /// The one plan found, none, or an error when the reply holds different plans.
    fn conclude(&mut self, layer: ParseLayer) -> Result<Option<Found>, ParseError> {
        let mut distinct: Vec<(Plan, Vec<Repair>)> = Vec::new();
        for (plan, repairs) in std::mem::take(&mut self.plans) {
            if !distinct.iter().any(|(seen, _)| *seen == plan) {
                distinct.push((plan, repairs));
            }
        }
        if distinct.len() > 1 {
            return Err(ParseError::Ambiguous {
                count: distinct.len(),
            });
        }
        Ok(distinct.pop().map(|(plan, repairs)| Found {
            plan,
            layer,
            repairs,
        }))
    }
}

/// How much an error helps the model fix its reply; the most useful one is reported.
fn usefulness(error: &ParseError) -> u8 {
    match error {
        ParseError::Empty | ParseError::NoJson => 0,
        ParseError::Schema(SchemaError::NotAnObject { .. } | SchemaError::MissingActions) => 1,
        ParseError::InvalidJson(_) => 2,
        ParseError::Schema(_) => 3,
        ParseError::Truncated => 4,
        ParseError::Ambiguous { .. } => 5,
    }
}
