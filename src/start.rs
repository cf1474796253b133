//! Start-up: load the configuration, build the provider, open the cockpit or run a subcommand.

use std::time::Instant;

use std::sync::Arc;

use color_eyre::eyre::{Result, WrapErr};
use futures::stream::{self, BoxStream, StreamExt};
use tokio::sync::mpsc;

use crate::app::keymap::Keymap;
use crate::app::model::{ClusterInfo, Model, ModelInit};
use crate::app::runtime::{CHANNEL_CAPACITY, EffectRunner, Workspace};
use crate::cli::{Cli, Command, ConfigAction};
use crate::config::{CliOverrides, Config, ProcessEnv};
use crate::llm::{ChatRequest, LlmError, LlmEvent, Provider};
use crate::store::history::PromptHistory;
use crate::store::memory::MemoryStore;
use crate::terminal::TerminalGuard;

const DEMO_CONTEXT: &str = "kubevibe-demo";
const DEMO_FIRST_QUESTION: &str = "why is checkout crashlooping?";
const HISTORY_CAPACITY: usize = 1000;

/// What the binary runs.
pub async fn main(cli: Cli, started: Instant) -> Result<()> {
    let overrides = cli.llm.overrides();
    let launch = Launch {
        started,
        first_frame_only: cli.first_frame_only,
    };
    match cli.command {
        None => open_cockpit(&overrides, CockpitKind::Cluster, launch).await,
        Some(Command::Demo(flags)) => {
            let mut overrides = flags.or(cli.llm).overrides();
            overrides
                .model
                .get_or_insert_with(|| "replay:demo".to_string());
            open_cockpit(&overrides, CockpitKind::Demo, launch).await
        }
        Some(Command::Sim(args)) => Ok(crate::sim::run_cli(args).await?),
        Some(Command::Config { action }) => {
            let config = Config::load(&overrides, &ProcessEnv)?;
            match action {
                ConfigAction::Show => print!("{}", config.show()),
                ConfigAction::Path => println!("{}", config.paths.config_file.display()),
                ConfigAction::Init => {
                    let path = crate::config::init_config_file(&config.paths)?;
                    println!("config file: {}", path.display());
                }
            }
            Ok(())
        }
    }
}

/// When the process started, and whether to stop after the first frame (start-up benchmark).
#[derive(Debug, Clone, Copy)]
struct Launch {
    started: Instant,
    first_frame_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CockpitKind {
    Cluster,
    Demo,
}

async fn open_cockpit(overrides: &CliOverrides, kind: CockpitKind, launch: Launch) -> Result<()> {
    // Highlighting tables take tens of milliseconds to load: never on the way to the first frame.
    std::thread::spawn(crate::ui::highlight::warm_up);
    // Broken settings never keep the cockpit closed: each problem becomes a line in chat.
    let (config, mut problems) = Config::load_for_cockpit(overrides, &ProcessEnv)?;
    let _log_guard = crate::logging::init(&config.paths.log_file);
    let keymap = Keymap::new(&config.keys).unwrap_or_else(|error| {
        problems.push(format!("{error} — using the default keys"));
        Keymap::default()
    });
    let provider = crate::llm::build_provider(&config.llm).unwrap_or_else(|error| {
        problems.push(error.to_string());
        Arc::new(UnavailableProvider {
            label: format!("{}:{}", config.llm.provider, config.llm.model),
            error,
        })
    });
    let mut notes: Vec<String> = config.missing_key_warning().into_iter().collect();
    let history = match PromptHistory::open(&config.paths.history_file, HISTORY_CAPACITY) {
        Ok(history) => Some(history),
        Err(error) => {
            tracing::warn!(%error, "prompt history unavailable");
            None
        }
    };
    let (cluster, demo_cluster, kubeconfig) = match kind {
        CockpitKind::Demo => {
            let kubeconfig = config.paths.data_dir.join("demo").join("kubeconfig");
            notes.push(format!(
                "This is the **demo**: a simulated cluster with an incident, and a recorded model. \
                 The cluster runs while this cockpit is open; from another terminal: \
                 `kubectl --kubeconfig {} get pods -A`. \
                 A question is ready below: press Enter to send it.",
                kubeconfig.display()
            ));
            let cluster = ClusterInfo {
                context: Some(DEMO_CONTEXT.into()),
                namespace: "shop".into(),
                demo: true,
            };
            // A kubeconfig left by an earlier demo points at a server that is gone; the watch
            // pane waits for the new one instead.
            let _ = std::fs::remove_file(&kubeconfig);
            (
                cluster,
                Some(DemoCluster::spawn(kubeconfig.clone())),
                Some(kubeconfig),
            )
        }
        // A real cluster: kubectl's own default (KUBECONFIG or ~/.kube/config).
        CockpitKind::Cluster => (current_cluster(), None, None),
    };
    let workspace = Workspace {
        kubeconfig,
        data_dir: Some(config.paths.data_dir.clone()),
        context: cluster.context.clone(),
        namespace: Some(cluster.namespace.clone()),
        memory_chars: config.agent.memory_chars,
        session: uuid::Uuid::new_v4().to_string(),
    };
    // Mode and guard rails for this context: `[agent]`, its per-context overrides, the flags.
    let context_settings = config.context_settings(cluster.context.as_deref());
    let agent = &config.agent;
    let loop_settings = crate::app::agent_loop::LoopSettings {
        step_budget: agent.step_budget,
        output_lines: agent.output_lines,
        command_timeout: std::time::Duration::from_secs(agent.command_timeout_secs),
    };
    let memory_store = workspace.memory_store();
    let memory = match memory_store.as_ref().map(MemoryStore::load) {
        Some(Ok(text)) => text,
        Some(Err(error)) => {
            problems.push(format!(
                "cannot read the memory notes: {error} (check the data directory's permissions)"
            ));
            String::new()
        }
        None => String::new(),
    };
    let memory_paused = memory_store.as_ref().is_some_and(MemoryStore::is_paused);
    let contexts = context_choices(&config, &cluster, kind);
    let (tx, mut rx) = mpsc::channel(CHANNEL_CAPACITY);
    spawn_signal_watch(tx.clone());
    let mut guard = TerminalGuard::enter().wrap_err("cannot open the terminal")?;
    // From here on fd 2 is a pipe: an exec credential plugin's complaints become chat lines.
    let _stderr = capture_stderr(tx.clone());
    let size = guard.terminal.size()?;
    let init = ModelInit {
        model_label: provider.label(),
        price: config
            .pricing
            .lookup(&config.llm.provider, &config.llm.model),
        cluster,
        keymap,
        history: history
            .as_ref()
            .map(|h| h.entries().to_vec())
            .unwrap_or_default(),
        system_prompt: crate::agent::prompt::PLANNER_SYSTEM_PROMPT.to_string(),
        startup_notes: notes,
        startup_problems: problems,
        suggested_prompt: (kind == CockpitKind::Demo).then(|| DEMO_FIRST_QUESTION.to_string()),
        memory,
        memory_chars: agent.memory_chars,
        memory_paused,
        contexts,
        mode: context_settings.mode,
        guard: context_settings.guard,
        loop_settings,
        ..ModelInit::new("", ClusterInfo::default(), size.width, size.height)
    };
    let mut model = Model::new(init, Instant::now());
    if launch.first_frame_only {
        crate::app::run::draw(&mut guard.terminal, &mut model)?;
        let elapsed = launch.started.elapsed();
        drop(guard);
        println!(
            "first frame drawn {:.3} ms after start",
            elapsed.as_secs_f64() * 1000.0
        );
        return Ok(());
    }
    let mut runner =
        EffectRunner::new(Arc::clone(&provider), tx, history).with_workspace(workspace);
    // The watch pane's watcher builds its kube client in the background: the first frame
    // does not wait for the cluster.
    for effect in crate::app::watch::start(&mut model) {
        runner.run(effect);
    }
    let input = crossterm::event::EventStream::new();
    let result =
        crate::app::run::run(&mut guard.terminal, &mut model, &mut runner, input, &mut rx).await;
    runner.shutdown();
    drop(guard);
    provider.flushed().await;
    if let Some(demo) = demo_cluster {
        demo.stop().await;
    }
    result.wrap_err("terminal input failed")?;
    Ok(())
}

/// The simulated demo cluster, started beside the cockpit so the first frame does not wait
/// for it; its kubeconfig is written once it serves.
struct DemoCluster {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl DemoCluster {
    fn spawn(kubeconfig: std::path::PathBuf) -> Self {
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(async move {
            let options = crate::sim::SimOptions {
                scenario: "demo".into(),
                ..crate::sim::SimOptions::default()
            };
            let sim = match crate::sim::start(options).await {
                Ok(sim) => sim,
                Err(error) => {
                    tracing::error!(%error, "the demo cluster did not start");
                    return;
                }
            };
            let written = match kubeconfig.parent() {
                Some(dir) => crate::paths::create_private_dir_all(dir),
                None => Ok(()),
            }
            .and_then(|()| sim.write_kubeconfig(&kubeconfig, DEMO_CONTEXT));
            if let Err(error) = written {
                tracing::warn!(%error, path = %kubeconfig.display(), "cannot write the demo kubeconfig");
            }
            let _ = stopped.await;
            sim.shutdown().await;
        });
        Self { stop, task }
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// Stands in for a provider that could not be built: every request ends with the reason.
struct UnavailableProvider {
    label: String,
    error: LlmError,
}

impl Provider for UnavailableProvider {
    fn label(&self) -> String {
        self.label.clone()
    }
    fn stream(&self, _request: ChatRequest) -> BoxStream<'static, LlmEvent> {
        stream::iter([LlmEvent::Error(self.error.clone())]).boxed()
    }
}

/// The contexts `:ctx` offers, each with its namespace and its `[contexts."name"]` settings:
/// the kubeconfig's (the demo: only its own).
fn context_choices(
    config: &Config,
    cluster: &ClusterInfo,
    kind: CockpitKind,
) -> Vec<crate::app::context_switch::ContextChoice> {
    let named: Vec<(String, String)> = match kind {
        CockpitKind::Demo => cluster
            .context
            .iter()
            .map(|name| (name.clone(), cluster.namespace.clone()))
            .collect(),
        CockpitKind::Cluster => kube::config::Kubeconfig::read()
            .map(|kubeconfig| {
                kubeconfig
                    .contexts
                    .iter()
                    .map(|named| {
                        let namespace = named
                            .context
                            .as_ref()
                            .and_then(|c| c.namespace.clone())
                            .unwrap_or_else(|| "default".into());
                        (named.name.clone(), namespace)
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };
    named
        .into_iter()
        .map(|(name, namespace)| {
            let settings = config.context_settings(Some(&name));
            crate::app::context_switch::ContextChoice {
                name,
                namespace,
                mode: settings.mode,
                guard: settings.guard,
            }
        })
        .collect()
}

/// The kubeconfig's current context and namespace, for the status bar.
fn current_cluster() -> ClusterInfo {
    let Ok(kubeconfig) = kube::config::Kubeconfig::read() else {
        return ClusterInfo {
            context: None,
            namespace: "default".into(),
            demo: false,
        };
    };
    let context = kubeconfig.current_context.clone();
    let namespace = context
        .as_ref()
        .and_then(|name| kubeconfig.contexts.iter().find(|c| &c.name == name))
        .and_then(|named| named.context.as_ref())
        .and_then(|c| c.namespace.clone())
        .unwrap_or_else(|| "default".into());
    ClusterInfo {
        context,
        namespace,
        demo: false,
    }
}

/// Points fd 2 at a pipe whose lines are logged and shown in chat (redacted), so nothing a
/// child process prints lands on the cockpit. Without it (no pipe), stderr stays as it was.
fn capture_stderr(
    tx: mpsc::Sender<crate::app::msg::Msg>,
) -> Option<crate::terminal::stderr_capture::StderrCapture> {
    let capture = crate::terminal::stderr_capture::StderrCapture::start(move |line| {
        let line = crate::agent::redact::redact_text(&line).text;
        tracing::warn!(%line, "stderr");
        let _ = tx.blocking_send(crate::app::msg::Msg::Notice {
            text: format!("stderr: {line}"),
            error: true,
        });
    });
    match capture {
        Ok(capture) => Some(capture),
        Err(error) => {
            tracing::warn!(%error, "stderr is not captured");
            None
        }
    }
}

/// SIGTERM and SIGHUP end the cockpit through the normal path, which restores the terminal.
fn spawn_signal_watch(tx: mpsc::Sender<crate::app::msg::Msg>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        // Registered here, before the first frame, so an early signal is never missed.
        let (Ok(mut term), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) else {
            tracing::warn!("cannot watch SIGTERM/SIGHUP");
            return;
        };
        tokio::spawn(async move {
            tokio::select! {
                _ = term.recv() => {}
                _ = hup.recv() => {}
            }
            let _ = tx.send(crate::app::msg::Msg::Shutdown).await;
        });
    }
}
