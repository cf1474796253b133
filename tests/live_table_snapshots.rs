//! The resource table drawn into a `TestBackend` at 80x24 and 160x48: columns, state
//! colours, the selected row, the header's counts and sync indicator.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use kubevibe::live::projection::{PodRow, Projection};
use kubevibe::live::row::ColumnId;
use kubevibe::live::store::{Change, Filter, Sort, Store};
use kubevibe::ui::resource_table::{DrawTime, ResourceTable, TableView};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use serde_json::{Value, json};

/// 2026-01-01T12:00:00Z.
const NOW: i64 = 1_767_268_800;

fn pod(i: usize) -> Value {
    let (phase, state, ready, restarts) = match i % 6 {
        0..=2 => ("Running", json!({ "running": {} }), true, 0),
        3 => (
            "Running",
            json!({ "waiting": { "reason": "CrashLoopBackOff" } }),
            false,
            7,
        ),
        4 => (
            "Pending",
            json!({ "waiting": { "reason": "ContainerCreating" } }),
            false,
            0,
        ),
        _ => (
            "Running",
            json!({ "waiting": { "reason": "ImagePullBackOff" } }),
            false,
            0,
        ),
    };
    json!({
        "metadata": {
            "name": format!("checkout-7d9f8c-{i:02}"),
            "namespace": if i.is_multiple_of(2) { "shop" } else { "payments" },
            "uid": format!("uid-{i}"),
            "creationTimestamp": jiff::Timestamp::from_second(NOW - 90 * i as i64 - 30).unwrap().to_string(),
            "managedFields": [{ "manager": "kubelet" }],
        },
        "spec": { "nodeName": format!("node-{}", i % 3), "containers": [{ "name": "app" }] },
        "status": {
            "phase": phase,
            "podIP": format!("10.0.{}.{}", i / 10, i % 250),
            "containerStatuses": [{ "name": "app", "ready": ready, "restartCount": restarts,
                "state": state,
                "lastState": if restarts > 0 { json!({ "terminated": { "exitCode": 1,
                    "finishedAt": jiff::Timestamp::from_second(NOW - 65).unwrap().to_string() } }) }
                    else { json!({}) } }],
        }
    })
}

fn store(namespace: Option<&str>, pods: usize) -> Store {
    let mut store = Store::for_projection::<PodRow>("pods", namespace.map(str::to_string));
    store.apply(Change::Init);
    for i in 0..pods {
        let object: PodRow = serde_json::from_value(pod(i)).unwrap();
        if namespace.is_none_or(|ns| object.metadata.namespace.as_deref() == Some(ns)) {
            store.apply(Change::InitRow(object.into_row()));
        }
    }
    store.apply(Change::InitDone);
    store
}

fn draw(store: &Store, view: TableView, time: DrawTime, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|frame| {
            frame.render_widget(ResourceTable::new(store, view, time), frame.area());
        })
        .unwrap();
    terminal
}

fn at_now() -> DrawTime {
    DrawTime {
        wall: NOW,
        mono: Instant::now(),
    }
}

#[test]
fn all_namespaces_at_80x24() {
    let store = store(None, 40);
    let view = TableView {
        offset: 0,
        selected: 2,
    };
    let terminal = draw(&store, view, at_now(), 80, 24);
    insta::assert_snapshot!("pods_all_namespaces_80x24", terminal.backend());
    // Colours: the selected row is highlighted, failures red, running green.
    let buffer = terminal.backend().buffer();
    let row_of = |name: &str| {
        (0..24u16)
            .find(|y| {
                (0..80u16)
                    .map(|x| buffer[(x, *y)].symbol())
                    .collect::<String>()
                    .contains(name)
            })
            .unwrap()
    };
    let crash = row_of("checkout-7d9f8c-03");
    let running = row_of("checkout-7d9f8c-06");
    assert_eq!(buffer[(20, crash)].fg, kubevibe::ui::theme::ERROR);
    assert_eq!(buffer[(20, running)].fg, kubevibe::ui::theme::OK);
    assert_ne!(
        buffer[(0, 4)].bg,
        Color::Reset,
        "the selected row has a background"
    );
}

#[test]
fn one_namespace_sorted_by_restarts_filtered_and_reconnecting_at_160x48() {
    let mut store = store(Some("payments"), 60);
    store.set_sort(Sort {
        column: ColumnId::Cell(2),
        descending: true,
    });
    store.set_filter(Filter::parse("!pending").unwrap());
    let mono = Instant::now();
    store.apply(Change::Down {
        error: "connection refused".to_string(),
        at: mono - Duration::from_secs(12),
    });
    let view = TableView {
        offset: 0,
        selected: 0,
    };
    let terminal = draw(&store, view, DrawTime { wall: NOW, mono }, 160, 48);
    insta::assert_snapshot!("pods_payments_reconnecting_160x48", terminal.backend());
}

#[test]
fn a_syncing_store_says_it_is_listing() {
    let mut store = Store::for_projection::<PodRow>("pods", Some("shop".into()));
    store.apply(Change::Init);
    let terminal = draw(&store, TableView::default(), at_now(), 80, 24);
    insta::assert_snapshot!("pods_syncing_80x24", terminal.backend());
}
