//! OpenAI-compatible chat completions, streamed: `POST {base_url}/chat/completions` with
//! `stream: true` (OpenAI, Ollama, LM Studio, vLLM, llama.cpp, OpenRouter, Gemini).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use bytes::Bytes;
use eventsource_stream::Event;
use futures::stream::BoxStream;
use reqwest::Response;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::completion::{self, Decoder, Piece};
use super::failure::{self, SendFailure};
use super::http::Endpoint;
use super::retry::RetryPolicy;
use super::secret::ApiKey;
use super::{ChatRequest, LlmError, LlmErrorKind, LlmEvent, LlmSettings, Provider, Role, Usage};

pub struct OpenAiProvider {
    endpoint: Arc<Endpoint>,
    model: String,
    label: String,
    policy: RetryPolicy,
    /// Cleared once the server refuses `stream_options`, so later requests skip it.
    send_stream_options: Arc<AtomicBool>,
    /// Cleared once the server refuses `response_format`.
    send_response_format: Arc<AtomicBool>,
}

impl OpenAiProvider {
    pub fn new(settings: &LlmSettings) -> Result<Self, LlmError> {
        let key = ApiKey::from_setting(settings.api_key.as_deref());
        let mut headers = HeaderMap::new();
        if let Some(key) = &key {
            let mut bearer =
                HeaderValue::from_str(&format!("Bearer {}", key.expose())).map_err(|_| {
                    LlmError::new(
                        LlmErrorKind::Config,
                        "the API key contains characters not allowed in a header",
                    )
                })?;
            bearer.set_sensitive(true);
            headers.insert(AUTHORIZATION, bearer);
        }
        let provider = match settings.provider.as_str() {
            "" => "openai",
            name => name,
        };
        Ok(Self {
            endpoint: Arc::new(Endpoint::new(settings, "chat/completions", headers, key)?),
            model: settings.model.clone(),
            label: format!("{provider}:{}", settings.model),
            policy: RetryPolicy::new(settings.max_retries),
            send_stream_options: Arc::new(AtomicBool::new(true)),
            send_response_format: Arc::new(AtomicBool::new(true)),
        })
    }

    /// Replace the retry delays (and count) taken from the settings.
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    fn body(&self, request: &ChatRequest, optional: Optional) -> Bytes {
        let system = request.system.as_deref().map(|content| WireMessage {
            role: "system",
            content,
        });
        let conversation = request.messages.iter().map(|message| WireMessage {
            role: match message.role {
                Role::User => "user",
                Role::Assistant => "assistant",
            },
            content: &message.content,
        });
        let response_format = request
            .response_format
            .as_ref()
            .filter(|_| optional.response_format)
            .map(|format| WireResponseFormat {
                kind: "json_schema",
                json_schema: WireJsonSchema {
                    name: &format.name,
                    schema: &format.schema,
                    // The plan schema is written for strict mode; a server that refuses it
                    // gets the request again without `response_format`.
                    strict: true,
                },
            });
        let body = RequestBody {
            model: &self.model,
            messages: system.into_iter().chain(conversation).collect(),
            stream: true,
            stream_options: optional.stream_options.then_some(StreamOptions {
                include_usage: true,
            }),
            max_tokens: request.max_tokens,
            temperature: request.temperature,
            response_format,
        };
        // Serializing plain strings, numbers and JSON values into a Vec cannot fail.
        Bytes::from(serde_json::to_vec(&body).unwrap_or_default())
    }
}

impl Provider for OpenAiProvider {
    fn label(&self) -> String {
        self.label.clone()
    }

    fn stream(&self, request: ChatRequest) -> BoxStream<'static, LlmEvent> {
        let bodies = Optional::ALL.map(|optional| self.body(&request, optional));
        let opener = Arc::new(Opener {
            endpoint: Arc::clone(&self.endpoint),
            bodies,
            send_stream_options: Arc::clone(&self.send_stream_options),
            send_response_format: Arc::clone(&self.send_response_format),
            wants_response_format: request.response_format.is_some(),
        });
        let open = move || {
            let opener = Arc::clone(&opener);
            async move { opener.open().await }
        };
        completion::stream_completion(Arc::clone(&self.endpoint), self.policy, open, ChunkDecoder)
    }
}

/// The request fields some OpenAI-compatible servers refuse with a 400.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Optional {
    stream_options: bool,
    response_format: bool,
}

impl Optional {
    /// Every combination, indexed by [`Optional::index`].
    const ALL: [Optional; 4] = [
        Optional::new(false, false),
        Optional::new(false, true),
        Optional::new(true, false),
        Optional::new(true, true),
    ];

    const fn new(stream_options: bool, response_format: bool) -> Self {
        Self {
            stream_options,
            response_format,
        }
    }

    fn index(self) -> usize {
        usize::from(self.stream_options) * 2 + usize::from(self.response_format)
    }
}

/// Sends one request, dropping an optional field the server refuses (`stream_options`,
/// `response_format`) and sending again; a refused field stays off for later requests.
struct Opener {
    endpoint: Arc<Endpoint>,
    bodies: [Bytes; 4],
    send_stream_options: Arc<AtomicBool>,
    send_response_format: Arc<AtomicBool>,
    wants_response_format: bool,
}

impl Opener {
    async fn open(&self) -> Result<Response, SendFailure> {
        let mut optional = Optional::new(
            self.send_stream_options.load(Ordering::Relaxed),
            self.wants_response_format && self.send_response_format.load(Ordering::Relaxed),
        );
        loop {
            let body = self.bodies[optional.index()].clone();
            match self.endpoint.post(body).await {
                Err(failure)
                    if optional.stream_options && rejects(&failure.error, &["stream_options"]) =>
                {
                    tracing::info!(
                        url = self.endpoint.url(),
                        "server refuses stream_options; sending without it"
                    );
                    self.send_stream_options.store(false, Ordering::Relaxed);
                    optional.stream_options = false;
                }
                Err(failure)
                    if optional.response_format
                        && rejects(&failure.error, &["response_format", "json_schema"]) =>
                {
                    tracing::info!(
                        url = self.endpoint.url(),
                        "server refuses response_format; relying on the prompt for JSON"
                    );
                    self.send_response_format.store(false, Ordering::Relaxed);
                    optional.response_format = false;
                }
                result => return result,
            }
        }
    }
}

/// A 400 whose message names one of `fields`.
fn rejects(error: &LlmError, fields: &[&str]) -> bool {
    error.kind == LlmErrorKind::BadRequest
        && fields.iter().any(|field| error.message.contains(field))
}

#[derive(Serialize)]
struct RequestBody<'a> {
    model: &'a str,
    messages: Vec<WireMessage<'a>>,
    stream: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream_options: Option<StreamOptions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_format: Option<WireResponseFormat<'a>>,
}

#[derive(Serialize)]
struct WireResponseFormat<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    json_schema: WireJsonSchema<'a>,
}

#[derive(Serialize)]
struct WireJsonSchema<'a> {
    name: &'a str,
    schema: &'a Value,
    strict: bool,
}

#[derive(Serialize)]
struct WireMessage<'a> {
    role: &'a str,
    content: &'a str,
}

#[derive(Serialize)]
struct StreamOptions {
    include_usage: bool,
}

/// Reads `chat.completion.chunk` events up to `data: [DONE]`.
struct ChunkDecoder;

#[derive(Deserialize)]
struct Chunk {
    #[serde(default)]
    choices: Vec<Choice>,
    usage: Option<WireUsage>,
    /// Some servers (OpenRouter, vLLM) report failures inside the stream.
    error: Option<Value>,
}

#[derive(Deserialize)]
struct Choice {
    #[serde(default)]
    delta: Delta,
}

#[derive(Deserialize, Default)]
struct Delta {
    content: Option<String>,
}

#[derive(Deserialize)]
struct WireUsage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
}

impl Decoder for ChunkDecoder {
    const END_MARKER: &'static str = "[DONE]";

    fn decode(&mut self, event: &Event) -> Result<Vec<Piece>, LlmError> {
        let data = event.data.trim();
        if data == "[DONE]" {
            return Ok(vec![Piece::End]);
        }
        let chunk: Chunk = serde_json::from_str(data)
            .map_err(|_| completion::bad_chunk("the server sent a chunk that is not JSON", data))?;
        if let Some(error) = chunk.error {
            let message = failure::json_message(&serde_json::json!({ "error": error }))
                .unwrap_or_else(|| failure::shorten(&error.to_string()));
            return Err(LlmError::new(
                LlmErrorKind::Stream,
                format!("the server reported an error mid-stream: {message}"),
            ));
        }
        let mut pieces = Vec::with_capacity(2);
        let text = chunk
            .choices
            .into_iter()
            .next()
            .and_then(|choice| choice.delta.content);
        if let Some(text) = text {
            pieces.push(Piece::Token(text));
        }
        if let Some(usage) = chunk.usage {
            pieces.push(Piece::Usage(Usage {
                input_tokens: usage.prompt_tokens,
                output_tokens: usage.completion_tokens,
            }));
        }
        Ok(pieces)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(data: &str) -> Result<Vec<Piece>, LlmError> {
        let event = Event {
            data: data.to_owned(),
            ..Event::default()
        };
        ChunkDecoder.decode(&event)
    }

    #[test]
    fn content_and_usage_in_one_chunk_become_two_pieces() {
        let pieces = decode(
            r#"{"choices":[{"index":0,"delta":{"content":"Hi"}}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}"#,
        );
        assert_eq!(
            pieces,
            Ok(vec![
                Piece::Token("Hi".into()),
                Piece::Usage(Usage {
                    input_tokens: 3,
                    output_tokens: 1
                })
            ])
        );
    }

    #[test]
    fn role_only_and_null_usage_chunks_carry_nothing() {
        assert_eq!(
            decode(r#"{"choices":[{"delta":{"role":"assistant","content":null}}],"usage":null}"#),
            Ok(vec![])
        );
        assert_eq!(decode(r#"{"choices":[],"usage":null}"#), Ok(vec![]));
    }

    #[test]
    fn done_ends_the_answer() {
        assert_eq!(decode("[DONE]"), Ok(vec![Piece::End]));
    }

    #[test]
    fn an_error_object_is_a_stream_error() {
        let error = decode(r#"{"error":{"message":"upstream overloaded","code":502}}"#)
            .expect_err("a stream error");
        assert_eq!(error.kind, LlmErrorKind::Stream);
        assert!(
            error.message.contains("upstream overloaded"),
            "{}",
            error.message
        );
    }
}
