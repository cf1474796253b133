//! API-key resolution: the first of five places that holds a key wins.
//!
//! 1. `KUBEVIBE_<PROVIDER>_API_KEY`
//! 2. the file named by `KUBEVIBE_<PROVIDER>_API_KEY_FILE`
//! 3. `api_key` under `[providers.<name>]` in the config file
//! 4. the file named by `api_key_file` there (relative to the config file's directory)
//! 5. the provider's usual variable, e.g. `OPENAI_API_KEY`

use std::path::{Path, PathBuf};

use super::env::non_empty_var;
use super::file::ProviderSection;
use super::model_spec::ProviderInfo;
use super::source::Sourced;
use super::{ConfigError, Env, Source};

/// `KUBEVIBE_<PROVIDER>_API_KEY`, e.g. `KUBEVIBE_OPENAI_API_KEY`.
pub fn kubevibe_key_var(provider: &str) -> String {
    format!("KUBEVIBE_{}_API_KEY", provider.to_ascii_uppercase())
}

/// The `[providers.<name>]` section of a loaded config file, with the file it came from.
pub(crate) struct FileKeys<'a> {
    pub config_path: &'a Path,
    pub section: &'a ProviderSection,
}

pub(crate) fn resolve_api_key(
    provider: &ProviderInfo,
    env: &dyn Env,
    file: Option<FileKeys<'_>>,
) -> Result<Option<Sourced<String>>, ConfigError> {
    let key_var = kubevibe_key_var(provider.name);
    if let Some(key) = non_empty_var(env, &key_var) {
        return Ok(Some(Sourced::new(
            key.trim().to_owned(),
            Source::Env(key_var),
        )));
    }
    let key_file_var = format!("{key_var}_FILE");
    if let Some(path) = non_empty_var(env, &key_file_var) {
        return read_key_file(PathBuf::from(path), Source::Env(key_file_var)).map(Some);
    }
    if let Some(FileKeys {
        config_path,
        section,
    }) = file
    {
        let from_file = Source::ConfigFile(config_path.to_path_buf());
        if let Some(key) = section
            .api_key
            .as_deref()
            .map(str::trim)
            .filter(|key| !key.is_empty())
        {
            return Ok(Some(Sourced::new(key.to_owned(), from_file)));
        }
        if let Some(path) = &section.api_key_file {
            let path = resolve_key_file_path(path, config_path, env);
            return read_key_file(path, from_file).map(Some);
        }
    }
    let usual = provider
        .key_var
        .and_then(|var| non_empty_var(env, var).map(|key| (var, key)));
    Ok(usual.map(|(var, key)| Sourced::new(key.trim().to_owned(), Source::Env(var.to_owned()))))
}

/// `~/` is the home directory; other relative paths start at the config file's directory.
fn resolve_key_file_path(path: &Path, config_path: &Path, env: &dyn Env) -> PathBuf {
    if let (Ok(rest), Some(home)) = (path.strip_prefix("~"), env.var("HOME")) {
        return PathBuf::from(home).join(rest);
    }
    match config_path.parent() {
        Some(dir) if path.is_relative() => dir.join(path),
        _ => path.to_path_buf(),
    }
}

fn read_key_file(path: PathBuf, origin: Source) -> Result<Sourced<String>, ConfigError> {
    let contents = match std::fs::read_to_string(&path) {
        Ok(contents) => contents,
        Err(source) => {
            return Err(ConfigError::KeyFile {
                path,
                origin,
                source,
            });
        }
    };
    let key = contents.trim();
    if key.is_empty() {
        return Err(ConfigError::EmptyKeyFile { path, origin });
    }
    Ok(Sourced::new(key.to_owned(), Source::KeyFile(path)))
}
