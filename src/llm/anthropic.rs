//! Anthropic Messages API, streamed: `POST {base_url}/v1/messages` with `stream: true`.

use std::sync::Arc;

use bytes::Bytes;
use eventsource_stream::Event;
use futures::stream::BoxStream;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};

use super::completion::{self, Decoder, Piece};
use super::http::Endpoint;
use super::retry::RetryPolicy;
use super::secret::ApiKey;
use super::{
    ChatMessage, ChatRequest, LlmError, LlmErrorKind, LlmEvent, LlmSettings, Provider, Usage,
};

pub const API_VERSION: &str = "2023-06-01";
/// The Messages API requires `max_tokens`; this is used when the request has none.
pub const DEFAULT_MAX_TOKENS: u32 = 4096;

pub struct AnthropicProvider {
    endpoint: Arc<Endpoint>,
    model: String,
    label: String,
    policy: RetryPolicy,
}

impl AnthropicProvider {
    pub fn new(settings: &LlmSettings) -> Result<Self, LlmError> {
        let key = ApiKey::from_setting(settings.api_key.as_deref());
        let mut headers = HeaderMap::new();
        headers.insert(
            HeaderName::from_static("anthropic-version"),
            HeaderValue::from_static(API_VERSION),
        );
        if let Some(key) = &key {
            let mut value = HeaderValue::from_str(key.expose()).map_err(|_| {
                LlmError::new(
                    LlmErrorKind::Config,
                    "the API key contains characters not allowed in a header",
                )
            })?;
            value.set_sensitive(true);
            headers.insert(HeaderName::from_static("x-api-key"), value);
        }
        let provider = match settings.provider.as_str() {
            "" => "anthropic",
            name => name,
        };
        Ok(Self {
            endpoint: Arc::new(Endpoint::new(settings, "v1/messages", headers, key)?),
            model: settings.model.clone(),
            label: format!("{provider}:{}", settings.model),
            policy: RetryPolicy::new(settings.max_retries),
        })
    }

    /// Replace the retry delays (and count) taken from the settings.
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    fn body(&self, request: &ChatRequest) -> Bytes {
        let body = RequestBody {
            model: &self.model,
            max_tokens: request.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
            system: request.system.as_deref(),
            messages: &request.messages,
            stream: true,
            temperature: request.temperature,
        };
        // Serializing plain strings and numbers into a Vec cannot fail.
        Bytes::from(serde_json::to_vec(&body).unwrap_or_default())
    }
}

impl Provider for AnthropicProvider {
    fn label(&self) -> String {
        self.label.clone()
    }

    fn stream(&self, request: ChatRequest) -> BoxStream<'static, LlmEvent> {
        let body = self.body(&request);
        let endpoint = Arc::clone(&self.endpoint);
        let open = move || {
            let endpoint = Arc::clone(&endpoint);
            let body = body.clone();
            async move { endpoint.post(body).await }
        };
        completion::stream_completion(
            Arc::clone(&self.endpoint),
            self.policy,
            open,
            MessageDecoder::default(),
        )
    }
}

#[derive(Serialize)]
struct RequestBody<'a> {
    model: &'a str,
    max_tokens: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    system: Option<&'a str>,
    messages: &'a [ChatMessage],
    stream: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
}

/// Reads Messages API events up to `message_stop`, keeping the input token count from
/// `message_start` to pair it with the output count of `message_delta`.
#[derive(Default)]
struct MessageDecoder {
    usage: Usage,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum StreamEvent {
    MessageStart {
        message: MessageStart,
    },
    ContentBlockStart {
        content_block: ContentBlock,
    },
    ContentBlockDelta {
        delta: ContentDelta,
    },
    ContentBlockStop {},
    MessageDelta {
        usage: Option<WireUsage>,
    },
    MessageStop {},
    Ping {},
    Error {
        error: WireError,
    },
    /// Event types added to the API later are ignored, as Anthropic's versioning asks.
    #[serde(other)]
    Unknown,
}

#[derive(Deserialize)]
struct MessageStart {
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ContentBlock {
    Text {
        text: String,
    },
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ContentDelta {
    TextDelta {
        text: String,
    },
    #[serde(other)]
    Other,
}

/// Counts as sent; `message_delta` repeats only the ones that changed.
#[derive(Deserialize)]
struct WireUsage {
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    cache_creation_input_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
}

#[derive(Deserialize)]
struct WireError {
    #[serde(rename = "type")]
    kind: String,
    message: String,
}

impl MessageDecoder {
    fn absorb(&mut self, usage: WireUsage) -> Piece {
        // Cached prompt tokens are counted apart by Anthropic; the prompt is their sum.
        let cached = usage.cache_creation_input_tokens.unwrap_or(0)
            + usage.cache_read_input_tokens.unwrap_or(0);
        if let Some(input) = usage.input_tokens {
            self.usage.input_tokens = input + cached;
        }
        if let Some(output) = usage.output_tokens {
            self.usage.output_tokens = output;
        }
        Piece::Usage(self.usage)
    }
}

impl Decoder for MessageDecoder {
    const END_MARKER: &'static str = "message_stop";

    fn decode(&mut self, event: &Event) -> Result<Vec<Piece>, LlmError> {
        let parsed: StreamEvent = serde_json::from_str(&event.data).map_err(|_| {
            completion::bad_chunk(
                &format!(
                    "the server sent a `{}` event that is not the expected JSON",
                    event.event
                ),
                &event.data,
            )
        })?;
        Ok(match parsed {
            StreamEvent::MessageStart { message } => message
                .usage
                .map(|usage| self.absorb(usage))
                .into_iter()
                .collect(),
            StreamEvent::ContentBlockStart {
                content_block: ContentBlock::Text { text },
            }
            | StreamEvent::ContentBlockDelta {
                delta: ContentDelta::TextDelta { text },
            } => vec![Piece::Token(text)],
            StreamEvent::MessageDelta { usage } => {
                usage.map(|usage| self.absorb(usage)).into_iter().collect()
            }
            StreamEvent::MessageStop {} => vec![Piece::End],
            StreamEvent::Error { error } => {
                return Err(LlmError::new(
                    LlmErrorKind::Stream,
                    format!("{}: {}", error.kind, error.message),
                ));
            }
            StreamEvent::ContentBlockStart { .. }
            | StreamEvent::ContentBlockDelta { .. }
            | StreamEvent::ContentBlockStop {}
            | StreamEvent::Ping {}
            | StreamEvent::Unknown => vec![],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(decoder: &mut MessageDecoder, data: &str) -> Result<Vec<Piece>, LlmError> {
        decoder.decode(&Event {
            data: data.to_owned(),
            ..Event::default()
        })
    }

    #[test]
    fn usage_pairs_the_input_count_with_the_latest_output_count() {
        let mut decoder = MessageDecoder::default();
        let start = r#"{"type":"message_start","message":{"id":"m","usage":{"input_tokens":20,"cache_read_input_tokens":5,"output_tokens":1}}}"#;
        assert_eq!(
            decode(&mut decoder, start),
            Ok(vec![Piece::Usage(Usage {
                input_tokens: 25,
                output_tokens: 1
            })])
        );
        let delta = r#"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":42}}"#;
        assert_eq!(
            decode(&mut decoder, delta),
            Ok(vec![Piece::Usage(Usage {
                input_tokens: 25,
                output_tokens: 42
            })])
        );
    }

    #[test]
    fn only_text_deltas_are_tokens() {
        let mut decoder = MessageDecoder::default();
        let text =
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"#;
        assert_eq!(
            decode(&mut decoder, text),
            Ok(vec![Piece::Token("Hi".into())])
        );
        let thinking = r#"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hm"}}"#;
        assert_eq!(decode(&mut decoder, thinking), Ok(vec![]));
        let tool = r#"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t","name":"n","input":{}}}"#;
        assert_eq!(decode(&mut decoder, tool), Ok(vec![]));
    }

    #[test]
    fn housekeeping_and_unknown_events_carry_nothing() {
        let mut decoder = MessageDecoder::default();
        for data in [
            r#"{"type":"ping"}"#,
            r#"{"type":"content_block_stop","index":0}"#,
            r#"{"type":"some_future_event","x":1}"#,
        ] {
            assert_eq!(decode(&mut decoder, data), Ok(vec![]), "{data}");
        }
    }

    #[test]
    fn error_events_name_type_and_message() {
        let mut decoder = MessageDecoder::default();
        let error = decode(
            &mut decoder,
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
        )
        .expect_err("an error");
        assert_eq!(
            error,
            LlmError::new(LlmErrorKind::Stream, "overloaded_error: Overloaded")
        );
    }
}
