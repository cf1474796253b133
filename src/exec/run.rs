//! The task that owns a running child: reads both pipes into batches of lines, enforces the
//! timeout and cancellation by killing the process group, and sends the final report.

use std::io;
use std::process::ExitStatus;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures::FutureExt;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::{Child, ChildStderr, ChildStdout};
use tokio::sync::{Notify, mpsc};
use tokio::time::Instant;

use super::event::{ExecEvent, ExecReport, OutputLine, OutputStream};
use super::lines::LineSplitter;
use super::process::{abnormal_end, kill_group};

/// Bytes asked for per read.
const READ_SIZE: usize = 64 * 1024;
/// Reads that were ready at once joined into one batch, at most.
const READS_PER_BATCH: usize = 64;
/// Most lines in one `Output` message: the cockpit handles one message at a time, so a
/// smaller message keeps a key pressed during a flood from waiting behind a huge batch.
pub const MESSAGE_LINES: usize = 4096;
/// Lines waiting for the receiver before the pipes are left unread (the child then blocks on
/// a full pipe instead of the cockpit growing without bound).
const MAX_PENDING_LINES: usize = 64 * 1024;

/// Shared between the task and the [`super::RunningCommand`] handle.
#[derive(Debug)]
pub(crate) struct Control {
    pub pid: u32,
    pub cancelled: AtomicBool,
    pub finished: AtomicBool,
    pub notify: Notify,
}

struct Pipe<R> {
    reader: Option<R>,
    splitter: LineSplitter,
    buffer: Vec<u8>,
}

impl<R: AsyncRead + Unpin> Pipe<R> {
    fn new(reader: Option<R>, stream: OutputStream) -> Self {
        Self {
            reader,
            splitter: LineSplitter::new(stream),
            buffer: vec![0; READ_SIZE],
        }
    }

    fn open(&self) -> bool {
        self.reader.is_some()
    }

    async fn read(&mut self) -> io::Result<usize> {
        match &mut self.reader {
            Some(reader) => reader.read(&mut self.buffer).await,
            None => Ok(0),
        }
    }

    /// Takes in one read's result; returns an error message when the read failed.
    fn take(&mut self, read: io::Result<usize>, out: &mut Vec<OutputLine>) -> Option<String> {
        match read {
            Ok(0) => {
                self.close(out);
                None
            }
            Ok(count) => {
                self.splitter.push(&self.buffer[..count], out);
                None
            }
            Err(error) => {
                self.close(out);
                Some(format!("reading the output failed: {error}"))
            }
        }
    }

    /// Joins whatever else is readable right now into the same batch.
    fn take_ready(&mut self, out: &mut Vec<OutputLine>, errors: &mut Vec<String>) {
        for _ in 0..READS_PER_BATCH {
            if !self.open() || out.len() >= MAX_PENDING_LINES {
                return;
            }
            let Some(read) = self.read().now_or_never() else {
                return;
            };
            errors.extend(self.take(read, out));
        }
    }

    fn close(&mut self, out: &mut Vec<OutputLine>) {
        self.reader = None;
        self.splitter.finish(out);
    }
}

/// Runs until the child has ended and both pipes are closed, then sends the report.
pub(crate) async fn run(
    mut child: Child,
    stdout: Option<ChildStdout>,
    stderr: Option<ChildStderr>,
    events: mpsc::Sender<ExecEvent>,
    control: Arc<Control>,
    started: Instant,
    timeout: Duration,
) {
    let pid = control.pid;
    let mut listening = events.send(ExecEvent::Started { pid }).await.is_ok();
    let mut out = Pipe::new(stdout, OutputStream::Stdout);
    let mut err = Pipe::new(stderr, OutputStream::Stderr);
    let mut pending: Vec<OutputLine> = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    let mut status: Option<io::Result<ExitStatus>> = None;
    let (mut cancelled, mut timed_out) = (false, false);
    let mut total_lines = 0;
    let deadline = tokio::time::sleep_until(started + timeout);
    tokio::pin!(deadline);
    while status.is_none() || out.open() || err.open() || (listening && !pending.is_empty()) {
        let room = pending.len() < MAX_PENDING_LINES;
        let running = status.is_none() && !cancelled && !timed_out;
        tokio::select! {
            biased;
            () = control.notify.notified(), if running => {
                cancelled = true;
                kill_group(pid);
            }
            () = &mut deadline, if running => {
                timed_out = true;
                kill_group(pid);
            }
            result = child.wait(), if status.is_none() => {
                status = Some(result);
                // Whatever the command left running would keep the pipes open.
                kill_group(pid);
            }
            permit = events.reserve(), if listening && !pending.is_empty() => match permit {
                Ok(permit) => {
                    let batch = if pending.len() > MESSAGE_LINES {
                        let rest = pending.split_off(MESSAGE_LINES);
                        std::mem::replace(&mut pending, rest)
                    } else {
                        std::mem::take(&mut pending)
                    };
                    total_lines += batch.len();
                    permit.send(ExecEvent::Output(batch));
                }
                Err(_) => listening = false,
            },
            read = out.read(), if out.open() && room => {
                errors.extend(out.take(read, &mut pending));
                out.take_ready(&mut pending, &mut errors);
                err.take_ready(&mut pending, &mut errors);
            }
            read = err.read(), if err.open() && room => {
                errors.extend(err.take(read, &mut pending));
                err.take_ready(&mut pending, &mut errors);
                out.take_ready(&mut pending, &mut errors);
            }
        }
        if !listening {
            pending.clear();
        }
    }
    control.finished.store(true, Ordering::Release);
    let mut report = ExecReport {
        exit_code: None,
        duration: started.elapsed(),
        timed_out,
        cancelled,
        total_lines,
        error: None,
    };
    match status {
        Some(Ok(status)) => {
            report.exit_code = status.code();
            if !cancelled && !timed_out {
                errors.extend(abnormal_end(&status));
            }
        }
        Some(Err(error)) => errors.push(format!("waiting for the command failed: {error}")),
        None => {}
    }
    if timed_out {
        errors.push(format!(
            "killed after the {}s timeout",
            timeout.as_secs_f64()
        ));
    }
    if !errors.is_empty() {
        report.error = Some(errors.join("; "));
    }
    if listening {
        let _ = events.send(ExecEvent::Finished(report)).await;
    }
}
