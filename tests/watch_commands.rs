//! The watch pane's command bar in the pure `update`, beyond the built-in kinds: names found
//! by discovery (completion, refusal of kinds without list/watch, a re-discovery for a name
//! not seen yet), several namespaces (`:ns a,b`), and `:ctx` switching the whole cockpit.
#![allow(clippy::unwrap_used)]

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kubevibe::agent::mode::{Guard, Mode};
use kubevibe::app::context_switch::ContextChoice;
use kubevibe::app::discovery::{Catalogue, KindInfo};
use kubevibe::app::effect::Effect;
use kubevibe::app::model::{ClusterInfo, Model, ModelInit, Pane};
use kubevibe::app::msg::Msg;
use kubevibe::app::update::update;
use kubevibe::app::watch::{WatchKind, WatchTarget};

fn kind(plural: &str, group: &str, kind: &str, shorts: &[&str], verbs: &[&str]) -> KindInfo {
    KindInfo {
        plural: plural.into(),
        singular: plural.trim_end_matches('s').into(),
        kind: kind.into(),
        short_names: shorts.iter().map(|s| s.to_string()).collect(),
        group: group.into(),
        version: "v1".into(),
        namespaced: true,
        verbs: verbs.iter().map(|s| s.to_string()).collect(),
        categories: Vec::new(),
    }
}

fn catalogue() -> Catalogue {
    let watchable = ["get", "list", "watch"];
    Catalogue {
        kinds: vec![
            kind("pods", "", "Pod", &["po"], &watchable),
            kind("configmaps", "", "ConfigMap", &["cm"], &watchable),
            kind("bindings", "", "Binding", &[], &["create"]),
            kind(
                "crontabs",
                "stable.example.com",
                "CronTab",
                &["ct"],
                &watchable,
            ),
        ],
    }
}

fn contexts() -> Vec<ContextChoice> {
    vec![
        ContextChoice {
            name: "dev".into(),
            namespace: "shop".into(),
            mode: Mode::default(),
            guard: Guard::default(),
        },
        ContextChoice {
            name: "prod-eu".into(),
            namespace: "payments".into(),
            mode: Mode::default(),
            guard: Guard {
                read_only: true,
                production: true,
            },
        },
    ]
}

/// A focused pane on `dev` whose start-up discovery found [`catalogue`].
fn model() -> Model {
    let cluster = ClusterInfo {
        context: Some("dev".into()),
        namespace: "shop".into(),
        demo: false,
    };
    let mut init = ModelInit::new("test", cluster, 120, 40);
    init.contexts = contexts();
    let mut model = Model::new(init, Instant::now());
    model.focus = Pane::Watch;
    let effects = kubevibe::app::watch::start(&mut model);
    assert_eq!(effects[1], Effect::Discover { id: 1 });
    update(
        &mut model,
        Msg::Discovered {
            id: 1,
            result: Ok(catalogue()),
        },
        Instant::now(),
    );
    model
}

fn press(model: &mut Model, code: KeyCode) -> Vec<Effect> {
    update(
        model,
        Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        Instant::now(),
    )
}

fn command(model: &mut Model, line: &str) -> Vec<Effect> {
    press(model, KeyCode::Char(':'));
    for c in line.chars() {
        press(model, KeyCode::Char(c));
    }
    press(model, KeyCode::Enter)
}

fn started(effects: &[Effect]) -> WatchTarget {
    effects
        .iter()
        .find_map(|effect| match effect {
            Effect::StartWatch { target, .. } => Some(target.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no watcher started: {effects:?}"))
}

#[test]
fn a_discovered_kind_is_watched_by_any_of_its_names() {
    for name in ["cm", "configmaps", "configmap", "ConfigMaps"] {
        let mut model = model();
        let target = started(&command(&mut model, name));
        let WatchKind::Other(info) = target.kind else {
            panic!("{name}: {:?}", target.kind);
        };
        assert_eq!(info.plural, "configmaps");
        assert_eq!(target.namespace.as_deref(), Some("shop"));
        assert_eq!(model.watch.as_ref().unwrap().store.kind(), "configmaps");
    }
    for name in ["ct", "crontabs.stable.example.com"] {
        let mut model = model();
        let target = started(&command(&mut model, name));
        assert_eq!(
            target.kind.api_resource().api_version,
            "stable.example.com/v1"
        );
        assert_eq!(target.kind.title(), "crontabs");
    }
}

#[test]
fn built_in_names_keep_their_typed_projection() {
    let mut model = model();
    assert_eq!(started(&command(&mut model, "po")).kind, WatchKind::Pods);
}

#[test]
fn a_kind_without_list_and_watch_is_refused() {
    let mut model = model();
    let effects = command(&mut model, "bindings");
    assert!(effects.is_empty(), "{effects:?}");
    let flash = model.flash.clone().unwrap();
    assert!(flash.contains("cannot be watched"), "{flash}");
    assert!(flash.contains("create"), "{flash}");
    assert_eq!(model.watch.as_ref().unwrap().id, 1);
}

#[test]
fn an_unknown_name_rediscovers_and_then_runs() {
    let mut model = model();
    let effects = command(&mut model, "widgets");
    assert_eq!(effects, vec![Effect::Discover { id: 2 }]);
    // The CRD was created meanwhile: the new catalogue has it, and the command runs.
    let mut found = catalogue();
    found.kinds.push(kind(
        "widgets",
        "example.com",
        "Widget",
        &["wd"],
        &["list", "watch"],
    ));
    let effects = update(
        &mut model,
        Msg::Discovered {
            id: 2,
            result: Ok(found),
        },
        Instant::now(),
    );
    assert_eq!(started(&effects).kind.title(), "widgets");
    assert_eq!(effects[0], Effect::StopWatch { id: 1 });
}

#[test]
fn a_failed_discovery_is_part_of_the_unknown_name_message() {
    let mut model = model();
    command(&mut model, "widgets");
    let effects = update(
        &mut model,
        Msg::Discovered {
            id: 2,
            result: Err("discovery failed: connection refused".into()),
        },
        Instant::now(),
    );
    assert!(effects.is_empty());
    let flash = model.flash.clone().unwrap();
    assert!(flash.contains("unknown kind `widgets`"), "{flash}");
    assert!(flash.contains("connection refused"), "{flash}");
    // The earlier catalogue is kept.
    assert_eq!(
        started(&command(&mut model, "cm")).kind.title(),
        "configmaps"
    );
}

#[test]
fn tab_completes_discovered_names_and_contexts() {
    let mut model = model();
    press(&mut model, KeyCode::Char(':'));
    for c in "cron".chars() {
        press(&mut model, KeyCode::Char(c));
    }
    press(&mut model, KeyCode::Tab);
    let text = |m: &Model| {
        m.watch
            .as_ref()
            .unwrap()
            .input
            .as_ref()
            .unwrap()
            .text
            .clone()
    };
    assert_eq!(text(&model), "crontab");
    press(&mut model, KeyCode::Esc);

    press(&mut model, KeyCode::Char(':'));
    for c in "ctx pr".chars() {
        press(&mut model, KeyCode::Char(c));
    }
    press(&mut model, KeyCode::Tab);
    assert_eq!(text(&model), "ctx prod-eu");
}

#[test]
fn several_namespaces_are_one_normalized_list() {
    let mut model = model();
    let target = started(&command(&mut model, "ns a, b,a"));
    assert_eq!(target.namespace.as_deref(), Some("a,b"));
    assert_eq!(target.kind, WatchKind::Pods);
    assert_eq!(model.watch.as_ref().unwrap().store.namespace(), Some("a,b"));
    let target = started(&command(&mut model, "cm"));
    assert_eq!(
        target.namespace.as_deref(),
        Some("a,b"),
        "kept across kinds"
    );
}

#[test]
fn ctx_switches_the_target_the_guard_rails_the_runner_and_the_watch() {
    let mut model = model();
    command(&mut model, "cm");
    let effects = command(&mut model, "ctx prod-eu");
    assert_eq!(
        effects[0],
        Effect::SwitchContext {
            context: "prod-eu".into(),
            namespace: "payments".into(),
        },
        "the runner switches before the new watcher starts"
    );
    assert!(effects.contains(&Effect::StopWatch { id: 2 }));
    let target = started(&effects);
    assert_eq!(
        target.kind,
        WatchKind::Pods,
        "a discovered kind may not exist there"
    );
    assert_eq!(target.namespace.as_deref(), Some("payments"));
    assert!(effects.contains(&Effect::Discover { id: 2 }));
    assert!(model.discovery.catalogue.is_none());

    assert_eq!(model.cluster.context.as_deref(), Some("prod-eu"));
    assert_eq!(model.cluster.namespace, "payments");
    let target = &model.agent.target;
    assert_eq!(target.context.as_deref(), Some("prod-eu"));
    assert!(target.guard.production && target.guard.read_only);
    // Commands the plan runs get the new context injected.
    let argv = kubevibe::app::command::cockpit_argv(
        &["kubectl".into(), "get".into(), "pods".into()],
        target.context.as_deref(),
        &target.namespace,
    );
    assert_eq!(
        argv,
        [
            "kubectl",
            "--context",
            "prod-eu",
            "-n",
            "payments",
            "get",
            "pods"
        ]
    );

    // The new context's memory arrives from the runner.
    update(
        &mut model,
        Msg::ContextMemory {
            context: "prod-eu".into(),
            memory: Ok(("db is on v14".into(), true)),
        },
        Instant::now(),
    );
    assert_eq!(model.memory.text(), "db is on v14");
    assert!(model.memory.paused);
    // A late answer for another context is dropped.
    update(
        &mut model,
        Msg::ContextMemory {
            context: "dev".into(),
            memory: Ok(("dev notes".into(), false)),
        },
        Instant::now(),
    );
    assert_eq!(model.memory.text(), "db is on v14");
}

#[test]
fn ctx_refuses_an_unknown_context_and_names_the_known_ones() {
    let mut model = model();
    let effects = command(&mut model, "ctx staging");
    assert!(effects.is_empty());
    let flash = model.flash.clone().unwrap();
    assert!(flash.contains("unknown context `staging`"), "{flash}");
    assert!(flash.contains("dev, prod-eu"), "{flash}");
    assert_eq!(model.cluster.context.as_deref(), Some("dev"));
}
