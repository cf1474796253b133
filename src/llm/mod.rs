//! LLM providers behind one trait: each turns a [`ChatRequest`] into a stream of [`LlmEvent`]s.
//!
//! The contract every provider keeps:
//! - events arrive as the server sends them (no buffering of the whole reply);
//! - `Retrying` may only appear before the first `Token`;
//! - the stream ends with exactly one terminal event, `Done` or `Error`;
//! - tokens already delivered are never taken back, whatever error follows.

pub mod anthropic;
mod completion;
pub mod error;
mod failure;
pub mod http;
pub mod openai;
pub mod record;
pub mod replay;
pub mod retry;
mod secret;
pub mod sse;
mod transcript;

use std::sync::Arc;
use std::time::Duration;

use futures::stream::BoxStream;
use serde::{Deserialize, Serialize};

pub use error::{LlmError, LlmErrorKind};
pub use retry::RetryPolicy;

/// Who said a message in the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Assistant,
}

/// One turn of the conversation sent to the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: Role,
    pub content: String,
}

/// Everything a provider needs for one streamed completion.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChatRequest {
    pub system: Option<String>,
    pub messages: Vec<ChatMessage>,
    pub max_tokens: Option<u32>,
    pub temperature: Option<f32>,
    /// Ask for JSON matching a schema where the provider can enforce it (OpenAI-compatible
    /// `response_format`); providers without it rely on the prompt and the parse layers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_format: Option<ResponseFormat>,
}

/// The exact text of a request: the system prompt, then each message under its role.
pub fn prompt_text(request: &ChatRequest) -> String {
    let mut text = String::new();
    if let Some(system) = &request.system {
        text.push_str("── system ──\n");
        text.push_str(system);
        text.push('\n');
    }
    for message in &request.messages {
        let role = match message.role {
            Role::User => "user",
            Role::Assistant => "assistant",
        };
        text.push_str(&format!("── {role} ──\n"));
        text.push_str(&message.content);
        text.push('\n');
    }
    text
}

/// A JSON Schema the reply must follow: its name and the schema itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseFormat {
    pub name: String,
    pub schema: serde_json::Value,
}

/// Token counts as reported by the server (never estimated here).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
}

/// What a provider stream yields.
#[derive(Debug, Clone, PartialEq)]
pub enum LlmEvent {
    /// The request is about to be retried after `delay` (only before the first token).
    Retrying {
        attempt: u32,
        delay: Duration,
        reason: String,
    },
    /// A piece of the answer text, in order.
    Token(String),
    /// Token usage, possibly sent more than once; the last one wins.
    Usage(Usage),
    /// The stream finished normally.
    Done,
    /// The stream failed; tokens sent before this are kept by the receiver.
    Error(LlmError),
}

/// Which wire protocol a provider speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// OpenAI-compatible `/v1/chat/completions` (OpenAI, Ollama, LM Studio, vLLM, llama.cpp,
    /// OpenRouter, Gemini's OpenAI endpoint).
    OpenAi,
    /// Anthropic Messages API `/v1/messages`.
    Anthropic,
    /// A recorded session played back from a JSONL file.
    Replay,
}

/// Settings for building a provider; produced by the config layer.
#[derive(Clone, PartialEq)]
pub struct LlmSettings {
    pub kind: ProviderKind,
    /// The provider name the user wrote (`openai`, `ollama`, `lmstudio`, `anthropic`, `replay`...).
    pub provider: String,
    /// Model id sent to the server (for replay: the recording's path).
    pub model: String,
    /// Base URL up to and including `/v1` for OpenAI-compatible servers, the API root for Anthropic.
    pub base_url: String,
    pub api_key: Option<String>,
    pub connect_timeout: Duration,
    /// Longest silence allowed between two chunks of a stream.
    pub idle_timeout: Duration,
    /// Attempts after the first one, for 429 / 5xx / connection errors before the first token.
    pub max_retries: u32,
    /// Replay speed multiplier (1.0 = recorded timing); ignored by network providers.
    pub replay_speed: f64,
    /// When set, every streamed chunk is also written to this JSONL file (`--record`).
    pub record_to: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for LlmSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmSettings")
            .field("kind", &self.kind)
            .field("provider", &self.provider)
            .field("model", &self.model)
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "<set>"))
            .field("connect_timeout", &self.connect_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("max_retries", &self.max_retries)
            .field("replay_speed", &self.replay_speed)
            .field("record_to", &self.record_to)
            .finish()
    }
}

/// A streaming chat provider.
pub trait Provider: Send + Sync {
    /// A short label for the status bar, e.g. `openai:gpt-4.1`.
    fn label(&self) -> String;
    /// Start one streamed completion. Dropping the stream cancels the request.
    fn stream(&self, request: ChatRequest) -> BoxStream<'static, LlmEvent>;
    /// Resolves once whatever the provider buffers (a recording) is written; call before exit.
    fn flushed(&self) -> futures::future::BoxFuture<'_, ()> {
        Box::pin(async {})
    }
}

/// Build the provider the settings describe (one HTTP client per provider, reused).
pub fn build_provider(settings: &LlmSettings) -> Result<Arc<dyn Provider>, LlmError> {
    let provider: Arc<dyn Provider> = match settings.kind {
        ProviderKind::OpenAi => Arc::new(openai::OpenAiProvider::new(settings)?),
        ProviderKind::Anthropic => Arc::new(anthropic::AnthropicProvider::new(settings)?),
        ProviderKind::Replay => Arc::new(replay::ReplayProvider::from_settings(settings)?),
    };
    Ok(match &settings.record_to {
        Some(path) => Arc::new(record::RecordingProvider::new(provider, path.clone())),
        None => provider,
    })
}
