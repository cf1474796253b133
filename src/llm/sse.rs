//! Server-sent events from a streamed response: a deadline on every body chunk, framing by
//! `eventsource-stream`, and failures named as [`LlmError`]s.
//!
//! `eventsource-stream` carries an incomplete UTF-8 sequence at the end of a chunk over to the
//! next one and waits for the `\n` of a `\r\n` split between chunks; the tests below pin that.

use bytes::Bytes;
use eventsource_stream::{Event, EventStreamError, Eventsource};
use futures::{Stream, StreamExt};
use reqwest::Response;

use super::failure;
use super::http::Endpoint;
use super::{LlmError, LlmErrorKind};

/// The events of `response`; ends after the first error.
pub(crate) fn events<'a>(
    response: Response,
    endpoint: &'a Endpoint,
) -> impl Stream<Item = Result<Event, LlmError>> + Send + 'a {
    frame(chunks(response, endpoint))
}

/// Body chunks, each awaited at most the idle timeout.
fn chunks(
    mut response: Response,
    endpoint: &Endpoint,
) -> impl Stream<Item = Result<Bytes, LlmError>> + Send + '_ {
    async_stream::stream! {
        loop {
            match tokio::time::timeout(endpoint.idle_timeout(), response.chunk()).await {
                Err(_elapsed) => {
                    yield Err(endpoint.silence_error("no data"));
                    break;
                }
                Ok(Err(error)) => {
                    yield Err(failure::body_error(&error, endpoint.url()));
                    break;
                }
                Ok(Ok(None)) => break,
                Ok(Ok(Some(chunk))) => yield Ok(chunk),
            }
        }
    }
}

/// SSE events from raw chunks split anywhere, even inside a UTF-8 character.
pub(crate) fn frame<S>(chunks: S) -> impl Stream<Item = Result<Event, LlmError>>
where
    S: Stream<Item = Result<Bytes, LlmError>>,
{
    chunks.eventsource().map(|event| {
        event.map_err(|error| match error {
            EventStreamError::Transport(error) => error,
            EventStreamError::Utf8(error) => LlmError::new(
                LlmErrorKind::BadChunk,
                format!("the event stream is not valid UTF-8: {error}"),
            ),
            EventStreamError::Parser(error) => LlmError::new(
                LlmErrorKind::BadChunk,
                format!("the event stream is malformed: {error}"),
            ),
        })
    })
}

#[cfg(test)]
mod tests {
    use futures::stream;

    use super::*;

    /// `text` cut at every given byte offset, so that pieces end inside characters.
    fn pieces(text: &str, cuts: &[usize]) -> Vec<Result<Bytes, LlmError>> {
        let bytes = text.as_bytes();
        let mut bounds = vec![0];
        bounds.extend_from_slice(cuts);
        bounds.push(bytes.len());
        bounds
            .windows(2)
            .map(|pair| Ok(Bytes::copy_from_slice(&bytes[pair[0]..pair[1]])))
            .collect()
    }

    async fn framed(chunks: Vec<Result<Bytes, LlmError>>) -> Vec<Result<Event, LlmError>> {
        frame(stream::iter(chunks)).collect().await
    }

    fn data(events: &[Result<Event, LlmError>]) -> Vec<&str> {
        events
            .iter()
            .map(|event| {
                event
                    .as_ref()
                    .map_or("<error>", |event| event.data.as_str())
            })
            .collect()
    }

    #[tokio::test]
    async fn characters_split_between_chunks_are_rejoined() {
        let text = "data: café\n\ndata: 日本\n\ndata: 🚀 go\n\n";
        let e_acute = text.find('é').expect("é");
        let nihon = text.find('日').expect("日");
        let rocket = text.find('🚀').expect("🚀");
        // Every cut lands inside a multi-byte character; the emoji is cut three times.
        let cuts = [
            e_acute + 1,
            nihon + 1,
            nihon + 4,
            rocket + 1,
            rocket + 2,
            rocket + 3,
        ];
        let events = framed(pieces(text, &cuts)).await;
        assert_eq!(data(&events), ["café", "日本", "🚀 go"]);
    }

    #[tokio::test]
    async fn one_byte_chunks_frame_the_same_events() {
        let text = "event: content_block_delta\r\ndata: {\"text\":\"é\"}\r\n\r\n: ping\n\ndata: [DONE]\n\n";
        let cuts: Vec<usize> = (1..text.len()).collect();
        let events = framed(pieces(text, &cuts)).await;
        assert_eq!(data(&events), ["{\"text\":\"é\"}", "[DONE]"]);
        let first = events[0].as_ref().expect("first event");
        assert_eq!(first.event, "content_block_delta");
    }

    #[tokio::test]
    async fn a_transport_error_passes_through() {
        let cut = LlmError::new(LlmErrorKind::Truncated, "connection reset");
        let chunks = vec![Ok(Bytes::from_static(b"data: a\n\n")), Err(cut.clone())];
        let events = framed(chunks).await;
        assert_eq!(data(&events), ["a", "<error>"]);
        assert_eq!(events[1].as_ref().err(), Some(&cut));
    }

    #[tokio::test]
    async fn a_stream_ending_inside_a_character_is_a_bad_chunk() {
        let bytes = "data: é".as_bytes();
        let chunks = vec![Ok(Bytes::copy_from_slice(&bytes[..bytes.len() - 1]))];
        let events = framed(chunks).await;
        let error = events
            .iter()
            .find_map(|event| event.as_ref().err())
            .expect("an error");
        assert_eq!(error.kind, LlmErrorKind::BadChunk);
    }
}
