//! The cockpit's state machine and event loop: `Msg` in, `update` the `Model`, `Effect`s out.

pub mod effect;
pub mod input;
pub mod keymap;
pub mod model;
pub mod msg;
pub mod run;
pub mod runtime;
pub mod stream;
pub mod transcript;
pub mod update;
