//! The rollouts view and the planner's rollout_watch step in the pure `update`: `r` on a
//! workload row follows it, snapshots set the verdict (a final one is said once in chat),
//! j/k select, Enter expands, `x` stops following, `e` sends the rollout's redacted context to
//! the planner, and a planned rollout_watch is gated like a read.
#![allow(clippy::unwrap_used)]

#[path = "support/cockpit.rs"]
mod cockpit;

use cockpit::Cockpit;
use compact_str::CompactString;
use crossterm::event::KeyCode;
use kubevibe::agent::mode::{Guard, Mode};
use kubevibe::app::agent_loop::LoopSettings;
use kubevibe::app::effect::Effect;
use kubevibe::app::live_view::LiveView;
use kubevibe::app::model::Pane;
use kubevibe::app::msg::Msg;
use kubevibe::app::plan::StepStatus;
use kubevibe::live::rollout::{
    Condition, PodLine, ReplicaSetLine, RolloutKey, RolloutSnapshot, StuckReason, Verdict,
    WorkloadKind, WorkloadStatus,
};
use kubevibe::live::row::{Row, Tone};
use kubevibe::live::store::Change;
use kubevibe::llm::{ChatRequest, LlmEvent};

const WATCH_WEB: &str = r#"{"thought":"follow the rollout","actions":[{"action_type":"rollout_watch","kind":"deployment","name":"web","namespace":"shop"}]}"#;

fn row(uid: &str, name: &str) -> Row {
    Row {
        uid: CompactString::from(uid),
        namespace: "default".into(),
        name: name.into(),
        labels: [].into(),
        owners: [].into(),
        cells: Box::new([]),
        tone: Tone::Good,
    }
}

fn started(effects: &[Effect]) -> Vec<(u64, RolloutKey)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::StartRollout { id, key } => Some((*id, key.clone())),
            _ => None,
        })
        .collect()
}

fn request(effects: &[Effect]) -> Option<(u64, ChatRequest)> {
    effects.iter().find_map(|e| match e {
        Effect::StartStream { id, request } => Some((*id, request.clone())),
        _ => None,
    })
}

/// A cockpit showing the watch table of `kind` (`:deploy`, `:pods`) with one row `name`.
fn table_with(kind: &str, name: &str) -> Cockpit {
    let mut c = Cockpit::new(120, 40);
    c.model.focus = Pane::Watch;
    c.key(KeyCode::Char(':'));
    c.type_text(kind);
    c.key(KeyCode::Enter);
    let id = c.model.watch.as_ref().unwrap().id;
    c.send(Msg::Watch {
        id,
        changes: vec![
            Change::Init,
            Change::InitRow(row("u", name)),
            Change::InitDone,
        ],
    });
    c
}

fn crash_looping(key: RolloutKey) -> RolloutSnapshot {
    let mut snapshot = RolloutSnapshot::new(key);
    snapshot.synced = true;
    snapshot.workload = Some(WorkloadStatus {
        generation: 2,
        observed_generation: 2,
        desired: Some(2),
        replicas: 3,
        updated: 1,
        ready: 2,
        available: 2,
        revision: Some(2),
        selector: Some("app=web".into()),
        images: vec!["web:2".into()],
        conditions: vec![Condition {
            kind: "Progressing".into(),
            status: "True".into(),
            reason: "ReplicaSetUpdated".into(),
            message: "ReplicaSet \"web-new\" is progressing.".into(),
        }],
        ..WorkloadStatus::default()
    });
    snapshot.replica_sets = vec![
        ReplicaSetLine {
            name: "web-old".into(),
            revision: 1,
            desired: 2,
            replicas: 2,
            ready: 2,
            available: 2,
            template_hash: Some("old".into()),
            ..ReplicaSetLine::default()
        },
        ReplicaSetLine {
            name: "web-new".into(),
            revision: 2,
            desired: 1,
            replicas: 1,
            template_hash: Some("new".into()),
            ..ReplicaSetLine::default()
        },
    ];
    snapshot.pods = vec![PodLine {
        name: "web-new-x1".into(),
        phase: "Running".into(),
        revision_hash: Some("new".into()),
        state: "CrashLoopBackOff".into(),
        message: "back-off restarting; DB_PASSWORD=hunter2".into(),
        restarts: 4,
        ..PodLine::default()
    }];
    snapshot
}

#[test]
fn r_on_a_deployment_row_follows_it_in_the_rollouts_view() {
    let mut c = table_with("deploy", "checkout");
    let effects = c.key(KeyCode::Char('r'));
    assert_eq!(
        started(&effects),
        [(
            1,
            RolloutKey::new(WorkloadKind::Deployment, "default", "checkout")
        )]
    );
    assert_eq!(c.model.live_view, LiveView::Rollouts);
    assert_eq!(c.model.rollouts.followed.len(), 1);
    assert!(matches!(
        c.model.rollouts.followed[0].verdict,
        Verdict::InProgress { .. }
    ));
}

#[test]
fn r_on_a_pod_row_says_which_kinds_it_follows() {
    let mut c = table_with("pods", "web-1");
    let effects = c.key(KeyCode::Char('r'));
    assert!(started(&effects).is_empty());
    let flash = c.model.flash.clone().unwrap();
    assert!(
        flash.contains("deployments, statefulsets and daemonsets"),
        "{flash}"
    );
    assert_eq!(c.model.live_view, LiveView::Resources);
}

#[test]
fn following_the_same_rollout_twice_selects_it_instead() {
    let mut c = Cockpit::new(120, 40);
    let web = RolloutKey::new(WorkloadKind::Deployment, "shop", "web");
    let db = RolloutKey::new(WorkloadKind::StatefulSet, "shop", "db");
    kubevibe::app::rollouts::follow(&mut c.model, web.clone());
    kubevibe::app::rollouts::follow(&mut c.model, db);
    let again = kubevibe::app::rollouts::follow(&mut c.model, web);
    assert!(again.is_empty());
    assert_eq!(c.model.rollouts.selected, 0);
    assert_eq!(c.model.rollouts.followed.len(), 2);
}

#[test]
fn snapshots_set_the_verdict_and_a_final_one_is_said_once() {
    let mut c = Cockpit::new(120, 40);
    let key = RolloutKey::new(WorkloadKind::Deployment, "shop", "web");
    let effects = kubevibe::app::rollouts::follow(&mut c.model, key.clone());
    let (id, _) = started(&effects)[0].clone();
    let stuck = crash_looping(key.clone());
    c.send(Msg::Rollout {
        id,
        snapshot: Box::new(stuck.clone()),
    });
    c.send(Msg::Rollout {
        id,
        snapshot: Box::new(stuck.clone()),
    });
    let followed = &c.model.rollouts.followed[0];
    assert!(matches!(
        followed.verdict,
        Verdict::Stuck {
            reason: StuckReason::CrashLoopBackOff,
            ..
        }
    ));
    let said: Vec<String> = c
        .transcript()
        .into_iter()
        .filter(|t| t.contains("rollout deployment/web"))
        .collect();
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].contains("CrashLoopBackOff"), "{said:?}");

    // A stopped follower's late snapshot changes nothing.
    let mut other = stuck;
    other.workload = None;
    c.send(Msg::Rollout {
        id: id + 7,
        snapshot: Box::new(other),
    });
    assert!(c.model.rollouts.followed[0].snapshot.workload.is_some());
}

#[test]
fn j_k_select_enter_expands_and_x_stops_following() {
    let mut c = Cockpit::new(120, 40);
    for key in [
        RolloutKey::new(WorkloadKind::Deployment, "shop", "web"),
        RolloutKey::new(WorkloadKind::StatefulSet, "shop", "db"),
        RolloutKey::new(WorkloadKind::DaemonSet, "kube-system", "agent"),
    ] {
        kubevibe::app::rollouts::follow(&mut c.model, key);
    }
    assert_eq!(c.model.focus, Pane::Watch);
    assert_eq!(c.model.live_view, LiveView::Rollouts);
    assert_eq!(c.model.rollouts.selected, 2);
    c.key(KeyCode::Char('k'));
    c.key(KeyCode::Char('k'));
    c.key(KeyCode::Char('k'));
    assert_eq!(c.model.rollouts.selected, 0);
    c.key(KeyCode::Char('j'));
    assert_eq!(c.model.rollouts.selected, 1);
    let expanded = c.model.rollouts.followed[1].expanded;
    c.key(KeyCode::Enter);
    assert_eq!(c.model.rollouts.followed[1].expanded, !expanded);
    let db = c.model.rollouts.followed[1].id;
    let effects = c.key(KeyCode::Char('x'));
    assert_eq!(effects, [Effect::StopRollout { id: db }]);
    let names: Vec<&str> = c
        .model
        .rollouts
        .followed
        .iter()
        .map(|f| f.key.name.as_str())
        .collect();
    assert_eq!(names, ["web", "agent"]);
    c.key(KeyCode::Char('G'));
    assert_eq!(c.model.rollouts.selected, 1);
}

#[test]
fn e_sends_the_rollouts_redacted_context_through_the_planner() {
    let mut c = Cockpit::new(120, 40);
    let key = RolloutKey::new(WorkloadKind::Deployment, "shop", "web");
    let effects = kubevibe::app::rollouts::follow(&mut c.model, key.clone());
    let (id, _) = started(&effects)[0].clone();
    c.send(Msg::Rollout {
        id,
        snapshot: Box::new(crash_looping(key)),
    });
    let effects = c.key(KeyCode::Char('e'));
    let (_, sent) = request(&effects).expect("a planner request is sent");
    let turn = &sent.messages.last().unwrap().content;
    for wanted in [
        "deployment/web in namespace shop",
        "stuck (CrashLoopBackOff)",
        "Progressing=True ReplicaSetUpdated",
        "web-old revision 1",
        "web-new revision 2",
        "web-new-x1: CrashLoopBackOff",
        "4 restarts",
    ] {
        assert!(turn.contains(wanted), "missing {wanted:?} in {turn}");
    }
    assert!(!turn.contains("hunter2"), "secrets are redacted: {turn}");
    assert!(
        c.transcript()
            .iter()
            .any(|t| t.contains("explain the rollout of deployment/web")),
        "chat says what was asked"
    );
    // The answer streams in like any planner reply.
    c.tokens(
        c.model.stream_id,
        &[r#"{"thought":"the new image crashes","actions":[{"action_type":"done","summary":"the new image crashes on start"}]}"#],
    );
    c.stream(c.model.stream_id, LlmEvent::Done);
    assert!(
        c.transcript()
            .iter()
            .any(|t| t.contains("the new image crashes on start"))
    );
}

#[test]
fn e_while_the_loop_is_busy_sends_nothing() {
    let mut c = Cockpit::new(120, 40);
    c.ask("why is web down?");
    kubevibe::app::rollouts::follow(
        &mut c.model,
        RolloutKey::new(WorkloadKind::Deployment, "shop", "web"),
    );
    let effects = c.key(KeyCode::Char('e'));
    assert!(request(&effects).is_none());
    assert!(c.model.flash.clone().unwrap().contains("busy"));
}

fn cockpit(mode: Mode) -> Cockpit {
    let mut init = cockpit::init(120, 40);
    init.mode = mode;
    init.guard = Guard::default();
    init.loop_settings = LoopSettings::default();
    Cockpit::with(init)
}

fn plan(c: &mut Cockpit, text: &str) -> Vec<Effect> {
    let id = c.ask("roll out web and watch it");
    c.tokens(id, &[text]);
    c.stream(id, LlmEvent::Done)
}

#[test]
fn a_planned_rollout_watch_waits_for_y_then_follows_and_the_loop_goes_on() {
    let mut c = cockpit(Mode::Confirm);
    let effects = plan(&mut c, WATCH_WEB);
    assert!(started(&effects).is_empty(), "it waits for the operator");
    assert_eq!(c.model.focus, Pane::Plan);
    assert_eq!(c.model.plan.as_ref().unwrap().awaiting(), Some(0));

    let effects = c.key(KeyCode::Char('y'));
    let web = RolloutKey::new(WorkloadKind::Deployment, "shop", "web");
    assert_eq!(started(&effects), [(1, web)]);
    assert_eq!(c.model.live_view, LiveView::Rollouts);
    assert_eq!(
        c.model.plan.as_ref().unwrap().steps[0].status,
        StepStatus::Done
    );
    let approved = effects.iter().any(|e| match e {
        Effect::Audit(entry) => entry.event.name() == "approved",
        _ => false,
    });
    assert!(approved, "the approval is audited");
    let (_, next) = request(&effects).expect("the loop goes on with the step's status");
    let turn = &next.messages.last().unwrap().content;
    assert!(
        turn.contains("rollout_watch deployment/web -n shop"),
        "{turn}"
    );
    assert!(turn.contains("now followed"), "{turn}");
    assert!(
        turn.contains("Rollouts followed in the rollouts view"),
        "the cluster context lists followed rollouts: {turn}"
    );
}

#[test]
fn n_rejects_a_planned_rollout_watch() {
    let mut c = cockpit(Mode::Confirm);
    plan(&mut c, WATCH_WEB);
    let effects = c.key(KeyCode::Char('n'));
    assert!(started(&effects).is_empty());
    assert!(c.model.rollouts.followed.is_empty());
    assert_eq!(
        c.model.plan.as_ref().unwrap().steps[0].status,
        StepStatus::Rejected
    );
}

#[test]
fn auto_read_follows_at_once_and_suggest_mode_follows_nothing() {
    let mut c = cockpit(Mode::AutoRead);
    let effects = plan(&mut c, WATCH_WEB);
    assert_eq!(started(&effects).len(), 1);
    assert!(request(&effects).is_some(), "the loop goes on");

    let mut c = cockpit(Mode::Suggest);
    let effects = plan(&mut c, WATCH_WEB);
    assert!(started(&effects).is_empty());
    assert!(matches!(
        &c.model.plan.as_ref().unwrap().steps[0].status,
        StepStatus::Skipped(reason) if reason.starts_with("suggest")
    ));
}
