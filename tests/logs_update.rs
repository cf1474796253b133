//! The logs and events views in the pure `update`: `l` on a pod row starts a follow, lines
//! fill the ring buffer, pause keeps buffering and counts, the filter, container cycling,
//! previous, save and the events aggregation from watch batches.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kubevibe::app::effect::Effect;
use kubevibe::app::live_view::LiveView;
use kubevibe::app::logs::LogsState;
use kubevibe::app::model::{ClusterInfo, Model, ModelInit, Pane};
use kubevibe::app::msg::Msg;
use kubevibe::app::update::update;
use kubevibe::live::events::{EventChange, EventItem};
use kubevibe::live::logs::{LogEvent, LogLine, LogSource};
use kubevibe::live::row::{Row, Tone};
use kubevibe::live::store::Change;

fn model() -> Model {
    let cluster = ClusterInfo {
        context: Some("dev".into()),
        namespace: "shop".into(),
        demo: false,
    };
    let mut model = Model::new(ModelInit::new("test", cluster, 120, 40), Instant::now());
    model.focus = Pane::Watch;
    let row = Row {
        uid: "u1".into(),
        namespace: "shop".into(),
        name: "checkout-1".into(),
        labels: [].into(),
        owners: [].into(),
        cells: Box::new([]),
        tone: Tone::Good,
    };
    let changes = vec![Change::Init, Change::InitRow(row), Change::InitDone];
    update(&mut model, Msg::Watch { id: 1, changes }, Instant::now());
    model
}

fn press(model: &mut Model, code: KeyCode) -> Vec<Effect> {
    update(
        model,
        Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        Instant::now(),
    )
}

fn line(pod: &str, container: &str, text: &str) -> LogLine {
    LogLine {
        pod: Arc::from(pod),
        container: Arc::from(container),
        text: text.into(),
        timestamp: None,
    }
}

fn lines(model: &mut Model, id: u64, batch: Vec<LogLine>) {
    update(
        model,
        Msg::Logs {
            id,
            event: LogEvent::Lines(batch),
        },
        Instant::now(),
    );
}

fn shown(state: &LogsState) -> Vec<String> {
    state
        .visible
        .iter()
        .map(|seq| state.ring.get(*seq).unwrap().text.clone())
        .collect()
}

/// `l` on the pod row: the logs view shows and a follow of that pod starts.
fn opened() -> (Model, u64) {
    let mut model = model();
    let effects = press(&mut model, KeyCode::Char('l'));
    assert_eq!(model.live_view, LiveView::Logs);
    let [Effect::StartLogs { id, request }] = effects.as_slice() else {
        panic!("one follow starts: {effects:?}");
    };
    assert_eq!(
        request.source,
        LogSource::Pod {
            namespace: "shop".into(),
            name: "checkout-1".into()
        }
    );
    assert!(!request.previous);
    (model, *id)
}

#[test]
fn l_on_a_pod_row_follows_it_and_lines_show_in_order() {
    let (mut model, id) = opened();
    lines(
        &mut model,
        id,
        vec![
            line("checkout-1", "app", "one"),
            line("checkout-1", "app", "two"),
        ],
    );
    lines(&mut model, id + 7, vec![line("checkout-1", "app", "stale")]);
    assert_eq!(shown(&model.logs), ["one", "two"]);
    assert!(!model.logs.merged());
}

#[test]
fn pause_keeps_buffering_and_counts_new_lines() {
    let (mut model, id) = opened();
    lines(&mut model, id, vec![line("p", "c", "a")]);
    press(&mut model, KeyCode::Char(' '));
    assert!(model.logs.paused);
    lines(
        &mut model,
        id,
        vec![line("p", "c", "b"), line("p", "c", "c")],
    );
    assert_eq!(model.logs.new_while_paused, 2);
    assert_eq!(
        model.logs.bottom_offset, 2,
        "the view stays on the same lines"
    );
    assert_eq!(model.logs.ring.len(), 3);
    press(&mut model, KeyCode::Char('G'));
    assert!(!model.logs.paused);
    assert_eq!(
        (model.logs.bottom_offset, model.logs.new_while_paused),
        (0, 0)
    );
    press(&mut model, KeyCode::Char('k'));
    assert!(model.logs.paused, "scrolling up pauses");
    press(&mut model, KeyCode::Char('j'));
    assert!(!model.logs.paused, "back at the bottom follows again");
}

#[test]
fn the_filter_applies_on_enter_inverts_and_rejects_a_bad_regex() {
    let (mut model, id) = opened();
    lines(
        &mut model,
        id,
        vec![
            line("p", "c", "GET /health"),
            line("p", "c", "ERROR boom"),
            line("p", "c", "GET /cart"),
        ],
    );
    press(&mut model, KeyCode::Char('/'));
    for c in "GET".chars() {
        press(&mut model, KeyCode::Char(c));
    }
    assert_eq!(shown(&model.logs).len(), 3, "nothing applies before Enter");
    press(&mut model, KeyCode::Enter);
    assert_eq!(shown(&model.logs), ["GET /health", "GET /cart"]);
    lines(
        &mut model,
        id,
        vec![line("p", "c", "GET /new"), line("p", "c", "other")],
    );
    assert_eq!(shown(&model.logs), ["GET /health", "GET /cart", "GET /new"]);
    press(&mut model, KeyCode::Char('/'));
    for _ in 0..3 {
        press(&mut model, KeyCode::Backspace);
    }
    for c in "!~^GET".chars() {
        press(&mut model, KeyCode::Char(c));
    }
    press(&mut model, KeyCode::Enter);
    assert_eq!(shown(&model.logs), ["ERROR boom", "other"]);
    press(&mut model, KeyCode::Char('/'));
    press(&mut model, KeyCode::Char('~'));
    press(&mut model, KeyCode::Char('('));
    // The raw filter text is now "!~^GET~(" which is a bad regex: it stays open with the reason.
    press(&mut model, KeyCode::Enter);
    assert!(model.logs.filter_input.is_some());
    assert!(
        model
            .flash
            .as_deref()
            .unwrap_or("")
            .contains("bad filter regex")
    );
    press(&mut model, KeyCode::Esc);
    assert!(model.logs.filter_input.is_none());
    assert_eq!(shown(&model.logs), ["ERROR boom", "other"]);
}

#[test]
fn merged_streams_get_prefixes_and_c_cycles_the_containers() {
    let (mut model, id) = opened();
    lines(
        &mut model,
        id,
        vec![
            line("web-1", "app", "a1"),
            line("web-1", "sidecar", "s1"),
            line("web-2", "app", "a2"),
        ],
    );
    assert!(model.logs.merged());
    press(&mut model, KeyCode::Char('c'));
    assert_eq!(model.logs.container.as_deref(), Some("app"));
    assert_eq!(shown(&model.logs), ["a1", "a2"]);
    press(&mut model, KeyCode::Char('c'));
    assert_eq!(shown(&model.logs), ["s1"]);
    press(&mut model, KeyCode::Char('c'));
    assert_eq!(model.logs.container, None);
    assert_eq!(shown(&model.logs).len(), 3);
    let first = model.logs.ring.get(model.logs.visible[0]).unwrap();
    assert_eq!(model.logs.plain(first), "web-1/app a1");
}

#[test]
fn p_restarts_on_the_previous_container_and_back() {
    let (mut model, id) = opened();
    let effects = press(&mut model, KeyCode::Char('p'));
    match effects.as_slice() {
        [
            Effect::StopLogs { id: stopped },
            Effect::StartLogs { request, .. },
        ] => {
            assert_eq!(*stopped, id);
            assert!(request.previous);
        }
        other => panic!("stop then start: {other:?}"),
    }
    let effects = press(&mut model, KeyCode::Char('p'));
    assert!(
        matches!(effects.as_slice(), [_, Effect::StartLogs { request, .. }] if !request.previous)
    );
}

#[test]
fn s_saves_the_filtered_view_and_w_t_toggle() {
    let (mut model, id) = opened();
    lines(
        &mut model,
        id,
        vec![line("p", "c", "keep me"), line("p", "c", "drop")],
    );
    model.logs.filter = kubevibe::app::logs::LogFilter::parse("keep").unwrap();
    press(&mut model, KeyCode::Char('/'));
    press(&mut model, KeyCode::Enter);
    let effects = press(&mut model, KeyCode::Char('s'));
    let [Effect::SaveOutput { name, text }] = effects.as_slice() else {
        panic!("a save: {effects:?}");
    };
    assert_eq!(name, "logs-pod-checkout-1.log");
    assert_eq!(text, "keep me\n");
    press(&mut model, KeyCode::Char('w'));
    press(&mut model, KeyCode::Char('t'));
    assert!(model.logs.wrap && model.logs.timestamps);
}

#[test]
fn the_ring_never_holds_more_than_its_capacity() {
    let (mut model, id) = opened();
    model.logs = LogsState::with_capacity(3);
    model.logs.id = id;
    model.logs.request = Some(kubevibe::live::logs::LogRequest::new(LogSource::Pod {
        namespace: "shop".into(),
        name: "p".into(),
    }));
    let batch = (0..5).map(|i| line("p", "c", &i.to_string())).collect();
    lines(&mut model, id, batch);
    assert_eq!(shown(&model.logs), ["2", "3", "4"]);
    assert_eq!(model.logs.ring.dropped, 2);
}

fn event(uid: &str, reason: &str, count: u32, last: i64) -> EventItem {
    EventItem {
        uid: uid.into(),
        type_: "Warning".into(),
        reason: reason.into(),
        object: "pod/checkout-1".into(),
        message: "Back-off restarting failed container".into(),
        count,
        first_seen: jiff::Timestamp::from_second(last - 60).ok(),
        last_seen: jiff::Timestamp::from_second(last).ok(),
    }
}

#[test]
fn e_on_a_row_watches_its_events_and_repeats_aggregate() {
    let mut model = model();
    let effects = press(&mut model, KeyCode::Char('E'));
    assert_eq!(model.live_view, LiveView::Events);
    let [Effect::StartEvents { id, target }] = effects.as_slice() else {
        panic!("one events watch: {effects:?}");
    };
    assert_eq!(target.object, Some(("Pod".into(), "checkout-1".into())));
    assert_eq!(
        target.field_selector().as_deref(),
        Some("involvedObject.kind=Pod,involvedObject.name=checkout-1")
    );
    let changes = vec![
        EventChange::Reset,
        EventChange::Apply(event("a", "BackOff", 4, 1_000)),
        EventChange::Apply(event("b", "BackOff", 2, 2_000)),
        EventChange::Synced,
    ];
    update(&mut model, Msg::Events { id: *id, changes }, Instant::now());
    assert_eq!(model.events.rows.len(), 1);
    assert_eq!(model.events.rows[0].count, 6);
    let changes = vec![EventChange::Delete("a".into())];
    update(&mut model, Msg::Events { id: *id, changes }, Instant::now());
    assert_eq!(model.events.rows[0].count, 2);
}
