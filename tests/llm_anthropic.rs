//! The Anthropic Messages provider against a byte-exact loopback server.
#![allow(clippy::unwrap_used)]

#[path = "support/llm_server.rs"]
mod llm_server;

use std::time::Duration;

use kubevibe::llm::anthropic::AnthropicProvider;
use kubevibe::llm::{
    ChatMessage, ChatRequest, LlmErrorKind, LlmEvent, Provider, ProviderKind, Role, Usage,
};
use llm_server::*;
use serde_json::json;

const KEY: &str = "sk-ant-api03-Zq8Xw7Vu6Ts5Rq4Po3";

fn provider(base_url: &str, key: Option<&str>, retries: u32) -> AnthropicProvider {
    AnthropicProvider::new(&settings(ProviderKind::Anthropic, base_url, key))
        .unwrap()
        .with_retry_policy(fast_retries(retries))
}

fn ask(question: &str) -> ChatRequest {
    ChatRequest {
        system: Some("You are an on-call assistant.".into()),
        messages: vec![ChatMessage {
            role: Role::User,
            content: question.into(),
        }],
        max_tokens: None,
        temperature: None,
        response_format: None,
    }
}

fn event(name: &str, data: serde_json::Value) -> String {
    format!("event: {name}\ndata: {data}\n\n")
}

fn message_start() -> String {
    event(
        "message_start",
        json!({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"test-model","stop_reason":null,"usage":{"input_tokens":25,"output_tokens":1}}}),
    )
}

fn block_start() -> String {
    event(
        "content_block_start",
        json!({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}),
    )
}

fn text(piece: &str) -> String {
    event(
        "content_block_delta",
        json!({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":piece}}),
    )
}

fn block_stop() -> String {
    event(
        "content_block_stop",
        json!({"type":"content_block_stop","index":0}),
    )
}

fn message_delta() -> String {
    event(
        "message_delta",
        json!({"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}),
    )
}

fn message_stop() -> String {
    event("message_stop", json!({"type":"message_stop"}))
}

fn ping() -> String {
    event("ping", json!({"type":"ping"}))
}

fn error_event(kind: &str, message: &str) -> String {
    event(
        "error",
        json!({"type":"error","error":{"type":kind,"message":message}}),
    )
}

fn full_answer(pieces: &[&str]) -> Vec<String> {
    let mut events = vec![message_start(), block_start(), ping()];
    events.extend(pieces.iter().map(|piece| text(piece)));
    events.extend([block_stop(), message_delta(), message_stop()]);
    events
}

fn as_strs(events: &[String]) -> Vec<&str> {
    events.iter().map(String::as_str).collect()
}

#[tokio::test]
async fn streams_tokens_and_usage_until_message_stop() {
    let answer = full_answer(&["Check", " the", " events."]);
    let mut server = LlmServer::start("", vec![Reply::sse_until_close(&as_strs(&answer))]).await;
    let events =
        collect(provider(&server.base_url, Some(KEY), 2).stream(ask("where to start?"))).await;

    assert_eq!(
        events,
        [
            LlmEvent::Usage(Usage {
                input_tokens: 25,
                output_tokens: 1
            }),
            LlmEvent::Token("Check".into()),
            LlmEvent::Token(" the".into()),
            LlmEvent::Token(" events.".into()),
            LlmEvent::Usage(Usage {
                input_tokens: 25,
                output_tokens: 15
            }),
            LlmEvent::Done,
        ]
    );
    let request = server.next_request().await;
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/messages");
    assert_eq!(request.header("x-api-key"), Some(KEY));
    assert_eq!(request.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("authorization"), None);
    assert_eq!(
        request.json(),
        json!({
            "model": "test-model",
            "max_tokens": 4096,
            "system": "You are an on-call assistant.",
            "messages": [{"role": "user", "content": "where to start?"}],
            "stream": true,
        })
    );
}

#[tokio::test]
async fn sends_the_requested_max_tokens_and_temperature() {
    let answer = full_answer(&["ok"]);
    let mut server = LlmServer::start("", vec![Reply::sse(&as_strs(&answer))]).await;
    let request = ChatRequest {
        max_tokens: Some(300),
        temperature: Some(0.5),
        ..ask("short please")
    };
    let events = collect(provider(&server.base_url, Some(KEY), 0).stream(request)).await;

    assert_eq!(events.last(), Some(&LlmEvent::Done));
    let body = server.next_request().await.json();
    assert_eq!(body["max_tokens"], 300);
    assert_eq!(body["temperature"], 0.5);
}

#[tokio::test]
async fn decodes_events_split_across_writes_and_inside_characters() {
    let text = as_strs(&full_answer(&["naïve ", "東京 ", "🦀"])).concat();
    let crab = text.find('🦀').unwrap();
    let mut cuts = inside_each(&text, &['ï', '東', '京']);
    cuts.extend([crab + 1, crab + 2, crab + 3]);
    cuts.push(text.find("event: content_block_delta").unwrap() + 3);
    cuts.sort_unstable();
    let server = LlmServer::start("", vec![Reply::sse_bytes(cut_bytes(&text, &cuts))]).await;
    let events = collect(provider(&server.base_url, None, 0).stream(ask("hi"))).await;

    assert_eq!(text_of(&events), "naïve 東京 🦀");
    assert_eq!(events.last(), Some(&LlmEvent::Done));
}

#[tokio::test]
async fn data_that_is_not_json_is_a_bad_chunk() {
    let mut answer = vec![
        message_start(),
        text("fine"),
        "event: content_block_delta\ndata: {oops\n\n".to_owned(),
    ];
    answer.push(message_stop());
    let server = LlmServer::start("", vec![Reply::sse(&as_strs(&answer))]).await;
    let events = collect(provider(&server.base_url, None, 0).stream(ask("hi"))).await;

    assert_eq!(text_of(&events), "fine");
    let error = assert_error_kind(&events, LlmErrorKind::BadChunk);
    assert!(error.message.contains("{oops"), "{}", error.message);
}

#[tokio::test]
async fn retries_a_429_then_streams() {
    let answer = full_answer(&["later"]);
    let replies = vec![
        Reply::status(
            "429 Too Many Requests",
            &[("retry-after", "0"), ("content-type", "application/json")],
            r#"{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}"#,
        ),
        Reply::sse(&as_strs(&answer)),
    ];
    let server = LlmServer::start("", replies).await;
    let events = collect(provider(&server.base_url, Some(KEY), 2).stream(ask("hi"))).await;

    match &events[0] {
        LlmEvent::Retrying {
            attempt: 1,
            delay,
            reason,
        } => {
            assert_eq!(*delay, Duration::ZERO);
            assert!(reason.contains("rate_limit_error"), "{reason}");
        }
        other => panic!("expected Retrying first, got {other:?}"),
    }
    assert_eq!(text_of(&events), "later");
    assert_eq!(events.last(), Some(&LlmEvent::Done));
}

#[tokio::test]
async fn gives_up_on_5xx_after_every_retry() {
    let overloaded =
        json!({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}});
    let replies = vec![
        Reply::json_status(
            "500 Internal Server Error",
            &json!({"type":"error","error":{"type":"api_error","message":"Internal server error"}}),
        ),
        Reply::json_status("529 Overloaded", &overloaded),
    ];
    let mut server = LlmServer::start("", replies).await;
    let events = collect(provider(&server.base_url, None, 1).stream(ask("hi"))).await;

    assert!(
        matches!(events[0], LlmEvent::Retrying { attempt: 1, .. }),
        "{events:?}"
    );
    let error = assert_error_kind(&events, LlmErrorKind::Server);
    assert!(
        error.message.contains("overloaded_error: Overloaded"),
        "{}",
        error.message
    );
    server.next_request().await;
    server.next_request().await;
    assert!(server.requests_so_far().is_empty());
}

#[tokio::test]
async fn unauthorized_never_shows_the_key() {
    let echo = json!({"type":"error","error":{"type":"authentication_error","message":format!("invalid x-api-key: {KEY}")}});
    let server = LlmServer::start("", vec![Reply::json_status("401 Unauthorized", &echo)]).await;
    let events = collect(provider(&server.base_url, Some(KEY), 2).stream(ask("hi"))).await;

    assert_eq!(events.len(), 1);
    let error = assert_error_kind(&events, LlmErrorKind::Auth);
    assert!(
        error
            .message
            .contains("authentication_error: invalid x-api-key"),
        "{}",
        error.message
    );
    for shown in [error.to_string(), format!("{events:?}")] {
        assert!(!shown.contains(KEY), "the key leaked: {shown}");
    }
}

#[tokio::test]
async fn not_found_is_reported() {
    let body =
        json!({"type":"error","error":{"type":"not_found_error","message":"model: test-model"}});
    let server = LlmServer::start("", vec![Reply::json_status("404 Not Found", &body)]).await;
    let events = collect(provider(&server.base_url, None, 2).stream(ask("hi"))).await;

    let error = assert_error_kind(&events, LlmErrorKind::NotFound);
    assert!(
        error.message.contains("not_found_error: model: test-model"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn a_stream_ending_before_message_stop_is_truncated() {
    let answer = [message_start(), block_start(), text("so far")];
    let server = LlmServer::start("", vec![Reply::sse_until_close(&as_strs(&answer))]).await;
    let events = collect(provider(&server.base_url, None, 0).stream(ask("hi"))).await;

    assert_eq!(text_of(&events), "so far");
    let error = assert_error_kind(&events, LlmErrorKind::Truncated);
    assert!(error.message.contains("message_stop"), "{}", error.message);
}

#[tokio::test]
async fn a_cut_after_the_first_token_is_never_retried() {
    let first = [message_start(), text("partial")];
    let replies = vec![
        Reply::sse_then_cut(&as_strs(&first)),
        Reply::sse(&as_strs(&full_answer(&["a retry happened"]))),
    ];
    let mut server = LlmServer::start("", replies).await;
    let events = collect(provider(&server.base_url, None, 3).stream(ask("hi"))).await;

    assert!(
        !events
            .iter()
            .any(|event| matches!(event, LlmEvent::Retrying { .. })),
        "{events:?}"
    );
    assert_eq!(text_of(&events), "partial");
    assert_error_kind(&events, LlmErrorKind::Truncated);
    server.next_request().await;
    assert!(
        server.requests_so_far().is_empty(),
        "the request was sent again"
    );
}

#[tokio::test]
async fn a_silent_server_hits_the_idle_timeout() {
    let start = [message_start(), text("thinking")];
    let mut server = LlmServer::start("", vec![Reply::sse_then_stall(&as_strs(&start))]).await;
    let mut settings = settings(ProviderKind::Anthropic, &server.base_url, None);
    settings.idle_timeout = Duration::from_millis(200);
    let events = collect(AnthropicProvider::new(&settings).unwrap().stream(ask("hi"))).await;

    // The silence after the token is what times out; only on a badly loaded machine could the
    // token itself take longer than the timeout, so it is kept if it came and not required.
    assert!(
        ["thinking", ""].contains(&text_of(&events).as_str()),
        "{events:?}"
    );
    assert_error_kind(&events, LlmErrorKind::IdleTimeout);
    server.next_request().await;
    assert!(matches!(
        server.next_seen().await,
        Seen::ClientClosed { .. }
    ));
}

#[tokio::test]
async fn connection_refused_is_named() {
    let base_url = dead_port_url("").await;
    let events = collect(provider(&base_url, None, 0).stream(ask("hi"))).await;

    let error = assert_error_kind(&events, LlmErrorKind::ConnectionRefused);
    assert!(error.message.contains(&base_url), "{}", error.message);
}

#[tokio::test]
async fn an_answer_without_text_is_empty() {
    let answer = full_answer(&[]);
    let server = LlmServer::start("", vec![Reply::sse(&as_strs(&answer))]).await;
    let events = collect(provider(&server.base_url, None, 0).stream(ask("hi"))).await;

    assert_error_kind(&events, LlmErrorKind::Empty);
    assert_eq!(text_of(&events), "");
}

#[tokio::test]
async fn an_error_event_mid_stream_keeps_the_tokens_and_names_the_error() {
    let answer = [
        message_start(),
        block_start(),
        text("The pod"),
        error_event("overloaded_error", "Overloaded"),
    ];
    let replies = vec![
        Reply::sse(&as_strs(&answer)),
        Reply::sse(&as_strs(&full_answer(&["a retry happened"]))),
    ];
    let mut server = LlmServer::start("", replies).await;
    let events = collect(provider(&server.base_url, None, 3).stream(ask("hi"))).await;

    assert_eq!(text_of(&events), "The pod");
    let error = assert_error_kind(&events, LlmErrorKind::Stream);
    assert_eq!(error.message, "overloaded_error: Overloaded");
    server.next_request().await;
    assert!(
        server.requests_so_far().is_empty(),
        "no retry after the first token"
    );
}
