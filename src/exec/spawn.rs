//! Starting a command: the request, the spawn itself and the handle that cancels it.

use std::io;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::{Notify, mpsc};

use super::captured::DEFAULT_KEEP_LINES;
use super::event::ExecEvent;
use super::run::{Control, run};

/// Where kubectl comes from, for the message when it is missing.
pub const INSTALL_HINT: &str = "https://kubernetes.io/docs/tasks/tools/";

/// The default limit on one command's run time.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// One command to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecRequest {
    /// The full argv, `argv[0]` = `"kubectl"` (see [`crate::exec::cockpit_argv`]); `argv[0]`
    /// names the command for messages, `program` is what runs.
    pub argv: Vec<String>,
    /// The program to run: `kubectl` looked up on `PATH` by default.
    pub program: PathBuf,
    /// Set as `KUBECONFIG` in the child's environment.
    pub kubeconfig: Option<PathBuf>,
    /// The command is killed after this long and its report says it timed out.
    pub timeout: Duration,
    /// How many lines a [`crate::exec::CapturedOutput`] built for this request keeps.
    pub keep_lines: usize,
}

impl ExecRequest {
    /// `argv` run by `kubectl` from `PATH`, the inherited `KUBECONFIG`, a 5 minute timeout and
    /// 200 000 kept lines.
    pub fn new(argv: Vec<String>) -> Self {
        Self {
            argv,
            program: PathBuf::from("kubectl"),
            kubeconfig: None,
            timeout: DEFAULT_TIMEOUT,
            keep_lines: DEFAULT_KEEP_LINES,
        }
    }

    #[must_use]
    pub fn program(mut self, program: impl Into<PathBuf>) -> Self {
        self.program = program.into();
        self
    }

    #[must_use]
    pub fn kubeconfig(mut self, kubeconfig: Option<PathBuf>) -> Self {
        self.kubeconfig = kubeconfig;
        self
    }

    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    #[error(
        "`{program}` was not found: install kubectl ({hint}) or put it on PATH",
        hint = INSTALL_HINT
    )]
    KubectlMissing { program: String },
    #[error("the command is empty: there is nothing to run")]
    EmptyArgv,
    #[error("`{program}` could not be started: {source}")]
    Spawn {
        program: String,
        #[source]
        source: io::Error,
    },
    #[error("commands are started from inside the tokio runtime")]
    NoRuntime,
}

impl ExecError {
    /// Where to get kubectl, for [`ExecError::KubectlMissing`].
    pub fn install_hint(&self) -> Option<&'static str> {
        matches!(self, Self::KubectlMissing { .. }).then_some(INSTALL_HINT)
    }
}

/// A running command. Cancelling or dropping it kills the command's whole process group.
#[derive(Debug)]
pub struct RunningCommand {
    pid: u32,
    control: Arc<Control>,
}

impl RunningCommand {
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Kills the process group now; the final report says `cancelled` unless the command had
    /// already ended.
    pub fn cancel(&self) {
        self.control.cancel();
    }
}

impl Drop for RunningCommand {
    fn drop(&mut self) {
        self.control.cancel();
    }
}

/// Starts `request` in its own process group with stdin closed and both outputs piped, and
/// reports on `events`: [`ExecEvent::Started`], batches of [`ExecEvent::Output`], and one
/// [`ExecEvent::Finished`]. Must be called inside a tokio runtime.
pub fn spawn(
    request: ExecRequest,
    events: mpsc::Sender<ExecEvent>,
) -> Result<RunningCommand, ExecError> {
    let runtime = tokio::runtime::Handle::try_current().map_err(|_| ExecError::NoRuntime)?;
    if request.argv.is_empty() {
        return Err(ExecError::EmptyArgv);
    }
    let program = request.program.display().to_string();
    let mut command = tokio::process::Command::new(&request.program);
    command
        .args(&request.argv[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    #[cfg(unix)]
    command.process_group(0);
    if let Some(kubeconfig) = &request.kubeconfig {
        command.env("KUBECONFIG", kubeconfig);
    }
    let started = tokio::time::Instant::now();
    let mut child = command.spawn().map_err(|source| match source.kind() {
        io::ErrorKind::NotFound => ExecError::KubectlMissing {
            program: program.clone(),
        },
        _ => ExecError::Spawn {
            program: program.clone(),
            source,
        },
    })?;
    let pid = child.id().unwrap_or_default();
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let control = Arc::new(Control {
        pid,
        cancelled: AtomicBool::new(false),
        finished: AtomicBool::new(false),
        notify: Notify::new(),
    });
    runtime.spawn(run(
        child,
        stdout,
        stderr,
        events,
        Arc::clone(&control),
        started,
        request.timeout,
    ));
    Ok(RunningCommand { pid, control })
}

impl Control {
    fn cancel(&self) {
        if self.finished.load(Ordering::Acquire) {
            return;
        }
        self.cancelled.store(true, Ordering::Release);
        self.notify.notify_one();
    }
}
