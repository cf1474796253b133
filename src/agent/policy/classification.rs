//! What the approval pane shows about a planned command: its risk, what it touches, why.

use std::borrow::Cow;
use std::fmt;

use super::targets::ResourceRef;

/// How much a command can hurt, in increasing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Risk {
    /// Reads cluster state that is not secret.
    #[default]
    Read,
    /// Reads data that may be secret or private (Secret values, logs, files, a shell).
    DataEgress,
    /// Changes the cluster in a way that can be undone.
    Write,
    /// Deletes, evicts, scales to zero, touches many objects at once, or is unknown.
    Destructive,
}

impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Read => "read",
            Self::DataEgress => "data-egress",
            Self::Write => "write",
            Self::Destructive => "destructive",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DryRun {
    Client,
    Server,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// `-l`/`--selector`.
    Label(String),
    /// `--field-selector`.
    Field(String),
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Label(expression) | Self::Field(expression) => f.write_str(expression),
        }
    }
}

/// The policy's reading of one argv.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    pub risk: Risk,
    /// `get`, `rollout`, a plugin name; `None` for a bare `kubectl`.
    pub verb: Option<String>,
    /// `undo` of `rollout undo`, `view` of `config view`, the kind of `create deployment`.
    pub subcommand: Option<String>,
    pub resources: Vec<ResourceRef>,
    /// `-f`/`--filename` and `-k`/`--kustomize` arguments.
    pub files: Vec<String>,
    /// From `-n`/`--namespace`; `None` means the cockpit's namespace.
    pub namespace: Option<String>,
    pub all_namespaces: bool,
    /// `--all`: every object of the kind.
    pub all: bool,
    pub selectors: Vec<Selector>,
    pub dry_run: Option<DryRun>,
    /// Why the command has its risk, one short phrase each.
    pub reasons: Vec<Cow<'static, str>>,
    /// Whether the output carries Secret values in a shape redaction cannot recognise
    /// (jsonpath, go-template, custom-columns of Secrets): the output must be withheld.
    pub withhold_output: bool,
}

impl Classification {
    /// Kinds touched, each once, in order.
    pub fn kinds(&self) -> Vec<&str> {
        let mut kinds: Vec<&str> = Vec::new();
        for resource in &self.resources {
            if !kinds.contains(&resource.kind.as_str()) {
                kinds.push(&resource.kind);
            }
        }
        kinds
    }

    /// Object names touched, each once, in order.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for name in self.resources.iter().filter_map(|r| r.name.as_deref()) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    /// Fills in the namespace the cockpit will add when the command names none.
    #[must_use]
    pub fn with_default_namespace(mut self, namespace: &str) -> Self {
        if self.namespace.is_none() && !self.all_namespaces {
            self.namespace = Some(namespace.to_owned());
        }
        self
    }

    /// For a destructive command, the text the operator types to confirm it: the object
    /// names (space-separated), else `all-namespaces`, the namespace (for `--all` or a
    /// selector), the manifest files, the plugin name, or the kinds.
    pub fn needs_typed_confirmation(&self) -> Option<String> {
        if self.risk != Risk::Destructive {
            return None;
        }
        let names = self.names();
        if !names.is_empty() && !self.all {
            return Some(names.join(" "));
        }
        if self.all_namespaces {
            return Some("all-namespaces".to_owned());
        }
        if let Some(namespace) = &self.namespace {
            return Some(namespace.clone());
        }
        if !self.files.is_empty() {
            return Some(self.files.join(" "));
        }
        let kinds = self.kinds();
        if !kinds.is_empty() {
            return Some(kinds.join(" "));
        }
        Some(self.verb.clone().unwrap_or_else(|| "kubectl".to_owned()))
    }

    /// One line for the approval pane: `delete deployment/web in shop`.
    pub fn summary(&self) -> String {
        let mut words: Vec<String> = Vec::new();
        words.extend(self.verb.clone());
        words.extend(self.subcommand.clone());
        words.extend(self.target_words());
        if !self.selectors.is_empty() {
            let selectors: Vec<String> = self.selectors.iter().map(ToString::to_string).collect();
            words.push(format!("matching {}", selectors.join(", ")));
        }
        if self.all_namespaces {
            words.push("in all namespaces".to_owned());
        } else if let Some(namespace) = &self.namespace {
            words.push(format!("in {namespace}"));
        }
        if self.dry_run.is_some() {
            words.push("(dry run)".to_owned());
        }
        if words.is_empty() {
            return "kubectl".to_owned();
        }
        words.join(" ")
    }

    fn target_words(&self) -> Vec<String> {
        let mut words = Vec::new();
        let subcommand = self.subcommand.as_deref();
        let objects: Vec<String> = self
            .resources
            .iter()
            .map(|resource| match (&resource.name, self.all) {
                (Some(name), false) if Some(resource.kind.as_str()) == subcommand => name.clone(),
                (Some(name), false) => format!("{}/{name}", resource.kind),
                _ if self.all => format!("all {}", resource.kind),
                _ => resource.kind.clone(),
            })
            .filter(|object| Some(object.as_str()) != subcommand)
            .collect();
        if !objects.is_empty() {
            words.push(objects.join(", "));
        }
        if !self.files.is_empty() {
            words.push(format!("from {}", self.files.join(", ")));
        }
        words
    }
}
