//! The cockpit's state machine and event loop: `Msg` in, `update` the `Model`, `Effect`s out.

pub mod agent_loop;
pub mod command;
pub mod editor;
pub mod effect;
pub mod input;
pub mod journal;
pub mod keymap;
pub mod memory;
pub mod model;
pub mod msg;
pub mod plan;
pub mod preview;
pub mod redraw;
pub mod run;
pub mod runtime;
pub mod stream;
pub mod transcript;
pub mod update;
pub mod watch;
pub mod watch_task;
