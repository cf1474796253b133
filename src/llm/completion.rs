//! One streamed completion over HTTP, whatever the wire format: opens the request with
//! retries, decodes its server-sent events, and keeps the stream contract of [`super`]
//! (retries only before the first token, exactly one terminal event, `Empty`, `Truncated`).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use eventsource_stream::Event;
use futures::StreamExt;
use futures::stream::BoxStream;
use reqwest::Response;

use super::failure::SendFailure;
use super::http::Endpoint;
use super::retry::RetryPolicy;
use super::{LlmError, LlmErrorKind, LlmEvent, Usage};

/// After the end marker, the body's end is awaited for at most this many events and this
/// long: enough for a well-behaved server, little for one that keeps the body open.
const DRAIN_LIMIT: usize = 8;
const DRAIN_WAIT: Duration = Duration::from_millis(500);

/// What one server-sent event means, in wire-format-neutral terms.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Piece {
    Token(String),
    Usage(Usage),
    /// The end marker: the answer is complete.
    End,
}

/// A wire format's reading of its events.
pub(crate) trait Decoder: Send + 'static {
    /// The end marker's name, for `Truncated` messages (`[DONE]`, `message_stop`).
    const END_MARKER: &'static str;

    /// The pieces one event carries (often none: pings, block boundaries).
    fn decode(&mut self, event: &Event) -> Result<Vec<Piece>, LlmError>;
}

/// Stream one completion: `open` sends the request (called again for each retry), `decoder`
/// reads the events of the response that succeeded.
pub(crate) fn stream_completion<Open, Opening, D>(
    endpoint: Arc<Endpoint>,
    policy: RetryPolicy,
    open: Open,
    mut decoder: D,
) -> BoxStream<'static, LlmEvent>
where
    Open: Fn() -> Opening + Send + 'static,
    Opening: Future<Output = Result<Response, SendFailure>> + Send,
    D: Decoder,
{
    Box::pin(async_stream::stream! {
        let mut schedule = policy.schedule();
        let response = loop {
            match open().await {
                Ok(response) => break response,
                Err(SendFailure { error, retry_after }) => {
                    let Some(next) = schedule.next(&error, retry_after) else {
                        yield LlmEvent::Error(schedule.give_up(error));
                        return;
                    };
                    tracing::debug!(attempt = next.attempt, delay = ?next.delay, %error, "retrying");
                    yield LlmEvent::Retrying {
                        attempt: next.attempt,
                        delay: next.delay,
                        reason: error.message,
                    };
                    tokio::time::sleep(next.delay).await;
                }
            }
        };

        let mut events = std::pin::pin!(super::sse::events(response, &endpoint));
        let mut sent_text = false;
        while let Some(event) = events.next().await {
            let pieces = match event.and_then(|event| decoder.decode(&event)) {
                Ok(pieces) => pieces,
                Err(error) => {
                    yield LlmEvent::Error(endpoint.scrub(error));
                    return;
                }
            };
            for piece in pieces {
                match piece {
                    Piece::Token(text) if text.is_empty() => {}
                    Piece::Token(text) => {
                        sent_text = true;
                        yield LlmEvent::Token(text);
                    }
                    Piece::Usage(usage) => yield LlmEvent::Usage(usage),
                    Piece::End if sent_text => {
                        yield LlmEvent::Done;
                        // Read the body's end, if the receiver still polls, so the
                        // connection can go back to the pool instead of being closed.
                        let rest = events.by_ref().take(DRAIN_LIMIT).for_each(|_| async {});
                        let _ = tokio::time::timeout(DRAIN_WAIT, rest).await;
                        return;
                    }
                    Piece::End => {
                        let message = format!("{} finished without sending any text", endpoint.url());
                        yield LlmEvent::Error(LlmError::new(LlmErrorKind::Empty, message));
                        return;
                    }
                }
            }
        }
        let message = format!("the stream from {} ended before {}", endpoint.url(), D::END_MARKER);
        yield LlmEvent::Error(LlmError::new(LlmErrorKind::Truncated, message));
    })
}

/// A `BadChunk` error quoting the start of the offending data.
pub(crate) fn bad_chunk(what: &str, data: &str) -> LlmError {
    LlmError::new(
        LlmErrorKind::BadChunk,
        format!("{what}: `{}`", super::failure::shorten(data)),
    )
}
