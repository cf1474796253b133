//! The port-forwards view in the pure `update`: `f` on a pod or service row reads its ports,
//! one port starts at once and several open the picker; the forward's events fill its row;
//! `x` stops it (again: removes it), `s` saves it by name, `:pf NAME` starts a saved one, and
//! quitting leaves nothing running.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kubevibe::app::effect::Effect;
use kubevibe::app::forwards::{ForwardEffect, ForwardMsg};
use kubevibe::app::live_view::LiveView;
use kubevibe::app::model::{ClusterInfo, Model, ModelInit, Pane};
use kubevibe::app::msg::Msg;
use kubevibe::app::update::update;
use kubevibe::app::watch::{ObjectRef, WatchKind};
use kubevibe::live::forward::{ForwardEvent, ForwardSpec, ForwardState, ForwardTarget, Traffic};
use kubevibe::live::row::{Row, Tone};
use kubevibe::live::store::Change;
use serde_json::json;

fn model() -> Model {
    let cluster = ClusterInfo {
        context: Some("dev".into()),
        namespace: "shop".into(),
        demo: false,
    };
    let mut model = Model::new(ModelInit::new("test", cluster, 120, 40), Instant::now());
    model.focus = Pane::Watch;
    let watch_id = model.watch.as_ref().unwrap().id;
    let row = Row {
        uid: "u1".into(),
        namespace: "shop".into(),
        name: "web-1".into(),
        labels: [].into(),
        owners: [].into(),
        cells: Box::new([]),
        tone: Tone::Good,
    };
    let changes = vec![Change::Init, Change::InitRow(row), Change::InitDone];
    send(
        &mut model,
        Msg::Watch {
            id: watch_id,
            changes,
        },
    );
    model
}

fn send(model: &mut Model, msg: Msg) -> Vec<Effect> {
    update(model, msg, Instant::now())
}

fn press(model: &mut Model, code: KeyCode) -> Vec<Effect> {
    send(model, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn forward_effects(effects: &[Effect]) -> Vec<ForwardEffect> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Forwards(f) => Some(f.clone()),
            _ => None,
        })
        .collect()
}

fn pod_ref() -> ObjectRef {
    ObjectRef {
        kind: WatchKind::Pods,
        namespace: Some("shop".into()),
        name: "web-1".into(),
    }
}

fn web_pod(ports: serde_json::Value) -> serde_json::Value {
    json!({"metadata": {"name": "web-1"},
           "spec": {"containers": [{"name": "web", "ports": ports}]}})
}

fn event(model: &mut Model, id: u64, event: ForwardEvent) -> Vec<Effect> {
    send(model, Msg::Forwards(ForwardMsg::Event { id, event }))
}

/// `f` on web-1 with one port 80: the forward starts; returns its id.
fn forward_web(model: &mut Model) -> u64 {
    let effects = press(model, KeyCode::Char('f'));
    assert_eq!(
        forward_effects(&effects),
        vec![ForwardEffect::Ports { object: pod_ref() }]
    );
    let fetched = ForwardMsg::Fetched {
        object: pod_ref(),
        result: Ok(web_pod(json!([{"name": "http", "containerPort": 80}]))),
    };
    let effects = send(model, Msg::Forwards(fetched));
    match forward_effects(&effects).as_slice() {
        [ForwardEffect::Start { id, spec }] => {
            assert_eq!(
                spec,
                &ForwardSpec {
                    target: ForwardTarget::Pod {
                        namespace: "shop".into(),
                        name: "web-1".into()
                    },
                    remote_port: 80,
                    local_port: None,
                }
            );
            assert_eq!(spec.wanted_local_port(), 8080, "ports below 1024 get +8000");
            *id
        }
        other => panic!("one start expected: {other:?}"),
    }
}

#[test]
fn f_with_one_port_starts_at_once_and_events_fill_the_row() {
    let mut model = model();
    let id = forward_web(&mut model);
    assert_eq!(model.live_view, LiveView::Forwards);
    assert_eq!(model.forwards.rows[0].state, ForwardState::Starting);

    let note = "local port 8080 is in use (Address in use); using 40123 instead".to_string();
    event(
        &mut model,
        id,
        ForwardEvent::Listening {
            port: 40123,
            note: Some(note.clone()),
        },
    );
    assert_eq!(
        model.flash.as_deref(),
        Some(note.as_str()),
        "the busy port is reported"
    );
    event(
        &mut model,
        id,
        ForwardEvent::Pod {
            pod: "web-1".into(),
            port: 80,
            note: None,
        },
    );
    event(&mut model, id, ForwardEvent::State(ForwardState::Active));
    let traffic = Traffic {
        connections: 1,
        total_connections: 3,
        bytes_in: 2048,
        bytes_out: 100,
    };
    event(&mut model, id, ForwardEvent::Traffic(traffic));
    event(
        &mut model,
        id,
        ForwardEvent::Error("connection to pod web-1 broke".into()),
    );
    let row = &model.forwards.rows[0];
    assert_eq!(row.local_port, Some(40123));
    assert_eq!(row.pod.as_deref(), Some("web-1"));
    assert_eq!(row.state, ForwardState::Active);
    assert_eq!(row.traffic, traffic);
    assert_eq!(
        row.last_error.as_deref(),
        Some("connection to pod web-1 broke")
    );
    assert_eq!(row.note.as_deref(), Some(note.as_str()));
    assert_eq!(row.ports_text(), "40123 → pod/web-1:80");

    let moved = "reconnected to pod web-2 (pod web-1 went away)";
    event(
        &mut model,
        id,
        ForwardEvent::Pod {
            pod: "web-2".into(),
            port: 80,
            note: Some(moved.into()),
        },
    );
    assert_eq!(model.forwards.rows[0].pod.as_deref(), Some("web-2"));
    assert!(model.flash.as_deref().unwrap().contains(moved));
}

#[test]
fn several_ports_open_the_picker_and_enter_forwards_the_chosen_one() {
    let mut model = model();
    press(&mut model, KeyCode::Char('f'));
    let ports = json!([{"name": "http", "containerPort": 8080}, {"name": "metrics", "containerPort": 9100}]);
    let fetched = ForwardMsg::Fetched {
        object: pod_ref(),
        result: Ok(web_pod(ports)),
    };
    let effects = send(&mut model, Msg::Forwards(fetched));
    assert!(forward_effects(&effects).is_empty());
    assert_eq!(model.live_view, LiveView::Forwards);
    assert_eq!(model.forwards.picker.as_ref().unwrap().choices.len(), 2);
    press(&mut model, KeyCode::Char('j'));
    let effects = press(&mut model, KeyCode::Enter);
    match forward_effects(&effects).as_slice() {
        [ForwardEffect::Start { spec, .. }] => assert_eq!(spec.remote_port, 9100),
        other => panic!("one start expected: {other:?}"),
    }
    assert!(model.forwards.picker.is_none());

    // Esc closes the picker without forwarding.
    model.live_view = LiveView::Resources;
    press(&mut model, KeyCode::Char('f'));
    let ports = json!([{"containerPort": 1}, {"containerPort": 2}]);
    let fetched = ForwardMsg::Fetched {
        object: pod_ref(),
        result: Ok(web_pod(ports)),
    };
    send(&mut model, Msg::Forwards(fetched));
    let effects = press(&mut model, KeyCode::Esc);
    assert!(forward_effects(&effects).is_empty());
    assert!(model.forwards.picker.is_none());
    assert_eq!(model.forwards.rows.len(), 1);
}

#[test]
fn a_pod_without_ports_or_a_failed_read_says_why() {
    let mut model = model();
    press(&mut model, KeyCode::Char('f'));
    let fetched = ForwardMsg::Fetched {
        object: pod_ref(),
        result: Ok(web_pod(json!([]))),
    };
    assert!(forward_effects(&send(&mut model, Msg::Forwards(fetched))).is_empty());
    assert!(
        model
            .flash
            .as_deref()
            .unwrap()
            .contains("declares no TCP port")
    );
    let fetched = ForwardMsg::Fetched {
        object: pod_ref(),
        result: Err("cannot read pod web-1: gone".into()),
    };
    send(&mut model, Msg::Forwards(fetched));
    assert_eq!(model.flash.as_deref(), Some("cannot read pod web-1: gone"));
}

#[test]
fn x_stops_the_selected_forward_then_removes_it_and_failures_show() {
    let mut model = model();
    let first = forward_web(&mut model);
    model.live_view = LiveView::Resources;
    let second = forward_web(&mut model);
    event(
        &mut model,
        first,
        ForwardEvent::State(ForwardState::Failed {
            error: "pod web-1 went away: it was deleted".into(),
        }),
    );
    assert!(model.flash.as_deref().unwrap().contains("it was deleted"));
    assert_eq!(model.forwards.selected, 1);
    press(&mut model, KeyCode::Char('k'));
    assert_eq!(model.forwards.selected, 0);
    press(&mut model, KeyCode::Char('j'));
    let effects = press(&mut model, KeyCode::Char('x'));
    assert_eq!(
        forward_effects(&effects),
        vec![ForwardEffect::Stop { id: second }]
    );
    assert_eq!(model.forwards.rows[1].state, ForwardState::Stopped);
    // Late events of a stopped forward change nothing.
    event(
        &mut model,
        second,
        ForwardEvent::State(ForwardState::Active),
    );
    assert_eq!(model.forwards.rows[1].state, ForwardState::Stopped);
    let effects = press(&mut model, KeyCode::Char('x'));
    assert!(forward_effects(&effects).is_empty());
    assert_eq!(model.forwards.rows.len(), 1);
    // Enter starts the failed one again.
    let effects = press(&mut model, KeyCode::Enter);
    assert!(matches!(
        forward_effects(&effects).as_slice(),
        [ForwardEffect::Start { .. }]
    ));
    assert_eq!(model.forwards.rows[0].state, ForwardState::Starting);
}

#[test]
fn s_saves_by_name_and_pf_name_starts_the_saved_forward() {
    let mut model = model();
    let id = forward_web(&mut model);
    event(
        &mut model,
        id,
        ForwardEvent::Listening {
            port: 8080,
            note: None,
        },
    );
    press(&mut model, KeyCode::Char('s'));
    assert_eq!(model.forwards.naming, Some((id, "web-1".into())));
    for _ in 0.."web-1".len() {
        press(&mut model, KeyCode::Backspace);
    }
    for c in "shop-web".chars() {
        press(&mut model, KeyCode::Char(c));
    }
    let effects = press(&mut model, KeyCode::Enter);
    let saved_spec = ForwardSpec {
        target: ForwardTarget::Pod {
            namespace: "shop".into(),
            name: "web-1".into(),
        },
        remote_port: 80,
        local_port: Some(8080),
    };
    assert_eq!(
        forward_effects(&effects),
        vec![ForwardEffect::Save {
            name: "shop-web".into(),
            spec: saved_spec.clone()
        }]
    );
    assert_eq!(model.forwards.rows[0].name.as_deref(), Some("shop-web"));

    // A fresh cockpit: `:pf shop-web` reads the saved forwards first, then starts it.
    let mut model = model_without_rows();
    let effects = command(&mut model, "pf shop-web");
    assert_eq!(
        forward_effects(&effects),
        vec![ForwardEffect::Load {
            start: Some("shop-web".into())
        }]
    );
    let saved = BTreeMap::from([("shop-web".to_string(), saved_spec.clone())]);
    let effects = send(
        &mut model,
        Msg::Forwards(ForwardMsg::Saved {
            saved: Ok(saved),
            start: Some("shop-web".into()),
        }),
    );
    match forward_effects(&effects).as_slice() {
        [ForwardEffect::Start { spec, .. }] => assert_eq!(spec, &saved_spec),
        other => panic!("one start expected: {other:?}"),
    }
    assert_eq!(model.live_view, LiveView::Forwards);
    assert_eq!(
        kubevibe::app::forwards::complete(&model, "shop"),
        vec!["shop-web".to_string()]
    );
    // Started again while it runs: it is selected, not doubled.
    let effects = command(&mut model, "pf shop-web");
    assert!(forward_effects(&effects).is_empty());
    assert_eq!(model.forwards.rows.len(), 1);
    // An unknown name lists the saved ones.
    command(&mut model, "pf nope");
    assert!(
        model.flash.as_deref().unwrap().contains("saved: shop-web"),
        "{:?}",
        model.flash
    );
}

fn model_without_rows() -> Model {
    model()
}

fn command(model: &mut Model, line: &str) -> Vec<Effect> {
    model.focus = Pane::Watch;
    model.live_view = LiveView::Resources;
    press(model, KeyCode::Char(':'));
    for c in line.chars() {
        press(model, KeyCode::Char(c));
    }
    press(model, KeyCode::Enter)
}

#[test]
fn f_on_a_deployment_row_says_what_f_forwards() {
    let mut model = model();
    command(&mut model, "deploy");
    let watch_id = model.watch.as_ref().unwrap().id;
    let row = Row {
        uid: "d1".into(),
        namespace: "shop".into(),
        name: "web".into(),
        labels: [].into(),
        owners: [].into(),
        cells: Box::new([]),
        tone: Tone::Good,
    };
    send(
        &mut model,
        Msg::Watch {
            id: watch_id,
            changes: vec![Change::Init, Change::InitRow(row), Change::InitDone],
        },
    );
    let effects = press(&mut model, KeyCode::Char('f'));
    assert!(forward_effects(&effects).is_empty());
    assert!(model.flash.as_deref().unwrap().contains("pod or a service"));
}

#[test]
fn quitting_stops_the_runner_which_stops_every_forward() {
    let mut model = model();
    forward_web(&mut model);
    let effects = send(&mut model, Msg::Shutdown);
    assert!(effects.contains(&Effect::Quit), "{effects:?}");
}

fn svc_spec(name: &str) -> ForwardSpec {
    ForwardSpec {
        target: ForwardTarget::Service {
            namespace: "shop".into(),
            name: name.into(),
        },
        remote_port: 80,
        local_port: None,
    }
}

/// The saved forwards as read back by the runner.
fn saved(model: &mut Model, names: &[&str]) {
    let saved = names
        .iter()
        .map(|name| (name.to_string(), svc_spec(name)))
        .collect();
    send(
        model,
        Msg::Forwards(ForwardMsg::Saved {
            saved: Ok(saved),
            start: None,
        }),
    );
}

#[test]
fn pf_alone_shows_the_view_and_reads_the_saved_forwards_once() {
    let mut model = model();
    let effects = command(&mut model, "pf");
    assert_eq!(model.live_view, LiveView::Forwards);
    assert_eq!(
        forward_effects(&effects),
        vec![ForwardEffect::Load { start: None }]
    );
    saved(&mut model, &["api", "web"]);
    assert_eq!(kubevibe::app::forwards::saved_names(&model), "api, web");
    // Read already: showing the view again reads nothing, preloading neither.
    assert!(forward_effects(&command(&mut model, "pf")).is_empty());
    assert!(kubevibe::app::forwards::preload(&mut model).is_empty());
}

#[test]
fn preload_reads_once_and_a_failed_preload_stays_quiet_until_pf() {
    let mut model = model();
    assert_eq!(
        forward_effects(&kubevibe::app::forwards::preload(&mut model)),
        vec![ForwardEffect::Load { start: None }]
    );
    assert!(
        kubevibe::app::forwards::preload(&mut model).is_empty(),
        "asked once"
    );
    let broken = || {
        Msg::Forwards(ForwardMsg::Saved {
            saved: Err("forwards/dev.json is not a saved-forwards file; fix or delete it".into()),
            start: None,
        })
    };
    send(&mut model, broken());
    assert_eq!(model.flash, None, "nobody asked yet");
    // `:pf` reads again and the error shows with the view.
    let effects = command(&mut model, "pf");
    assert_eq!(
        forward_effects(&effects),
        vec![ForwardEffect::Load { start: None }]
    );
    send(&mut model, broken());
    assert!(
        model.flash.as_deref().unwrap().contains("fix or delete it"),
        "{:?}",
        model.flash
    );
}

#[test]
fn pf_rm_forgets_a_saved_forward_and_an_unknown_name_lists_the_saved_ones() {
    let mut model = model();
    saved(&mut model, &["api", "web"]);
    // Unknown while the saved ones are known: said at once, nothing written.
    let effects = command(&mut model, "pf rm nope");
    assert!(forward_effects(&effects).is_empty());
    assert_eq!(
        model.flash.as_deref(),
        Some(r#"no saved forward named "nope" (saved: api, web)"#)
    );
    assert_eq!(model.live_view, LiveView::Forwards, "the saved ones show");
    // No name: how to use it, and what there is.
    let effects = command(&mut model, "pf rm");
    assert!(forward_effects(&effects).is_empty());
    assert!(
        model.flash.as_deref().unwrap().contains("saved: api, web"),
        "{:?}",
        model.flash
    );
    // A known name: the runner removes it and reports the ones left.
    let effects = command(&mut model, "pf rm web");
    assert_eq!(
        forward_effects(&effects),
        vec![ForwardEffect::Remove { name: "web".into() }]
    );
    let left = BTreeMap::from([("api".to_string(), svc_spec("api"))]);
    send(
        &mut model,
        Msg::Forwards(ForwardMsg::Removed {
            name: "web".into(),
            result: Ok((true, left.clone())),
        }),
    );
    assert_eq!(model.forwards.saved.as_ref(), Some(&left));
    assert_eq!(
        model.flash.as_deref(),
        Some("removed the saved forward web")
    );
    // The file no longer had it (another cockpit removed it first): said with what is left.
    send(
        &mut model,
        Msg::Forwards(ForwardMsg::Removed {
            name: "web".into(),
            result: Ok((false, left)),
        }),
    );
    assert_eq!(
        model.flash.as_deref(),
        Some(r#"no saved forward named "web" (saved: api)"#)
    );
    // Before the saved ones are read the runner decides; its error is shown as it is.
    let mut fresh = model_without_rows();
    let effects = command(&mut fresh, "pf rm web");
    assert_eq!(
        forward_effects(&effects),
        vec![ForwardEffect::Remove { name: "web".into() }]
    );
    send(
        &mut fresh,
        Msg::Forwards(ForwardMsg::Removed {
            name: "web".into(),
            result: Err("could not remove web from /x/forwards/dev.json: denied".into()),
        }),
    );
    assert!(
        fresh
            .flash
            .as_deref()
            .unwrap()
            .contains("could not remove web")
    );
}

#[test]
fn subcommand_names_are_refused_when_saving_and_a_hand_saved_one_still_starts() {
    let mut model = model();
    // Saving a running forward as `rm`: refused, the prompt keeps the name to change.
    let id = forward_web(&mut model);
    press(&mut model, KeyCode::Char('s'));
    for _ in 0.."web-1".len() {
        press(&mut model, KeyCode::Backspace);
    }
    press(&mut model, KeyCode::Char('r'));
    press(&mut model, KeyCode::Char('m'));
    let effects = press(&mut model, KeyCode::Enter);
    assert!(forward_effects(&effects).is_empty(), "nothing saved");
    assert!(
        model
            .flash
            .as_deref()
            .unwrap()
            .contains("choose another name"),
        "{:?}",
        model.flash
    );
    assert_eq!(model.forwards.naming, Some((id, "rm".to_string())));
    assert_eq!(model.forwards.rows[0].name, None);
    // A forwards file edited by hand may hold one: `:pf rm` alone starts it, `:pf rm rm`
    // forgets it.
    model.forwards.naming = None;
    saved(&mut model, &["rm", "web"]);
    let effects = command(&mut model, "pf rm");
    assert!(
        forward_effects(&effects)
            .iter()
            .any(|e| matches!(e, ForwardEffect::Start { .. })),
        "{effects:?}"
    );
    let effects = command(&mut model, "pf rm rm");
    assert_eq!(
        forward_effects(&effects),
        vec![ForwardEffect::Remove { name: "rm".into() }]
    );
}

/// Types `line` into the command bar and presses Tab: the line the bar then holds.
fn tab(model: &mut Model, line: &str) -> String {
    model.focus = Pane::Watch;
    model.live_view = LiveView::Resources;
    press(model, KeyCode::Char(':'));
    for c in line.chars() {
        press(model, KeyCode::Char(c));
    }
    press(model, KeyCode::Tab);
    let text = model
        .watch
        .as_ref()
        .unwrap()
        .input
        .as_ref()
        .unwrap()
        .text
        .clone();
    press(model, KeyCode::Esc);
    text
}

#[test]
fn tab_after_pf_completes_saved_names_and_rm() {
    let mut model = model();
    // Nothing read yet: only `rm` completes.
    assert_eq!(tab(&mut model, "pf r"), "pf rm");
    assert_eq!(tab(&mut model, "pf we"), "pf we");
    saved(&mut model, &["redis", "web-main", "web-admin"]);
    assert_eq!(tab(&mut model, "pf we"), "pf web-");
    assert_eq!(tab(&mut model, "pf web-m"), "pf web-main");
    // `r` is both `rm` and `redis`: their common start only.
    assert_eq!(tab(&mut model, "pf r"), "pf r");
    assert_eq!(tab(&mut model, "pf re"), "pf redis");
    assert_eq!(tab(&mut model, "pf rm w"), "pf rm web-");
    assert_eq!(tab(&mut model, "pf rm web-a"), "pf rm web-admin");
    assert_eq!(tab(&mut model, "pf nothing"), "pf nothing");
    // Other lines complete as before.
    assert_eq!(tab(&mut model, "depl"), "deploy");
}
