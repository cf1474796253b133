//! Where kubevibe keeps its files, and creating them readable by the user alone.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::config::{Env, Source, non_empty_var};

const APP_DIR: &str = "kubevibe";
const CONFIG_FILE_NAME: &str = "config.toml";

/// The per-user directories for kubevibe before any override.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformDirs {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
}

impl PlatformDirs {
    /// The XDG base-directory layout computed from `env`: `$XDG_CONFIG_HOME/kubevibe` or
    /// `~/.config/kubevibe`, and `$XDG_DATA_HOME/kubevibe` or `~/.local/share/kubevibe`.
    pub fn xdg<E: Env + ?Sized>(env: &E) -> Option<Self> {
        let home = env
            .var("HOME")
            .filter(|home| !home.is_empty())
            .map(PathBuf::from);
        let base = |xdg_var: &str, under_home: &str| {
            env.var(xdg_var)
                .map(PathBuf::from)
                .filter(|dir| dir.is_absolute())
                .or_else(|| home.as_ref().map(|home| home.join(under_home)))
                .map(|dir| dir.join(APP_DIR))
        };
        Some(Self {
            config_dir: base("XDG_CONFIG_HOME", ".config")?,
            data_dir: base("XDG_DATA_HOME", ".local/share")?,
        })
    }
}

/// The files kubevibe reads and writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_file: PathBuf,
    /// The directory holding `config_file`.
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
    pub history_file: PathBuf,
    pub log_file: PathBuf,
    /// Which setting chose `config_file`.
    pub config_file_source: Source,
}

#[derive(Debug, thiserror::Error)]
pub enum PathsError {
    #[error(
        "cannot find a home directory for the config file: set HOME, KUBEVIBE_CONFIG_DIR or KUBEVIBE_CONFIG"
    )]
    NoConfigDir,
    #[error("cannot find a home directory for history and logs: set HOME or KUBEVIBE_DATA_DIR")]
    NoDataDir,
}

impl Paths {
    /// Config file: `--config` > `KUBEVIBE_CONFIG` > `$KUBEVIBE_CONFIG_DIR/config.toml` >
    /// platform config dir. Data dir: `KUBEVIBE_DATA_DIR` > platform data dir.
    pub fn resolve(config_flag: Option<&Path>, env: &dyn Env) -> Result<Self, PathsError> {
        let (config_file, config_file_source) = config_file_location(config_flag, env)?;
        let data_dir = match non_empty_var(env, "KUBEVIBE_DATA_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => env.platform_dirs().ok_or(PathsError::NoDataDir)?.data_dir,
        };
        Ok(Self::new(config_file, config_file_source, data_dir))
    }

    /// Lays out the files under an explicit config file and data directory.
    pub fn new(config_file: PathBuf, config_file_source: Source, data_dir: PathBuf) -> Self {
        let config_dir = match config_file.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Self {
            history_file: data_dir.join("history.jsonl"),
            log_file: data_dir.join("logs").join("kubevibe.log"),
            config_file,
            config_dir,
            data_dir,
            config_file_source,
        }
    }
}

fn config_file_location(
    config_flag: Option<&Path>,
    env: &dyn Env,
) -> Result<(PathBuf, Source), PathsError> {
    if let Some(path) = config_flag {
        return Ok((path.to_path_buf(), Source::Flag("--config".into())));
    }
    if let Some(path) = non_empty_var(env, "KUBEVIBE_CONFIG") {
        return Ok((path.into(), Source::Env("KUBEVIBE_CONFIG".into())));
    }
    if let Some(dir) = non_empty_var(env, "KUBEVIBE_CONFIG_DIR") {
        let file = PathBuf::from(dir).join(CONFIG_FILE_NAME);
        return Ok((file, Source::Env("KUBEVIBE_CONFIG_DIR".into())));
    }
    let dirs = env.platform_dirs().ok_or(PathsError::NoConfigDir)?;
    Ok((dirs.config_dir.join(CONFIG_FILE_NAME), Source::Default))
}

/// Creates `dir` and any missing parents with mode 0700; existing directories keep their mode.
pub fn create_private_dir_all(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

fn private_file_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

fn create_parent_dir(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => create_private_dir_all(parent),
        _ => Ok(()),
    }
}

/// Opens `path` for appending, creating it (0600) and its directory (0700) when missing.
pub fn open_private_append(path: &Path) -> io::Result<File> {
    create_parent_dir(path)?;
    private_file_options().append(true).create(true).open(path)
}

/// Writes a new file (0600) with `contents`; fails with `AlreadyExists` if `path` exists.
pub fn create_private_file(path: &Path, contents: &[u8]) -> io::Result<()> {
    create_parent_dir(path)?;
    let mut file = private_file_options()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

/// Replaces `path` with `contents` through a private temporary file and a rename, so readers
/// see either the old file or the new one.
pub fn replace_private_file(path: &Path, contents: &[u8]) -> io::Result<()> {
    create_parent_dir(path)?;
    let mut temp_name = path.as_os_str().to_owned();
    temp_name.push(format!(".tmp-{}", std::process::id()));
    let temp_path = PathBuf::from(temp_name);
    let written = private_file_options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&temp_path)
        .and_then(|mut file| {
            file.write_all(contents)?;
            file.sync_all()
        });
    let result = written.and_then(|()| fs::rename(&temp_path, path));
    if result.is_err() {
        let _ = fs::remove_file(&temp_path);
    }
    result
}
