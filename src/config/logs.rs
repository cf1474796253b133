//! `[logs]` in the config file: how many lines the logs view keeps (its ring buffer).

use super::file::ConfigFile;
use super::{ConfigError, Source};
use crate::app::logs::DEFAULT_RING_LINES;

/// Fewest lines the ring may hold (a screenful and some scrollback).
pub const MIN_RING_LINES: usize = 100;
/// Most lines the ring may hold (about a gigabyte of long lines at worst).
pub const MAX_RING_LINES: usize = 1_000_000;

/// The logs view's settings, after `[logs]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogsSettings {
    /// Lines kept; older ones are dropped (and counted) as new ones arrive.
    pub ring_lines: usize,
    pub ring_lines_source: Source,
}

impl Default for LogsSettings {
    fn default() -> Self {
        Self {
            ring_lines: DEFAULT_RING_LINES,
            ring_lines_source: Source::Default,
        }
    }
}

pub(crate) fn resolve(file: Option<&ConfigFile>) -> Result<LogsSettings, ConfigError> {
    let mut settings = LogsSettings::default();
    let Some(file) = file else {
        return Ok(settings);
    };
    if let Some(value) = &file.contents.logs.ring_lines {
        let lines = *value.get_ref();
        if !(MIN_RING_LINES..=MAX_RING_LINES).contains(&lines) {
            return Err(file.invalid(
                "logs.ring_lines",
                value.span(),
                format!("must be between {MIN_RING_LINES} and {MAX_RING_LINES} (default {DEFAULT_RING_LINES})"),
            ));
        }
        settings.ring_lines = lines;
        settings.ring_lines_source = file.source();
    }
    Ok(settings)
}
