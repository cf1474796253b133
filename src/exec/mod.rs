//! Running planned kubectl commands: the argv the cockpit runs, the child process with its
//! batched output, what is kept of that output for the model and for saving, and the preview
//! of a mutating command before it is approved.
//!
//! Nothing here goes through a shell: argv words are passed to the program as they are.

mod argv;
mod captured;
mod event;
mod lines;
mod noise;
mod preview;
mod process;
mod run;
mod spawn;

pub use argv::cockpit_argv;
pub use captured::{CapturedOutput, DEFAULT_KEEP_LINES};
pub use event::{ExecEvent, ExecReport, OutputLine, OutputStream};
pub use lines::MAX_LINE_BYTES;
pub use preview::{Preview, preview};
pub use run::MESSAGE_LINES;
pub use spawn::{ExecError, ExecRequest, INSTALL_HINT, RunningCommand, spawn};
