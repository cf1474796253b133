//! The planner: typed actions and their schema, layered parsing of model replies, the planning
//! prompt, and the safety layer — the risk policy for planned commands and secret redaction.

pub mod mode;
pub mod parse;
pub mod policy;
pub mod prompt;
pub mod redact;
pub mod schema;
