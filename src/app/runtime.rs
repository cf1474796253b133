//! The effect runner: carries out `Effect`s as tokio tasks, each with a cancel handle, and sends
//! their results back as `Msg`s on a bounded channel.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use futures::StreamExt;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use crate::app::command::{ExecEvent, ExecReport, KUBECTL_INSTALL_HINT};
use crate::app::effect::Effect;
use crate::app::msg::Msg;
use crate::llm::Provider;
use crate::store::audit::{AuditLog, AuditRecord};
use crate::store::history::PromptHistory;
use crate::store::memory::MemoryStore;

/// Room for stream events between the tasks and the loop; a full channel slows the stream down.
pub const CHANNEL_CAPACITY: usize = 1024;

/// Where commands run and where the loop's files go.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    /// Passed to commands as `KUBECONFIG`; `None` leaves kubectl's default.
    pub kubeconfig: Option<PathBuf>,
    /// Audit log, memory and saved outputs live here; `None` writes nothing.
    pub data_dir: Option<PathBuf>,
    /// The context whose memory is kept.
    pub context: Option<String>,
    /// Most characters of memory kept (0: the store's default).
    pub memory_chars: usize,
    /// This cockpit session's id in the audit log.
    pub session: String,
}

impl Workspace {
    /// The memory store of the context (`None` without a data directory).
    pub fn memory_store(&self) -> Option<MemoryStore> {
        let store = MemoryStore::new(
            self.data_dir.as_ref()?,
            self.context.as_deref().unwrap_or("default"),
        );
        Some(if self.memory_chars > 0 {
            store.with_max_chars(self.memory_chars)
        } else {
            store
        })
    }
}

pub struct EffectRunner {
    provider: Arc<dyn Provider>,
    tx: mpsc::Sender<Msg>,
    streams: HashMap<u64, AbortHandle>,
    commands: HashMap<u64, AbortHandle>,
    timers: HashMap<u64, AbortHandle>,
    history: Option<PromptHistory>,
    workspace: Workspace,
}

impl EffectRunner {
    pub fn new(
        provider: Arc<dyn Provider>,
        tx: mpsc::Sender<Msg>,
        history: Option<PromptHistory>,
    ) -> Self {
        Self {
            provider,
            tx,
            streams: HashMap::new(),
            commands: HashMap::new(),
            timers: HashMap::new(),
            history,
            workspace: Workspace::default(),
        }
    }

    /// Where commands run and files go.
    #[must_use]
    pub fn with_workspace(mut self, workspace: Workspace) -> Self {
        self.workspace = workspace;
        self
    }

    pub fn run(&mut self, effect: Effect) {
        match effect {
            Effect::StartStream { id, request } => {
                let mut stream = self.provider.stream(request);
                let tx = self.tx.clone();
                let task = tokio::spawn(async move {
                    while let Some(event) = stream.next().await {
                        if tx.send(Msg::Llm { stream: id, event }).await.is_err() {
                            break;
                        }
                    }
                });
                self.streams.retain(|_, handle| !handle.is_finished());
                self.streams.insert(id, task.abort_handle());
            }
            Effect::CancelStream { id } => {
                if let Some(handle) = self.streams.remove(&id) {
                    handle.abort();
                }
            }
            Effect::SaveHistory(prompt) => {
                if let Some(history) = &mut self.history
                    && let Err(error) = history.push(&prompt)
                {
                    tracing::warn!(%error, "could not save the prompt history");
                }
            }
            Effect::RunCommand { id, argv, timeout } => {
                let task = tokio::spawn(run_command(
                    id,
                    argv,
                    timeout,
                    self.workspace.kubeconfig.clone(),
                    self.tx.clone(),
                ));
                self.commands.retain(|_, handle| !handle.is_finished());
                self.commands.insert(id, task.abort_handle());
            }
            Effect::CancelCommand { id } => {
                // Dropping the task drops the child, which is killed (`kill_on_drop`).
                if let Some(handle) = self.commands.remove(&id) {
                    handle.abort();
                }
            }
            Effect::StartTimer { id, after } => {
                let tx = self.tx.clone();
                let task = tokio::spawn(async move {
                    tokio::time::sleep(after).await;
                    let _ = tx.send(Msg::Timer { id }).await;
                });
                self.timers.retain(|_, handle| !handle.is_finished());
                self.timers.insert(id, task.abort_handle());
            }
            Effect::CancelTimer { id } => {
                if let Some(handle) = self.timers.remove(&id) {
                    handle.abort();
                }
            }
            Effect::Copy(text) => copy_osc52(&text),
            Effect::SaveMemory(text) => {
                if let Some(store) = self.workspace.memory_store() {
                    let saved = if text.is_empty() {
                        store.clear()
                    } else {
                        store.save(&text).map(|_| ())
                    };
                    if let Err(error) = saved {
                        self.notice(
                            format!(
                                "could not save the memory to {}: {error} (check the data directory's permissions)",
                                store.path().display()
                            ),
                            true,
                        );
                    }
                }
            }
            Effect::PauseMemory(paused) => {
                if let Some(store) = self.workspace.memory_store()
                    && let Err(error) = store.set_paused(paused)
                {
                    self.notice(format!("could not record the memory pause: {error}"), true);
                }
            }
            Effect::SaveOutput { name, text } => self.save_output(&name, &text),
            Effect::Audit(entry) => {
                if let Some(dir) = &self.workspace.data_dir {
                    let record = AuditRecord::new(self.workspace.session.clone(), entry.event)
                        .context(entry.context)
                        .namespace(entry.namespace)
                        .mode(entry.mode);
                    if let Err(error) = AuditLog::new(dir).append(&record) {
                        tracing::warn!(%error, "could not write the audit log");
                    }
                }
            }
            Effect::Quit => self.shutdown(),
        }
    }

    fn save_output(&self, name: &str, text: &str) {
        let Some(dir) = &self.workspace.data_dir else {
            self.notice("no data directory: the output was not saved".into(), true);
            return;
        };
        let stamp = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%S").to_string();
        let path = dir.join("output").join(format!("{stamp}-{name}"));
        match crate::paths::create_private_file(&path, text.as_bytes()) {
            Ok(()) => self.notice(format!("output saved to {}", path.display()), false),
            Err(error) => self.notice(
                format!("could not save the output to {}: {error}", path.display()),
                true,
            ),
        }
    }

    fn notice(&self, text: String, error: bool) {
        if self.tx.try_send(Msg::Notice { text, error }).is_err() {
            tracing::warn!("the cockpit's channel is full: a notice was dropped");
        }
    }

    /// Stop every task (quitting cancels them all before the terminal is restored).
    pub fn shutdown(&mut self) {
        for (_, handle) in self
            .streams
            .drain()
            .chain(self.commands.drain())
            .chain(self.timers.drain())
        {
            handle.abort();
        }
    }
}

impl Drop for EffectRunner {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// OSC 52: the terminal puts the text on the system clipboard (works over SSH too).
fn copy_osc52(text: &str) {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let mut out = std::io::stdout();
    let _ = write!(out, "\x1b]52;c;{encoded}\x07");
    let _ = out.flush();
}

async fn send(tx: &mpsc::Sender<Msg>, run: u64, event: ExecEvent) -> bool {
    tx.send(Msg::Exec { run, event }).await.is_ok()
}

/// Run one argv without a shell, streaming its output lines; killed at `timeout`.
async fn run_command(
    run: u64,
    argv: Vec<String>,
    timeout: Duration,
    kubeconfig: Option<PathBuf>,
    tx: mpsc::Sender<Msg>,
) {
    let started = Instant::now();
    let finish = |report: ExecReport| {
        let tx = tx.clone();
        async move { send(&tx, run, ExecEvent::Finished(report)).await }
    };
    let Some((program, args)) = argv.split_first() else {
        finish(ExecReport {
            error: Some("the command is empty".into()),
            ..ExecReport::default()
        })
        .await;
        return;
    };
    let mut command = tokio::process::Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(kubeconfig) = kubeconfig {
        command.env("KUBECONFIG", kubeconfig);
    }
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) => {
            let error = if error.kind() == std::io::ErrorKind::NotFound {
                if program == "kubectl" {
                    KUBECTL_INSTALL_HINT.to_string()
                } else {
                    format!("`{program}` was not found on PATH")
                }
            } else {
                format!("cannot start `{program}`: {error}")
            };
            finish(ExecReport {
                error: Some(error),
                duration: started.elapsed(),
                ..ExecReport::default()
            })
            .await;
            return;
        }
    };
    if !send(&tx, run, ExecEvent::Started { pid: child.id() }).await {
        return;
    }
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return;
    };
    let mut out = BufReader::new(stdout).split(b'\n');
    let mut err = BufReader::new(stderr).split(b'\n');
    let (mut out_open, mut err_open) = (true, true);
    let deadline = tokio::time::sleep(timeout);
    tokio::pin!(deadline);
    let mut total = 0;
    let mut timed_out = false;
    while out_open || err_open {
        let (from_out, line) = tokio::select! {
            line = out.next_segment(), if out_open => (true, line),
            line = err.next_segment(), if err_open => (false, line),
            () = &mut deadline => {
                timed_out = true;
                break;
            }
        };
        match line {
            Ok(Some(bytes)) => {
                total += 1;
                let line = String::from_utf8_lossy(&bytes).trim_end().to_string();
                if !send(&tx, run, ExecEvent::Output(vec![line])).await {
                    return;
                }
            }
            Ok(None) | Err(_) if from_out => out_open = false,
            Ok(None) | Err(_) => err_open = false,
        }
    }
    let status = if timed_out {
        let _ = child.kill().await;
        None
    } else {
        tokio::select! {
            status = child.wait() => status.ok(),
            () = &mut deadline => {
                timed_out = true;
                let _ = child.kill().await;
                None
            }
        }
    };
    finish(ExecReport {
        exit_code: status.and_then(|s| s.code()),
        duration: started.elapsed(),
        timed_out,
        cancelled: false,
        total_lines: total,
        error: None,
    })
    .await;
}
