//! Shared fixture for the config tests: a temporary home directory and a map-backed
//! environment, so no test touches the real home or process environment.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use kubevibe::config::{CliOverrides, Config, ConfigError, MapEnv};
use tempfile::TempDir;

pub struct Fixture {
    pub dir: TempDir,
    pub env: MapEnv,
}

impl Fixture {
    /// `HOME` points into a fresh temporary directory; nothing else is set.
    pub fn new() -> Self {
        let dir = TempDir::new().expect("temp dir");
        let env = MapEnv::new().with("HOME", dir.path().join("home"));
        Self { dir, env }
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// Where the config file lives when nothing overrides it.
    pub fn default_config_path(&self) -> PathBuf {
        self.home().join(".config/kubevibe/config.toml")
    }

    /// Writes the config file at its default location and returns its path.
    pub fn write_config(&self, text: &str) -> PathBuf {
        let path = self.default_config_path();
        write_file(&path, text);
        path
    }

    pub fn set(&mut self, name: &str, value: impl AsRef<std::ffi::OsStr>) {
        self.env.set(name, value);
    }

    pub fn load(&self, cli: &CliOverrides) -> Result<Config, ConfigError> {
        Config::load(cli, &self.env)
    }

    pub fn load_ok(&self) -> Config {
        self.load(&CliOverrides::default()).expect("config loads")
    }

    pub fn load_err(&self) -> String {
        match self.load(&CliOverrides::default()) {
            Ok(config) => panic!("expected an error, got {config:?}"),
            Err(error) => error.to_string(),
        }
    }

    /// A file under the temporary directory (parents created).
    pub fn file(&self, relative: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(relative);
        write_file(&path, contents);
        path
    }
}

pub fn write_file(path: &Path, contents: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create parent dir");
    }
    fs::write(path, contents).expect("write file");
}
