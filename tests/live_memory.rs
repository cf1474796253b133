//! Heap bytes a pod store holds per row, counted by a counting global allocator (so the
//! figure does not depend on other processes or on what the allocator keeps): at most 512
//! bytes per row for pods shaped like the `scale:N` scenario's, and a relist that changes
//! nothing holds no second copy of the rows.
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
fn a_pod_row_costs_at_most_512_heap_bytes_and_an_unchanged_relist_no_copy() {
    const ROWS: usize = 20_000;
    let before = heap_bytes();
    let mut store = Store::for_projection::<PodRow>("pods", None);
    list(&mut store, ROWS, 0);
    let steady = heap_bytes() - before;
    let per_row = steady as f64 / ROWS as f64;
    println!("{per_row:.0} heap bytes per row");
    assert!(per_row <= 512.0, "{per_row:.0} heap bytes per row");

    // A relist of the same objects: sampled after each row, the store never holds much more.
    store.apply(Change::Init);
    let mut peak = 0;
    for i in 0..ROWS {
        store.apply(Change::InitRow(pod(i, 0)));
        peak = peak.max(heap_bytes() - before);
    }
    store.apply(Change::InitDone);
    assert_eq!(store.counts().total, ROWS);
    let ratio = peak as f64 / steady as f64;
    println!("unchanged relist: peak {ratio:.2}x steady");
    assert!(
        ratio < 1.1,
        "an unchanged relist peaked at {ratio:.2}x the steady size"
    );
}
