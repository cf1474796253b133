//! Heap bytes a pod store holds per row, counted by a counting global allocator (so the
//! figure does not depend on other processes or on what the allocator keeps): at most 512
//! bytes per row for pods shaped like the `scale:N` scenario's, and a relist — one that
//! changes nothing and one that changes every row — holds no second copy of the rows (its
//! peak stays under 1.5x the steady heap).
#![allow(clippy::unwrap_used)]

use std::alloc::System;

use kubevibe::live::projection::{PodRow, Projection};
use kubevibe::live::row::Row;
use kubevibe::live::store::{Change, Store};
use serde_json::json;
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn heap_bytes() -> i64 {
    let stats = GLOBAL.stats();
    // A realloc is already counted in both (its growth or its shrinking).
    stats.bytes_allocated as i64 - stats.bytes_deallocated as i64
}

/// A pod of deployment `i / 10` in namespace `i % 100`, decoded as the watcher decodes it.
fn pod(i: usize, restarts: i32) -> Row {
    let deployment = i / 10;
    let object = json!({
        "metadata": {
            "name": format!("app-{deployment}-7d9f8c6b5-{:05}", i % 100_000),
            "namespace": format!("scale-{:03}", i % 100),
            "uid": format!("0a1b2c3d-0000-4000-8000-{i:012}"),
            "creationTimestamp": "2026-01-01T00:00:00Z",
            "labels": { "app": format!("app-{deployment}"), "pod-template-hash": "7d9f8c6b5" },
            "ownerReferences": [{ "apiVersion": "apps/v1", "kind": "ReplicaSet",
                "name": format!("app-{deployment}-7d9f8c6b5"), "uid": "x", "controller": true }],
        },
        "spec": { "nodeName": format!("scale-node-{}", i % 500), "containers": [{ "name": "app" }] },
        "status": { "phase": "Running", "podIP": format!("10.1.{}.{}", i / 250 % 250, i % 250),
            "containerStatuses": [{ "name": "app", "ready": true, "restartCount": restarts,
                "state": { "running": {} } }] }
    });
    serde_json::from_value::<PodRow>(object).unwrap().into_row()
}

fn list(store: &mut Store, rows: usize, restarts: i32) {
    store.apply(Change::Init);
    for i in 0..rows {
        store.apply(Change::InitRow(pod(i, restarts)));
    }
    store.apply(Change::InitDone);
}

#[test]
fn a_pod_row_costs_at_most_512_heap_bytes_and_a_relist_no_second_copy() {
    const ROWS: usize = 20_000;
    let before = heap_bytes();
    let mut store = Store::for_projection::<PodRow>("pods", None);
    list(&mut store, ROWS, 0);
    let steady = heap_bytes() - before;
    let per_row = steady as f64 / ROWS as f64;
    println!("{per_row:.0} heap bytes per row");
    assert!(per_row <= 512.0, "{per_row:.0} heap bytes per row");

    // A relist of the same objects: sampled after each row, the store never holds much more.
    let unchanged = relist_peak(&mut store, ROWS, 0, before) as f64 / steady as f64;
    assert_eq!(store.counts().total, ROWS);
    println!("unchanged relist: peak {unchanged:.2}x steady");
    assert!(
        unchanged < 1.1,
        "an unchanged relist peaked at {unchanged:.2}x the steady size"
    );

    // A relist where every row changed (a restart each): rows are updated in place.
    let changed = relist_peak(&mut store, ROWS, 1, before) as f64 / steady as f64;
    assert_eq!(store.counts().total, ROWS);
    assert!(store.rows().all(|row| row.cells[2].render(0) == "1"));
    println!("relist changing every row: peak {changed:.2}x steady");
    assert!(
        changed < 1.5,
        "a relist changing every row peaked at {changed:.2}x the steady size"
    );
}

/// Relists `rows` pods with `restarts` and returns the most heap the store held (over the
/// heap in use `before` the store was made) after any one change, InitDone included.
fn relist_peak(store: &mut Store, rows: usize, restarts: i32, before: i64) -> i64 {
    store.apply(Change::Init);
    let mut peak = 0;
    for i in 0..rows {
        store.apply(Change::InitRow(pod(i, restarts)));
        peak = peak.max(heap_bytes() - before);
    }
    store.apply(Change::InitDone);
    peak.max(heap_bytes() - before)
}
