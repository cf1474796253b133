//! Provenance: where each effective setting came from.

use std::fmt;
use std::path::PathBuf;

/// The layer that supplied a setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Default,
    ConfigFile(PathBuf),
    /// An environment variable, by name.
    Env(String),
    /// A command-line flag, e.g. `--model`.
    Flag(String),
    /// A file the value was read from (API keys).
    KeyFile(PathBuf),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::ConfigFile(path) => write!(f, "{}", path.display()),
            Source::Env(name) => f.write_str(name),
            Source::Flag(name) => f.write_str(name),
            Source::KeyFile(path) => write!(f, "file {}", path.display()),
        }
    }
}

/// The source of every effective setting in [`super::Config`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sources {
    pub model: Source,
    pub base_url: Source,
    /// `None` when no API key was found.
    pub api_key: Option<Source>,
    pub connect_timeout: Source,
    pub idle_timeout: Source,
    pub max_retries: Source,
    pub replay_speed: Source,
    pub record_to: Source,
    /// Where the current model's price comes from; `None` when it has no known price.
    pub price: Option<Source>,
}

/// A value together with the layer that supplied it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sourced<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Sourced<T> {
    pub fn new(value: T, source: Source) -> Self {
        Self { value, source }
    }
}
