//! `provider:model` parsing and the table of known providers with their defaults.

use std::fmt;

use crate::llm::ProviderKind;

use super::suggest::closest;

/// What kubevibe knows about a provider out of the box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderInfo {
    pub name: &'static str,
    pub kind: ProviderKind,
    /// Empty for providers that make no network calls (replay).
    pub default_base_url: &'static str,
    /// The variable the provider's own tools read, e.g. `OPENAI_API_KEY`.
    pub key_var: Option<&'static str>,
    pub key_required: bool,
}

const fn hosted(
    name: &'static str,
    kind: ProviderKind,
    url: &'static str,
    var: &'static str,
) -> ProviderInfo {
    ProviderInfo {
        name,
        kind,
        default_base_url: url,
        key_var: Some(var),
        key_required: true,
    }
}

const fn local(name: &'static str, url: &'static str) -> ProviderInfo {
    ProviderInfo {
        name,
        kind: ProviderKind::OpenAi,
        default_base_url: url,
        key_var: None,
        key_required: false,
    }
}

pub const PROVIDERS: &[ProviderInfo] = &[
    hosted(
        "openai",
        ProviderKind::OpenAi,
        "https://api.openai.com/v1",
        "OPENAI_API_KEY",
    ),
    hosted(
        "anthropic",
        ProviderKind::Anthropic,
        "https://api.anthropic.com",
        "ANTHROPIC_API_KEY",
    ),
    local("ollama", "http://localhost:11434/v1"),
    local("lmstudio", "http://localhost:1234/v1"),
    local("vllm", "http://localhost:8000/v1"),
    local("llamacpp", "http://localhost:8080/v1"),
    hosted(
        "openrouter",
        ProviderKind::OpenAi,
        "https://openrouter.ai/api/v1",
        "OPENROUTER_API_KEY",
    ),
    hosted(
        "gemini",
        ProviderKind::OpenAi,
        "https://generativelanguage.googleapis.com/v1beta/openai",
        "GEMINI_API_KEY",
    ),
    ProviderInfo {
        name: "replay",
        kind: ProviderKind::Replay,
        default_base_url: "",
        key_var: None,
        key_required: false,
    },
];

pub const DEFAULT_MODEL: &str = "openai:gpt-4.1";

/// Looks a provider up by its exact (lower-case) name.
pub fn provider_info(name: &str) -> Option<&'static ProviderInfo> {
    PROVIDERS.iter().find(|info| info.name == name)
}

/// The provider names, comma-separated, for messages.
pub fn known_provider_names() -> String {
    PROVIDERS
        .iter()
        .map(|info| info.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A parsed `provider:model`, split at the first colon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelSpec {
    pub provider: &'static ProviderInfo,
    /// Everything after the first colon, verbatim (for replay: a file path or recording name).
    pub model: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelSpecError {
    #[error(
        "`{spec}` is not of the form `provider:model` (e.g. `openai:gpt-4.1`, `anthropic:claude-sonnet-4-5`, `ollama:llama3.1:8b`)"
    )]
    NoColon { spec: String },
    #[error("`{spec}` has no provider before the colon (e.g. `openai:gpt-4.1`)")]
    EmptyProvider { spec: String },
    #[error("`{spec}` has no model after the colon (e.g. `{provider}:<model>`)")]
    EmptyModel { spec: String, provider: String },
    #[error("unknown provider `{provider}` (known: {}){}", known_provider_names(), DidYouMean(.suggestion.as_deref()))]
    UnknownProvider {
        provider: String,
        suggestion: Option<String>,
    },
}

/// Renders `; did you mean `x`?` when there is a suggestion, nothing otherwise.
pub(crate) struct DidYouMean<'a>(pub Option<&'a str>);

impl fmt::Display for DidYouMean<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(name) => write!(f, "; did you mean `{name}`?"),
            None => Ok(()),
        }
    }
}

impl ModelSpec {
    pub fn parse(spec: &str) -> Result<Self, ModelSpecError> {
        let spec = spec.trim();
        let Some((provider, model)) = spec.split_once(':') else {
            return Err(ModelSpecError::NoColon {
                spec: spec.to_owned(),
            });
        };
        let provider = provider.trim().to_ascii_lowercase();
        if provider.is_empty() {
            return Err(ModelSpecError::EmptyProvider {
                spec: spec.to_owned(),
            });
        }
        let model = model.trim();
        if model.is_empty() {
            return Err(ModelSpecError::EmptyModel {
                spec: spec.to_owned(),
                provider,
            });
        }
        let provider = lookup_provider(&provider)?;
        Ok(Self {
            provider,
            model: model.to_owned(),
        })
    }

    /// `provider:model`, as the status bar and pricing table write it.
    pub fn label(&self) -> String {
        format!("{}:{}", self.provider.name, self.model)
    }
}

/// A known provider by name, or an error suggesting the closest known one.
pub fn lookup_provider(name: &str) -> Result<&'static ProviderInfo, ModelSpecError> {
    provider_info(name).ok_or_else(|| ModelSpecError::UnknownProvider {
        provider: name.to_owned(),
        suggestion: closest(name, PROVIDERS.iter().map(|info| info.name)).map(str::to_owned),
    })
}
