//! Failures named for the user: transport errors, HTTP statuses, and the server's own words.

use std::error::Error;
use std::io;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde_json::Value;

use super::{LlmError, LlmErrorKind};

/// Longest piece of a server's error text kept in a message.
const DETAIL_LIMIT: usize = 300;

/// A request that did not produce a stream, with what the server asked about retrying.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SendFailure {
    pub error: LlmError,
    pub retry_after: Option<Duration>,
}

impl From<LlmError> for SendFailure {
    fn from(error: LlmError) -> Self {
        Self {
            error,
            retry_after: None,
        }
    }
}

/// A request that failed before any response: DNS, refused, timed out, reset.
pub(crate) fn transport_error(error: &reqwest::Error, url: &str) -> LlmError {
    if error.is_timeout() {
        return LlmError::new(
            LlmErrorKind::Connect,
            format!("timed out connecting to {url}"),
        );
    }
    classify_transport(error, url)
}

/// The body broke off after the response started.
pub(crate) fn body_error(error: &reqwest::Error, url: &str) -> LlmError {
    LlmError::new(
        LlmErrorKind::Truncated,
        format!(
            "the connection to {url} broke mid-answer: {}",
            innermost_cause(error)
        ),
    )
}

fn classify_transport(error: &(dyn Error + 'static), url: &str) -> LlmError {
    let chain: Vec<_> = causes(error).collect();
    // hyper-util names resolver failures "dns error" and puts the resolver's error below it.
    if let Some(position) = chain.iter().position(|e| e.to_string() == "dns error") {
        let cause = chain
            .get(position + 1)
            .map_or_else(String::new, |cause| format!(": {cause}"));
        return LlmError::new(
            LlmErrorKind::Dns,
            format!("cannot resolve the host of {url}{cause}"),
        );
    }
    let refused = chain.iter().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::ConnectionRefused)
    });
    if refused {
        return LlmError::new(
            LlmErrorKind::ConnectionRefused,
            format!("connection refused by {url}"),
        );
    }
    LlmError::new(
        LlmErrorKind::Connect,
        format!("cannot reach {url}: {}", innermost_cause(error)),
    )
}

fn innermost_cause(error: &(dyn Error + 'static)) -> String {
    causes(error)
        .last()
        .map_or_else(String::new, ToString::to_string)
}

/// `error` and its sources, outermost first.
fn causes<'a>(error: &'a (dyn Error + 'static)) -> impl Iterator<Item = &'a (dyn Error + 'static)> {
    std::iter::successors(Some(error), |&error| error.source())
}

/// A non-success status, with the server's explanation when the body has one.
pub(crate) fn status_error(status: StatusCode, url: &str, body: &str) -> LlmError {
    let kind = match status.as_u16() {
        401 | 403 => LlmErrorKind::Auth,
        404 => LlmErrorKind::NotFound,
        429 => LlmErrorKind::RateLimited,
        500..=599 => LlmErrorKind::Server,
        _ => LlmErrorKind::BadRequest,
    };
    let mut message = match status.canonical_reason() {
        Some(reason) => format!("{} {reason} from {url}", status.as_u16()),
        None => format!("{} from {url}", status.as_u16()),
    };
    if let Some(detail) = server_message(body) {
        message.push_str(": ");
        message.push_str(&detail);
    }
    LlmError::new(kind, message)
}

/// The explanation in an error body: the JSON message fields providers use, or the plain text.
pub(crate) fn server_message(body: &str) -> Option<String> {
    let body = body.trim();
    if body.is_empty() {
        return None;
    }
    let from_json = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|json| json_message(&json));
    Some(from_json.unwrap_or_else(|| shorten(body)))
}

/// `{"error":{"type":..,"message":..}}` (OpenAI, Anthropic), `{"error":".."}` (Ollama),
/// `{"message":..}` or `{"detail":..}` (various proxies).
pub(crate) fn json_message(json: &Value) -> Option<String> {
    let error = json.get("error").unwrap_or(json);
    if let Some(text) = error.as_str() {
        return Some(shorten(text));
    }
    let message = error
        .get("message")
        .or_else(|| error.get("detail"))
        .and_then(Value::as_str)?;
    Some(match error.get("type").and_then(Value::as_str) {
        Some(kind) => shorten(&format!("{kind}: {message}")),
        None => shorten(message),
    })
}

/// Seconds from a `Retry-After` header; HTTP dates are left to the backoff.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let seconds: f64 = value.parse().ok()?;
    Duration::try_from_secs_f64(seconds).ok()
}

/// Whitespace collapsed, cut to a line's length on a character boundary.
pub(crate) fn shorten(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match collapsed.char_indices().nth(DETAIL_LIMIT) {
        Some((end, _)) => format!("{}…", &collapsed[..end]),
        None => collapsed,
    }
}

#[cfg(test)]
mod tests {
    use std::fmt;

    use super::*;

    /// Stands in for hyper-util's connect error, which is not constructible outside it.
    #[derive(Debug)]
    struct Layer(&'static str, Box<dyn Error + Send + Sync>);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl Error for Layer {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(self.1.as_ref())
        }
    }

    #[test]
    fn dns_failures_name_the_resolver_error() {
        let resolver = io::Error::other("failed to lookup address information");
        let error = Layer(
            "client error (Connect)",
            Box::new(Layer("dns error", resolver.into())),
        );
        let classified = classify_transport(&error, "http://nowhere.invalid/v1");
        assert_eq!(classified.kind, LlmErrorKind::Dns);
        assert_eq!(
            classified.message,
            "cannot resolve the host of http://nowhere.invalid/v1: failed to lookup address information"
        );
    }

    #[test]
    fn refused_connections_are_found_below_the_wrappers() {
        let refused = io::Error::from(io::ErrorKind::ConnectionRefused);
        let error = Layer("tcp connect error", Box::new(refused));
        assert_eq!(
            classify_transport(&error, "http://127.0.0.1:9/v1").kind,
            LlmErrorKind::ConnectionRefused
        );
    }

    #[test]
    fn other_transport_errors_keep_the_innermost_cause() {
        let error = Layer("client error", Box::new(io::Error::other("reset by peer")));
        let classified = classify_transport(&error, "http://h/v1");
        assert_eq!(classified.kind, LlmErrorKind::Connect);
        assert_eq!(
            classified.message,
            "cannot reach http://h/v1: reset by peer"
        );
    }

    #[test]
    fn statuses_map_to_kinds() {
        let kind = |code| status_error(StatusCode::from_u16(code).expect("status"), "u", "").kind;
        assert_eq!(kind(401), LlmErrorKind::Auth);
        assert_eq!(kind(403), LlmErrorKind::Auth);
        assert_eq!(kind(404), LlmErrorKind::NotFound);
        assert_eq!(kind(429), LlmErrorKind::RateLimited);
        assert_eq!(kind(503), LlmErrorKind::Server);
        assert_eq!(kind(529), LlmErrorKind::Server);
        assert_eq!(kind(400), LlmErrorKind::BadRequest);
    }

    #[test]
    fn server_messages_come_from_the_usual_json_shapes() {
        assert_eq!(
            server_message(
                r#"{"error":{"message":"no such model","type":"invalid_request_error"}}"#
            ),
            Some("invalid_request_error: no such model".into())
        );
        assert_eq!(
            server_message(r#"{"error":"model 'x' not found"}"#),
            Some("model 'x' not found".into())
        );
        assert_eq!(server_message(r#"{"detail":"nope"}"#), Some("nope".into()));
        assert_eq!(
            server_message("  upstream\n  down "),
            Some("upstream down".into())
        );
        assert_eq!(server_message(" "), None);
    }

    #[test]
    fn long_details_are_cut_on_a_character_boundary() {
        let long = "é".repeat(DETAIL_LIMIT + 10);
        let short = shorten(&long);
        assert_eq!(short.chars().count(), DETAIL_LIMIT + 1);
        assert!(short.ends_with('…'));
    }

    #[test]
    fn retry_after_reads_seconds() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, "2".parse().expect("header"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(2)));
        headers.insert(RETRY_AFTER, "0.5".parse().expect("header"));
        assert_eq!(retry_after(&headers), Some(Duration::from_millis(500)));
        headers.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().expect("header"),
        );
        assert_eq!(retry_after(&headers), None);
    }
}
