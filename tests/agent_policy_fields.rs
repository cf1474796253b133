#![allow(clippy::unwrap_used)]
//! What the approval pane reads from a classification: verb, subcommand, objects, namespace,
//! scope, selectors, dry run, reasons, the text to type, and the one-line summary.

use kubevibe::agent::policy::{
    Classification, DryRun, ResourceRef, Risk, Selector, classify, parse_command,
};

fn classified(line: &str) -> Classification {
    classify(&parse_command(line).unwrap())
}

fn object(kind: &str, name: Option<&str>) -> ResourceRef {
    ResourceRef {
        kind: kind.to_owned(),
        name: name.map(str::to_owned),
    }
}

#[test]
fn type_slash_name_and_short_kinds_become_canonical_objects() {
    let c = classified("kubectl delete deploy/web svc/web -n shop");
    assert_eq!(c.verb.as_deref(), Some("delete"));
    assert_eq!(
        c.resources,
        vec![
            object("deployment", Some("web")),
            object("service", Some("web"))
        ]
    );
    assert_eq!(c.namespace.as_deref(), Some("shop"));
    assert_eq!(c.kinds(), vec!["deployment", "service"]);
    assert_eq!(c.names(), vec!["web"]);
}

#[test]
fn type_then_several_names() {
    let c = classified("kubectl get po web-0 web-1 -o wide");
    assert_eq!(
        c.resources,
        vec![object("pod", Some("web-0")), object("pod", Some("web-1"))]
    );
    assert_eq!(c.risk, Risk::Read);
}

#[test]
fn comma_separated_kinds_without_names() {
    let c = classified("kubectl get deploy,sts,secrets -A");
    assert_eq!(c.kinds(), vec!["deployment", "statefulset", "secret"]);
    assert!(c.all_namespaces);
    assert_eq!(c.risk, Risk::DataEgress);
    assert!(
        c.reasons.iter().any(|r| r == "lists Secrets"),
        "{:?}",
        c.reasons
    );
}

#[test]
fn flags_before_the_verb_are_read() {
    let c = classified("kubectl -n shop --request-timeout=5s get pods web-0");
    assert_eq!(c.verb.as_deref(), Some("get"));
    assert_eq!(c.namespace.as_deref(), Some("shop"));
    assert_eq!(c.resources, vec![object("pod", Some("web-0"))]);
}

#[test]
fn subcommands_are_named() {
    for (line, verb, subcommand) in [
        ("kubectl rollout undo deploy/web", "rollout", "undo"),
        ("kubectl config view --raw", "config", "view"),
        ("kubectl auth can-i delete pods", "auth", "can-i"),
        (
            "kubectl create deployment web --image=nginx",
            "create",
            "deployment",
        ),
        ("kubectl set image deploy/web app=nginx:2", "set", "image"),
    ] {
        let c = classified(line);
        assert_eq!(c.verb.as_deref(), Some(verb), "{line}");
        assert_eq!(c.subcommand.as_deref(), Some(subcommand), "{line}");
    }
}

#[test]
fn rollout_and_create_objects_follow_the_subcommand() {
    let c = classified("kubectl rollout undo deploy/web --to-revision=2");
    assert_eq!(c.resources, vec![object("deployment", Some("web"))]);
    let c = classified("kubectl create secret generic db --from-literal=user=app");
    assert_eq!(c.resources, vec![object("secret", Some("db"))]);
    let c = classified("kubectl create token deployer");
    assert_eq!(
        c.resources,
        vec![object("serviceaccount", Some("deployer"))]
    );
}

#[test]
fn node_commands_and_pod_commands_know_their_kind() {
    assert_eq!(
        classified("kubectl drain node-1 --ignore-daemonsets").resources,
        vec![object("node", Some("node-1"))]
    );
    assert_eq!(
        classified("kubectl logs web-0 -c app").resources,
        vec![object("pod", Some("web-0"))]
    );
    assert_eq!(
        classified("kubectl exec deploy/web -- env").resources,
        vec![object("deployment", Some("web"))]
    );
    assert_eq!(
        classified("kubectl cp shop/web-0:/tmp/a ./a").resources,
        vec![object("pod", Some("web-0"))]
    );
}

#[test]
fn selectors_scope_and_files_are_reported() {
    let c = classified(
        "kubectl delete pods -l 'app in (web,api)' --field-selector status.phase!=Running -n shop",
    );
    assert_eq!(
        c.selectors,
        vec![
            Selector::Label("app in (web,api)".to_owned()),
            Selector::Field("status.phase!=Running".to_owned()),
        ]
    );
    let c = classified("kubectl delete pods --all -n shop");
    assert!(c.all);
    let c = classified("kubectl apply -f a.yaml -f b.yaml -k overlay");
    assert_eq!(c.files, vec!["a.yaml", "b.yaml", "overlay"]);
}

#[test]
fn dry_run_forms() {
    assert_eq!(
        classified("kubectl apply -f a.yaml --dry-run=server").dry_run,
        Some(DryRun::Server)
    );
    assert_eq!(
        classified("kubectl apply -f a.yaml --dry-run=client").dry_run,
        Some(DryRun::Client)
    );
    assert_eq!(
        classified("kubectl apply -f a.yaml --dry-run").dry_run,
        Some(DryRun::Client)
    );
    let none = classified("kubectl apply -f a.yaml --dry-run=none");
    assert_eq!(none.dry_run, None);
    assert_eq!(none.risk, Risk::Write);
}

#[test]
fn a_dry_run_of_a_verb_without_dry_run_support_keeps_its_risk() {
    let c = classified("kubectl rollout restart deploy/web --dry-run=server");
    assert_eq!(c.risk, Risk::Write);
}

#[test]
fn reasons_say_why() {
    let c = classified("kubectl delete pods --all -A --force --grace-period=0");
    for reason in [
        "deletes resources",
        "applies to every object of the kind (--all)",
        "spans all namespaces",
        "forces the change (--force)",
        "skips graceful termination (--grace-period=0)",
    ] {
        assert!(
            c.reasons.iter().any(|r| r == reason),
            "{reason}: {:?}",
            c.reasons
        );
    }
    let c = classified("kubectl get secret db -o yaml");
    assert_eq!(c.reasons, vec!["reads Secret data"]);
    let c = classified("kubectl neat get pod");
    assert_eq!(c.reasons, vec!["unknown verb or kubectl plugin `neat`"]);
}

#[test]
fn field_outputs_of_secrets_must_be_withheld() {
    assert!(classified("kubectl get secret db -o jsonpath='{.data.password}'").withhold_output);
    assert!(classified("kubectl get secrets -o custom-columns=P:.data.password").withhold_output);
    assert!(!classified("kubectl get secret db -o yaml").withhold_output);
    assert!(
        !classified("kubectl get pods -o jsonpath='{.items[*].metadata.name}'").withhold_output
    );
}

#[test]
fn typed_confirmation_names_what_is_destroyed() {
    let cases = [
        ("kubectl delete deploy/web -n shop", Some("web")),
        ("kubectl delete pod web-0 web-1", Some("web-0 web-1")),
        ("kubectl drain node-1 --ignore-daemonsets", Some("node-1")),
        ("kubectl scale deploy web --replicas=0", Some("web")),
        ("kubectl delete pods --all -n shop", Some("shop")),
        ("kubectl delete pods -l app=web -n shop", Some("shop")),
        ("kubectl delete pods --all -A", Some("all-namespaces")),
        ("kubectl delete -f deploy.yaml", Some("deploy.yaml")),
        ("kubectl neat get pod", Some("neat")),
        ("kubectl delete pods -l app=web", Some("pod")),
        ("kubectl apply -f deploy.yaml", None),
        ("kubectl get pods", None),
        ("kubectl get secrets -o yaml", None),
    ];
    for (line, expected) in cases {
        assert_eq!(
            classified(line).needs_typed_confirmation().as_deref(),
            expected,
            "{line}"
        );
    }
}

#[test]
fn the_default_namespace_fills_only_a_missing_one() {
    let c = classified("kubectl delete pods --all").with_default_namespace("shop");
    assert_eq!(c.needs_typed_confirmation().as_deref(), Some("shop"));
    let c = classified("kubectl delete pods --all -n prod").with_default_namespace("shop");
    assert_eq!(c.namespace.as_deref(), Some("prod"));
    let c = classified("kubectl delete pods --all -A").with_default_namespace("shop");
    assert_eq!(c.namespace, None);
}

#[test]
fn summaries_read_as_one_line() {
    let cases = [
        (
            "kubectl delete deployment web -n shop",
            "delete deployment/web in shop",
        ),
        (
            "kubectl delete deploy/web -n shop",
            "delete deployment/web in shop",
        ),
        ("kubectl get pods -A", "get pod in all namespaces"),
        (
            "kubectl delete pods --all -n shop",
            "delete all pod in shop",
        ),
        (
            "kubectl delete pods -l app=web -n shop",
            "delete pod matching app=web in shop",
        ),
        (
            "kubectl rollout undo deploy/web",
            "rollout undo deployment/web",
        ),
        (
            "kubectl apply -f deploy.yaml --dry-run=server",
            "apply from deploy.yaml (dry run)",
        ),
        (
            "kubectl create deployment web --image=nginx",
            "create deployment web",
        ),
        ("kubectl config view", "config view"),
    ];
    for (line, expected) in cases {
        assert_eq!(classified(line).summary(), expected, "{line}");
    }
}
