//! The risk policy for commands the model plans: our code decides from the argv how much a
//! command can hurt, never the model's word.
//!
//! [`parse_command`] turns a command line into an argv without a shell, [`check_argv`]
//! refuses shell syntax and the flags the cockpit owns, and [`classify`] reads the argv into a
//! [`Classification`]: a [`Risk`] with its reasons, the objects touched, and what the
//! approval pane needs. The rules, each with its reason, are listed in `rules.rs`.

mod args;
mod classification;
mod error;
mod kinds;
mod patch_body;
mod refusal;
mod rules;
mod shell;
mod targets;

pub use classification::{Classification, DryRun, Risk, Selector};
pub use error::{PolicyError, ShellSyntax};
pub use refusal::check_argv;
pub use rules::classify;
pub use shell::parse_command;
pub use targets::ResourceRef;
