//! A planner's port_forward step in the pure `update`: it waits for `y` as a data-egress step
//! (the pane says it opens network access), approving starts the forward and shows the view,
//! and its first report settles the step and goes back to the model as
//! "forwarding 127.0.0.1:L → pod P:R"; `n` rejects it, suggest mode starts nothing.
#![allow(clippy::unwrap_used)]

#[path = "support/cockpit.rs"]
mod cockpit;

use cockpit::Cockpit;
use crossterm::event::KeyCode;
use kubevibe::agent::mode::{Gate, Guard, Mode};
use kubevibe::app::agent_loop::{LoopSettings, Phase};
use kubevibe::app::effect::Effect;
use kubevibe::app::forwards::{ForwardEffect, ForwardMsg};
use kubevibe::app::live_view::LiveView;
use kubevibe::app::model::Pane;
use kubevibe::app::msg::Msg;
use kubevibe::app::plan::{StepBody, StepStatus};
use kubevibe::live::forward::{ForwardEvent, ForwardSpec, ForwardState, ForwardTarget};
use kubevibe::llm::LlmEvent;

const FORWARD_WEB: &str = r#"{"thought":"check the web service from here","actions":[{"action_type":"port_forward","target":"svc/web","ports":"8080:80","namespace":"shop"}]}"#;

fn cockpit(mode: Mode) -> Cockpit {
    let mut init = cockpit::init(120, 40);
    init.mode = mode;
    init.guard = Guard::default();
    init.loop_settings = LoopSettings::default();
    Cockpit::with(init)
}

fn reply(c: &mut Cockpit, id: u64, text: &str) -> Vec<Effect> {
    c.tokens(id, &[text]);
    c.stream(id, LlmEvent::Done)
}

fn starts(effects: &[Effect]) -> Vec<(u64, ForwardSpec)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Forwards(ForwardEffect::Start { id, spec }) => Some((*id, spec.clone())),
            _ => None,
        })
        .collect()
}

fn event(c: &mut Cockpit, id: u64, event: ForwardEvent) -> Vec<Effect> {
    c.send(Msg::Forwards(ForwardMsg::Event { id, event }))
}

fn next_turn(effects: &[Effect]) -> Option<String> {
    effects.iter().find_map(|e| match e {
        Effect::StartStream { request, .. } => {
            Some(request.messages.last().unwrap().content.clone())
        }
        _ => None,
    })
}

#[test]
fn a_forward_step_waits_for_y_starts_and_reports_the_address_to_the_model() {
    let mut c = cockpit(Mode::Confirm);
    let id = c.ask("is web answering?");
    let effects = reply(&mut c, id, FORWARD_WEB);
    assert!(starts(&effects).is_empty(), "it waits for the operator");
    assert_eq!(c.model.focus, Pane::Plan);
    let plan = c.model.plan.as_ref().unwrap();
    assert_eq!(plan.awaiting(), Some(0));
    let StepBody::Forward(step) = &plan.steps[0].body else {
        panic!("a forward step: {:?}", plan.steps[0].body);
    };
    assert_eq!(step.gate, Gate::Ask);
    assert_eq!(
        step.words().join(" "),
        "port-forward svc/web 8080:80 -n shop"
    );

    let effects = c.key(KeyCode::Char('y'));
    let started = starts(&effects);
    assert_eq!(
        started,
        vec![(
            1,
            ForwardSpec {
                target: ForwardTarget::Service {
                    namespace: "shop".into(),
                    name: "web".into()
                },
                remote_port: 80,
                local_port: Some(8080),
            }
        )]
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Audit(a) if a.event.name() == "approved"))
    );
    assert_eq!(
        c.model.live_view,
        LiveView::Forwards,
        "the view shows the forward"
    );
    assert_eq!(
        c.model.plan.as_ref().unwrap().steps[0].status,
        StepStatus::Running
    );

    let fid = started[0].0;
    assert!(
        next_turn(&event(
            &mut c,
            fid,
            ForwardEvent::Listening {
                port: 8080,
                note: None
            }
        ))
        .is_none()
    );
    event(
        &mut c,
        fid,
        ForwardEvent::Pod {
            pod: "web-7d9c".into(),
            port: 8080,
            note: None,
        },
    );
    let effects = event(&mut c, fid, ForwardEvent::State(ForwardState::Listening));
    let turn = next_turn(&effects).expect("the result goes back to the model");
    assert!(
        turn.contains("forwarding 127.0.0.1:8080 → pod web-7d9c:8080"),
        "{turn}"
    );
    assert!(matches!(
        c.model.plan.as_ref().unwrap().steps[0].status,
        StepStatus::Finished { ok: true, .. }
    ));
    // Later events of the forward do not settle anything again.
    let effects = event(&mut c, fid, ForwardEvent::State(ForwardState::Active));
    assert!(next_turn(&effects).is_none());
}

#[test]
fn a_forward_that_fails_to_start_reports_the_error() {
    let mut c = cockpit(Mode::Confirm);
    let id = c.ask("is web answering?");
    reply(&mut c, id, FORWARD_WEB);
    let effects = c.key(KeyCode::Char('y'));
    let fid = starts(&effects)[0].0;
    let error = "service shop/web has no ready pod (app=web)".to_string();
    let effects = event(
        &mut c,
        fid,
        ForwardEvent::State(ForwardState::Failed { error }),
    );
    let turn = next_turn(&effects).expect("the failure goes back to the model");
    assert!(
        turn.contains("port-forward failed: service shop/web has no ready pod"),
        "{turn}"
    );
}

#[test]
fn n_rejects_a_forward_step_and_nothing_starts() {
    let mut c = cockpit(Mode::Confirm);
    let id = c.ask("is web answering?");
    reply(&mut c, id, FORWARD_WEB);
    let effects = c.key(KeyCode::Char('n'));
    assert!(starts(&effects).is_empty());
    assert_eq!(
        c.model.plan.as_ref().unwrap().steps[0].status,
        StepStatus::Rejected
    );
    assert_eq!(c.model.agent.phase, Phase::Idle);
    assert!(c.model.forwards.rows.is_empty());
}

#[test]
fn auto_mode_still_asks_for_a_forward_and_suggest_mode_starts_nothing() {
    let mut c = cockpit(Mode::Auto);
    let id = c.ask("is web answering?");
    let effects = reply(&mut c, id, FORWARD_WEB);
    assert!(starts(&effects).is_empty(), "data-egress always asks");
    assert_eq!(c.model.plan.as_ref().unwrap().awaiting(), Some(0));

    let mut c = cockpit(Mode::Suggest);
    let id = c.ask("is web answering?");
    let effects = reply(&mut c, id, FORWARD_WEB);
    assert!(starts(&effects).is_empty());
    assert!(matches!(
        &c.model.plan.as_ref().unwrap().steps[0].status,
        StepStatus::Skipped(reason) if reason.starts_with("suggest")
    ));
}
