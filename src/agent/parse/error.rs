//! Why no plan could be read from a reply; the text is what the re-ask tells the model.

use thiserror::Error;

use crate::agent::schema::SchemaError;

/// The most useful reason a reply gave no plan.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    #[error("the reply was empty")]
    Empty,
    #[error("the reply held only <think> reasoning and no answer")]
    OnlyReasoning,
    #[error("the reply holds no JSON object")]
    NoJson,
    #[error("the JSON is invalid: {0}")]
    InvalidJson(String),
    #[error("the reply was cut off before the JSON was complete")]
    Truncated,
    #[error("the reply holds {count} different plans; send exactly one")]
    Ambiguous { count: usize },
    #[error(transparent)]
    Schema(#[from] SchemaError),
}
