//! The plan → approve → run loop's speed through the real code: the approval key to the
//! `Started` message of a command run by the real effect runner, and 100 000 lines of command
//! output streamed into the cockpit (update and draw) while keys keep arriving.
//!
//! A fake `kubectl` (a shell script in a temporary directory put first on `PATH`) stands in for
//! the cluster: `get pods` exits at once, `get events` prints 100 000 lines with `seq`.
//! Run with `cargo bench --bench agent_loop`; figures are printed, not asserted.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kubevibe::agent::mode::{Guard, Mode};
use kubevibe::app::command::ExecEvent;
use kubevibe::app::effect::Effect;
use kubevibe::app::model::{ClusterInfo, Model, ModelInit};
use kubevibe::app::msg::Msg;
use kubevibe::app::run::{DRAIN_BUDGET, FRAME, Pacer, draw};
use kubevibe::app::runtime::{CHANNEL_CAPACITY, EffectRunner, Workspace};
use kubevibe::app::update::update;
use kubevibe::llm::LlmEvent;
use kubevibe::llm::replay::ReplayProvider;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

/// Set in the re-executed bench process, whose `PATH` starts with the fake kubectl's directory.
const CHILD_FLAG: &str = "KUBEVIBE_AGENT_LOOP_BENCH_CHILD";
const STARTS: usize = 300;
const LINES: usize = 100_000;
const FLOOD_RUNS: usize = 20;
/// How often a key is injected while the output streams.
const KEY_EVERY: Duration = Duration::from_millis(4);
/// The event loop's batch limit (src/app/run.rs): messages handled between two chances to draw.
const BATCH: usize = 4096;
const WIDTH: u16 = 160;
const HEIGHT: u16 = 48;

const GET_PODS: &str = r#"{"thought":"look at the pods","actions":[{"action_type":"command","argv":["kubectl","get","pods"],"explanation":"list pods"}]}"#;
const GET_EVENTS: &str = r#"{"thought":"read the events","actions":[{"action_type":"command","argv":["kubectl","get","events"],"explanation":"list events"}]}"#;
const FAKE_KUBECTL: &str =
    "#!/bin/sh\ncase \"$*\" in\n  *events*) exec seq 1 100000 ;;\nesac\nexit 0\n";
const RECORDING: &str = include_str!("../tests/fixtures/agent_loop/namespaces.jsonl");

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[index]
}

fn ms(duration: Duration) -> String {
    format!("{:.3} ms", duration.as_secs_f64() * 1e3)
}

/// `VmHWM` and `VmRSS` of this process in KiB (Linux; `None` elsewhere).
fn memory_kib() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|line| line.starts_with(name))?
            .split_whitespace()
            .nth(1)?
            .parse::<u64>()
            .ok()
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}

/// A confirm-mode model whose plan (one command from `reply`) waits for approval, built by the
/// update functions as a streamed answer of the model would.
fn model_with_plan(reply: &str, now: Instant) -> Model {
    let init = ModelInit {
        system_prompt: kubevibe::agent::prompt::PLANNER_SYSTEM_PROMPT.into(),
        mode: Mode::Confirm,
        guard: Guard::default(),
        ..ModelInit::new(
            "replay:bench",
            ClusterInfo {
                context: Some("bench".into()),
                namespace: "default".into(),
                demo: false,
            },
            WIDTH,
            HEIGHT,
        )
    };
    let mut model = Model::new(init, now);
    model.input.insert_text("what is going on?");
    update(&mut model, key(KeyCode::Enter), now);
    let stream = model.stream_id;
    for event in [LlmEvent::Token(reply.into()), LlmEvent::Done] {
        update(&mut model, Msg::Llm { stream, event }, now);
    }
    let waiting = model.plan.as_ref().and_then(|plan| plan.awaiting());
    assert_eq!(waiting, Some(0), "the plan waits for approval");
    model.prepare_draw();
    model
}

fn runner() -> (EffectRunner, mpsc::Receiver<Msg>) {
    let provider = ReplayProvider::from_jsonl("namespaces.jsonl", RECORDING, 1000.0)
        .expect("the recording parses");
    let (tx, rx) = mpsc::channel(CHANNEL_CAPACITY);
    let runner = EffectRunner::new(Arc::new(provider), tx, None).with_workspace(Workspace {
        context: Some("bench".into()),
        namespace: Some("default".into()),
        session: "bench".into(),
        ..Workspace::default()
    });
    (runner, rx)
}

/// Hand `update`'s effects to the runner. The next model request (after a command finishes)
/// is left out: this bench measures commands, not the recorded model.
fn run_effects(runner: &mut EffectRunner, effects: Vec<Effect>) -> usize {
    let mut commands = 0;
    for effect in effects {
        match effect {
            Effect::StartStream { .. } => {}
            effect => {
                commands += usize::from(matches!(effect, Effect::RunCommand { .. }));
                runner.run(effect);
            }
        }
    }
    commands
}

/// `y` on a waiting plan → `update` → `Effect::RunCommand` → the runner spawns the fake kubectl
/// → `Msg::Exec { Started }` received by the loop.
async fn approval_to_start() {
    let (mut runner, mut rx) = runner();
    let mut latencies = Vec::with_capacity(STARTS);
    for _ in 0..STARTS {
        let mut model = model_with_plan(GET_PODS, Instant::now());
        let begin = Instant::now();
        let effects = update(&mut model, key(KeyCode::Char('y')), begin);
        assert_eq!(run_effects(&mut runner, effects), 1, "y runs the command");
        loop {
            match rx.recv().await.expect("the runner keeps the channel open") {
                Msg::Exec {
                    event: ExecEvent::Started { .. },
                    ..
                } => break,
                Msg::Exec {
                    event: ExecEvent::Finished(report),
                    ..
                } => panic!("the command finished without starting: {report:?}"),
                _ => {}
            }
        }
        latencies.push(begin.elapsed());
        // Let the command end before the next one, so runs do not overlap.
        loop {
            if let Msg::Exec {
                event: ExecEvent::Finished(report),
                ..
            } = rx.recv().await.expect("the runner keeps the channel open")
            {
                assert_eq!(report.exit_code, Some(0), "{report:?}");
                break;
            }
        }
    }
    latencies.sort();
    println!(
        "approval key → Started message (update + EffectRunner + spawn), {STARTS} runs: \
         p50 {}, p95 {}, max {}  (target < 5 ms)",
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.95)),
        ms(latencies[latencies.len() - 1]),
    );
}

struct FloodFigures {
    total: Duration,
    lines: usize,
    frames: u64,
    keys: Vec<Duration>,
    messages: usize,
    /// Time of each draw (layout and render into the test backend).
    draws: Vec<Duration>,
    /// Injection of a key until `update` has handled it (before any frame).
    handled: Vec<Duration>,
    /// Longest stretch of message handling between two chances to read a key.
    longest_batch: Duration,
}

/// One approved `get events` printing 100 000 lines, handled by a loop shaped like
/// `app::run::run` (select over keys, runner messages and the frame timer; a key is drawn at
/// once when the `Pacer` allows; drain up to the batch limit within `DRAIN_BUDGET`; draw when
/// dirty at most once per frame), with Tab pressed every few ms.
async fn flood_once() -> FloodFigures {
    let (mut runner, mut rx) = runner();
    let mut model = model_with_plan(GET_EVENTS, Instant::now());
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("a test terminal");
    draw(&mut terminal, &mut model).expect("the first frame draws");

    let (key_tx, mut keys_rx) = mpsc::channel::<Instant>(1024);
    let injector = tokio::spawn(async move {
        let mut tick = tokio::time::interval(KEY_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if key_tx.send(Instant::now()).await.is_err() {
                break;
            }
        }
    });

    let begin = Instant::now();
    let effects = update(&mut model, key(KeyCode::Char('y')), begin);
    assert_eq!(run_effects(&mut runner, effects), 1, "y runs the command");

    let mut frames = 0u64;
    let mut pacer = Pacer::new();
    let mut pending_keys: Vec<Instant> = Vec::new();
    let mut key_latencies = Vec::new();
    let mut counts = Counts::default();
    let mut draws = Vec::new();
    let mut handled = Vec::new();
    let mut longest_batch = Duration::ZERO;

    loop {
        let due = pacer
            .due(model.dirty, false, Instant::now().into())
            .map(tokio::time::Instant::into_std);
        if let Some(due) = due
            && due <= Instant::now()
        {
            let drawing = Instant::now();
            draw(&mut terminal, &mut model).expect("a frame draws");
            frames += 1;
            let drawn = Instant::now();
            draws.push(drawn - drawing);
            pacer.drawn(drawn.into());
            key_latencies.extend(pending_keys.drain(..).map(|at| drawn - at));
            continue;
        }
        if counts.finished && !model.dirty {
            break;
        }
        let mut injected_at = None;
        let first = tokio::select! {
            injected = keys_rx.recv() => injected.map(|at| {
                pending_keys.push(at);
                injected_at = Some(at);
                key(KeyCode::Tab)
            }),
            msg = rx.recv() => msg,
            () = sleep_until(due) => None,
        };
        let now = Instant::now();
        if let Some(msg) = first {
            handle(&mut counts, &mut model, &mut runner, msg, now);
        }
        if let Some(at) = injected_at {
            handled.push(at.elapsed());
            // As `app::run::run` does: the operator's input is drawn before the queue drains.
            if model.dirty && pacer.input_due(now.into()) {
                let drawing = Instant::now();
                draw(&mut terminal, &mut model).expect("a frame draws");
                frames += 1;
                let drawn = Instant::now();
                draws.push(drawn - drawing);
                pacer.drawn(drawn.into());
                key_latencies.extend(pending_keys.drain(..).map(|at| drawn - at));
                continue;
            }
        }
        let draining = Instant::now();
        for _ in 0..BATCH {
            if draining.elapsed() >= DRAIN_BUDGET {
                break;
            }
            let Ok(msg) = rx.try_recv() else { break };
            handle(&mut counts, &mut model, &mut runner, msg, now);
        }
        longest_batch = longest_batch.max(now.elapsed());
    }
    let total = begin.elapsed();
    injector.abort();
    key_latencies.sort();
    FloodFigures {
        total,
        lines: counts.lines,
        frames,
        keys: key_latencies,
        messages: counts.messages,
        draws,
        handled,
        longest_batch,
    }
}

#[derive(Default)]
struct Counts {
    lines: usize,
    messages: usize,
    finished: bool,
}

/// One message: count what it carries, note when the command ends, update the model.
fn handle(
    counts: &mut Counts,
    model: &mut Model,
    runner: &mut EffectRunner,
    msg: Msg,
    now: Instant,
) {
    if let Msg::Exec { event, .. } = &msg {
        counts.messages += 1;
        match event {
            ExecEvent::Output(batch) => counts.lines += batch.len(),
            ExecEvent::Finished(report) => {
                assert_eq!(report.total_lines, LINES, "{report:?}");
                counts.finished = true;
            }
            ExecEvent::Started { .. } => {}
        }
    }
    run_effects(runner, update(model, msg, now));
}

async fn sleep_until(due: Option<Instant>) {
    match due {
        Some(due) => tokio::time::sleep_until(due.into()).await,
        None => std::future::pending().await,
    }
}

async fn flood() {
    let before = memory_kib();
    let (mut totals, mut rates, mut keys, mut draws) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut handled = Vec::new();
    let (mut frames, mut messages, mut longest_batch) = (0u64, 0usize, Duration::ZERO);
    for _ in 0..FLOOD_RUNS {
        let figures = flood_once().await;
        assert_eq!(figures.lines, LINES, "every line reached the model");
        totals.push(figures.total);
        rates.push(figures.lines as f64 / figures.total.as_secs_f64());
        keys.extend(figures.keys);
        draws.extend(figures.draws);
        handled.extend(figures.handled);
        frames += figures.frames;
        messages += figures.messages;
        longest_batch = longest_batch.max(figures.longest_batch);
    }
    totals.sort();
    rates.sort_by(f64::total_cmp);
    keys.sort();
    draws.sort();
    handled.sort();
    println!(
        "{LINES} lines of `get events` into the cockpit ({WIDTH}x{HEIGHT}), {FLOOD_RUNS} runs: \
         total p50 {} (min {}, max {}), median {:.2} M lines/s; {frames} frames and {messages} \
         Exec messages in all; draw p50 {}, max {}; longest message batch {}",
        ms(percentile(&totals, 0.5)),
        ms(totals[0]),
        ms(totals[totals.len() - 1]),
        rates[rates.len() / 2] / 1e6,
        ms(percentile(&draws, 0.5)),
        ms(draws.last().copied().unwrap_or_default()),
        ms(longest_batch),
    );
    println!(
        "Tab every {} ms while it streams → end of the frame showing it, {} keys: p50 {}, \
         p99 {}, max {}  (target < 16 ms; frames are {} apart)",
        KEY_EVERY.as_millis(),
        keys.len(),
        ms(percentile(&keys, 0.5)),
        ms(percentile(&keys, 0.99)),
        ms(keys.last().copied().unwrap_or_default()),
        ms(FRAME),
    );
    println!(
        "the same keys → handled by update (before the frame): p50 {}, p99 {}, max {}",
        ms(percentile(&handled, 0.5)),
        ms(percentile(&handled, 0.99)),
        ms(handled.last().copied().unwrap_or_default()),
    );
    match (before, memory_kib()) {
        (Some((_, rss_before)), Some((peak, rss_after))) => println!(
            "memory: RSS {} MiB before the floods, {} MiB after, peak RSS of the process {} MiB",
            rss_before / 1024,
            rss_after / 1024,
            peak / 1024
        ),
        _ => println!("memory: /proc/self/status is not readable here"),
    }
}

/// Write the fake kubectl into `dir` (executable).
fn write_fake_kubectl(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("kubectl");
    std::fs::write(&path, FAKE_KUBECTL).expect("the fake kubectl is written");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
        .expect("the fake kubectl is made executable");
}

fn main() {
    if std::env::var_os(CHILD_FLAG).is_none() {
        // Run again with the fake kubectl first on PATH (the runner looks `kubectl` up there).
        let dir = tempfile::tempdir().expect("a temporary directory");
        write_fake_kubectl(dir.path());
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut dirs = vec![dir.path().to_path_buf()];
        dirs.extend(std::env::split_paths(&path));
        let status = std::process::Command::new(std::env::current_exe().expect("the bench's path"))
            .args(std::env::args_os().skip(1))
            .env("PATH", std::env::join_paths(dirs).expect("a PATH"))
            .env(CHILD_FLAG, "1")
            .status()
            .expect("the bench runs again with the fake kubectl");
        drop(dir);
        std::process::exit(status.code().unwrap_or(1));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        approval_to_start().await;
        flood().await;
    });
}
