//! Drawing the watch table: a store of 1 000, 10 000 and 100 000 pod rows drawn at 200x60 with
//! `ui::resource_table::ResourceTable` into a `TestBackend` (p50/p99/max per frame while the
//! selection jumps through the whole table), and the same frames counted in instructions by
//! callgrind, which a busy machine does not disturb.
//!
//! `cargo bench --bench table_draw` prints the times; `cargo bench --bench table_draw --
//! --callgrind` runs this binary again under `valgrind --tool=callgrind` for each row count,
//! collecting only inside `draw_frames`, and prints instructions per frame. Without `--bench`
//! it runs a small smoke pass.
#![allow(clippy::unwrap_used)]

mod sim_support;

use std::time::{Duration, Instant};

use kubevibe::live::projection::PodRow;
use kubevibe::live::row::Row;
use kubevibe::live::store::{Change, Store};
use kubevibe::ui::resource_table::{DrawTime, ResourceTable, TableView};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sim_support::load;

const WIDTH: u16 = 200;
const HEIGHT: u16 = 60;
const ROW_COUNTS: [usize; 3] = [1_000, 10_000, 100_000];
/// Frames drawn under callgrind per row count.
const COUNTED_FRAMES: usize = 200;

const STATES: &[(&str, &str, bool, i32)] = &[
    ("Running", "running", true, 0),
    ("Running", "running", true, 1),
    ("Running", "CrashLoopBackOff", false, 5),
    ("Pending", "ContainerCreating", false, 0),
    ("Running", "ImagePullBackOff", false, 0),
];

/// A pod row as the watcher decodes it.
fn pod(i: usize) -> Row {
    let (phase, reason, ready, restarts) = STATES[i % STATES.len()];
    sim_support::scale_pod(i, phase, reason, ready, restarts as u64)
}

fn loaded(rows: usize) -> Store {
    let mut store = Store::for_projection::<PodRow>("pods", None);
    store.apply(Change::Init);
    for i in 0..rows {
        store.apply(Change::InitRow(pod(i)));
    }
    store.apply(Change::InitDone);
    store
}

/// Draws `frames` frames, the selection jumping through the table so its start, middle and end
/// are all drawn; returns each frame's time. Not inlined: callgrind collects inside it only.
#[inline(never)]
fn draw_frames(store: &Store, frames: usize) -> Vec<Duration> {
    let rows = store.visible_len().max(1);
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    let time = DrawTime {
        wall: 1_767_268_800,
        mono: Instant::now(),
    };
    let mut samples = Vec::with_capacity(frames);
    for f in 0..frames {
        let selected = (f * 7_919) % rows;
        let view = TableView {
            offset: selected.saturating_sub(30),
            selected,
        };
        let started = Instant::now();
        terminal
            .draw(|frame| frame.render_widget(ResourceTable::new(store, view, time), frame.area()))
            .unwrap();
        samples.push(started.elapsed());
    }
    samples
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn times(rows: usize, frames: usize) {
    let store = loaded(rows);
    // One pass to warm caches and the terminal's buffers, not counted.
    draw_frames(&store, 20);
    let mut samples = draw_frames(&store, frames);
    samples.sort();
    println!(
        "draw a {rows}-row table at {WIDTH}x{HEIGHT}: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms \
         ({frames} frames) [load {}]",
        percentile(&samples, 0.5).as_secs_f64() * 1e3,
        percentile(&samples, 0.99).as_secs_f64() * 1e3,
        samples[samples.len() - 1].as_secs_f64() * 1e3,
        load()
    );
}

/// Runs this binary under callgrind for each row count and prints instructions per frame.
fn callgrind() {
    let exe = std::env::current_exe().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for rows in ROW_COUNTS {
        let out = dir.path().join(format!("callgrind.{rows}"));
        let status = std::process::Command::new("valgrind")
            .arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg("--collect-atstart=no")
            .arg("--toggle-collect=*draw_frames*")
            .arg(&exe)
            .args([
                "--draw-only",
                &rows.to_string(),
                &COUNTED_FRAMES.to_string(),
            ])
            .stderr(std::process::Stdio::null())
            .status();
        match status {
            Ok(status) if status.success() => {}
            Ok(status) => {
                println!("callgrind run for {rows} rows failed: {status}");
                continue;
            }
            Err(error) => {
                println!(
                    "valgrind could not be started ({error}); install valgrind to count \
                     instructions"
                );
                return;
            }
        }
        let text = std::fs::read_to_string(&out).unwrap_or_default();
        let total: u64 = text
            .lines()
            .find_map(|l| {
                l.strip_prefix("totals:")
                    .or_else(|| l.strip_prefix("summary:"))
            })
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0);
        println!(
            "callgrind: a {rows}-row table at {WIDTH}x{HEIGHT}: {} instructions per frame \
             ({COUNTED_FRAMES} frames, {total} in all)",
            total / COUNTED_FRAMES as u64
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--draw-only") {
        let rows: usize = args
            .get(at + 1)
            .and_then(|a| a.parse().ok())
            .unwrap_or(1_000);
        let frames: usize = args.get(at + 2).and_then(|a| a.parse().ok()).unwrap_or(100);
        let store = loaded(rows);
        let samples = draw_frames(&store, frames);
        assert_eq!(samples.len(), frames);
        return;
    }
    if args.iter().any(|a| a == "--callgrind") {
        callgrind();
        return;
    }
    if !args.iter().any(|a| a == "--bench") {
        times(2_000, 50);
        return;
    }
    for rows in ROW_COUNTS {
        times(rows, 2_000);
    }
}
