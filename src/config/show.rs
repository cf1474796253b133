//! The text of `kubevibe config show` and the missing-key warning; keys are always masked.

use std::fmt::Display;
use std::time::Duration;

use super::api_key::kubevibe_key_var;
use super::model_spec::provider_info;
use super::{Config, Source};

/// Characters of a key shown at the end of its mask, and the length a key needs before any
/// of it is shown at all.
const VISIBLE_TAIL: usize = 4;
const MIN_LEN_TO_SHOW_TAIL: usize = 12;

/// `••••abcd`: only the last four characters, and none of a short key.
pub fn mask_key(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    let mut masked = String::from("••••");
    if chars.len() >= MIN_LEN_TO_SHOW_TAIL {
        masked.extend(&chars[chars.len() - VISIBLE_TAIL..]);
    }
    masked
}

fn from(source: &Source) -> String {
    match source {
        Source::Default => "(default)".to_owned(),
        other => format!("(from {other})"),
    }
}

impl Config {
    /// Every effective value with its source, for `kubevibe config show`.
    pub fn show(&self) -> String {
        let (llm, sources, paths) = (&self.llm, &self.sources, &self.paths);
        let sourced = |value: &dyn Display, source: &Source| format!("{value} {}", from(source));
        let file_state = if self.config_file_exists {
            "exists"
        } else {
            "not found, using defaults"
        };
        let config_file = format!("{} ({file_state})", paths.config_file.display());
        let model = format!("{}:{}", llm.provider, llm.model);
        let secs = |duration: Duration| format!("{}s", duration.as_secs());

        let mut rows = vec![
            (
                "config file",
                sourced(&config_file, &paths.config_file_source),
            ),
            ("data dir", paths.data_dir.display().to_string()),
            ("history", paths.history_file.display().to_string()),
            ("log", paths.log_file.display().to_string()),
            ("model", sourced(&model, &sources.model)),
        ];
        if !llm.base_url.is_empty() {
            rows.push(("base url", sourced(&llm.base_url, &sources.base_url)));
        }
        rows.extend([
            ("api key", self.api_key_line()),
            (
                "connect timeout",
                sourced(&secs(llm.connect_timeout), &sources.connect_timeout),
            ),
            (
                "idle timeout",
                sourced(&secs(llm.idle_timeout), &sources.idle_timeout),
            ),
            (
                "max retries",
                sourced(&llm.max_retries, &sources.max_retries),
            ),
            (
                "replay speed",
                sourced(&format!("{}x", llm.replay_speed), &sources.replay_speed),
            ),
        ]);
        if let Some(record_to) = &llm.record_to {
            rows.push((
                "record to",
                sourced(&record_to.display(), &sources.record_to),
            ));
        }
        let price = self.pricing.lookup(&llm.provider, &llm.model);
        rows.push(match (price, &sources.price) {
            (Some(price), Some(source)) => ("price", sourced(&price, source)),
            _ => (
                "price",
                "unknown (add it under [pricing] in the config file)".to_owned(),
            ),
        });
        if self.keys.is_empty() {
            rows.push(("keys", "built-in bindings".to_owned()));
        }
        for (action, specs) in &self.keys {
            rows.push(("keys", format!("{action} = {}", specs.join(", "))));
        }
        let (agent, agent_sources) = (&self.agent, &self.agent_sources);
        rows.extend([
            ("mode", sourced(&agent.mode, &agent_sources.mode)),
            (
                "read-only",
                sourced(&agent.read_only, &agent_sources.read_only),
            ),
            (
                "step budget",
                sourced(&agent.step_budget, &agent_sources.step_budget),
            ),
            (
                "memory chars",
                sourced(&agent.memory_chars, &agent_sources.memory_chars),
            ),
            (
                "output lines",
                sourced(&agent.output_lines, &agent_sources.output_lines),
            ),
            (
                "command timeout",
                sourced(
                    &secs(Duration::from_secs(agent.command_timeout_secs)),
                    &agent_sources.command_timeout_secs,
                ),
            ),
        ]);
        rows.push((
            "log lines",
            sourced(&self.logs.ring_lines, &self.logs.ring_lines_source),
        ));
        for name in self.contexts.keys() {
            rows.push(("context", self.context_line(name)));
        }
        rows.iter()
            .map(|(label, value)| format!("{label:<17}{value}\n"))
            .collect()
    }

    /// `prod: mode confirm, read-only, production (from FILE)`: the effective settings of a
    /// context named in the config file.
    fn context_line(&self, name: &str) -> String {
        let settings = self.context_settings(Some(name));
        let mut parts = vec![format!("mode {}", settings.mode)];
        if settings.guard.read_only {
            parts.push("read-only".to_owned());
        }
        if settings.guard.production {
            parts.push("production".to_owned());
        }
        let file = Source::ConfigFile(self.paths.config_file.clone());
        format!("{name}: {} {}", parts.join(", "), from(&file))
    }

    fn api_key_line(&self) -> String {
        match (&self.llm.api_key, &self.sources.api_key) {
            (Some(key), Some(source)) => format!("{} {}", mask_key(key), from(source)),
            (Some(key), None) => mask_key(key),
            (None, _) => self
                .missing_key_warning()
                .unwrap_or_else(|| format!("none (not needed for {})", self.llm.provider)),
        }
    }

    /// A one-line warning when the provider needs an API key and none was found.
    pub fn missing_key_warning(&self) -> Option<String> {
        if self.llm.api_key.is_some() {
            return None;
        }
        let info = provider_info(&self.llm.provider).filter(|info| info.key_required)?;
        let kubevibe_var = kubevibe_key_var(info.name);
        let advice = match info.key_var {
            Some(usual) => format!("set {usual} or {kubevibe_var}"),
            None => format!("set {kubevibe_var}"),
        };
        Some(format!("no API key for {}: {advice}", info.name))
    }
}
