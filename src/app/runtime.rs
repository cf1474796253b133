//! The effect runner: carries out `Effect`s as tokio tasks, each with a cancel handle, and sends
//! their results back as `Msg`s on a bounded channel.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use futures::StreamExt;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use crate::app::command::{ExecEvent, ExecReport};
use crate::app::effect::Effect;
use crate::app::msg::Msg;
use crate::exec::{ExecRequest, RunningCommand};
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
    /// The context commands and previews run against, whose memory is kept.
    pub context: Option<String>,
    /// The namespace previews use.
    pub namespace: Option<String>,
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
    commands: HashMap<u64, (RunningCommand, AbortHandle)>,
    previews: Vec<AbortHandle>,
    timers: HashMap<u64, AbortHandle>,
    watches: HashMap<u64, AbortHandle>,
    forwards: crate::app::forwards::task::ForwardTasks,
    /// Log follows and events watches (`live::logs`, `live::events`).
    log_tasks: HashMap<u64, AbortHandle>,
    event_tasks: HashMap<u64, AbortHandle>,
    rollouts: HashMap<u64, AbortHandle>,
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
            previews: Vec::new(),
            timers: HashMap::new(),
            watches: HashMap::new(),
            forwards: Default::default(),
            log_tasks: HashMap::new(),
            event_tasks: HashMap::new(),
            rollouts: HashMap::new(),
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
                let kubeconfig = self.workspace.kubeconfig.clone();
                if let Some(started) = start_command(id, argv, timeout, kubeconfig, self.tx.clone())
                {
                    self.commands
                        .retain(|_, (_, forward)| !forward.is_finished());
                    self.commands.insert(id, started);
                }
            }
            Effect::CancelCommand { id } => {
                // Cancelling kills the command's process group; its late events are dropped.
                if let Some((running, forward)) = self.commands.remove(&id) {
                    running.cancel();
                    forward.abort();
                }
            }
            Effect::Preview { plan, step, argv } => {
                let tx = self.tx.clone();
                let workspace = self.workspace.clone();
                let task = tokio::spawn(async move {
                    let preview = crate::exec::preview(
                        &argv,
                        workspace.context.as_deref(),
                        workspace.namespace.as_deref(),
                        workspace.kubeconfig.as_deref(),
                        std::path::Path::new("kubectl"),
                    )
                    .await;
                    let _ = tx
                        .send(Msg::Preview {
                            plan,
                            step,
                            preview,
                        })
                        .await;
                });
                self.previews.retain(|handle| !handle.is_finished());
                self.previews.push(task.abort_handle());
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
            Effect::StartWatch { id, target } => {
                let task = tokio::spawn(crate::app::watch_task::run(
                    id,
                    target,
                    self.workspace.kubeconfig.clone(),
                    self.workspace.context.clone(),
                    self.tx.clone(),
                ));
                self.watches.retain(|_, handle| !handle.is_finished());
                self.watches.insert(id, task.abort_handle());
            }
            Effect::Fetch { id, object } => {
                let tx = self.tx.clone();
                let kubeconfig = self.workspace.kubeconfig.clone();
                let context = self.workspace.context.clone();
                let task = tokio::spawn(async move {
                    let result = crate::app::watch_task::fetch(
                        kubeconfig.as_deref(),
                        context.as_deref(),
                        &object,
                    )
                    .await;
                    let _ = tx.send(Msg::Fetched { id, result }).await;
                });
                self.previews.retain(|handle| !handle.is_finished());
                self.previews.push(task.abort_handle());
            }
            Effect::StopWatch { id } => {
                if let Some(handle) = self.watches.remove(&id) {
                    handle.abort();
                }
            }
            Effect::Discover { id } => {
                let tx = self.tx.clone();
                let kubeconfig = self.workspace.kubeconfig.clone();
                let context = self.workspace.context.clone();
                let task = tokio::spawn(async move {
                    let result =
                        crate::app::watch_task::discover(kubeconfig.as_deref(), context.as_deref())
                            .await;
                    let _ = tx.send(Msg::Discovered { id, result }).await;
                });
                self.previews.retain(|handle| !handle.is_finished());
                self.previews.push(task.abort_handle());
            }
            Effect::SwitchContext { context, namespace } => {
                self.workspace.context = Some(context.clone());
                self.workspace.namespace = Some(namespace);
                let memory =
                    self.workspace
                        .memory_store()
                        .map_or(Ok((String::new(), false)), |store| {
                            store
                                .load()
                                .map(|text| (text, store.is_paused()))
                                .map_err(|error| error.to_string())
                        });
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let _ = tx.send(Msg::ContextMemory { context, memory }).await;
                });
            }
            Effect::Quit => self.shutdown(),
            Effect::Forwards(effect) => {
                let env = crate::app::forwards::task::ForwardEnv {
                    kubeconfig: self.workspace.kubeconfig.clone(),
                    context: self.workspace.context.clone(),
                    data_dir: self.workspace.data_dir.clone(),
                };
                self.forwards.run(effect, &env, &self.tx);
            }
            Effect::StartLogs { id, request } => {
                let task = tokio::spawn(crate::app::logs::task::run(
                    id,
                    request,
                    self.workspace.kubeconfig.clone(),
                    self.workspace.context.clone(),
                    self.tx.clone(),
                ));
                self.log_tasks.retain(|_, handle| !handle.is_finished());
                self.log_tasks.insert(id, task.abort_handle());
            }
            Effect::StopLogs { id } => {
                if let Some(handle) = self.log_tasks.remove(&id) {
                    handle.abort();
                }
            }
            Effect::StartEvents { id, target } => {
                let task = tokio::spawn(crate::app::events::run(
                    id,
                    target,
                    self.workspace.kubeconfig.clone(),
                    self.workspace.context.clone(),
                    self.tx.clone(),
                ));
                self.event_tasks.retain(|_, handle| !handle.is_finished());
                self.event_tasks.insert(id, task.abort_handle());
            }
            Effect::StopEvents { id } => {
                if let Some(handle) = self.event_tasks.remove(&id) {
                    handle.abort();
                }
            }
            Effect::StartRollout { id, key } => {
                let task = tokio::spawn(crate::app::rollouts::task::run(
                    id,
                    key,
                    self.workspace.kubeconfig.clone(),
                    self.workspace.context.clone(),
                    self.tx.clone(),
                ));
                self.rollouts.retain(|_, handle| !handle.is_finished());
                self.rollouts.insert(id, task.abort_handle());
            }
            Effect::StopRollout { id } => {
                if let Some(handle) = self.rollouts.remove(&id) {
                    handle.abort();
                }
            }
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
        for (_, (running, forward)) in self.commands.drain() {
            running.cancel();
            forward.abort();
        }
        let tasks = self.streams.drain().chain(self.timers.drain());
        for (_, handle) in tasks.chain(self.watches.drain()) {
            handle.abort();
        }
        let followers = self.log_tasks.drain().chain(self.event_tasks.drain());
        for (_, handle) in followers.chain(self.rollouts.drain()) {
            handle.abort();
        }
        for handle in self.previews.drain(..) {
            handle.abort();
        }
        self.forwards.shutdown();
    }

    /// Port-forwards whose task still runs.
    pub fn running_forwards(&self) -> usize {
        self.forwards.running()
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

/// Start `argv` with [`crate::exec::spawn`] and forward its events as `Msg::Exec { run, .. }`;
/// a command that cannot start finishes at once with the reason (kubectl missing: the install
/// hint). The returned handle kills the command when cancelled or dropped.
fn start_command(
    run: u64,
    argv: Vec<String>,
    timeout: Duration,
    kubeconfig: Option<PathBuf>,
    tx: mpsc::Sender<Msg>,
) -> Option<(RunningCommand, AbortHandle)> {
    let (etx, mut erx) = mpsc::channel(CHANNEL_CAPACITY);
    let request = ExecRequest::new(argv)
        .kubeconfig(kubeconfig)
        .timeout(timeout);
    match crate::exec::spawn(request, etx) {
        Ok(running) => {
            let task = tokio::spawn(async move {
                while let Some(event) = erx.recv().await {
                    if tx.send(Msg::Exec { run, event }).await.is_err() {
                        break;
                    }
                }
            });
            Some((running, task.abort_handle()))
        }
        Err(error) => {
            let report = ExecReport {
                error: Some(error.to_string()),
                ..ExecReport::default()
            };
            let event = ExecEvent::Finished(report);
            if tx.try_send(Msg::Exec { run, event }).is_err() {
                tracing::warn!("the cockpit's channel is full: a command's failure was dropped");
            }
            None
        }
    }
}
