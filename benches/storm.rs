//! A storm of pod updates through the real event loop: `app::run::run` with the real `update`,
//! effect runner and drawing on a 200x60 `TestBackend`, the watch pane zoomed on `pods -A`
//! sorted by RESTARTS (descending) over a 50 000-pod store, while a source task plays the
//! watcher task's part and sends 10 000 pod updates/s as `Msg::Watch` batches for 10 s.
//!
//! The source is synthetic and in process (pre-decoded pod rows): the simulator writes about
//! 8 500 changes/s at best on this machine (docs/simulator-performance.md), short of the storm.
//! Event k gives one pod the restart count `BASE + k`, so the top row of every drawn frame tells
//! which events that frame shows. A probe in the backend reads each flushed frame: how far the
//! drawn store lags the events sent (time since the oldest event not yet shown, in frames), the
//! draws per second, and for keys typed into the pane's command input during the second half of
//! the storm, key press → end of the first frame showing it.
//! Run with `cargo bench --bench storm`; without `--bench` it runs a small smoke pass.
#![allow(clippy::unwrap_used)]

mod sim_support;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc::{UnboundedSender, unbounded};
use kubevibe::app::model::{ClusterInfo, Model, ModelInit, Pane};
use kubevibe::app::msg::Msg;
use kubevibe::app::run::{FRAME, run};
use kubevibe::app::runtime::{CHANNEL_CAPACITY, EffectRunner};
use kubevibe::app::watch::{WatchKind, WatchState, WatchTarget};
use kubevibe::live::row::{ColumnId, Row};
use kubevibe::live::store::{Change, Sort};
use kubevibe::llm::replay::ReplayProvider;
use kubevibe::terminal::SyncBackend;
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use sim_support::{load, median};
use tokio::sync::mpsc;

const WIDTH: u16 = 200;
const HEIGHT: u16 = 60;
/// Restart count of the storm's first event; the loaded pods have fewer.
const BASE: u64 = 1_000_000;
/// Largest batch the watcher sends (as `live::watch` does).
const MAX_BATCH: usize = 1024;
/// Time between two typed keys (not a multiple of the frame).
const KEY_EVERY: Duration = Duration::from_millis(37);
/// Letters typed before the input is cleared with Ctrl-U.
const WORD: usize = 20;
const RECORDING: &str = include_str!("../tests/fixtures/agent_loop/namespaces.jsonl");

#[derive(Clone, Copy)]
struct Plan {
    pods: usize,
    rate: usize,
    seconds: u64,
}

/// What the probe in the backend saw, and when the source sent each event.
struct Shared {
    start: Instant,
    /// Nanoseconds since `start` (+1; 0 = not sent yet) at which event k was sent.
    sent: Vec<AtomicU64>,
    /// Set once a frame showed a loaded table (its top row has a RESTARTS value).
    loaded: AtomicBool,
    probe: Mutex<Probed>,
}

#[derive(Default)]
struct Probed {
    /// Each flushed frame: when, and the newest event it shows (None: none yet).
    frames: Vec<(Instant, Option<u64>)>,
    /// Keys typed and not yet seen: the input text they lead to, and when they were pressed.
    pending: VecDeque<(String, Instant)>,
    /// Key press → end of the first frame showing it.
    keys: Vec<Duration>,
}

impl Shared {
    fn nanos(&self) -> u64 {
        self.start.elapsed().as_nanos() as u64 + 1
    }

    fn sent_at(&self, event: usize) -> Option<Instant> {
        let nanos = self.sent.get(event)?.load(Ordering::Acquire);
        (nanos != 0).then(|| self.start + Duration::from_nanos(nanos - 1))
    }
}

/// `TestBackend` that reads every frame as it is flushed.
struct Probe {
    inner: TestBackend,
    shared: Arc<Shared>,
}

impl Probe {
    fn inspect(&self) {
        let now = Instant::now();
        let buffer = self.inner.buffer();
        let width = usize::from(buffer.area.width);
        let rows: Vec<String> = buffer
            .content
            .chunks(width)
            .map(|line| line.iter().map(Cell::symbol).collect())
            .collect();
        let top = top_restarts(buffer.content.chunks(width));
        if top.is_some() {
            self.shared.loaded.store(true, Ordering::Release);
        }
        let newest = top.and_then(|r| r.checked_sub(BASE));
        let mut probe = self.shared.probe.lock().unwrap();
        probe.frames.push((now, newest));
        // The newest key whose input text is on screen; it and every earlier key are shown.
        let shown = probe
            .pending
            .iter()
            .rposition(|(text, _)| rows.iter().any(|row| shows_input(row, text)));
        if let Some(last) = shown {
            let done: Vec<_> = probe.pending.drain(..=last).collect();
            probe
                .keys
                .extend(done.into_iter().map(|(_, at)| now.duration_since(at)));
        }
    }
}

/// The value in the RESTARTS column of the first row under the header.
fn top_restarts<'a>(mut lines: impl Iterator<Item = &'a [Cell]>) -> Option<u64> {
    let header: Vec<&str> = "RESTARTS".split("").filter(|s| !s.is_empty()).collect();
    loop {
        let line = lines.next()?;
        let symbols: Vec<&str> = line.iter().map(Cell::symbol).collect();
        if let Some(x) = symbols.windows(header.len()).position(|w| w == header) {
            let below = lines.next()?;
            let text: String = below[x..(x + 14).min(below.len())]
                .iter()
                .map(Cell::symbol)
                .collect();
            let digits: String = text
                .trim_start()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            return digits.parse().ok();
        }
    }
}

/// Whether `row` shows the command input holding exactly `text`.
fn shows_input(row: &str, text: &str) -> bool {
    let needle = format!(":{text}");
    row.match_indices(&needle).any(|(at, _)| {
        row[at + needle.len()..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_ascii_lowercase())
    })
}

impl Backend for Probe {
    type Error = <TestBackend as Backend>::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(position)
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(clear_type)
    }
    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.flush()?;
        self.inspect();
        Ok(())
    }
}

impl SyncBackend for Probe {}

/// Pod `i` as the watcher decodes it, with `restarts` restarts.
fn pod(i: usize, restarts: u64) -> Row {
    sim_support::scale_pod(i, "Running", "running", true, restarts)
}

/// Loads the store through the loop, waits for the loaded table on screen, then sends the
/// storm at `plan.rate` events/s in batches of what is due (checked every millisecond).
async fn source(plan: Plan, shared: Arc<Shared>, tx: mpsc::Sender<Msg>, storm: Vec<Row>) {
    let watch = |changes| Msg::Watch { id: 1, changes };
    tx.send(watch(vec![Change::Init])).await.unwrap();
    let mut initial = (0..plan.pods).map(|i| Change::InitRow(pod(i, (i % 5) as u64)));
    loop {
        let batch: Vec<Change> = initial.by_ref().take(MAX_BATCH).collect();
        if batch.is_empty() {
            break;
        }
        tx.send(watch(batch)).await.unwrap();
    }
    tx.send(watch(vec![Change::InitDone])).await.unwrap();
    while !shared.loaded.load(Ordering::Acquire) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let total = storm.len();
    let mut rows = storm.into_iter();
    let started = Instant::now();
    let mut sent = 0;
    while sent < total {
        let due = ((started.elapsed().as_secs_f64() * plan.rate as f64) as usize).min(total);
        if due == sent {
            tokio::time::sleep(Duration::from_millis(1)).await;
            continue;
        }
        let n = (due - sent).min(MAX_BATCH);
        let batch: Vec<Change> = rows.by_ref().take(n).map(Change::Apply).collect();
        let at = shared.nanos();
        for k in sent..sent + n {
            shared.sent[k].store(at, Ordering::Release);
        }
        tx.send(watch(batch)).await.unwrap();
        sent += n;
    }
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> std::io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(code, modifiers)))
}

/// Opens the pane's command input, then from `from` until `until` types a letter every
/// `KEY_EVERY` (cleared with Ctrl-U every `WORD` letters), noting each key as pending.
async fn typist(
    shared: Arc<Shared>,
    keys: UnboundedSender<std::io::Result<Event>>,
    from: Instant,
    until: Instant,
) {
    if keys
        .unbounded_send(key(KeyCode::Char(':'), KeyModifiers::NONE))
        .is_err()
    {
        return;
    }
    tokio::time::sleep_until(from.into()).await;
    let mut text = String::new();
    let mut tick = tokio::time::interval(KEY_EVERY);
    while Instant::now() < until {
        tick.tick().await;
        if text.len() == WORD {
            text.clear();
            if keys
                .unbounded_send(key(KeyCode::Char('u'), KeyModifiers::CONTROL))
                .is_err()
            {
                return;
            }
            continue;
        }
        let letter = char::from(b'a' + text.len() as u8);
        text.push(letter);
        shared
            .probe
            .lock()
            .unwrap()
            .pending
            .push_back((text.clone(), Instant::now()));
        // The loop has ended (the storm is over): stop typing.
        if keys
            .unbounded_send(key(KeyCode::Char(letter), KeyModifiers::NONE))
            .is_err()
        {
            return;
        }
    }
}

fn percentile<T: Copy + Default>(sorted: &[T], p: f64) -> T {
    if sorted.is_empty() {
        return T::default();
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

struct Figures {
    rate: f64,
    lag_p50: f64,
    lag_p99: f64,
    lag_max: f64,
    draws_quiet: f64,
    draws_typing: f64,
    keys: Vec<Duration>,
    cpu: f64,
}

async fn storm_once(plan: &Plan) -> Figures {
    let total = plan.rate * plan.seconds as usize;
    // Event k: pod (k * 7919) mod pods gets BASE + k restarts, so it becomes the top row.
    let storm: Vec<Row> = (0..total)
        .map(|k| pod((k * 7919) % plan.pods, BASE + k as u64))
        .collect();
    let shared = Arc::new(Shared {
        start: Instant::now(),
        sent: (0..total).map(|_| AtomicU64::new(0)).collect(),
        loaded: AtomicBool::new(false),
        probe: Mutex::new(Probed::default()),
    });

    let now = Instant::now();
    let mut model = Model::new(
        ModelInit::new(
            "replay:bench",
            ClusterInfo {
                context: Some("bench".into()),
                namespace: "default".into(),
                demo: false,
            },
            WIDTH,
            HEIGHT,
        ),
        now,
    );
    let mut watch = WatchState::new(
        1,
        WatchTarget {
            kind: WatchKind::Pods,
            namespace: None,
            labels: None,
        },
    );
    watch.store.set_sort(Sort {
        column: ColumnId::Cell(2),
        descending: true,
    });
    model.watch = Some(watch);
    model.focus = Pane::Watch;
    model.zoomed = true;

    let provider = ReplayProvider::from_jsonl("namespaces.jsonl", RECORDING, 1000.0).unwrap();
    let (tx, mut rx) = mpsc::channel(CHANNEL_CAPACITY);
    let mut runner = EffectRunner::new(Arc::new(provider), tx.clone(), None);
    let mut terminal = Terminal::new(Probe {
        inner: TestBackend::new(WIDTH, HEIGHT),
        shared: shared.clone(),
    })
    .unwrap();
    let (keys, input) = unbounded();

    let conductor = {
        let (shared, tx) = (shared.clone(), tx.clone());
        let seconds = plan.seconds;
        let plan = *plan;
        tokio::spawn(async move {
            let storm_source = tokio::spawn(source(plan, shared.clone(), tx.clone(), storm));
            while !shared.loaded.load(Ordering::Acquire) {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            let begin = Instant::now();
            let cpu_before = sim_support::cpu_seconds("self");
            let half = begin + Duration::from_secs(seconds) / 2;
            let end = begin + Duration::from_secs(seconds);
            tokio::spawn(typist(shared.clone(), keys, half, end));
            storm_source.await.unwrap();
            let sent = begin.elapsed();
            // Until the last event is on screen (or clearly never will be).
            let last = total as u64 - 1;
            let deadline = Instant::now() + Duration::from_secs(30);
            while Instant::now() < deadline {
                let shown = shared.probe.lock().unwrap().frames.last().and_then(|f| f.1);
                if shown == Some(last) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            let cpu = sim_support::cpu_seconds("self") - cpu_before;
            tx.send(Msg::Shutdown).await.unwrap();
            (begin, half, end, sent, cpu)
        })
    };
    run(&mut terminal, &mut model, &mut runner, input, &mut rx)
        .await
        .unwrap();
    let (begin, half, end, sent, cpu) = conductor.await.unwrap();

    let probe = shared.probe.lock().unwrap();
    let mut lags: Vec<f64> = probe
        .frames
        .iter()
        .filter(|(at, _)| *at >= begin)
        .map(|(at, newest)| {
            let missing = newest.map_or(0, |n| n as usize + 1);
            match shared.sent_at(missing) {
                Some(sent) if sent <= *at => {
                    at.duration_since(sent).as_secs_f64() / FRAME.as_secs_f64()
                }
                _ => 0.0,
            }
        })
        .collect();
    lags.sort_by(f64::total_cmp);
    let draws_in = |from: Instant, to: Instant| {
        probe
            .frames
            .iter()
            .filter(|(at, _)| *at >= from && *at < to)
            .count() as f64
            / to.duration_since(from).as_secs_f64()
    };
    let mut keys = probe.keys.clone();
    keys.sort();
    Figures {
        rate: total as f64 / sent.as_secs_f64(),
        lag_p50: percentile(&lags, 0.5),
        lag_p99: percentile(&lags, 0.99),
        lag_max: lags.last().copied().unwrap_or(0.0),
        draws_quiet: draws_in(begin, half),
        draws_typing: draws_in(half, end),
        keys,
        cpu,
    }
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let plan = if full {
        Plan {
            pods: 50_000,
            rate: 10_000,
            seconds: 10,
        }
    } else {
        Plan {
            pods: 2_000,
            rate: 10_000,
            seconds: 1,
        }
    };
    let runs = if full { 3 } else { 1 };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut all_keys = Vec::new();
    let (mut p99s, mut quiet, mut typing) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let f = runtime.block_on(storm_once(&plan));
        let keys = &f.keys;
        println!(
            "storm {} pods, {:.0} updates/s sent for {} s: drawn store behind the sent events \
             p50 {:.2} / p99 {:.2} / max {:.2} frames; draws/s {:.1} (no keys) and {:.1} (typing); \
             key → frame showing it ({} keys) p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; \
             process CPU {:.2} s [load {}]",
            plan.pods,
            f.rate,
            plan.seconds,
            f.lag_p50,
            f.lag_p99,
            f.lag_max,
            f.draws_quiet,
            f.draws_typing,
            keys.len(),
            ms(percentile(keys, 0.5)),
            ms(percentile(keys, 0.99)),
            ms(keys.last().copied().unwrap_or_default()),
            f.cpu,
            load()
        );
        assert!(!keys.is_empty() || !full, "no typed key was seen on screen");
        p99s.push(f.lag_p99);
        quiet.push(f.draws_quiet);
        typing.push(f.draws_typing);
        all_keys.extend(f.keys);
    }
    all_keys.sort();
    println!(
        "median of {runs}: lag p99 {:.2} frames; draws/s {:.1} / {:.1}; all {} keys: p50 {:.2} ms, \
         p99 {:.2} ms [load {}]",
        median(p99s),
        median(quiet),
        median(typing),
        all_keys.len(),
        ms(percentile(&all_keys, 0.5)),
        ms(percentile(&all_keys, 0.99)),
        load()
    );
}
