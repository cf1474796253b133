#![allow(clippy::unwrap_used)]
//! The plan schema: lenient reading, validation errors, and a JSON Schema strict mode accepts.

use kubevibe::agent::schema::{
    ACTION_TYPES, Action, ForwardKind, MAX_ACTIONS, PortMapping, SchemaError, WorkloadKind,
    plan_from_value, plan_json_schema,
};
use serde_json::{Value, json};

fn command(argv: Value) -> Value {
    json!({"actions": [{"action_type": "command", "argv": argv, "explanation": "x"}]})
}

fn only_action(value: Value) -> Action {
    let mut plan = plan_from_value(value).unwrap();
    assert_eq!(plan.actions.len(), 1);
    plan.actions.remove(0)
}

#[test]
fn a_command_string_is_split_without_a_shell_and_kept_faithful() {
    let action = only_action(json!({"actions": [{
        "action_type": "command",
        "command": "kubectl get pods -l 'app=web shop' | grep Crash && echo $HOME"
    }]}));
    let Action::Command(command) = action else {
        panic!("not a command: {action:?}");
    };
    assert_eq!(
        command.argv,
        [
            "kubectl",
            "get",
            "pods",
            "-l",
            "app=web shop",
            "|",
            "grep",
            "Crash",
            "&&",
            "echo",
            "$HOME"
        ]
    );
    assert_eq!(command.allowed_exit_codes, [0]);
    assert_eq!(command.explanation, "");
}

#[test]
fn argv_written_as_a_string_is_split_too() {
    let Action::Command(command) = only_action(command(json!("kubectl top nodes"))) else {
        panic!("not a command");
    };
    assert_eq!(command.argv, ["kubectl", "top", "nodes"]);
}

#[test]
fn a_command_with_an_unclosed_quote_is_an_error() {
    let value =
        json!({"actions": [{"action_type": "command", "command": "kubectl get pods -l 'app=web"}]});
    assert!(matches!(
        plan_from_value(value),
        Err(SchemaError::UnsplittableCommand { index: 0, .. })
    ));
}

#[test]
fn action_type_is_read_in_any_case_and_separator_and_as_type() {
    for written in [
        "ROLLOUT_WATCH",
        "Rollout-Watch",
        "rollout watch",
        "rolloutwatch",
    ] {
        let action = only_action(json!({"actions": [
            {"type": written, "kind": "Deploy", "name": "web", "namespace": null}
        ]}));
        assert_eq!(action.type_name(), "rollout_watch", "{written}");
        let Action::RolloutWatch(watch) = action else {
            panic!("not a rollout watch");
        };
        assert_eq!(watch.kind, WorkloadKind::Deployment);
        assert_eq!(watch.namespace, None);
    }
}

#[test]
fn port_forward_targets_and_ports_are_typed() {
    let Action::PortForward(forward) = only_action(json!({"actions": [
        {"action_type": "port_forward", "target": "service/web", "ports": "8080", "namespace": "shop"}
    ]})) else {
        panic!("not a port forward");
    };
    assert_eq!(forward.target.kind, ForwardKind::Service);
    assert_eq!(forward.target.to_string(), "svc/web");
    assert_eq!(
        forward.ports,
        PortMapping {
            local: 8080,
            remote: 8080
        }
    );

    for (target, ports) in [
        ("deployment/web", "8080:80"),
        ("pod/web", "80:0"),
        ("web", "1:2"),
    ] {
        let value =
            json!({"actions": [{"action_type": "port_forward", "target": target, "ports": ports}]});
        let error = plan_from_value(value).unwrap_err();
        assert!(
            matches!(
                error,
                SchemaError::InvalidField {
                    index: 0,
                    action_type: "port_forward",
                    ..
                }
            ),
            "{target} {ports}: {error}"
        );
    }
}

#[test]
fn a_canonical_plan_round_trips() {
    let value = json!({"thought": "t", "actions": [
        {"action_type": "command", "argv": ["kubectl", "get", "pods"], "explanation": "e", "allowed_exit_codes": [0, 1]},
        {"action_type": "thought", "text": "x"},
        {"action_type": "feedback", "explanation": "e", "suggestion": null},
        {"action_type": "wait", "seconds": 600, "reason": "r"},
        {"action_type": "done", "summary": "s"},
        {"action_type": "error", "message": "m"},
        {"action_type": "rollout_watch", "kind": "statefulset", "name": "db", "namespace": "data"},
        {"action_type": "port_forward", "target": "pod/db-0", "ports": "5432:5432", "namespace": null},
    ]});
    let plan = plan_from_value(value.clone()).unwrap();
    assert_eq!(serde_json::to_value(&plan).unwrap(), value);
    let types: Vec<&str> = plan.actions.iter().map(Action::type_name).collect();
    assert_eq!(types, ACTION_TYPES);
}

#[test]
fn validation_names_the_field_and_the_fix() {
    let cases: Vec<(Value, SchemaError)> = vec![
        (
            json!("kubectl get pods"),
            SchemaError::NotAnObject { found: "a string" },
        ),
        (json!({"thought": "hm"}), SchemaError::MissingActions),
        (json!({"actions": []}), SchemaError::NoActions),
        (
            json!({"actions": "kubectl get pods"}),
            SchemaError::ActionsNotAnArray { found: "a string" },
        ),
        (
            json!({"thought": ["a"], "actions": []}),
            SchemaError::ThoughtNotAString { found: "an array" },
        ),
        (
            json!({"actions": [{"argv": ["kubectl"]}]}),
            SchemaError::MissingActionType { index: 0 },
        ),
        (command(json!([])), SchemaError::EmptyArgv { index: 0 }),
        (
            command(json!(["/bin/sh", "-c", "x"])),
            SchemaError::ShellProgram {
                index: 0,
                program: "/bin/sh".into(),
            },
        ),
        (
            command(json!(["env", "kubectl"])),
            SchemaError::ShellProgram {
                index: 0,
                program: "env".into(),
            },
        ),
        (
            command(json!(["BASH.EXE"])),
            SchemaError::ShellProgram {
                index: 0,
                program: "BASH.EXE".into(),
            },
        ),
        (
            command(json!(["kubectl", "get", "pods", "--kubeconfig", "/tmp/k"])),
            SchemaError::ForbiddenFlag {
                index: 0,
                flag: "--kubeconfig".into(),
            },
        ),
        (
            json!({"actions": [{"action_type": "command", "argv": ["kubectl"], "allowed_exit_codes": [0, 256]}]}),
            SchemaError::ExitCodeOutOfRange {
                index: 0,
                code: 256,
            },
        ),
        (
            json!({"actions": [{"action_type": "done", "summary": "s"}, {"action_type": "wait", "seconds": 601}]}),
            SchemaError::WaitOutOfRange {
                index: 1,
                seconds: 601,
                max: 600,
            },
        ),
        (
            json!({"actions": [{"action_type": "rollout_watch", "kind": "deployment", "name": " "}]}),
            SchemaError::EmptyField {
                index: 0,
                field: "name",
            },
        ),
    ];
    for (value, expected) in cases {
        assert_eq!(plan_from_value(value.clone()), Err(expected), "{value}");
    }
}

#[test]
fn a_flag_that_only_starts_like_a_cockpit_flag_is_allowed() {
    let plan = plan_from_value(command(json!(["kubectl", "config", "--contexts-file=x"])));
    assert!(plan.is_ok(), "{plan:?}");
}

#[test]
fn serde_errors_say_which_action_and_what_was_wrong() {
    let error = plan_from_value(json!({"actions": [
        {"action_type": "done", "summary": "s"},
        {"action_type": "wait", "seconds": "thirty"}
    ]}))
    .unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with("actions[1] (wait): invalid type: string \"thirty\""),
        "{message}"
    );

    let error = plan_from_value(json!({"actions": [{"action_type": "deploy"}]})).unwrap_err();
    assert_eq!(
        error.to_string(),
        "actions[0] has action_type \"deploy\", which is unknown; use one of command, thought, \
         feedback, wait, done, error, rollout_watch, port_forward"
    );
}

#[test]
fn at_most_max_actions() {
    let action = json!({"action_type": "thought", "text": "x"});
    let plan = json!({"actions": vec![action.clone(); MAX_ACTIONS]});
    assert!(plan_from_value(plan).is_ok());
    let plan = json!({"actions": vec![action; MAX_ACTIONS + 1]});
    assert_eq!(
        plan_from_value(plan),
        Err(SchemaError::TooManyActions { count: 11, max: 10 })
    );
}

/// OpenAI strict mode: every object lists all its properties as required and forbids others;
/// the root is an object.
fn assert_strict(schema: &Value, path: &str) {
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        let mut keys: Vec<&str> = properties.keys().map(String::as_str).collect();
        let mut required: Vec<&str> = schema["required"]
            .as_array()
            .unwrap_or_else(|| panic!("{path}: no required"))
            .iter()
            .map(|key| key.as_str().unwrap())
            .collect();
        keys.sort_unstable();
        required.sort_unstable();
        assert_eq!(keys, required, "{path}: every property must be required");
        assert_eq!(schema["additionalProperties"], json!(false), "{path}");
        assert_eq!(schema["type"], json!("object"), "{path}");
        for (key, property) in properties {
            assert_strict(property, &format!("{path}.{key}"));
        }
    }
    if let Some(items) = schema.get("items") {
        assert_strict(items, &format!("{path}[]"));
    }
    if let Some(variants) = schema.get("anyOf").and_then(Value::as_array) {
        for (index, variant) in variants.iter().enumerate() {
            assert_strict(variant, &format!("{path}|{index}"));
        }
    }
}

#[test]
fn the_json_schema_follows_strict_mode_and_covers_every_action() {
    let schema = plan_json_schema();
    assert_eq!(schema["type"], json!("object"));
    assert!(schema.get("anyOf").is_none(), "the root must not be anyOf");
    assert_strict(&schema, "plan");
    assert_eq!(
        schema["properties"]["thought"]["type"],
        json!(["string", "null"])
    );
    assert_eq!(
        schema["properties"]["actions"]["maxItems"],
        json!(MAX_ACTIONS)
    );

    let variants = schema["properties"]["actions"]["items"]["anyOf"]
        .as_array()
        .unwrap();
    let pinned: Vec<&str> = variants
        .iter()
        .map(|variant| {
            variant["properties"]["action_type"]["enum"][0]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(pinned, ACTION_TYPES);
}

#[test]
fn a_value_that_fits_the_json_schema_decodes() {
    let strict_reply = json!({"thought": null, "actions": [
        {"action_type": "command", "argv": ["kubectl", "get", "ns"], "explanation": "e", "allowed_exit_codes": null},
        {"action_type": "feedback", "explanation": "e", "suggestion": null},
        {"action_type": "rollout_watch", "kind": "daemonset", "name": "agent", "namespace": null}
    ]});
    let plan = plan_from_value(strict_reply).unwrap();
    assert_eq!(plan.thought, None);
    assert_eq!(plan.commands().count(), 1);
}
