//! Files kubevibe keeps across sessions under the data directory.

pub mod audit;
pub mod forwards;
pub mod history;
pub mod memory;

pub use history::{DEFAULT_CAPACITY, HistoryCursor, HistoryError, PromptHistory};
pub use memory::MemoryStore;
