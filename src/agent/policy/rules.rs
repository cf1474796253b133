//! The risk rules: what each kubectl verb can do, and the flags that change it.
//!
//! | rule | class | reason |
//! |---|---|---|
//! | `get`, `describe`, `explain`, `api-resources`, `api-versions`, `version`, `cluster-info`, `top`, `events`, `wait`, `diff`, `kustomize`, `completion`, `plugin`, `rollout status\|history`, `auth can-i`, `auth whoami`, `config get-contexts\|current-context\|…` | read | shows cluster state, changes nothing (`diff` is a server-side dry run) |
//! | a mutating verb with `--dry-run=client\|server` (or bare `--dry-run`, which kubectl reads as `client`) | read | nothing is persisted; only verbs known to accept `--dry-run` get this |
//! | `get`/`describe` of Secrets (any output), `apply view-last-applied` of Secrets | data-egress | Secret values, or their names and sizes, leave the cluster |
//! | `get -o yaml\|json\|jsonpath\|go-template\|custom-columns\|template` of `all` or of objects given by `-f`/`-k` | data-egress | the objects may be Secrets; their data would be printed |
//! | `get --raw` of a path with `secrets`, `/log`, `/exec`, `/attach`, `/proxy`, `/portforward` | data-egress | the raw API returns the same data |
//! | `logs`, `exec`, `attach`, `port-forward`, `proxy`, `cp` out of a pod, `cluster-info dump`, `config view` (even `--raw`), `auth can-i --list`, `set env --list` | data-egress | container output, files, network access, credentials or permissions leave the cluster |
//! | `apply`, `create`, `patch`, `edit`, `label`, `annotate`, `scale` (> 0), `set`, `rollout restart\|undo\|pause\|resume`, `autoscale`, `expose`, `cordon`, `uncordon`, `taint`, `replace`, `run`, `debug`, `certificate approve\|deny`, `auth reconcile`, `cp` into a pod, `create token` | write | changes objects in a way that can be reverted |
//! | `delete`, `drain` | destructive | removes objects or evicts every pod of a node |
//! | `scale --replicas=0`, `patch` setting `spec.replicas` to 0 | destructive | stops every pod of the workload |
//! | a write with `--all`, `-A`/`--all-namespaces`, `--force`, `--grace-period=0` | destructive | touches every object of a kind or namespace, or skips the safety of graceful, conflict-checked changes |
//! | `replace --force`, `apply --prune` | destructive | deletes objects (re-created, or missing from the manifests) |
//! | `taint … :NoExecute` | destructive | evicts running pods that do not tolerate the taint |
//! | `label`/`annotate` with `--overwrite` or a removal (`key-`) on many objects (a selector or more than one object) | destructive | rewrites labels the Services and controllers of many objects select on; one object stays write |
//! | `config` subcommands that write the kubeconfig | destructive (and refused by `check_argv`) | the cockpit owns the kubeconfig |
//! | every unknown verb, unknown subcommand, or kubectl plugin | destructive | the policy cannot know what it does |
//!
//! Misreading an argv must never lower the risk: unknown flags are read as switches so their
//! next word stays visible, and Secret detection looks at every positional word.

use std::borrow::Cow;

use super::args::ParsedArgs;
use super::classification::{Classification, DryRun, Risk, Selector};
use super::kinds::{is_secret, names_secret};
use super::patch_body::scales_to_zero;
use super::targets::{Targets, targets};

/// Output formats that print whole objects or arbitrary fields of them.
const DATA_OUTPUTS: &[&str] = &[
    "yaml",
    "json",
    "jsonpath",
    "jsonpath-file",
    "jsonpath-as-json",
    "go-template",
    "go-template-file",
    "template",
    "templatefile",
    "custom-columns",
    "custom-columns-file",
];

/// Output formats that print chosen fields: redaction cannot tell Secret values in them.
const FIELD_OUTPUTS: &[&str] = &[
    "jsonpath",
    "jsonpath-file",
    "jsonpath-as-json",
    "go-template",
    "go-template-file",
    "template",
    "templatefile",
    "custom-columns",
    "custom-columns-file",
];

/// Verbs that accept `--dry-run`, for which a dry run persists nothing.
const DRY_RUN_VERBS: &[&str] = &[
    "annotate",
    "apply",
    "autoscale",
    "cordon",
    "create",
    "delete",
    "drain",
    "expose",
    "label",
    "patch",
    "replace",
    "run",
    "scale",
    "set",
    "taint",
    "uncordon",
];

/// Raw API paths whose responses carry Secret data, logs or a stream into a container.
const EGRESS_PATHS: &[&str] = &[
    "secrets",
    "/log",
    "/exec",
    "/attach",
    "/proxy",
    "/portforward",
];

/// Classifies a kubectl argv (with or without a leading `kubectl`). Never fails: anything the
/// rules do not recognise is destructive.
pub fn classify(argv: &[String]) -> Classification {
    let args = ParsedArgs::parse(argv);
    let Targets {
        resources,
        arguments,
    } = targets(&args);
    let mut classification = Classification {
        risk: Risk::Read,
        verb: args.verb.map(str::to_owned),
        subcommand: subcommand(&args).map(str::to_owned),
        resources,
        files: args
            .values("filename")
            .chain(args.values("kustomize"))
            .map(str::to_owned)
            .collect(),
        namespace: args.value("namespace").map(str::to_owned),
        all_namespaces: args.switch("all-namespaces"),
        all: args.switch("all"),
        selectors: selectors(&args),
        dry_run: dry_run(&args),
        reasons: Vec::new(),
        withhold_output: false,
    };
    let mut verdict = Verdict::default();
    verb_rule(&args, &classification, &arguments, &mut verdict);
    if verdict.risk >= Risk::Write {
        write_modifiers(&args, &classification, &arguments, &mut verdict);
    }
    if verdict.risk >= Risk::Write
        && classification.dry_run.is_some()
        && args.verb.is_some_and(|verb| DRY_RUN_VERBS.contains(&verb))
    {
        verdict.risk = Risk::Read;
        verdict
            .reasons
            .push(Cow::Borrowed("dry run: nothing is persisted"));
    }
    classification.risk = verdict.risk;
    classification.reasons = verdict.reasons;
    classification.withhold_output = verdict.withhold_output;
    classification
}

#[derive(Default)]
struct Verdict {
    risk: Risk,
    reasons: Vec<Cow<'static, str>>,
    withhold_output: bool,
}

impl Verdict {
    fn raise(&mut self, risk: Risk, reason: impl Into<Cow<'static, str>>) {
        self.risk = self.risk.max(risk);
        self.reasons.push(reason.into());
    }
}

/// Verbs whose first positional word is a subcommand rather than an object.
fn subcommand<'a>(args: &ParsedArgs<'a>) -> Option<&'a str> {
    match args.verb? {
        "rollout" | "config" | "auth" | "certificate" | "set" | "create" | "top"
        | "cluster-info" | "plugin" | "alpha" => args.subcommand(),
        "apply" => args
            .subcommand()
            .filter(|word| word.ends_with("-last-applied")),
        _ => None,
    }
}

fn selectors(args: &ParsedArgs<'_>) -> Vec<Selector> {
    args.flags
        .iter()
        .filter_map(|flag| match (flag.name, flag.value) {
            ("selector", Some(value)) => Some(Selector::Label(value.to_owned())),
            ("field-selector", Some(value)) => Some(Selector::Field(value.to_owned())),
            _ => None,
        })
        .collect()
}

/// `--dry-run=client|server`; a bare `--dry-run` and `--dry-run=true` mean `client`.
fn dry_run(args: &ParsedArgs<'_>) -> Option<DryRun> {
    let flag = args.flag("dry-run")?;
    match flag.value {
        None => Some(DryRun::Client),
        Some(value)
            if value.eq_ignore_ascii_case("client") || value.eq_ignore_ascii_case("true") =>
        {
            Some(DryRun::Client)
        }
        Some(value) if value.eq_ignore_ascii_case("server") => Some(DryRun::Server),
        Some(_) => None,
    }
}

fn verb_rule(
    args: &ParsedArgs<'_>,
    classification: &Classification,
    arguments: &[&str],
    verdict: &mut Verdict,
) {
    let Some(verb) = args.verb else {
        verdict.raise(Risk::Read, "no verb: kubectl prints its help");
        return;
    };
    let subcommand = classification.subcommand.as_deref();
    match verb {
        "get" => get_rule(args, classification, verdict),
        "describe" if names_secrets(args, classification) => {
            verdict.raise(Risk::DataEgress, "describes Secrets");
        }
        "describe" => verdict.raise(Risk::Read, "describes resources"),
        "explain" | "api-resources" | "api-versions" | "version" | "top" | "events" | "wait"
        | "completion" | "options" | "help" | "kustomize" => {
            verdict.raise(Risk::Read, "reads cluster information");
        }
        "diff" => verdict.raise(Risk::Read, "compares manifests with a server-side dry run"),
        "plugin" if subcommand == Some("list") => verdict.raise(Risk::Read, "lists plugins"),
        "cluster-info" => match subcommand {
            None => verdict.raise(Risk::Read, "reads cluster information"),
            Some("dump") => verdict.raise(Risk::DataEgress, "dumps cluster state and pod logs"),
            Some(other) => unknown(verdict, &format!("cluster-info {other}")),
        },
        "rollout" => rollout_rule(subcommand, verdict),
        "auth" => auth_rule(args, subcommand, verdict),
        "config" => config_rule(subcommand, verdict),
        "logs" => verdict.raise(Risk::DataEgress, "reads container logs"),
        "exec" => verdict.raise(Risk::DataEgress, "runs a command inside a container"),
        "attach" => verdict.raise(Risk::DataEgress, "attaches to a running container"),
        "port-forward" => verdict.raise(Risk::DataEgress, "forwards a local port into the cluster"),
        "proxy" => verdict.raise(Risk::DataEgress, "opens a proxy to the API server"),
        "cp" => copy_rule(args, verdict),
        "apply" => apply_rule(args, classification, subcommand, verdict),
        "create" if subcommand == Some("token") => {
            verdict.raise(Risk::Write, "issues a service-account token");
        }
        "create" => verdict.raise(Risk::Write, "creates resources"),
        "patch" => patch_rule(args, verdict),
        "scale" => scale_rule(args, verdict),
        "set" if subcommand == Some("env") && args.switch("list") => {
            verdict.raise(Risk::DataEgress, "prints environment variables");
        }
        "set" => verdict.raise(Risk::Write, "changes workload settings"),
        "edit" => verdict.raise(Risk::Write, "edits resources"),
        "label" => verdict.raise(Risk::Write, "changes labels"),
        "annotate" => verdict.raise(Risk::Write, "changes annotations"),
        "autoscale" => verdict.raise(Risk::Write, "creates an autoscaler"),
        "expose" => verdict.raise(Risk::Write, "creates a service"),
        "cordon" => verdict.raise(Risk::Write, "marks nodes unschedulable"),
        "uncordon" => verdict.raise(Risk::Write, "marks nodes schedulable"),
        "taint" => taint_rule(arguments, verdict),
        "replace" => verdict.raise(Risk::Write, "replaces resources"),
        "run" => verdict.raise(Risk::Write, "starts a pod"),
        "debug" => verdict.raise(Risk::Write, "starts a debugging container"),
        "certificate" if matches!(subcommand, Some("approve" | "deny")) => {
            verdict.raise(Risk::Write, "decides a certificate signing request");
        }
        "delete" => verdict.raise(Risk::Destructive, "deletes resources"),
        "drain" => verdict.raise(Risk::Destructive, "evicts every pod from the node"),
        _ => match subcommand {
            Some(subcommand) if classification.subcommand.is_some() => {
                unknown(verdict, &format!("{verb} {subcommand}"));
            }
            _ => unknown(verdict, verb),
        },
    }
}

fn unknown(verdict: &mut Verdict, what: &str) {
    verdict.raise(
        Risk::Destructive,
        format!("unknown verb or kubectl plugin `{what}`"),
    );
}

/// Whether any positional word names Secrets; every word is checked, not just the one read
/// as the kind, so a misread flag value cannot hide them.
fn names_secrets(args: &ParsedArgs<'_>, classification: &Classification) -> bool {
    classification
        .resources
        .iter()
        .any(|resource| is_secret(&resource.kind))
        || args
            .positionals
            .iter()
            .flat_map(|word| word.split([',', '/']))
            .any(names_secret)
}

/// The `-o` format without its argument (`jsonpath` of `jsonpath={.data}`).
fn output_format<'a>(args: &ParsedArgs<'a>) -> Option<&'a str> {
    args.value("output")
        .map(|output| output.split('=').next().unwrap_or_default())
}

fn is_one_of(format: Option<&str>, formats: &[&str]) -> bool {
    format.is_some_and(|format| formats.iter().any(|f| f.eq_ignore_ascii_case(format)))
}

fn get_rule(args: &ParsedArgs<'_>, classification: &Classification, verdict: &mut Verdict) {
    if let Some(path) = args.value("raw") {
        if EGRESS_PATHS.iter().any(|part| path.contains(part)) {
            verdict.raise(Risk::DataEgress, "reads a raw API path with private data");
        } else {
            verdict.raise(Risk::Read, "reads a raw API path");
        }
        return;
    }
    let output = output_format(args);
    let data_output = is_one_of(output, DATA_OUTPUTS);
    if names_secrets(args, classification) {
        if data_output {
            verdict.raise(Risk::DataEgress, "reads Secret data");
            verdict.withhold_output = is_one_of(output, FIELD_OUTPUTS);
        } else {
            verdict.raise(Risk::DataEgress, "lists Secrets");
        }
        return;
    }
    let unnamed = classification.resources.is_empty()
        || classification.resources.iter().any(|r| r.kind == "all");
    if data_output && unnamed {
        verdict.raise(
            Risk::DataEgress,
            "prints full objects of kinds that may include Secrets",
        );
        return;
    }
    verdict.raise(Risk::Read, "reads resources");
}

fn rollout_rule(subcommand: Option<&str>, verdict: &mut Verdict) {
    match subcommand {
        Some("status" | "history") => verdict.raise(Risk::Read, "reads rollout state"),
        Some("restart") => verdict.raise(Risk::Write, "restarts every pod of the workload"),
        Some("undo") => verdict.raise(Risk::Write, "rolls back to an earlier revision"),
        Some("pause" | "resume") => verdict.raise(Risk::Write, "pauses or resumes a rollout"),
        Some(other) => unknown(verdict, &format!("rollout {other}")),
        None => unknown(verdict, "rollout"),
    }
}

fn auth_rule(args: &ParsedArgs<'_>, subcommand: Option<&str>, verdict: &mut Verdict) {
    match subcommand {
        Some("can-i") if args.switch("list") => verdict.raise(
            Risk::DataEgress,
            "lists every permission of the current user",
        ),
        Some("can-i") => verdict.raise(Risk::Read, "checks a permission"),
        Some("whoami") => verdict.raise(Risk::Read, "shows the current user"),
        Some("reconcile") => verdict.raise(Risk::Write, "reconciles RBAC rules"),
        Some(other) => unknown(verdict, &format!("auth {other}")),
        None => unknown(verdict, "auth"),
    }
}

fn config_rule(subcommand: Option<&str>, verdict: &mut Verdict) {
    match subcommand {
        Some("view") => verdict.raise(Risk::DataEgress, "prints the kubeconfig"),
        Some("get-contexts" | "current-context" | "get-clusters" | "get-users") => {
            verdict.raise(Risk::Read, "reads the kubeconfig");
        }
        _ => verdict.raise(Risk::Destructive, "changes the kubeconfig"),
    }
}

/// `cp` out of a pod sends its files away; `cp` into a pod changes the container.
fn copy_rule(args: &ParsedArgs<'_>, verdict: &mut Verdict) {
    let into_pod = args
        .positionals
        .last()
        .is_some_and(|destination| destination.contains(':'));
    if into_pod {
        verdict.raise(Risk::Write, "copies files into a container");
    } else {
        verdict.raise(Risk::DataEgress, "copies files out of a container");
    }
}

fn apply_rule(
    args: &ParsedArgs<'_>,
    classification: &Classification,
    subcommand: Option<&str>,
    verdict: &mut Verdict,
) {
    match subcommand {
        Some("view-last-applied") if names_secrets(args, classification) => {
            verdict.raise(Risk::DataEgress, "reads Secret data");
        }
        Some("view-last-applied") => verdict.raise(Risk::Read, "reads the last applied manifest"),
        Some("edit-last-applied" | "set-last-applied") => {
            verdict.raise(Risk::Write, "changes the last applied manifest");
        }
        Some(other) => unknown(verdict, &format!("apply {other}")),
        None => {
            verdict.raise(Risk::Write, "applies manifests");
            if args.switch("prune") {
                verdict.raise(
                    Risk::Destructive,
                    "deletes objects missing from the manifests (--prune)",
                );
            }
        }
    }
}

fn patch_rule(args: &ParsedArgs<'_>, verdict: &mut Verdict) {
    verdict.raise(Risk::Write, "patches resources");
    if args.values("patch").any(scales_to_zero) {
        verdict.raise(Risk::Destructive, "scales to zero replicas");
    }
}

fn scale_rule(args: &ParsedArgs<'_>, verdict: &mut Verdict) {
    let replicas = args.value("replicas").map(str::trim);
    if replicas.and_then(|value| value.parse::<i64>().ok()) == Some(0) {
        verdict.raise(Risk::Destructive, "scales to zero replicas");
    } else {
        verdict.raise(Risk::Write, "changes the number of replicas");
    }
}

/// Adding a `NoExecute` taint evicts pods; removing one (`key:NoExecute-`) does not.
fn taint_rule(arguments: &[&str], verdict: &mut Verdict) {
    verdict.raise(Risk::Write, "changes node taints");
    if arguments.iter().any(|taint| taint.ends_with(":NoExecute")) {
        verdict.raise(
            Risk::Destructive,
            "evicts pods that do not tolerate the taint (NoExecute)",
        );
    }
}

fn write_modifiers(
    args: &ParsedArgs<'_>,
    classification: &Classification,
    arguments: &[&str],
    verdict: &mut Verdict,
) {
    if classification.all {
        verdict.raise(
            Risk::Destructive,
            "applies to every object of the kind (--all)",
        );
    }
    if classification.all_namespaces {
        verdict.raise(Risk::Destructive, "spans all namespaces");
    }
    if args.switch("force") {
        let reason = if args.verb == Some("replace") {
            "deletes and re-creates resources (--force)"
        } else {
            "forces the change (--force)"
        };
        verdict.raise(Risk::Destructive, reason);
    }
    if args
        .value("grace-period")
        .and_then(|value| value.trim().parse::<i64>().ok())
        == Some(0)
    {
        verdict.raise(
            Risk::Destructive,
            "skips graceful termination (--grace-period=0)",
        );
    }
    if matches!(args.verb, Some("label" | "annotate")) {
        let rewrites = args.switch("overwrite") || arguments.iter().any(|arg| arg.ends_with('-'));
        let many = !classification.selectors.is_empty() || classification.resources.len() > 1;
        if rewrites && many {
            verdict.raise(
                Risk::Destructive,
                "overwrites or removes labels on many objects",
            );
        }
    }
}
