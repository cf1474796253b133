//! Everything that can go wrong while loading the configuration, one clear line each.
//!
//! No variant carries an API key: key problems name the file or variable, never the value.

use std::io;
use std::path::PathBuf;

use crate::paths::PathsError;

use super::Source;
use super::model_spec::DidYouMean;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(transparent)]
    Paths(#[from] PathsError),

    #[error("cannot read config file {}: {source}", .path.display())]
    Read { path: PathBuf, source: io::Error },

    #[error("{}:{line}:{column}: TOML syntax error: {message}", .path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },

    #[error("unknown key `{key}` in {} line {line}{}", .path.display(), DidYouMean(.suggestion.as_deref()))]
    UnknownKey {
        key: String,
        path: PathBuf,
        line: usize,
        suggestion: Option<String>,
    },

    #[error("`{key}` in {} line {line} must be {expected}, found {found}", .path.display())]
    WrongType {
        key: String,
        path: PathBuf,
        line: usize,
        expected: String,
        found: String,
    },

    #[error("`{key}` in {} line {line} is missing `{missing}`", .path.display())]
    MissingKey {
        key: String,
        path: PathBuf,
        line: usize,
        missing: String,
    },

    /// A value in the config file that has the right type but cannot be used.
    #[error("`{key}` in {} line {line}: {problem}", .path.display())]
    InvalidInFile {
        key: String,
        path: PathBuf,
        line: usize,
        problem: String,
    },

    /// A value from a flag or an environment variable that cannot be used.
    #[error("invalid {setting} (from {origin}): {problem}")]
    Invalid {
        setting: &'static str,
        origin: Source,
        problem: String,
    },

    #[error("cannot read API key file {} (from {origin}): {source}", .path.display())]
    KeyFile {
        path: PathBuf,
        origin: Source,
        source: io::Error,
    },

    #[error("API key file {} (from {origin}) is empty", .path.display())]
    EmptyKeyFile { path: PathBuf, origin: Source },

    #[error("config file {} already exists; left it unchanged", .path.display())]
    AlreadyExists { path: PathBuf },

    #[error("cannot write config file {}: {source}", .path.display())]
    Write { path: PathBuf, source: io::Error },
}
