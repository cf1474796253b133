//! One provider's HTTP endpoint: a pooled client reused for every request, and a POST that
//! turns every failure into a named [`LlmError`] with the key scrubbed out.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Client, Response, Url};

use super::failure::{self, SendFailure};
use super::secret::ApiKey;
use super::{LlmError, LlmErrorKind, LlmSettings};

/// Error bodies are read up to this size; the message needs only their first sentence.
const ERROR_BODY_LIMIT: usize = 16 * 1024;

#[derive(Debug)]
pub(crate) struct Endpoint {
    client: Client,
    url: String,
    headers: HeaderMap,
    key: Option<ApiKey>,
    idle_timeout: Duration,
}

impl Endpoint {
    /// `path` is joined to the settings' base URL; `headers` carry the provider's credentials.
    pub(crate) fn new(
        settings: &LlmSettings,
        path: &str,
        mut headers: HeaderMap,
        key: Option<ApiKey>,
    ) -> Result<Self, LlmError> {
        let url = format!(
            "{}/{}",
            settings.base_url.trim_end_matches('/'),
            path.trim_start_matches('/')
        );
        if let Err(error) = Url::parse(&url) {
            return Err(LlmError::new(
                LlmErrorKind::Config,
                format!("invalid base URL `{}`: {error}", settings.base_url),
            ));
        }
        // No overall timeout: answers may stream for minutes; silence is bounded per chunk.
        let client = Client::builder()
            .connect_timeout(settings.connect_timeout)
            .user_agent(concat!("kubevibe/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| {
                LlmError::new(
                    LlmErrorKind::Config,
                    format!("cannot build the HTTP client: {error}"),
                )
            })?;
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(ACCEPT, HeaderValue::from_static("text/event-stream"));
        Ok(Self {
            client,
            url,
            headers,
            key,
            idle_timeout: settings.idle_timeout,
        })
    }

    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    pub(crate) fn idle_timeout(&self) -> Duration {
        self.idle_timeout
    }

    /// The error with the API key removed from its message.
    pub(crate) fn scrub(&self, mut error: LlmError) -> LlmError {
        if let Some(key) = &self.key {
            error.message = key.scrub(&error.message);
        }
        error
    }

    /// POST a JSON body; `Ok` only for a success status, whose body is then the stream.
    ///
    /// The wait for the response head is bounded by the idle timeout too, so a server that
    /// accepts the connection and never answers cannot hang the request.
    pub(crate) async fn post(&self, body: Bytes) -> Result<Response, SendFailure> {
        let send = self
            .client
            .post(&self.url)
            .headers(self.headers.clone())
            .body(body)
            .send();
        let response = match tokio::time::timeout(self.idle_timeout, send).await {
            Err(_elapsed) => return Err(self.scrub(self.silence_error("no response")).into()),
            Ok(Err(error)) => {
                return Err(self
                    .scrub(failure::transport_error(&error, &self.url))
                    .into());
            }
            Ok(Ok(response)) => response,
        };
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let retry_after = failure::retry_after(response.headers());
        let body = self.read_error_body(response).await;
        Err(SendFailure {
            error: self.scrub(failure::status_error(status, &self.url, &body)),
            retry_after,
        })
    }

    /// The error for a server that stayed silent longer than the idle timeout.
    pub(crate) fn silence_error(&self, what: &str) -> LlmError {
        LlmError::new(
            LlmErrorKind::IdleTimeout,
            format!(
                "{what} from {} within {:.1} s",
                self.url,
                self.idle_timeout.as_secs_f64()
            ),
        )
    }

    async fn read_error_body(&self, mut response: Response) -> String {
        let mut body = Vec::new();
        while body.len() < ERROR_BODY_LIMIT {
            match tokio::time::timeout(self.idle_timeout, response.chunk()).await {
                Ok(Ok(Some(chunk))) => body.extend_from_slice(&chunk),
                _ => break,
            }
        }
        body.truncate(ERROR_BODY_LIMIT);
        String::from_utf8_lossy(&body).into_owned()
    }
}
