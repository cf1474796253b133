//! Configuration: the config file, environment and flags merged with clear precedence, with
//! the source of every effective value kept for `kubevibe config show`.

mod agent;
mod api_key;
mod env;
mod error;
mod file;
mod file_error;
mod limits;
mod load;
mod logs;
mod model_spec;
mod show;
mod source;
mod suggest;

use std::collections::BTreeMap;
use std::io;
use std::path::PathBuf;

use crate::agent::mode::Mode;
use crate::llm::LlmSettings;
use crate::paths::{self, Paths};
use crate::pricing::PriceTable;

pub use agent::{AgentSettings, AgentSources, ContextOverrides, ContextSettings};
pub use api_key::kubevibe_key_var;
pub(crate) use env::non_empty_var;
pub use env::{Env, MapEnv, ProcessEnv};
pub use error::ConfigError;
pub use logs::{LogsSettings, MAX_RING_LINES, MIN_RING_LINES};
pub use model_spec::{
    DEFAULT_MODEL, ModelSpec, ModelSpecError, PROVIDERS, ProviderInfo, provider_info,
};
pub use show::mask_key;
pub use source::{Source, Sources};

const EXAMPLE_CONFIG: &str = include_str!("../../assets/config.example.toml");

/// Settings given on the command line; they beat every other layer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CliOverrides {
    pub config_path: Option<PathBuf>,
    pub model: Option<String>,
    pub base_url: Option<String>,
    pub record: Option<PathBuf>,
    pub replay_speed: Option<f64>,
    /// `--mode`: the approval mode on every context.
    pub mode: Option<Mode>,
    /// `--read-only`: refuse every write on every context.
    pub read_only: bool,
}

/// The effective configuration. `Debug` never shows the API key.
#[derive(Debug, Clone)]
pub struct Config {
    pub llm: LlmSettings,
    /// Action name → key specs, raw from `[keys]`; the keymap validates them.
    pub keys: BTreeMap<String, Vec<String>>,
    pub pricing: PriceTable,
    /// `[agent]` with `--mode`/`--read-only` applied; see [`Config::context_settings`].
    pub agent: AgentSettings,
    pub agent_sources: AgentSources,
    /// `[contexts."<name>"]` by context name.
    pub contexts: BTreeMap<String, ContextOverrides>,
    /// `[logs]`.
    pub logs: LogsSettings,
    pub paths: Paths,
    pub sources: Sources,
    pub config_file_exists: bool,
}

/// Writes the example config to `paths.config_file` (0600, directory 0700) unless a file is
/// already there; returns the path written.
pub fn init_config_file(paths: &Paths) -> Result<PathBuf, ConfigError> {
    let path = paths.config_file.clone();
    match paths::create_private_file(&path, EXAMPLE_CONFIG.as_bytes()) {
        Ok(()) => Ok(path),
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
            Err(ConfigError::AlreadyExists { path })
        }
        Err(source) => Err(ConfigError::Write { path, source }),
    }
}
