//! Views: drawing the model into the terminal, never mutating it.

pub mod highlight;
pub mod markdown;
pub mod wrap;
