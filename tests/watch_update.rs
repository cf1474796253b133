//! The watch pane in the pure `update`: the cockpit starts one watcher of pods in its
//! namespace when it has a context, batches of that watcher fill the store and ask for a
//! draw, and batches of any other watcher (or empty ones) change nothing.
#![allow(clippy::unwrap_used)]

use std::time::Instant;

use kubevibe::app::effect::Effect;
use kubevibe::app::model::{ClusterInfo, Model, ModelInit};
use kubevibe::app::msg::Msg;
use kubevibe::app::update::update;
use kubevibe::app::watch::{WatchKind, WatchTarget};
use kubevibe::live::row::{Row, Tone};
use kubevibe::live::store::{Change, SyncState};

fn model(context: Option<&str>) -> Model {
    let cluster = ClusterInfo {
        context: context.map(str::to_string),
        namespace: "shop".into(),
        demo: false,
    };
    Model::new(ModelInit::new("test", cluster, 120, 40), Instant::now())
}

fn row(uid: &str, name: &str) -> Row {
    Row {
        uid: uid.into(),
        namespace: "shop".into(),
        name: name.into(),
        labels: Box::new([]),
        owners: Box::new([]),
        cells: Box::new([]),
        tone: Tone::Good,
    }
}

fn names(model: &Model) -> Vec<String> {
    let store = &model.watch.as_ref().unwrap().store;
    store
        .visible(0, usize::MAX)
        .map(|r| r.name.to_string())
        .collect()
}

#[test]
fn a_cockpit_with_a_context_watches_pods_in_its_namespace() {
    let model = model(Some("prod"));
    assert_eq!(
        kubevibe::app::watch::start(&model),
        vec![Effect::StartWatch {
            id: 1,
            target: WatchTarget {
                kind: WatchKind::Pods,
                namespace: Some("shop".into()),
            },
        }]
    );
    let store = &model.watch.as_ref().unwrap().store;
    assert_eq!(store.state(), &SyncState::Syncing);
    assert_eq!(store.kind(), "pods");
}

#[test]
fn without_a_context_nothing_is_watched() {
    let model = model(None);
    assert!(model.watch.is_none());
    assert!(kubevibe::app::watch::start(&model).is_empty());
}

#[test]
fn batches_fill_the_store_and_ask_for_a_draw() {
    let mut model = model(Some("prod"));
    model.dirty = false;
    let list = vec![
        Change::Init,
        Change::InitRow(row("b", "checkout-b")),
        Change::InitRow(row("a", "checkout-a")),
        Change::InitDone,
    ];
    let effects = update(
        &mut model,
        Msg::Watch {
            id: 1,
            changes: list,
        },
        Instant::now(),
    );
    assert!(effects.is_empty());
    assert!(model.dirty);
    assert_eq!(names(&model), ["checkout-a", "checkout-b"]);
    assert_eq!(
        model.watch.as_ref().unwrap().store.state(),
        &SyncState::Live
    );

    model.dirty = false;
    let changes = vec![
        Change::Delete("a".into()),
        Change::Apply(row("c", "cart-c")),
    ];
    update(&mut model, Msg::Watch { id: 1, changes }, Instant::now());
    assert!(model.dirty);
    assert_eq!(names(&model), ["cart-c", "checkout-b"]);
}

#[test]
fn stale_and_empty_batches_change_nothing() {
    let mut model = model(Some("prod"));
    model.dirty = false;
    let changes = vec![Change::Apply(row("x", "old-watcher"))];
    update(&mut model, Msg::Watch { id: 7, changes }, Instant::now());
    update(
        &mut model,
        Msg::Watch {
            id: 1,
            changes: Vec::new(),
        },
        Instant::now(),
    );
    assert!(!model.dirty, "no draw without a change");
    assert!(names(&model).is_empty());
}

#[test]
fn an_outage_shows_in_the_pane_and_keeps_the_rows() {
    let mut model = model(Some("prod"));
    let list = vec![
        Change::Init,
        Change::InitRow(row("a", "api")),
        Change::InitDone,
    ];
    update(
        &mut model,
        Msg::Watch {
            id: 1,
            changes: list,
        },
        Instant::now(),
    );
    let down = vec![Change::Down {
        error: "connection refused".into(),
        at: Instant::now(),
    }];
    update(
        &mut model,
        Msg::Watch {
            id: 1,
            changes: down,
        },
        Instant::now(),
    );
    let store = &model.watch.as_ref().unwrap().store;
    assert!(
        matches!(store.state(), SyncState::Reconnecting { error, .. } if error == "connection refused")
    );
    assert_eq!(names(&model), ["api"]);
}
