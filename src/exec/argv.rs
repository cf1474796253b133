//! The argv the cockpit runs and shows for a planned command: the plan's words with the
//! cockpit's context and namespace added, never through a shell.

use crate::agent::policy::classify;

/// kubectl's built-in commands. Any other first word is a plugin, which kubectl refuses to
/// run with flags before its name, so the cockpit's flags go after it instead.
const BUILT_IN: &[&str] = &[
    "alpha",
    "annotate",
    "api-resources",
    "api-versions",
    "apply",
    "attach",
    "auth",
    "autoscale",
    "certificate",
    "cluster-info",
    "completion",
    "config",
    "cordon",
    "cp",
    "create",
    "debug",
    "delete",
    "describe",
    "diff",
    "drain",
    "edit",
    "events",
    "exec",
    "explain",
    "expose",
    "get",
    "help",
    "kustomize",
    "label",
    "logs",
    "options",
    "patch",
    "plugin",
    "port-forward",
    "proxy",
    "replace",
    "rollout",
    "run",
    "scale",
    "set",
    "taint",
    "top",
    "uncordon",
    "version",
    "wait",
];

/// Commands that never act in a namespace.
const WITHOUT_NAMESPACE: &[&str] = &[
    "api-resources",
    "api-versions",
    "certificate",
    "completion",
    "config",
    "cordon",
    "drain",
    "explain",
    "help",
    "kustomize",
    "options",
    "plugin",
    "taint",
    "uncordon",
    "version",
];

/// Kinds that live outside namespaces, by the policy's canonical names.
const CLUSTER_SCOPED: &[&str] = &[
    "certificatesigningrequest",
    "clusterrole",
    "clusterrolebinding",
    "customresourcedefinition",
    "namespace",
    "node",
    "persistentvolume",
    "priorityclass",
    "storageclass",
];

/// The exact argv that runs and that the plan pane shows: `kubectl --context C -n NS …` with
/// the plan's words after. `-n` is left out when the command names a namespace itself, uses
/// `-A`/`--all-namespaces`, or only touches cluster-scoped objects; `--context` when `context`
/// is `None`. A plan argv without a leading `kubectl` gets one.
pub fn cockpit_argv(
    plan_argv: &[String],
    context: Option<&str>,
    namespace: Option<&str>,
) -> Vec<String> {
    let words = match plan_argv.first() {
        Some(first) if first == "kubectl" => &plan_argv[1..],
        _ => plan_argv,
    };
    let mut added: Vec<String> = Vec::new();
    if let Some(context) = context {
        added.extend(["--context".to_owned(), context.to_owned()]);
    }
    if let Some(namespace) = namespace.filter(|_| needs_namespace(words)) {
        added.extend(["-n".to_owned(), namespace.to_owned()]);
    }
    let plugin = words
        .first()
        .is_some_and(|word| !word.starts_with('-') && !BUILT_IN.contains(&word.as_str()));
    let split = usize::from(plugin);
    let mut argv = Vec::with_capacity(1 + words.len() + added.len());
    argv.push("kubectl".to_owned());
    argv.extend_from_slice(&words[..split]);
    argv.extend(added);
    argv.extend_from_slice(&words[split..]);
    argv
}

fn needs_namespace(words: &[String]) -> bool {
    let classification = classify(words);
    if classification.namespace.is_some() || classification.all_namespaces {
        return false;
    }
    let Some(verb) = classification.verb.as_deref() else {
        return false;
    };
    if WITHOUT_NAMESPACE.contains(&verb) {
        return false;
    }
    if verb == "create" && classification.subcommand.as_deref() == Some("namespace") {
        return false;
    }
    let kinds = classification.kinds();
    kinds.is_empty() || !kinds.iter().all(|kind| CLUSTER_SCOPED.contains(kind))
}
