//! Files kubevibe keeps across sessions under the data directory.

pub mod history;

pub use history::{DEFAULT_CAPACITY, HistoryCursor, HistoryError, PromptHistory};
