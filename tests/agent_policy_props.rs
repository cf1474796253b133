#![allow(clippy::unwrap_used)]
//! Properties of the risk policy over generated commands: a dry run never writes, scope and
//! force flags always make a write destructive, and nothing panics on arbitrary input.

use kubevibe::agent::policy::{Risk, check_argv, classify, parse_command};
use proptest::prelude::*;
use proptest::sample::select;

/// Writes that accept `--dry-run`, without any flag that would already make them destructive.
const WRITES: &[&[&str]] = &[
    &["apply", "-f", "deploy.yaml"],
    &["apply", "-k", "overlays/prod", "--server-side"],
    &["create", "deployment", "web", "--image=nginx"],
    &["create", "-f", "job.yaml"],
    &["create", "configmap", "app", "--from-literal=a=b"],
    &[
        "patch",
        "deploy",
        "web",
        "-p",
        "{\"spec\":{\"replicas\":3}}",
    ],
    &["label", "pod", "web-0", "tier=front"],
    &["annotate", "deploy/web", "owner=shop"],
    &["scale", "deploy", "web", "--replicas=3"],
    &["scale", "sts/db", "--replicas", "2"],
    &["set", "image", "deploy/web", "app=nginx:2"],
    &["set", "env", "deploy/web", "A=1"],
    &["autoscale", "deploy", "web", "--max=5"],
    &["expose", "deploy", "web", "--port=80"],
    &["cordon", "node-1"],
    &["uncordon", "node-1"],
    &["taint", "nodes", "node-1", "a=b:NoSchedule"],
    &["replace", "-f", "deploy.yaml"],
    &["run", "tmp", "--image=busybox"],
];

const NAMESPACES: &[&str] = &["shop", "prod", "kube-system"];

fn write_argv() -> impl Strategy<Value = Vec<String>> {
    write_argv_with(&[])
}

/// A write with `extra` flags right after the verb or at the end (never between a flag and
/// its value), and an optional namespace before the verb or at the end.
fn write_argv_with(extra: &'static [&'static str]) -> impl Strategy<Value = Vec<String>> {
    (
        select(WRITES),
        prop::option::of(select(NAMESPACES)),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(move |(write, namespace, namespace_first, extra_first)| {
            let mut argv: Vec<String> = write.iter().map(|w| (*w).to_owned()).collect();
            let at = if extra_first { 1 } else { argv.len() };
            argv.splice(at..at, extra.iter().map(|f| (*f).to_owned()));
            if let Some(namespace) = namespace {
                let flag = ["-n".to_owned(), namespace.to_owned()];
                if namespace_first {
                    argv.splice(0..0, flag);
                } else {
                    argv.extend(flag);
                }
            }
            argv
        })
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn writes_are_writes(argv in write_argv()) {
        prop_assert_eq!(classify(&argv).risk, Risk::Write, "{:?}", argv);
    }

    #[test]
    fn a_server_or_client_dry_run_of_a_write_is_never_riskier_than_read(
        argv in prop_oneof![
            write_argv_with(&["--dry-run=server"]),
            write_argv_with(&["--dry-run=client"]),
            write_argv_with(&["--dry-run"]),
        ],
    ) {
        prop_assert!(classify(&argv).risk <= Risk::Read, "{:?}", argv);
    }

    #[test]
    fn force_all_or_all_namespaces_make_a_write_destructive(
        argv in prop_oneof![
            write_argv_with(&["--force"]),
            write_argv_with(&["--all"]),
            write_argv_with(&["-A"]),
            write_argv_with(&["--all-namespaces"]),
            write_argv_with(&["--grace-period=0"]),
            write_argv_with(&["--force", "--all"]),
        ],
    ) {
        prop_assert_eq!(classify(&argv).risk, Risk::Destructive, "{:?}", argv);
    }

    #[test]
    fn classification_never_panics_on_arbitrary_words(argv in prop::collection::vec(".{0,12}", 0..8)) {
        let classification = classify(&argv);
        let _ = classification.summary();
        let _ = classification.needs_typed_confirmation();
        let _ = check_argv(&argv);
    }

    #[test]
    fn parsing_never_panics_and_what_it_accepts_classifies(line in ".{0,60}") {
        if let Ok(argv) = parse_command(&line) {
            prop_assert!(!argv.is_empty());
            prop_assert_eq!(check_argv(&argv), Ok(()));
            let _ = classify(&argv).summary();
        }
    }

    #[test]
    fn an_unknown_first_word_is_destructive(verb in "[a-z][a-z0-9-]{2,12}", rest in prop::collection::vec("[a-z0-9/=-]{1,8}", 0..4)) {
        const KNOWN: &[&str] = &[
            "get", "describe", "explain", "api-resources", "api-versions", "version",
            "cluster-info", "top", "events", "wait", "completion", "options", "help",
            "kustomize", "diff", "plugin", "rollout", "auth", "config", "logs", "exec",
            "attach", "port-forward", "proxy", "cp", "apply", "create", "patch", "scale",
            "set", "edit", "label", "annotate", "autoscale", "expose", "cordon", "uncordon",
            "taint", "replace", "run", "debug", "certificate", "delete", "drain",
        ];
        prop_assume!(!KNOWN.contains(&verb.as_str()));
        let mut argv = vec![verb];
        argv.extend(rest);
        prop_assert_eq!(classify(&argv).risk, Risk::Destructive);
    }
}
