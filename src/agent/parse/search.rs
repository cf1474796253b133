//! The plans found among a reply's candidates, and the most useful error from those that failed.

use serde_json::Value;

use super::{Found, ParseError, ParseLayer, cut, repair};
use crate::agent::schema::{SchemaError, plan_from_value};

#[derive(Default)]
pub(super) struct Search {
    found: Vec<Found>,
    error: Option<ParseError>,
}

impl Search {
    /// A candidate that parsed as JSON as written.
    pub(super) fn consider_json(&mut self, value: Value) {
        match plan_from_value(value) {
            Ok(plan) => self.found.push(Found {
                plan,
                layer: ParseLayer::Extracted,
                repairs: Vec::new(),
            }),
            Err(error) => self.fail(ParseError::Schema(error)),
        }
    }

    /// A candidate that did not parse: repair it, drop an action the text cut, then decode.
    pub(super) fn consider_broken(&mut self, candidate: &str, strict_error: &serde_json::Error) {
        let Some(repaired) = repair::repair(candidate) else {
            return self.fail(ParseError::InvalidJson(strict_error.to_string()));
        };
        let Ok(mut value) = serde_json::from_str::<Value>(&repaired.json) else {
            return self.fail(ParseError::InvalidJson(strict_error.to_string()));
        };
        if let Some(cut_at) = &repaired.cut_at {
            match cut::drop_cut_action(value, cut_at) {
                Some(kept) => value = kept,
                None => return self.fail(ParseError::Truncated),
            }
        }
        match plan_from_value(value) {
            Ok(plan) => self.found.push(Found {
                plan,
                layer: ParseLayer::Repaired,
                repairs: repaired.repairs,
            }),
            Err(_) if repaired.cut_at.is_some() => self.fail(ParseError::Truncated),
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

    /// The one plan the reply holds (found by the earliest layer that found it), or why not.
    /// Different valid plans in one reply are an error: which one was meant is not guessed.
    pub(super) fn conclude(self) -> Result<Found, ParseError> {
        let mut distinct: Vec<Found> = Vec::new();
        for found in self.found {
            match distinct.iter_mut().find(|seen| seen.plan == found.plan) {
                Some(seen) if found.layer < seen.layer => *seen = found,
                Some(_) => {}
                None => distinct.push(found),
            }
        }
        if distinct.len() > 1 {
            return Err(ParseError::Ambiguous {
                count: distinct.len(),
            });
        }
        distinct
            .pop()
            .ok_or_else(|| self.error.unwrap_or(ParseError::NoJson))
    }
}

/// How much an error helps the model fix its reply; the most useful one is reported.
fn usefulness(error: &ParseError) -> u8 {
    match error {
        ParseError::Empty | ParseError::OnlyReasoning | ParseError::NoJson => 0,
        ParseError::Schema(SchemaError::NotAnObject { .. } | SchemaError::MissingActions) => 1,
        ParseError::InvalidJson(_) => 2,
        ParseError::Schema(_) => 3,
        ParseError::Truncated => 4,
        ParseError::Ambiguous { .. } => 5,
    }
}
