//! Live store and table speed and memory: heap bytes per row of a 50 000-pod store (counted
//! by a counting global allocator, so independent of other processes) and its resident-memory
//! growth, the peak during a relist against the steady size, watch events applied into the
//! store with a sort and a filter active (events/s on one core), and drawing a 100 000-row
//! table at 200x60 (p50/p99 per frame, compared with a 1 000-row table to show it is flat in
//! row count). Run with `cargo bench --bench live_store`; without `--bench` it runs a small
//! smoke pass.
#![allow(clippy::unwrap_used)]

mod sim_support;

use std::alloc::System;
use std::time::{Duration, Instant};

use sim_support::{load, rss_mib};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Heap bytes in use now (requested sizes; the allocator's own overhead is not counted).
fn heap_bytes() -> i64 {
    let stats = GLOBAL.stats();
    // A realloc is already counted in both (its growth or its shrinking).
    stats.bytes_allocated as i64 - stats.bytes_deallocated as i64
}

use kubevibe::live::projection::PodRow;
use kubevibe::live::row::{ColumnId, Row};
use kubevibe::live::store::{Change, Filter, Sort, Store};
use kubevibe::ui::resource_table::{DrawTime, ResourceTable, TableView};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const STATES: &[(&str, &str, bool, i32)] = &[
    ("Running", "running", true, 0),
    ("Running", "running", true, 1),
    ("Running", "CrashLoopBackOff", false, 5),
    ("Pending", "ContainerCreating", false, 0),
    ("Running", "ImagePullBackOff", false, 0),
];

/// A pod row as the watcher would decode it; `version` varies its state (`3 * version`, as
/// the apply run's pod numbers step by 7919, so `i + version` would repeat one state mod 5).
fn pod(i: usize, version: usize) -> Row {
    let (phase, reason, ready, restarts) = STATES[(i + 3 * version) % STATES.len()];
    let restarts = restarts as u64 + (version % 3) as u64;
    sim_support::scale_pod(i, phase, reason, ready, restarts)
}

fn loaded(rows: usize) -> Store {
    let mut store = Store::for_projection::<PodRow>("pods", None);
    store.apply(Change::Init);
    for i in 0..rows {
        store.apply(Change::InitRow(pod(i, 0)));
    }
    store.apply(Change::InitDone);
    store
}

/// Memory of a store of `rows` pods: heap bytes per row once loaded, and the peak during a
/// relist (sampled after every change) over the steady size, for a relist that changes
/// nothing and one that changes every row.
fn memory(rows: usize) {
    let _ = Region::new(GLOBAL);
    let (heap_before, rss_before) = (heap_bytes(), rss_mib());
    let mut store = loaded(rows);
    let steady = heap_bytes() - heap_before;
    let rss = rss_mib() - rss_before;
    println!(
        "store of {rows} pods: {:.0} heap bytes per row ({:.1} MiB), RSS growth {:.1} MiB = {:.0} bytes per row [load {}]",
        steady as f64 / rows as f64,
        steady as f64 / 1048576.0,
        rss,
        rss * 1048576.0 / rows as f64,
        load()
    );
    for (what, version) in [("unchanged", 0), ("every row changed", 1)] {
        let mut peak = 0;
        store.apply(Change::Init);
        for i in 0..rows {
            // Built here, so what the heap holds between changes is the store alone.
            store.apply(Change::InitRow(pod(i, version)));
            peak = peak.max(heap_bytes() - heap_before);
        }
        // Listed rows replace their old versions in place; InitDone removes the unlisted.
        store.apply(Change::InitDone);
        let after = heap_bytes() - heap_before;
        peak = peak.max(after);
        println!(
            "relist of {rows} pods, {what}: peak {:.1} MiB over a steady {:.1} MiB = {:.2}x (after: {:.1} MiB)",
            peak as f64 / 1048576.0,
            steady as f64 / 1048576.0,
            peak as f64 / steady as f64,
            after as f64 / 1048576.0
        );
    }
    drop(store);
}

/// Lists `rows` prepared pods into an empty store, timed (rows are visible from the first).
fn list_rate(rows: usize) -> Store {
    let list: Vec<Change> = (0..rows).map(|i| Change::InitRow(pod(i, 0))).collect();
    let mut store = Store::for_projection::<PodRow>("pods", None);
    let started = Instant::now();
    store.apply(Change::Init);
    store.apply_all(list);
    store.apply(Change::InitDone);
    let took = started.elapsed();
    println!(
        "list {rows} pods into an empty store: {:.0} rows/s ({:.3} s) [load {}]",
        rows as f64 / took.as_secs_f64(),
        took.as_secs_f64(),
        load()
    );
    store
}

fn apply_rate(rows: usize, events: usize) {
    let mut store = list_rate(rows);
    store.set_sort(Sort {
        column: ColumnId::Cell(2),
        descending: false,
    });
    store.set_filter(Filter::parse("!crash").unwrap());
    // Prepared up front so only applying is timed: modifications of existing pods, with a
    // delete and a re-add every 20 events.
    let changes: Vec<Change> = (0..events)
        .map(|n| {
            let i = (n * 7919) % rows;
            match n % 20 {
                0 => Change::Delete(pod(i, 0).uid),
                1 => Change::Apply(pod((n * 7919 - 7919) % rows, n)),
                _ => Change::Apply(pod(i, n)),
            }
        })
        .collect();
    let started = Instant::now();
    store.apply_all(changes);
    let took = started.elapsed();
    println!(
        "apply {events} events into a {rows}-row store (sort RESTARTS, filter !crash): {:.0} events/s ({:.2} µs/event), {} of {} shown [load {}]",
        events as f64 / took.as_secs_f64(),
        took.as_secs_f64() * 1e6 / events as f64,
        store.visible_len(),
        store.counts().total,
        load()
    );
}

fn percentile(samples: &[Duration], p: f64) -> Duration {
    samples[((samples.len() - 1) as f64 * p) as usize]
}

fn draw_rate(rows: usize, frames: usize) {
    let store = loaded(rows);
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let time = DrawTime {
        wall: 1_767_268_800,
        mono: Instant::now(),
    };
    let mut samples = Vec::with_capacity(frames);
    for f in 0..frames {
        // Scroll through the whole table: start, middle and end all get drawn.
        let selected = (f * 7_919) % rows;
        let view = TableView {
            offset: selected.saturating_sub(30),
            selected,
        };
        let started = Instant::now();
        terminal
            .draw(|frame| frame.render_widget(ResourceTable::new(&store, view, time), frame.area()))
            .unwrap();
        samples.push(started.elapsed());
    }
    samples.sort();
    println!(
        "draw a {rows}-row table at 200x60: p50 {:?} p99 {:?} max {:?} ({frames} frames)",
        percentile(&samples, 0.5),
        percentile(&samples, 0.99),
        samples[samples.len() - 1]
    );
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    if !full {
        memory(2_000);
        apply_rate(2_000, 10_000);
        draw_rate(2_000, 50);
        return;
    }
    let only = std::env::var("LIVE_STORE_ONLY").unwrap_or_default();
    if only.is_empty() || only == "memory" {
        memory(50_000);
    }
    if only.is_empty() || only == "apply" {
        for _ in 0..3 {
            apply_rate(50_000, 200_000);
        }
    }
    if !only.is_empty() {
        return;
    }
    for rows in [1_000, 100_000] {
        draw_rate(rows, 2_000);
    }
}
