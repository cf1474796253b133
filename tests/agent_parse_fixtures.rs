#![allow(clippy::unwrap_used)]
//! Real-world-looking planner replies (tests/fixtures/model_replies/*.txt): the outcome and the
//! layer for each, and the re-ask rule (a second failure is text, never a command).

use std::path::Path;

use kubevibe::agent::parse::{
    ParseError, ParseLayer, ParseOutcome, Repair, parse_reask_reply, parse_reply,
};
use kubevibe::agent::schema::{Action, SchemaError};

enum Expected {
    Plan {
        layer: ParseLayer,
        action_types: &'static [&'static str],
        commands: &'static [&'static [&'static str]],
        repairs: &'static [Repair],
    },
    Reask(fn(&ParseError) -> bool),
}

use Expected::{Plan, Reask};
use ParseLayer::{Extracted, Json, Repaired};

const GET_PODS_WIDE: &[&str] = &["kubectl", "get", "pods", "-n", "checkout", "-o", "wide"];

fn cases() -> Vec<(&'static str, Expected)> {
    vec![
        (
            "plain_json",
            Plan {
                layer: Json,
                action_types: &["command"],
                commands: &[GET_PODS_WIDE],
                repairs: &[],
            },
        ),
        (
            "prose_around_json",
            Plan {
                layer: Extracted,
                action_types: &["command"],
                commands: &[&[
                    "kubectl",
                    "get",
                    "events",
                    "-n",
                    "checkout",
                    "--sort-by=.lastTimestamp",
                ]],
                repairs: &[],
            },
        ),
        (
            "fenced_json",
            Plan {
                layer: Extracted,
                action_types: &["command"],
                commands: &[&[
                    "kubectl",
                    "logs",
                    "deploy/checkout",
                    "-n",
                    "checkout",
                    "--previous",
                    "--tail=100",
                ]],
                repairs: &[],
            },
        ),
        (
            "fenced_no_language",
            Plan {
                layer: Extracted,
                action_types: &["command"],
                commands: &[&[
                    "kubectl",
                    "describe",
                    "pod",
                    "checkout-7d9f8b6c5-x2x9q",
                    "-n",
                    "checkout",
                ]],
                repairs: &[],
            },
        ),
        (
            "fenced_plan_and_kubectl_output",
            Plan {
                layer: Extracted,
                action_types: &["command"],
                commands: &[&["kubectl", "top", "pod", "-n", "checkout"]],
                repairs: &[],
            },
        ),
        (
            "two_fenced_different_plans",
            Reask(|error| *error == ParseError::Ambiguous { count: 2 }),
        ),
        (
            "trailing_commas",
            Plan {
                layer: Repaired,
                action_types: &["command"],
                commands: &[&["kubectl", "get", "nodes", "-o", "wide"]],
                repairs: &[Repair::StrayComma],
            },
        ),
        (
            "single_quotes",
            Plan {
                layer: Repaired,
                action_types: &["command"],
                commands: &[&[
                    "kubectl",
                    "logs",
                    "checkout-7d9f8b6c5-x2x9q",
                    "-n",
                    "checkout",
                ]],
                repairs: &[Repair::SingleQuotes],
            },
        ),
        (
            "python_literals",
            Plan {
                layer: Repaired,
                action_types: &["feedback", "done"],
                commands: &[],
                repairs: &[Repair::NonJsonLiteral],
            },
        ),
        (
            "truncated_mid_string",
            Plan {
                layer: Repaired,
                action_types: &["command"],
                commands: &[&["kubectl", "get", "pods", "-n", "checkout"]],
                repairs: &[Repair::Truncated],
            },
        ),
        (
            "truncated_mid_array",
            Reask(|error| *error == ParseError::Truncated),
        ),
        (
            "truncated_after_complete_action",
            Plan {
                layer: Repaired,
                action_types: &["command"],
                commands: &[&[
                    "kubectl",
                    "rollout",
                    "status",
                    "deployment/checkout",
                    "-n",
                    "checkout",
                    "--timeout=60s",
                ]],
                repairs: &[Repair::Truncated],
            },
        ),
        (
            "truncated_in_thought",
            Reask(|error| *error == ParseError::Truncated),
        ),
        (
            "comments",
            Plan {
                layer: Repaired,
                action_types: &["command"],
                commands: &[&["kubectl", "get", "endpoints", "checkout", "-n", "checkout"]],
                repairs: &[Repair::Comment],
            },
        ),
        (
            "smart_quotes",
            Plan {
                layer: Repaired,
                action_types: &["command"],
                commands: &[&["kubectl", "describe", "ingress", "shop", "-n", "checkout"]],
                repairs: &[Repair::SmartQuotes],
            },
        ),
        ("empty", Reask(|error| *error == ParseError::Empty)),
        ("refusal", Reask(|error| *error == ParseError::NoJson)),
        (
            "prose_with_kubectl_command",
            Reask(|error| *error == ParseError::NoJson),
        ),
        (
            "prose_with_bash_fence",
            Reask(|error| *error == ParseError::NoJson),
        ),
        (
            "pipe_in_command_string",
            Plan {
                layer: Json,
                action_types: &["command"],
                commands: &[&["kubectl", "get", "pods", "-A", "|", "grep", "-i", "crash"]],
                repairs: &[],
            },
        ),
        (
            "extra_unknown_fields",
            Plan {
                layer: Json,
                action_types: &["command"],
                commands: &[&["kubectl", "get", "hpa", "-n", "checkout"]],
                repairs: &[],
            },
        ),
        (
            "bare_array_of_actions",
            Plan {
                layer: Json,
                action_types: &["command"],
                commands: &[&["kubectl", "get", "deployments", "-n", "checkout"]],
                repairs: &[],
            },
        ),
        (
            "actions_object_not_array",
            Plan {
                layer: Json,
                action_types: &["command"],
                commands: &[&["kubectl", "get", "pvc", "-n", "checkout"]],
                repairs: &[],
            },
        ),
        (
            "array_where_object_expected",
            Reask(|error| {
                *error
                    == ParseError::Schema(SchemaError::ActionNotAnObject {
                        index: 0,
                        found: "an array",
                    })
            }),
        ),
        (
            "unknown_action_type",
            Reask(|error| {
                *error
                    == ParseError::Schema(SchemaError::UnknownActionType {
                        index: 0,
                        found: "shell".into(),
                    })
            }),
        ),
        (
            "shell_argv",
            Reask(|error| {
                *error
                    == ParseError::Schema(SchemaError::ShellProgram {
                        index: 0,
                        program: "bash".into(),
                    })
            }),
        ),
        (
            "uppercase_action_types",
            Plan {
                layer: Json,
                action_types: &["command", "rollout_watch"],
                commands: &[&[
                    "kubectl",
                    "scale",
                    "deployment/checkout",
                    "-n",
                    "checkout",
                    "--replicas=6",
                ]],
                repairs: &[],
            },
        ),
        (
            "unquoted_keys",
            Plan {
                layer: Repaired,
                action_types: &["command"],
                commands: &[&[
                    "kubectl",
                    "get",
                    "configmap",
                    "checkout-config",
                    "-n",
                    "checkout",
                    "-o",
                    "yaml",
                ]],
                repairs: &[Repair::UnquotedKey, Repair::UnquotedString],
            },
        ),
        (
            "raw_newlines_in_string",
            Plan {
                layer: Repaired,
                action_types: &["command"],
                commands: &[&[
                    "kubectl",
                    "logs",
                    "checkout-7d9f8b6c5-x2x9q",
                    "-n",
                    "checkout",
                    "-c",
                    "envoy",
                ]],
                repairs: &[Repair::ControlCharacter],
            },
        ),
        (
            "too_many_actions",
            Reask(|error| {
                *error == ParseError::Schema(SchemaError::TooManyActions { count: 11, max: 10 })
            }),
        ),
        (
            "wait_too_long",
            Reask(|error| {
                *error
                    == ParseError::Schema(SchemaError::WaitOutOfRange {
                        index: 0,
                        seconds: 3600,
                        max: 600,
                    })
            }),
        ),
        (
            "context_flag",
            Reask(|error| {
                *error
                    == ParseError::Schema(SchemaError::ForbiddenFlag {
                        index: 0,
                        flag: "--context=staging".into(),
                    })
            }),
        ),
        (
            "think_tags",
            Plan {
                layer: Extracted,
                action_types: &["command"],
                commands: &[&[
                    "kubectl",
                    "get",
                    "events",
                    "-n",
                    "checkout",
                    "--field-selector=reason=FailedScheduling",
                ]],
                repairs: &[],
            },
        ),
        (
            "single_action_object",
            Plan {
                layer: Json,
                action_types: &["command"],
                commands: &[&["kubectl", "get", "svc", "-n", "checkout"]],
                repairs: &[],
            },
        ),
        (
            "every_action_type",
            Plan {
                layer: Json,
                action_types: &[
                    "thought",
                    "rollout_watch",
                    "wait",
                    "port_forward",
                    "feedback",
                    "done",
                ],
                commands: &[],
                repairs: &[],
            },
        ),
        (
            "missing_commas",
            Plan {
                layer: Repaired,
                action_types: &["command"],
                commands: &[&["kubectl", "describe", "resourcequota", "-n", "checkout"]],
                repairs: &[Repair::MissingComma],
            },
        ),
        (
            "json_in_prose_not_plan",
            Reask(|error| *error == ParseError::Schema(SchemaError::MissingActions)),
        ),
        (
            "error_action",
            Plan {
                layer: Extracted,
                action_types: &["error"],
                commands: &[],
                repairs: &[],
            },
        ),
        (
            "jsonpath_braces_in_prose",
            Plan {
                layer: Extracted,
                action_types: &["command"],
                commands: &[&[
                    "kubectl",
                    "get",
                    "pods",
                    "-n",
                    "checkout",
                    "-o",
                    "jsonpath={.items[*].metadata.name}",
                ]],
                repairs: &[],
            },
        ),
        (
            "think_without_opening_tag",
            Plan {
                layer: Repaired,
                action_types: &["command"],
                commands: &[&[
                    "kubectl",
                    "rollout",
                    "status",
                    "deployment/checkout",
                    "-n",
                    "checkout",
                    "--timeout=30s",
                ]],
                repairs: &[Repair::StrayComma],
            },
        ),
        (
            "only_reasoning",
            Reask(|error| *error == ParseError::OnlyReasoning),
        ),
        (
            "valid_and_broken_different_plans",
            Reask(|error| *error == ParseError::Ambiguous { count: 2 }),
        ),
        (
            "same_plan_twice",
            Plan {
                layer: Extracted,
                action_types: &["command"],
                commands: &[&["kubectl", "get", "jobs", "-n", "batch"]],
                repairs: &[],
            },
        ),
    ]
}

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/model_replies")
        .join(format!("{name}.txt"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn command_argvs(actions: &[Action]) -> Vec<Vec<&str>> {
    actions
        .iter()
        .filter_map(|action| match action {
            Action::Command(command) => Some(command.argv.iter().map(String::as_str).collect()),
            _ => None,
        })
        .collect()
}

#[test]
fn every_fixture_has_its_expected_outcome_and_layer() {
    let mut failures = Vec::new();
    for (name, expected) in cases() {
        let reply = fixture(name);
        let outcome = parse_reply(&reply);
        let matched = match (&expected, &outcome) {
            (
                Plan {
                    layer,
                    action_types,
                    commands,
                    repairs,
                },
                ParseOutcome::Plan {
                    plan,
                    layer: found_layer,
                    repairs: found_repairs,
                },
            ) => {
                let types: Vec<&str> = plan.actions.iter().map(Action::type_name).collect();
                layer == found_layer
                    && types == *action_types
                    && command_argvs(&plan.actions) == *commands
                    && found_repairs.len() == repairs.len()
                    && repairs.iter().all(|repair| found_repairs.contains(repair))
            }
            (Reask(matches), ParseOutcome::NeedsReask { error }) => matches(error),
            _ => false,
        };
        if !matched {
            failures.push(format!("{name}: got {outcome:#?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn after_the_reask_a_failure_is_the_reply_as_text_and_a_plan_is_still_a_plan() {
    for (name, expected) in cases() {
        let reply = fixture(name);
        let outcome = parse_reask_reply(&reply);
        match expected {
            Plan { .. } => assert_eq!(outcome, parse_reply(&reply), "{name}"),
            Reask(_) => assert_eq!(outcome, ParseOutcome::Text(reply.trim().into()), "{name}"),
        }
    }
}

#[test]
fn every_argv_word_is_written_in_the_reply() {
    for (name, _) in cases() {
        let reply = fixture(name);
        if let ParseOutcome::Plan { plan, .. } = parse_reply(&reply) {
            for word in plan.commands().flat_map(|command| &command.argv) {
                assert!(
                    reply.contains(word.as_str()),
                    "{name}: `{word}` was invented"
                );
            }
        }
    }
}

#[test]
fn a_kubectl_command_in_prose_never_becomes_a_command() {
    for name in [
        "prose_with_kubectl_command",
        "prose_with_bash_fence",
        "refusal",
    ] {
        let reply = fixture(name);
        assert!(matches!(
            parse_reply(&reply),
            ParseOutcome::NeedsReask { .. }
        ));
        assert_eq!(
            parse_reask_reply(&reply),
            ParseOutcome::Text(reply.trim().to_string())
        );
    }
    let inline = "Sure, just run `kubectl delete pod x -n checkout` and it will be recreated.";
    assert_eq!(
        parse_reask_reply(inline),
        ParseOutcome::Text(inline.to_string())
    );
}

#[test]
fn there_are_at_least_25_fixtures_and_each_is_in_the_table() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/model_replies");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut in_table: Vec<String> = cases()
        .iter()
        .map(|(name, _)| format!("{name}.txt"))
        .collect();
    in_table.sort();
    assert_eq!(on_disk, in_table);
    assert!(in_table.len() >= 25);
}

#[test]
/// Bounded work on hostile input; its speed belongs in a benchmark, not in a timed assertion.
fn a_reply_of_nothing_but_brackets_is_rejected() {
    for reply in [
        "{".repeat(200_000),
        "[".repeat(200_000),
        "{\"a\":".repeat(50_000),
    ] {
        assert!(matches!(
            parse_reply(&reply),
            ParseOutcome::NeedsReask { .. }
        ));
    }
}
