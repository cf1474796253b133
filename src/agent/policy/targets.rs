//! Which objects a command touches, from its positional words: `deploy/web`,
//! `pods web api`, `secret generic creds`, `ns/pod:/path` for `cp`, node names for `drain`.

use super::args::ParsedArgs;
use super::kinds::canonical_kind;

/// One object, or every object of a kind when `name` is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRef {
    pub kind: String,
    pub name: Option<String>,
}

impl ResourceRef {
    fn new(kind: &str, name: Option<&str>) -> Self {
        Self {
            kind: canonical_kind(kind),
            name: name.map(str::to_owned),
        }
    }
}

/// What the positional words of a command name.
#[derive(Debug, Default)]
pub(crate) struct Targets<'a> {
    pub resources: Vec<ResourceRef>,
    /// Words after the objects: label and annotation changes, taints, `set` assignments.
    pub arguments: Vec<&'a str>,
}

pub(crate) fn targets<'a>(args: &ParsedArgs<'a>) -> Targets<'a> {
    let words = args.positionals.as_slice();
    match args.verb.unwrap_or_default() {
        "get" | "describe" | "delete" | "edit" | "label" | "annotate" | "patch" | "scale"
        | "expose" | "autoscale" | "wait" | "taint" => kind_and_names(words),
        "rollout" | "set" | "apply" => kind_and_names(tail(words)),
        "certificate" => fixed_kind(tail(words), "certificatesigningrequest", usize::MAX),
        "cordon" | "uncordon" | "drain" => fixed_kind(words, "node", usize::MAX),
        "logs" | "attach" | "exec" | "port-forward" | "debug" => fixed_kind(words, "pod", 1),
        "run" => fixed_kind(words, "pod", 1),
        "top" => top(words),
        "create" => create(words),
        "cp" => copy(words),
        _ => Targets::default(),
    }
}

fn tail<'s, 'a>(words: &'s [&'a str]) -> &'s [&'a str] {
    words.get(1..).unwrap_or_default()
}

/// `TYPE/NAME …` or `TYPE[,TYPE] [NAME …]`, then arguments (`key=value`, `key-`, taints).
fn kind_and_names<'a>(words: &[&'a str]) -> Targets<'a> {
    let mut targets = Targets::default();
    let Some(first) = words.first() else {
        return targets;
    };
    if first.contains('/') {
        let mut rest = words;
        while let Some((word, remaining)) = rest.split_first() {
            let Some((kind, name)) = word.split_once('/') else {
                break;
            };
            if is_argument(word) {
                break;
            }
            targets.resources.push(ResourceRef::new(kind, Some(name)));
            rest = remaining;
        }
        targets.arguments = rest.to_vec();
        return targets;
    }
    let kinds: Vec<&str> = first.split(',').filter(|kind| !kind.is_empty()).collect();
    let mut rest = &words[1..];
    let mut names = Vec::new();
    while let Some((word, remaining)) = rest.split_first() {
        if is_argument(word) {
            break;
        }
        names.push(*word);
        rest = remaining;
    }
    for kind in kinds {
        if names.is_empty() {
            targets.resources.push(ResourceRef::new(kind, None));
        }
        for name in &names {
            targets.resources.push(ResourceRef::new(kind, Some(name)));
        }
    }
    targets.arguments = rest.to_vec();
    targets
}

/// A label, annotation, taint or assignment rather than an object name.
fn is_argument(word: &str) -> bool {
    word.contains('=') || word.contains(':') || word.ends_with('-')
}

/// Commands whose objects have one kind: `drain node-1`, `logs web-0`, `exec deploy/web`.
fn fixed_kind<'a>(words: &[&'a str], kind: &str, count: usize) -> Targets<'a> {
    let split = count.min(words.len());
    let resources = words[..split]
        .iter()
        .map(|word| match word.split_once('/') {
            Some((kind, name)) => ResourceRef::new(kind, Some(name)),
            None => ResourceRef::new(kind, Some(word)),
        })
        .collect();
    Targets {
        resources,
        arguments: words[split..].to_vec(),
    }
}

/// `top pod [NAME]`, `top node [NAME]`.
fn top<'a>(words: &[&'a str]) -> Targets<'a> {
    match words.split_first() {
        Some((kind, [])) => Targets {
            resources: vec![ResourceRef::new(kind, None)],
            arguments: Vec::new(),
        },
        Some((kind, names)) => Targets {
            resources: names
                .iter()
                .map(|name| ResourceRef::new(kind, Some(name)))
                .collect(),
            arguments: Vec::new(),
        },
        None => Targets::default(),
    }
}

/// `create KIND NAME`, `create secret TYPE NAME`, `create service TYPE NAME`,
/// `create token SERVICEACCOUNT`.
fn create<'a>(words: &[&'a str]) -> Targets<'a> {
    let Some((kind, rest)) = words.split_first() else {
        return Targets::default();
    };
    let canonical = canonical_kind(kind);
    let (kind, rest) = match canonical.as_str() {
        "secret" | "service" => (canonical.as_str(), tail(rest)),
        "token" => ("serviceaccount", rest),
        _ => (canonical.as_str(), rest),
    };
    let (name, arguments) = match rest.split_first() {
        Some((name, arguments)) => (Some(*name), arguments.to_vec()),
        None => (None, Vec::new()),
    };
    Targets {
        resources: vec![ResourceRef::new(kind, name)],
        arguments,
    }
}

/// `cp [NAMESPACE/]POD:PATH LOCAL` and the reverse: the pod side names the object.
fn copy<'a>(words: &[&'a str]) -> Targets<'a> {
    let resources = words
        .iter()
        .filter_map(|word| word.split_once(':'))
        .map(|(pod, _)| pod.rsplit('/').next().unwrap_or(pod))
        .filter(|pod| !pod.is_empty())
        .map(|pod| ResourceRef::new("pod", Some(pod)))
        .collect();
    Targets {
        resources,
        arguments: Vec::new(),
    }
}
