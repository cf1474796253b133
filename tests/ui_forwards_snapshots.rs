//! Full-frame snapshots of the port-forwards view at 80x24 and 160x48: forwards in every
//! state (listening, active with traffic, reconnected, failed), zoomed, the port picker and
//! the name input. Nothing in them depends on the clock.
#![allow(clippy::unwrap_used)]

#[path = "support/cockpit.rs"]
mod cockpit;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kubevibe::app::forwards::{self, ForwardMsg};
use kubevibe::app::live_view::{self, LiveView};
use kubevibe::app::model::Pane;
use kubevibe::app::msg::Msg;
use kubevibe::app::run::draw;
use kubevibe::app::watch::{ObjectRef, WatchKind};
use kubevibe::live::forward::{ForwardEvent, ForwardSpec, ForwardState, ForwardTarget, Traffic};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;

use cockpit::Cockpit;

fn frame(c: &mut Cockpit) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(c.model.width, c.model.height)).unwrap();
    draw(&mut terminal, &mut c.model).unwrap();
    terminal
}

fn key(c: &mut Cockpit, code: KeyCode) {
    c.send(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn event(c: &mut Cockpit, id: u64, event: ForwardEvent) {
    c.send(Msg::Forwards(ForwardMsg::Event { id, event }));
}

fn spec(target: ForwardTarget, remote: u16) -> ForwardSpec {
    ForwardSpec {
        target,
        remote_port: remote,
        local_port: None,
    }
}

fn svc(name: &str) -> ForwardTarget {
    ForwardTarget::Service {
        namespace: "shop".into(),
        name: name.into(),
    }
}

fn pod(name: &str) -> ForwardTarget {
    ForwardTarget::Pod {
        namespace: "shop".into(),
        name: name.into(),
    }
}

/// Four forwards: web listening, api active with traffic after a reconnection, a checkout pod
/// that died, and redis on a replaced busy port.
fn forwards(width: u16, height: u16) -> Cockpit {
    let mut c = Cockpit::new(width, height);
    let starts = [
        (spec(svc("web"), 80), Some("web")),
        (spec(svc("api"), 8080), None),
        (spec(pod("checkout-5c6b7-xk2lp"), 8080), None),
        (spec(svc("redis"), 6379), None),
    ];
    for (spec, name) in starts {
        forwards::start(&mut c.model, spec, name.map(str::to_string), None);
    }
    event(
        &mut c,
        1,
        ForwardEvent::Listening {
            port: 8080,
            note: None,
        },
    );
    event(
        &mut c,
        1,
        ForwardEvent::Pod {
            pod: "web-6f7d8-p4m2n".into(),
            port: 8080,
            note: None,
        },
    );
    event(&mut c, 1, ForwardEvent::State(ForwardState::Listening));

    event(
        &mut c,
        2,
        ForwardEvent::Listening {
            port: 8081,
            note: None,
        },
    );
    event(
        &mut c,
        2,
        ForwardEvent::Pod {
            pod: "api-7c8d9-aaaaa".into(),
            port: 8080,
            note: None,
        },
    );
    event(
        &mut c,
        2,
        ForwardEvent::Pod {
            pod: "api-7c8d9-bbbbb".into(),
            port: 8080,
            note: Some("reconnected to pod api-7c8d9-bbbbb (pod api-7c8d9-aaaaa went away)".into()),
        },
    );
    event(&mut c, 2, ForwardEvent::State(ForwardState::Active));
    event(
        &mut c,
        2,
        ForwardEvent::Traffic(Traffic {
            connections: 2,
            total_connections: 9,
            bytes_in: 1_234_567,
            bytes_out: 4_321,
        }),
    );

    event(
        &mut c,
        3,
        ForwardEvent::Listening {
            port: 8082,
            note: None,
        },
    );
    event(
        &mut c,
        3,
        ForwardEvent::Pod {
            pod: "checkout-5c6b7-xk2lp".into(),
            port: 8080,
            note: None,
        },
    );
    event(
        &mut c,
        3,
        ForwardEvent::State(ForwardState::Failed {
            error: "pod checkout-5c6b7-xk2lp went away: it was deleted".into(),
        }),
    );

    event(
        &mut c,
        4,
        ForwardEvent::Listening {
            port: 40231,
            note: Some(
                "local port 6379 is in use (Address in use (os error 98)); using 40231 instead"
                    .into(),
            ),
        },
    );
    event(
        &mut c,
        4,
        ForwardEvent::Pod {
            pod: "redis-0".into(),
            port: 6379,
            note: None,
        },
    );
    event(&mut c, 4, ForwardEvent::State(ForwardState::Listening));
    c.model.flash = None;
    live_view::show(&mut c.model, LiveView::Forwards);
    assert_eq!(c.model.focus, Pane::Watch);
    key(&mut c, KeyCode::Char('k'));
    key(&mut c, KeyCode::Char('k'));
    c
}

#[test]
fn forwards_in_every_state() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut c = forwards(w, h);
        insta::assert_snapshot!(format!("forwards_{w}x{h}"), frame(&mut c).backend());
    }
}

#[test]
fn forwards_zoomed() {
    let mut c = forwards(80, 24);
    key(&mut c, KeyCode::Char('z'));
    insta::assert_snapshot!("forwards_zoomed_80x24", frame(&mut c).backend());
}

#[test]
fn the_port_picker_and_the_name_input() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut c = Cockpit::new(w, h);
        let object = ObjectRef {
            kind: WatchKind::Services,
            namespace: Some("kube-system".into()),
            name: "kube-dns".into(),
        };
        let service = json!({"spec": {"ports": [
            {"name": "dns-tcp", "port": 53, "targetPort": 53, "protocol": "TCP"},
            {"name": "metrics", "port": 9153, "targetPort": 9153, "protocol": "TCP"}]}});
        c.send(Msg::Forwards(ForwardMsg::Fetched {
            object,
            result: Ok(service),
        }));
        insta::assert_snapshot!(format!("forwards_picker_{w}x{h}"), frame(&mut c).backend());
    }
    let mut c = forwards(160, 48);
    key(&mut c, KeyCode::Char('s'));
    insta::assert_snapshot!("forwards_naming_160x48", frame(&mut c).backend());
}
