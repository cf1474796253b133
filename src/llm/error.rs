//! Provider failures, classified so the cockpit can name the cause and the fix in one line.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What went wrong, independent of the provider. Recordings name it in snake case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LlmErrorKind {
    /// Nothing listens at the address (connection refused).
    ConnectionRefused,
    /// The host name does not resolve.
    Dns,
    /// Could not connect within the connect timeout, or another transport failure.
    Connect,
    /// 401 or 403: the key is missing, wrong or lacks access.
    Auth,
    /// 404: unknown model or wrong base URL.
    NotFound,
    /// 429 after every retry.
    RateLimited,
    /// 5xx after every retry.
    Server,
    /// Another 4xx, e.g. 400 for a bad request.
    BadRequest,
    /// The stream ended without its end marker (`[DONE]` / `message_stop`).
    Truncated,
    /// A chunk that is not the JSON the protocol promises.
    BadChunk,
    /// The server finished without sending any text.
    Empty,
    /// No chunk arrived within the idle timeout.
    IdleTimeout,
    /// The provider's own `error` event inside the stream.
    Stream,
    /// A replay file or settings problem.
    Config,
}

/// A provider failure with a human message; never contains the API key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LlmError {
    pub kind: LlmErrorKind,
    /// What happened, e.g. `401 Unauthorized from http://127.0.0.1:8080/v1/chat/completions`.
    pub message: String,
}

impl LlmError {
    pub fn new(kind: LlmErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// What the user can do about it, in a few words.
    pub fn hint(&self) -> &'static str {
        match self.kind {
            LlmErrorKind::ConnectionRefused => {
                "is the server running? check --base-url (Ollama: `ollama serve`)"
            }
            LlmErrorKind::Dns => "check the host name in --base-url",
            LlmErrorKind::Connect => "check the network and --base-url",
            LlmErrorKind::Auth => {
                "set a valid key: KUBEVIBE_<PROVIDER>_API_KEY or the provider's usual variable"
            }
            LlmErrorKind::NotFound => {
                "check the model name (--model provider:model) and --base-url"
            }
            LlmErrorKind::RateLimited => "rate limited: wait a moment and send again",
            LlmErrorKind::Server => "the provider failed: send again later",
            LlmErrorKind::BadRequest => {
                "the server refused the request: check the model and settings"
            }
            LlmErrorKind::Truncated => "the answer was cut off: send again",
            LlmErrorKind::BadChunk => {
                "the server sent malformed data: is --base-url the right API?"
            }
            LlmErrorKind::Empty => "the model sent no text: rephrase or try another model",
            LlmErrorKind::IdleTimeout => {
                "the server went silent: raise llm.idle_timeout or send again"
            }
            LlmErrorKind::Stream => "the provider reported an error: send again",
            LlmErrorKind::Config => "check the model setting and file path",
        }
    }

    /// Whether the request may be retried (before the first token).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind,
            LlmErrorKind::ConnectionRefused
                | LlmErrorKind::Connect
                | LlmErrorKind::RateLimited
                | LlmErrorKind::Server
        )
    }
}

impl fmt::Display for LlmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} — {}", self.message, self.hint())
    }
}

impl std::error::Error for LlmError {}
