//! Views: read the `Model`, draw, never mutate it or do I/O.

pub mod chat;
pub mod cockpit;
pub mod events;
pub mod forwards;
pub mod help;
pub mod highlight;
pub mod layout;
pub mod live_tabs;
pub mod logs;
pub mod markdown;
pub mod overlay;
pub mod panes;
pub mod plan;
pub mod resource_table;
pub mod rollouts;
pub mod status;
pub mod svg;
pub mod theme;
pub mod watch;
pub mod wrap;
