//! The planner's safety layer: the risk policy for planned commands and redaction of secrets.

pub mod policy;
pub mod redact;
