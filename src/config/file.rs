//! The config file: its TOML schema, reading it, and positions of values for error messages.

use std::collections::BTreeMap;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::file_error::{line_column, schema_error, syntax_error};
use super::{ConfigError, Source};
use crate::pricing::Price;

/// The message serde reports when a `[keys]` entry is neither a string nor a list of strings.
pub(crate) const KEY_SPEC_EXPECTING: &str = "a key spec string or a list of strings";

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileConfig {
    pub model: Option<Spanned<String>>,
    #[serde(default)]
    pub llm: LlmSection,
    #[serde(default)]
    pub providers: BTreeMap<Spanned<String>, ProviderSection>,
    #[serde(default)]
    pub keys: BTreeMap<String, KeySpec>,
    #[serde(default)]
    pub pricing: BTreeMap<Spanned<String>, Price>,
    #[serde(default)]
    pub agent: AgentSection,
    #[serde(default)]
    pub contexts: BTreeMap<Spanned<String>, ContextSection>,
    #[serde(default)]
    pub logs: LogsSection,
}

/// `[logs]`: the logs view.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct LogsSection {
    pub ring_lines: Option<Spanned<usize>>,
}

/// `[agent]`: how the cockpit plans and runs commands.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct AgentSection {
    pub mode: Option<Spanned<String>>,
    pub read_only: Option<bool>,
    pub step_budget: Option<Spanned<u32>>,
    pub memory_chars: Option<Spanned<usize>>,
    pub output_lines: Option<Spanned<usize>>,
    pub command_timeout_secs: Option<Spanned<u64>>,
}

/// `[contexts."<name>"]`: guard rails for one kubeconfig context.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct ContextSection {
    pub mode: Option<Spanned<String>>,
    pub read_only: Option<bool>,
    pub production: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct LlmSection {
    pub connect_timeout_secs: Option<Spanned<u64>>,
    pub idle_timeout_secs: Option<Spanned<u64>>,
    pub max_retries: Option<u32>,
    pub replay_speed: Option<Spanned<f64>>,
}

/// `[providers.<name>]`. Deliberately not `Debug`: it may hold an API key.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProviderSection {
    pub base_url: Option<Spanned<String>>,
    pub api_key: Option<String>,
    pub api_key_file: Option<PathBuf>,
}

/// One action's key binding(s), kept raw; the keymap validates them.
#[derive(Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(untagged, expecting = "a key spec string or a list of strings")]
pub(crate) enum KeySpec {
    One(String),
    Many(Vec<String>),
}

impl KeySpec {
    pub fn into_vec(self) -> Vec<String> {
        match self {
            KeySpec::One(spec) => vec![spec],
            KeySpec::Many(specs) => specs,
        }
    }
}

/// A parsed config file with enough of its text kept to point at lines.
pub(crate) struct ConfigFile {
    pub path: PathBuf,
    text: String,
    pub contents: FileConfig,
}

impl ConfigFile {
    /// Reads and parses `path`; `Ok(None)` when the file does not exist.
    pub fn read(path: &Path) -> Result<Option<Self>, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(path, text).map(Some),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    pub fn parse(path: &Path, text: String) -> Result<Self, ConfigError> {
        let document =
            toml::de::DeTable::parse(&text).map_err(|error| syntax_error(path, &text, &error))?;
        let contents = toml::from_str::<FileConfig>(&text)
            .map_err(|error| schema_error(path, &text, document.get_ref(), &error))?;
        Ok(Self {
            path: path.to_path_buf(),
            text,
            contents,
        })
    }

    pub fn source(&self) -> Source {
        Source::ConfigFile(self.path.clone())
    }

    /// An error about a value that parsed but cannot be used, pointing at its line.
    pub fn invalid(
        &self,
        key: impl Into<String>,
        span: Range<usize>,
        problem: impl Into<String>,
    ) -> ConfigError {
        ConfigError::InvalidInFile {
            key: key.into(),
            path: self.path.clone(),
            line: line_column(&self.text, span.start).0,
            problem: problem.into(),
        }
    }
}
