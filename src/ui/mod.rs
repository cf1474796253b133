//! Views: read the `Model`, draw, never mutate it or do I/O.

pub mod chat;
pub mod cockpit;
pub mod help;
pub mod highlight;
pub mod layout;
pub mod markdown;
pub mod overlay;
pub mod panes;
pub mod plan;
pub mod resource_table;
pub mod status;
pub mod svg;
pub mod theme;
pub mod watch;
pub mod wrap;
