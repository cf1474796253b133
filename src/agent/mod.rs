pub mod parse;
pub mod prompt;
pub mod schema;
