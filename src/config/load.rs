//! Building the effective [`Config`]: flags beat environment, which beats the config file,
//! which beats the defaults.

use std::collections::BTreeMap;

use crate::llm::{LlmSettings, ProviderKind};
use crate::paths::Paths;
use crate::pricing::PriceTable;

use super::api_key::{FileKeys, resolve_api_key};
use super::env::non_empty_var;
use super::file::{ConfigFile, ProviderSection};
use super::limits::Limits;
use super::model_spec::{DEFAULT_MODEL, ModelSpec, ProviderInfo, lookup_provider};
use super::source::{Sourced, Sources};
use super::{CliOverrides, Config, ConfigError, Env, Source};

impl Config {
    /// Resolves every setting and where it came from; a missing config file means defaults.
    pub fn load(cli: &CliOverrides, env: &dyn Env) -> Result<Config, ConfigError> {
        Self::load_from(cli, env, true)
    }

    /// Load for the cockpit, which opens even when the settings are broken: a bad config file
    /// is set aside, then a bad `--model`/`--base-url`; each problem comes back as a message
    /// for the chat pane. Fails only when nothing can be loaded (e.g. no home directory).
    pub fn load_for_cockpit(
        cli: &CliOverrides,
        env: &dyn Env,
    ) -> Result<(Config, Vec<String>), ConfigError> {
        let first = match Self::load(cli, env) {
            Ok(config) => return Ok((config, Vec::new())),
            Err(error) => error,
        };
        let problems = vec![format!("{first} — using defaults until it is fixed")];
        if let Ok(config) = Self::load_from(cli, env, false) {
            return Ok((config, problems));
        }
        let plain = CliOverrides {
            model: None,
            base_url: None,
            ..cli.clone()
        };
        match Self::load_from(&plain, env, false) {
            Ok(config) => Ok((config, problems)),
            Err(_) => Err(first),
        }
    }

    fn load_from(
        cli: &CliOverrides,
        env: &dyn Env,
        read_file: bool,
    ) -> Result<Config, ConfigError> {
        let paths = Paths::resolve(cli.config_path.as_deref(), env)?;
        let file = if read_file {
            ConfigFile::read(&paths.config_file)?
        } else {
            None
        };
        let file = file.as_ref();

        let model = select_model(cli, env, file)?;
        let provider = model.value.provider;
        let section = provider_section(file, provider.name)?;
        let base_url = select_base_url(cli, env, provider, file.zip(section))?;
        let file_keys = file.zip(section).map(|(file, section)| FileKeys {
            config_path: &file.path,
            section,
        });
        let api_key = resolve_api_key(provider, env, file_keys)?;

        let limits = Limits::resolve(cli, file)?;
        let (pricing, price_source) = price_table(file, &model.value)?;
        let keys = file.map(key_bindings).unwrap_or_default();
        let agent = super::agent::resolve(cli, file)?;
        let logs = super::logs::resolve(file)?;
        let record_to = match &cli.record {
            Some(_) => Source::Flag("--record".into()),
            None => Source::Default,
        };

        let llm = LlmSettings {
            kind: provider.kind,
            provider: provider.name.to_owned(),
            model: model.value.model,
            base_url: base_url.value,
            api_key: api_key.as_ref().map(|key| key.value.clone()),
            connect_timeout: limits.connect_timeout.value,
            idle_timeout: limits.idle_timeout.value,
            max_retries: limits.max_retries.value,
            replay_speed: limits.replay_speed.value,
            record_to: cli.record.clone(),
        };
        let sources = Sources {
            model: model.source,
            base_url: base_url.source,
            api_key: api_key.map(|key| key.source),
            connect_timeout: limits.connect_timeout.source,
            idle_timeout: limits.idle_timeout.source,
            max_retries: limits.max_retries.source,
            replay_speed: limits.replay_speed.source,
            record_to,
            price: price_source,
        };
        Ok(Config {
            llm,
            keys,
            pricing,
            agent: agent.settings,
            agent_sources: agent.sources,
            contexts: agent.contexts,
            logs,
            config_file_exists: file.is_some(),
            paths,
            sources,
        })
    }
}

fn flag(value: Option<&String>, name: &str) -> Option<Sourced<String>> {
    value.map(|value| Sourced::new(value.clone(), Source::Flag(name.to_owned())))
}

fn env_value(env: &dyn Env, name: &str) -> Option<Sourced<String>> {
    non_empty_var(env, name).map(|value| Sourced::new(value, Source::Env(name.to_owned())))
}

fn select_model(
    cli: &CliOverrides,
    env: &dyn Env,
    file: Option<&ConfigFile>,
) -> Result<Sourced<ModelSpec>, ConfigError> {
    let outside_file =
        flag(cli.model.as_ref(), "--model").or_else(|| env_value(env, "KUBEVIBE_MODEL"));
    if let Some(chosen) = outside_file {
        return parse_model(&chosen.value, chosen.source);
    }
    if let Some((file, spec)) =
        file.and_then(|file| file.contents.model.as_ref().map(|spec| (file, spec)))
    {
        let model = ModelSpec::parse(spec.get_ref())
            .map_err(|error| file.invalid("model", spec.span(), error.to_string()))?;
        return Ok(Sourced::new(model, file.source()));
    }
    parse_model(DEFAULT_MODEL, Source::Default)
}

fn parse_model(spec: &str, origin: Source) -> Result<Sourced<ModelSpec>, ConfigError> {
    match ModelSpec::parse(spec) {
        Ok(model) => Ok(Sourced::new(model, origin)),
        Err(error) => Err(ConfigError::Invalid {
            setting: "model",
            origin,
            problem: error.to_string(),
        }),
    }
}

/// The `[providers.<name>]` section for `provider`, after checking that every section names a
/// known provider and has a usable base URL.
fn provider_section<'a>(
    file: Option<&'a ConfigFile>,
    provider: &str,
) -> Result<Option<&'a ProviderSection>, ConfigError> {
    let Some(file) = file else {
        return Ok(None);
    };
    let mut chosen = None;
    for (name, section) in &file.contents.providers {
        let known = lookup_provider(&name.get_ref().to_ascii_lowercase()).map_err(|error| {
            file.invalid(
                format!("providers.{}", name.get_ref()),
                name.span(),
                error.to_string(),
            )
        })?;
        if let Some(url) = &section.base_url {
            let key = format!("providers.{}.base_url", name.get_ref());
            check_base_url(known, url.get_ref())
                .map_err(|problem| file.invalid(key, url.span(), problem))?;
        }
        if known.name == provider {
            chosen = Some(section);
        }
    }
    Ok(chosen)
}

fn select_base_url(
    cli: &CliOverrides,
    env: &dyn Env,
    provider: &ProviderInfo,
    file: Option<(&ConfigFile, &ProviderSection)>,
) -> Result<Sourced<String>, ConfigError> {
    let outside_file =
        flag(cli.base_url.as_ref(), "--base-url").or_else(|| env_value(env, "KUBEVIBE_BASE_URL"));
    if let Some(chosen) = outside_file {
        if let Err(problem) = check_base_url(provider, &chosen.value) {
            return Err(ConfigError::Invalid {
                setting: "base URL",
                origin: chosen.source,
                problem,
            });
        }
        return Ok(Sourced::new(
            normalize_base_url(&chosen.value),
            chosen.source,
        ));
    }
    // Every section's base URL was checked when the sections were read.
    if let Some((file, url)) =
        file.and_then(|(file, section)| section.base_url.as_ref().map(|url| (file, url)))
    {
        return Ok(Sourced::new(
            normalize_base_url(url.get_ref()),
            file.source(),
        ));
    }
    Ok(Sourced::new(
        provider.default_base_url.to_owned(),
        Source::Default,
    ))
}

/// Replay makes no requests, so any base URL will do; the others need http(s).
fn check_base_url(provider: &ProviderInfo, url: &str) -> Result<(), String> {
    let url = normalize_base_url(url);
    if provider.kind == ProviderKind::Replay {
        return Ok(());
    }
    match reqwest::Url::parse(&url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok(()),
        Ok(_) => Err(format!("`{url}` must start with http:// or https://")),
        Err(error) => Err(format!("`{url}` is not a URL ({error})")),
    }
}

fn normalize_base_url(url: &str) -> String {
    url.trim().trim_end_matches('/').to_owned()
}

/// The built-in prices with the file's `[pricing]` entries merged over them, and where the
/// current model's price comes from (`None` when it has none).
fn price_table(
    file: Option<&ConfigFile>,
    model: &ModelSpec,
) -> Result<(PriceTable, Option<Source>), ConfigError> {
    let mut table = PriceTable::builtin();
    let mut overrides = PriceTable::default();
    if let Some(file) = file {
        for (spec, price) in &file.contents.pricing {
            let key = format!("pricing.{:?}", spec.get_ref());
            let parsed = ModelSpec::parse(spec.get_ref())
                .map_err(|error| file.invalid(key.as_str(), spec.span(), error.to_string()))?;
            if let Some(problem) = price.problem() {
                return Err(file.invalid(key, spec.span(), problem));
            }
            overrides.insert(parsed.label(), *price);
        }
    }
    table.merge(overrides.clone());
    let source = table
        .find(model.provider.name, &model.model)
        .map(|(spec, _)| match file {
            Some(file) if overrides.get(spec).is_some() => file.source(),
            _ => Source::Default,
        });
    Ok((table, source))
}

fn key_bindings(file: &ConfigFile) -> BTreeMap<String, Vec<String>> {
    file.contents
        .keys
        .iter()
        .map(|(action, spec)| (action.clone(), spec.clone().into_vec()))
        .collect()
}
