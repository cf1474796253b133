//! The agent's settings: `[agent]` in the config file, per-context overrides under
//! `[contexts."<name>"]`, and `--mode`/`--read-only`, merged flags > context > `[agent]` >
//! defaults.

use std::collections::BTreeMap;

use toml::Spanned;

use crate::agent::mode::{Guard, Mode};
use crate::store::audit::AuditLog;
use crate::store::memory::MemoryStore;

use super::file::{ConfigFile, ContextSection};
use super::model_spec::DidYouMean;
use super::suggest::closest;
use super::{CliOverrides, Config, ConfigError, Source};

/// How the cockpit plans and runs commands, after `[agent]` and the flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentSettings {
    /// Approval mode when the context sets none.
    pub mode: Mode,
    /// Refuse every write on every context.
    pub read_only: bool,
    /// Most planning rounds for one request.
    pub step_budget: u32,
    /// Characters of notes kept per context (the memory's cap).
    pub memory_chars: usize,
    /// Lines of a command's output sent to the model.
    pub output_lines: usize,
    /// Seconds a command may run before it is stopped.
    pub command_timeout_secs: u64,
}

impl Default for AgentSettings {
    fn default() -> Self {
        Self {
            mode: Mode::Confirm,
            read_only: false,
            step_budget: 10,
            memory_chars: crate::store::memory::DEFAULT_MAX_CHARS,
            output_lines: 200,
            command_timeout_secs: 60,
        }
    }
}

/// Where each [`AgentSettings`] value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentSources {
    pub mode: Source,
    pub read_only: Source,
    pub step_budget: Source,
    pub memory_chars: Source,
    pub output_lines: Source,
    pub command_timeout_secs: Source,
}

impl Default for AgentSources {
    fn default() -> Self {
        Self {
            mode: Source::Default,
            read_only: Source::Default,
            step_budget: Source::Default,
            memory_chars: Source::Default,
            output_lines: Source::Default,
            command_timeout_secs: Source::Default,
        }
    }
}

/// `[contexts."<name>"]` as written; `None` leaves the `[agent]` value in force.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContextOverrides {
    pub mode: Option<Mode>,
    pub read_only: Option<bool>,
    pub production: Option<bool>,
}

/// The effective mode and guard rails for one context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContextSettings {
    pub mode: Mode,
    pub guard: Guard,
}

impl Config {
    /// The notes for `context` under the data directory, capped at `[agent] memory_chars`.
    pub fn memory_store(&self, context: &str) -> MemoryStore {
        MemoryStore::new(&self.paths.data_dir, context).with_max_chars(self.agent.memory_chars)
    }

    /// The audit log under the data directory.
    pub fn audit_log(&self) -> AuditLog {
        AuditLog::new(&self.paths.data_dir)
    }

    /// The mode and guard rails for `context` (`None`: no kubeconfig context): `--mode` and
    /// `--read-only` first, then `[contexts."<context>"]`, then `[agent]`, then defaults.
    /// `--read-only` can only tighten: without it, the context's `read_only` decides.
    pub fn context_settings(&self, context: Option<&str>) -> ContextSettings {
        let overrides = context.and_then(|name| self.contexts.get(name));
        let from_flag = |source: &Source| matches!(source, Source::Flag(_));
        let mode = match overrides.and_then(|o| o.mode) {
            Some(mode) if !from_flag(&self.agent_sources.mode) => mode,
            _ => self.agent.mode,
        };
        let read_only = match overrides.and_then(|o| o.read_only) {
            Some(read_only) if !from_flag(&self.agent_sources.read_only) => read_only,
            _ => self.agent.read_only,
        };
        ContextSettings {
            mode,
            guard: Guard {
                read_only,
                production: overrides.and_then(|o| o.production).unwrap_or(false),
            },
        }
    }
}

/// The settings, their sources and the per-context overrides.
pub(crate) struct ResolvedAgent {
    pub settings: AgentSettings,
    pub sources: AgentSources,
    pub contexts: BTreeMap<String, ContextOverrides>,
}

pub(crate) fn resolve(
    cli: &CliOverrides,
    file: Option<&ConfigFile>,
) -> Result<ResolvedAgent, ConfigError> {
    let mut resolved = ResolvedAgent {
        settings: AgentSettings::default(),
        sources: AgentSources::default(),
        contexts: BTreeMap::new(),
    };
    if let Some(file) = file {
        let section = &file.contents.agent;
        let (settings, sources) = (&mut resolved.settings, &mut resolved.sources);
        if let Some(mode) = &section.mode {
            settings.mode = parse_mode(file, "agent.mode", mode)?;
            sources.mode = file.source();
        }
        if let Some(read_only) = section.read_only {
            settings.read_only = read_only;
            sources.read_only = file.source();
        }
        if let Some(value) = &section.step_budget {
            settings.step_budget = at_least_one(file, "step_budget", value)?;
            sources.step_budget = file.source();
        }
        if let Some(value) = &section.memory_chars {
            settings.memory_chars = at_least_one(file, "memory_chars", value)?;
            sources.memory_chars = file.source();
        }
        if let Some(value) = &section.output_lines {
            settings.output_lines = at_least_one(file, "output_lines", value)?;
            sources.output_lines = file.source();
        }
        if let Some(value) = &section.command_timeout_secs {
            settings.command_timeout_secs = at_least_one(file, "command_timeout_secs", value)?;
            sources.command_timeout_secs = file.source();
        }
        for (name, section) in &file.contents.contexts {
            let overrides = context_overrides(file, name, section)?;
            resolved.contexts.insert(name.get_ref().clone(), overrides);
        }
    }
    if let Some(mode) = cli.mode {
        resolved.settings.mode = mode;
        resolved.sources.mode = Source::Flag("--mode".into());
    }
    if cli.read_only {
        resolved.settings.read_only = true;
        resolved.sources.read_only = Source::Flag("--read-only".into());
    }
    Ok(resolved)
}

/// A count from `[agent]`, which must not be zero.
fn at_least_one<T: Copy + Default + PartialEq>(
    file: &ConfigFile,
    name: &str,
    value: &Spanned<T>,
) -> Result<T, ConfigError> {
    if *value.get_ref() == T::default() {
        return Err(file.invalid(format!("agent.{name}"), value.span(), "must be at least 1"));
    }
    Ok(*value.get_ref())
}

fn context_overrides(
    file: &ConfigFile,
    name: &Spanned<String>,
    section: &ContextSection,
) -> Result<ContextOverrides, ConfigError> {
    let mode = match &section.mode {
        Some(mode) => {
            let key = format!("contexts.{:?}.mode", name.get_ref());
            Some(parse_mode(file, &key, mode)?)
        }
        None => None,
    };
    Ok(ContextOverrides {
        mode,
        read_only: section.read_only,
        production: section.production,
    })
}

fn parse_mode(file: &ConfigFile, key: &str, mode: &Spanned<String>) -> Result<Mode, ConfigError> {
    mode.get_ref().parse::<Mode>().map_err(|error| {
        let suggestion = closest(mode.get_ref().trim(), Mode::ALL.map(Mode::as_str));
        file.invalid(
            key,
            mode.span(),
            format!("{error}{}", DidYouMean(suggestion)),
        )
    })
}
