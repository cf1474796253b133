//! Timeouts, retries and replay speed: `[llm]` in the config file, `--replay-speed`, defaults.

use std::time::Duration;

use toml::Spanned;

use super::file::{ConfigFile, LlmSection};
use super::source::Sourced;
use super::{CliOverrides, ConfigError, Source};

const DEFAULT_CONNECT_TIMEOUT_SECS: u64 = 10;
const DEFAULT_IDLE_TIMEOUT_SECS: u64 = 60;
const DEFAULT_MAX_RETRIES: u32 = 3;
const DEFAULT_REPLAY_SPEED: f64 = 1.0;
const REPLAY_SPEED_PROBLEM: &str = "must be a number greater than 0";

pub(crate) struct Limits {
    pub connect_timeout: Sourced<Duration>,
    pub idle_timeout: Sourced<Duration>,
    pub max_retries: Sourced<u32>,
    pub replay_speed: Sourced<f64>,
}

impl Limits {
    pub fn resolve(cli: &CliOverrides, file: Option<&ConfigFile>) -> Result<Self, ConfigError> {
        let max_retries =
            match file.and_then(|file| file.contents.llm.max_retries.map(|n| (file, n))) {
                Some((file, retries)) => Sourced::new(retries, file.source()),
                None => Sourced::new(DEFAULT_MAX_RETRIES, Source::Default),
            };
        Ok(Self {
            connect_timeout: timeout(
                file,
                |llm| llm.connect_timeout_secs.as_ref(),
                "connect_timeout_secs",
                DEFAULT_CONNECT_TIMEOUT_SECS,
            )?,
            idle_timeout: timeout(
                file,
                |llm| llm.idle_timeout_secs.as_ref(),
                "idle_timeout_secs",
                DEFAULT_IDLE_TIMEOUT_SECS,
            )?,
            max_retries,
            replay_speed: replay_speed(cli, file)?,
        })
    }
}

fn timeout(
    file: Option<&ConfigFile>,
    pick: impl Fn(&LlmSection) -> Option<&Spanned<u64>>,
    name: &str,
    default_secs: u64,
) -> Result<Sourced<Duration>, ConfigError> {
    let Some((file, secs)) =
        file.and_then(|file| pick(&file.contents.llm).map(|secs| (file, secs)))
    else {
        return Ok(Sourced::new(
            Duration::from_secs(default_secs),
            Source::Default,
        ));
    };
    if *secs.get_ref() == 0 {
        return Err(file.invalid(
            format!("llm.{name}"),
            secs.span(),
            "must be at least 1 second",
        ));
    }
    Ok(Sourced::new(
        Duration::from_secs(*secs.get_ref()),
        file.source(),
    ))
}

fn replay_speed(
    cli: &CliOverrides,
    file: Option<&ConfigFile>,
) -> Result<Sourced<f64>, ConfigError> {
    let usable = |speed: f64| speed.is_finite() && speed > 0.0;
    if let Some(speed) = cli.replay_speed {
        let origin = Source::Flag("--replay-speed".into());
        if !usable(speed) {
            return Err(ConfigError::Invalid {
                setting: "replay speed",
                origin,
                problem: REPLAY_SPEED_PROBLEM.into(),
            });
        }
        return Ok(Sourced::new(speed, origin));
    }
    let from_file = file.and_then(|file| {
        file.contents
            .llm
            .replay_speed
            .as_ref()
            .map(|speed| (file, speed))
    });
    let Some((file, speed)) = from_file else {
        return Ok(Sourced::new(DEFAULT_REPLAY_SPEED, Source::Default));
    };
    if !usable(*speed.get_ref()) {
        return Err(file.invalid("llm.replay_speed", speed.span(), REPLAY_SPEED_PROBLEM));
    }
    Ok(Sourced::new(*speed.get_ref(), file.source()))
}
