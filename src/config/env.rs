//! The process environment as seen by the config layer, behind a trait so tests stay hermetic.

use std::collections::HashMap;
use std::ffi::OsStr;

use crate::paths::PlatformDirs;

/// Read access to environment variables and the platform's per-user directories.
pub trait Env {
    /// The variable's value; `None` when it is unset or not valid Unicode.
    fn var(&self, name: &str) -> Option<String>;

    /// The per-user config and data directories for kubevibe when no override is set.
    ///
    /// The default follows the XDG layout from this environment's own variables
    /// (`XDG_CONFIG_HOME`, `XDG_DATA_HOME`, `HOME`), so a map-backed environment never
    /// reaches the real home directory.
    fn platform_dirs(&self) -> Option<PlatformDirs> {
        PlatformDirs::xdg(self)
    }
}

/// Looks a variable up, treating an empty or blank value as unset.
pub(crate) fn non_empty_var(env: &dyn Env, name: &str) -> Option<String> {
    env.var(name).filter(|value| !value.trim().is_empty())
}

/// The real process environment, with the platform directories from `directories`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }

    fn platform_dirs(&self) -> Option<PlatformDirs> {
        let dirs = directories::ProjectDirs::from("", "", "kubevibe")?;
        Some(PlatformDirs {
            config_dir: dirs.config_dir().to_path_buf(),
            data_dir: dirs.data_dir().to_path_buf(),
        })
    }
}

/// An environment made of explicit variables, for tests and embedding.
#[derive(Debug, Clone, Default)]
pub struct MapEnv {
    vars: HashMap<String, String>,
}

impl MapEnv {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a variable.
    pub fn with(mut self, name: &str, value: impl AsRef<OsStr>) -> Self {
        self.set(name, value);
        self
    }

    pub fn set(&mut self, name: &str, value: impl AsRef<OsStr>) {
        let value = value.as_ref().to_string_lossy().into_owned();
        self.vars.insert(name.to_owned(), value);
    }
}

impl Env for MapEnv {
    fn var(&self, name: &str) -> Option<String> {
        self.vars.get(name).cloned()
    }
}
