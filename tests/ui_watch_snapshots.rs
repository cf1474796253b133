//! Full-frame snapshots of the cockpit with a live watch pane (rows decoded by the real pod
//! projection) at 80x24 and 160x48: listed pods with a selection, the filter input, the
//! command bar and an outage. Ages are minutes old, so they render the same for a minute.
#![allow(clippy::unwrap_used)]

#[path = "support/cockpit.rs"]
mod cockpit;

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kubevibe::app::model::Pane;
use kubevibe::app::msg::Msg;
use kubevibe::app::run::draw;
use kubevibe::live::projection::{PodRow, Projection};
use kubevibe::live::store::Change;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;

use cockpit::Cockpit;

fn frame(c: &mut Cockpit) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(c.model.width, c.model.height)).unwrap();
    draw(&mut terminal, &mut c.model).unwrap();
    terminal
}

/// A pod `minutes` old; crashing pods wait in CrashLoopBackOff with restarts.
fn pod(name: &str, minutes: i64, crashing: bool) -> Change {
    let now = jiff::Timestamp::now().as_second();
    let stamp = |ago: i64| {
        jiff::Timestamp::from_second(now - ago * 60)
            .unwrap()
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    let container = if crashing {
        json!({
            "name": "app", "ready": false, "restartCount": 7,
            "state": { "waiting": { "reason": "CrashLoopBackOff" } },
            "lastState": { "terminated": { "exitCode": 1, "finishedAt": stamp(3) } }
        })
    } else {
        json!({
            "name": "app", "ready": true, "restartCount": 0,
            "state": { "running": { "startedAt": stamp(minutes) } }
        })
    };
    let object = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": name, "namespace": "default", "uid": format!("uid-{name}"),
            "creationTimestamp": stamp(minutes)
        },
        "spec": { "nodeName": "node-1", "containers": [{ "name": "app" }] },
        "status": {
            "phase": "Running",
            "podIP": "10.0.0.7",
            "podIPs": [{ "ip": "10.0.0.7" }],
            "containerStatuses": [container]
        }
    });
    let pod: PodRow = serde_json::from_value(object).unwrap();
    Change::InitRow(pod.into_row())
}

fn key(c: &mut Cockpit, code: KeyCode) {
    c.send(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn live(width: u16, height: u16) -> Cockpit {
    let mut c = Cockpit::new(width, height);
    let mut changes = vec![Change::Init];
    changes.extend([
        pod("cart-7d9f8-abcde", 42, false),
        pod("checkout-5c6b7-xk2lp", 15, true),
        pod("checkout-5c6b7-zq9wd", 15, true),
        pod("frontend-6f7d8-p4m2n", 42, false),
        pod("payments-8b9c0-r7t5v", 42, false),
    ]);
    changes.push(Change::InitDone);
    c.send(Msg::Watch { id: 1, changes });
    for _ in 0..2 {
        key(&mut c, KeyCode::Tab);
    }
    assert_eq!(c.model.focus, Pane::Watch);
    key(&mut c, KeyCode::Char('j'));
    c
}

#[test]
fn live_pods_with_a_selection() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut c = live(w, h);
        insta::assert_snapshot!(format!("watch_live_{w}x{h}"), frame(&mut c).backend());
    }
}

#[test]
fn filter_input_and_filtered_rows() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut c = live(w, h);
        key(&mut c, KeyCode::Char('/'));
        for ch in "checkout".chars() {
            key(&mut c, KeyCode::Char(ch));
        }
        key(&mut c, KeyCode::Enter);
        key(&mut c, KeyCode::Char(':'));
        for ch in "dep".chars() {
            key(&mut c, KeyCode::Char(ch));
        }
        key(&mut c, KeyCode::Tab);
        insta::assert_snapshot!(format!("watch_filter_{w}x{h}"), frame(&mut c).backend());
    }
}

#[test]
fn an_outage_keeps_the_rows_and_says_why() {
    let mut c = live(160, 48);
    let down = Change::Down {
        error: "error trying to connect: tcp connect error: Connection refused (os error 111)"
            .into(),
        at: Instant::now(),
    };
    c.send(Msg::Watch {
        id: 1,
        changes: vec![down],
    });
    insta::assert_snapshot!("watch_outage_160x48", frame(&mut c).backend());
}

#[test]
fn the_yaml_of_a_row() {
    let mut c = live(160, 48);
    let effects = c.send(Msg::Key(KeyEvent::new(
        KeyCode::Char('y'),
        KeyModifiers::NONE,
    )));
    let id = effects
        .iter()
        .find_map(|effect| match effect {
            kubevibe::app::effect::Effect::Fetch { id, .. } => Some(*id),
            _ => None,
        })
        .unwrap();
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": { "name": "checkout-5c6b7-xk2lp", "namespace": "default", "labels": { "app": "checkout" } },
        "spec": { "containers": [{ "name": "app", "image": "shop/checkout:1.4.2",
            "env": [{ "name": "API_TOKEN", "value": "tok-abcdef0123456789abcdef" }] }] },
        "status": { "phase": "Running" }
    });
    c.send(Msg::Fetched {
        id,
        result: Ok(pod),
    });
    insta::assert_snapshot!("watch_yaml_160x48", frame(&mut c).backend());
}
