//! Live store and table speed: watch events applied into a pod store with a sort and a filter
//! active (events/s on one core), and drawing a 100 000-row table at 200x60 (p50/p99 per
//! frame, compared with a 1 000-row table to show it is flat in row count).
//! Run with `cargo bench --bench live_store`; without `--bench` it runs a small smoke pass.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use kubevibe::live::projection::{PodRow, Projection};
use kubevibe::live::row::{ColumnId, Row};
use kubevibe::live::store::{Change, Filter, Sort, Store};
use kubevibe::ui::resource_table::{DrawTime, ResourceTable, TableView};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;

const STATES: &[(&str, &str, bool, i32)] = &[
    ("Running", "running", true, 0),
    ("Running", "running", true, 1),
    ("Running", "CrashLoopBackOff", false, 5),
    ("Pending", "ContainerCreating", false, 0),
    ("Running", "ImagePullBackOff", false, 0),
];

/// A pod row as the watcher would decode it; `version` varies its state.
fn pod(i: usize, version: usize) -> Row {
    let (phase, reason, ready, restarts) = STATES[(i + version) % STATES.len()];
    let state = if reason == "running" {
        json!({ "running": {} })
    } else {
        json!({ "waiting": { "reason": reason } })
    };
    let object = json!({
        "metadata": {
            "name": format!("app-{}-7d9f8c6b5-{i:06}", i % 500),
            "namespace": format!("ns-{:03}", i % 100),
            "uid": format!("00000000-0000-0000-0000-{i:012}"),
            "creationTimestamp": "2026-01-01T00:00:00Z",
            "labels": { "app": format!("app-{}", i % 500), "pod-template-hash": "7d9f8c6b5" },
        },
        "spec": { "nodeName": format!("node-{}", i % 20), "containers": [{ "name": "app" }] },
        "status": { "phase": phase, "podIP": format!("10.1.{}.{}", i / 250 % 250, i % 250),
            "containerStatuses": [{ "name": "app", "ready": ready,
                "restartCount": restarts + (version as i32 % 3), "state": state }] }
    });
    serde_json::from_value::<PodRow>(object).unwrap().into_row()
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

fn apply_rate(rows: usize, events: usize) {
    let mut store = loaded(rows);
    store.set_sort(Sort {
        column: ColumnId::Cell(1),
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
        "apply {events} events into a {rows}-row store (sort RESTARTS, filter !crash): {:.0} events/s ({:.2} µs/event), {} shown",
        events as f64 / took.as_secs_f64(),
        took.as_secs_f64() * 1e6 / events as f64,
        store.visible_len()
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
        apply_rate(2_000, 10_000);
        draw_rate(2_000, 50);
        return;
    }
    for _ in 0..3 {
        apply_rate(50_000, 200_000);
    }
    for rows in [1_000, 100_000] {
        draw_rate(rows, 2_000);
    }
}
