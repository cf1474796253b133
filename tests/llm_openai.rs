//! The OpenAI-compatible provider against a byte-exact loopback server.
#![allow(clippy::unwrap_used)]

#[path = "support/llm_server.rs"]
mod llm_server;

use std::time::Duration;

use futures::StreamExt;
use kubevibe::llm::openai::OpenAiProvider;
use kubevibe::llm::{
    ChatMessage, ChatRequest, LlmErrorKind, LlmEvent, Provider, ProviderKind, Role, Usage,
};
use llm_server::*;
use serde_json::{Value, json};

const KEY: &str = "sk-test-4f9a8b7c6d5e4f3a2b1c";

fn provider(base_url: &str, key: Option<&str>, retries: u32) -> OpenAiProvider {
    OpenAiProvider::new(&settings(ProviderKind::OpenAi, base_url, key))
        .unwrap()
        .with_retry_policy(fast_retries(retries))
}

fn ask(question: &str) -> ChatRequest {
    ChatRequest {
        system: Some("You are an on-call assistant.".into()),
        messages: vec![
            ChatMessage {
                role: Role::User,
                content: "hi".into(),
            },
            ChatMessage {
                role: Role::Assistant,
                content: "Hello.".into(),
            },
            ChatMessage {
                role: Role::User,
                content: question.into(),
            },
        ],
        max_tokens: Some(512),
        temperature: Some(0.25),
        response_format: None,
    }
}

fn token(text: &str) -> String {
    format!(
        "data: {}\n\n",
        json!({"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":text},"finish_reason":null}]})
    )
}

const ROLE_CHUNK: &str = "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n";
const USAGE_CHUNK: &str = "data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":31,\"completion_tokens\":3,\"total_tokens\":34}}\n\n";
const DONE: &str = "data: [DONE]\n\n";

#[tokio::test]
async fn streams_tokens_then_usage_then_done() {
    let reply = Reply::sse(&[
        ROLE_CHUNK,
        &token("Pods"),
        &token(" are"),
        &token(" fine."),
        USAGE_CHUNK,
        DONE,
    ]);
    let mut server = LlmServer::start("/v1", vec![reply]).await;
    let events = collect(provider(&server.base_url, Some(KEY), 2).stream(ask("status?"))).await;

    assert_eq!(
        events,
        [
            LlmEvent::Token("Pods".into()),
            LlmEvent::Token(" are".into()),
            LlmEvent::Token(" fine.".into()),
            LlmEvent::Usage(Usage {
                input_tokens: 31,
                output_tokens: 3
            }),
            LlmEvent::Done,
        ]
    );
    let request = server.next_request().await;
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/chat/completions");
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("accept"), Some("text/event-stream"));
    assert_eq!(
        request.json(),
        json!({
            "model": "test-model",
            "messages": [
                {"role": "system", "content": "You are an on-call assistant."},
                {"role": "user", "content": "hi"},
                {"role": "assistant", "content": "Hello."},
                {"role": "user", "content": "status?"},
            ],
            "stream": true,
            "stream_options": {"include_usage": true},
            "max_tokens": 512,
            "temperature": 0.25,
        })
    );
}

#[tokio::test]
async fn sends_no_authorization_without_a_key() {
    let mut server = LlmServer::start("/v1", vec![Reply::sse(&[&token("ok"), DONE])]).await;
    let request = ChatRequest {
        messages: vec![ChatMessage {
            role: Role::User,
            content: "ping".into(),
        }],
        ..ChatRequest::default()
    };
    let events = collect(provider(&server.base_url, None, 0).stream(request)).await;

    assert_eq!(events, [LlmEvent::Token("ok".into()), LlmEvent::Done]);
    let captured = server.next_request().await;
    assert_eq!(captured.header("authorization"), None);
    let body = captured.json();
    assert_eq!(
        body["messages"],
        json!([{"role": "user", "content": "ping"}])
    );
    assert!(
        body.get("max_tokens").is_none() && body.get("temperature").is_none(),
        "{body}"
    );
}

#[tokio::test]
async fn decodes_events_split_across_writes_and_inside_characters() {
    let text = format!("{}{}{}{DONE}", token("café "), token("日本 "), token("🚀!"));
    let rocket = text.find('🚀').unwrap();
    let mut cuts = inside_each(&text, &['é', '日', '本']);
    cuts.extend([rocket + 1, rocket + 2, rocket + 3]);
    cuts.push(2); // inside "data:"
    let first_blank_line = text.find("\n\n").unwrap();
    cuts.push(first_blank_line + 1); // between the two newlines that end an event
    cuts.sort_unstable();
    let server = LlmServer::start("/v1", vec![Reply::sse_bytes(cut_bytes(&text, &cuts))]).await;
    let events = collect(provider(&server.base_url, None, 0).stream(ask("hi"))).await;

    assert_eq!(
        events,
        [
            LlmEvent::Token("café ".into()),
            LlmEvent::Token("日本 ".into()),
            LlmEvent::Token("🚀!".into()),
            LlmEvent::Done,
        ]
    );
}

#[tokio::test]
async fn a_chunk_that_is_not_json_is_a_bad_chunk_after_the_tokens() {
    let reply = Reply::sse(&[
        &token("one"),
        "data: <html>oops</html>\n\n",
        &token("two"),
        DONE,
    ]);
    let server = LlmServer::start("/v1", vec![reply]).await;
    let events = collect(provider(&server.base_url, None, 0).stream(ask("hi"))).await;

    assert_eq!(events[0], LlmEvent::Token("one".into()));
    let error = assert_error_kind(&events, LlmErrorKind::BadChunk);
    assert!(
        error.message.contains("<html>oops</html>"),
        "{}",
        error.message
    );
    assert_eq!(events.len(), 2);
}

#[tokio::test]
async fn retries_a_429_then_streams() {
    let replies = vec![
        Reply::status(
            "429 Too Many Requests",
            &[("retry-after", "0"), ("content-type", "application/json")],
            r#"{"error":{"message":"Rate limit reached","type":"requests"}}"#,
        ),
        Reply::sse(&[&token("after wait"), DONE]),
    ];
    let mut server = LlmServer::start("/v1", replies).await;
    let events = collect(provider(&server.base_url, Some(KEY), 2).stream(ask("hi"))).await;

    match &events[0] {
        LlmEvent::Retrying {
            attempt,
            delay,
            reason,
        } => {
            assert_eq!(*attempt, 1);
            assert_eq!(
                *delay,
                Duration::ZERO,
                "Retry-After: 0 replaces the backoff"
            );
            assert!(
                reason.contains("429") && reason.contains("Rate limit reached"),
                "{reason}"
            );
        }
        other => panic!("expected Retrying first, got {other:?}"),
    }
    assert_eq!(
        &events[1..],
        [LlmEvent::Token("after wait".into()), LlmEvent::Done]
    );
    server.next_request().await;
    server.next_request().await;
}

#[tokio::test]
async fn gives_up_on_500_after_every_retry() {
    let retries = 2;
    let replies = (0..=retries)
        .map(|_| Reply::json_status("500 Internal Server Error", &json!({"error": "boom"})))
        .collect();
    let mut server = LlmServer::start("/v1", replies).await;
    let events = collect(provider(&server.base_url, None, retries).stream(ask("hi"))).await;

    let attempts: Vec<u32> = events
        .iter()
        .filter_map(|event| match event {
            LlmEvent::Retrying { attempt, .. } => Some(*attempt),
            _ => None,
        })
        .collect();
    assert_eq!(attempts, [1, 2]);
    let error = assert_error_kind(&events, LlmErrorKind::Server);
    assert!(
        error.message.contains("500") && error.message.contains("boom"),
        "{}",
        error.message
    );
    assert!(
        error.message.contains("after 2 retries"),
        "{}",
        error.message
    );
    for _ in 0..=retries {
        server.next_request().await;
    }
    assert!(
        server.requests_so_far().is_empty(),
        "no request beyond max_retries + 1"
    );
}

#[tokio::test]
async fn reports_rate_limited_once_retries_run_out() {
    let replies = (0..2)
        .map(|_| Reply::status("429 Too Many Requests", &[("retry-after", "0")], ""))
        .collect();
    let server = LlmServer::start("/v1", replies).await;
    let events = collect(provider(&server.base_url, None, 1).stream(ask("hi"))).await;

    assert!(
        matches!(events[0], LlmEvent::Retrying { attempt: 1, .. }),
        "{events:?}"
    );
    assert_error_kind(&events, LlmErrorKind::RateLimited);
}

#[tokio::test]
async fn unauthorized_keeps_the_server_message_but_never_the_key() {
    let echo = json!({"error": {
        "message": format!("Incorrect API key provided: {KEY}. You can find your key at https://platform.example/keys."),
        "type": "invalid_request_error",
        "code": "invalid_api_key",
    }});
    let server = LlmServer::start("/v1", vec![Reply::json_status("401 Unauthorized", &echo)]).await;
    let events = collect(provider(&server.base_url, Some(KEY), 2).stream(ask("hi"))).await;

    assert_eq!(events.len(), 1, "401 is not retried: {events:?}");
    let error = assert_error_kind(&events, LlmErrorKind::Auth);
    assert!(
        error.message.contains("401 Unauthorized"),
        "{}",
        error.message
    );
    assert!(
        error.message.contains("Incorrect API key provided"),
        "{}",
        error.message
    );
    for shown in [
        error.message.clone(),
        error.to_string(),
        format!("{events:?}"),
    ] {
        assert!(!shown.contains(KEY), "the key leaked: {shown}");
        assert!(
            !shown.contains(&KEY[..12]),
            "part of the key leaked: {shown}"
        );
    }
}

#[tokio::test]
async fn not_found_names_the_model_problem() {
    let body = json!({"error": {"message": "The model `test-model` does not exist", "type": "invalid_request_error"}});
    let server = LlmServer::start("/v1", vec![Reply::json_status("404 Not Found", &body)]).await;
    let events = collect(provider(&server.base_url, None, 2).stream(ask("hi"))).await;

    let error = assert_error_kind(&events, LlmErrorKind::NotFound);
    assert!(
        error.message.contains("does not exist"),
        "{}",
        error.message
    );
    assert_eq!(events.len(), 1);
}

#[tokio::test]
async fn a_stream_ending_before_done_keeps_tokens_then_is_truncated() {
    let server = LlmServer::start(
        "/v1",
        vec![Reply::sse(&[&token("half"), &token(" an answer")])],
    )
    .await;
    let events = collect(provider(&server.base_url, None, 0).stream(ask("hi"))).await;

    assert_eq!(text_of(&events), "half an answer");
    let error = assert_error_kind(&events, LlmErrorKind::Truncated);
    assert!(error.message.contains("[DONE]"), "{}", error.message);
}

#[tokio::test]
async fn a_connection_cut_mid_body_is_truncated_and_not_retried() {
    let replies = vec![
        Reply::sse_then_cut(&[&token("first")]),
        Reply::sse(&[&token("a retry happened"), DONE]),
    ];
    let mut server = LlmServer::start("/v1", replies).await;
    let events = collect(provider(&server.base_url, None, 3).stream(ask("hi"))).await;

    assert_eq!(events[0], LlmEvent::Token("first".into()));
    assert_error_kind(&events, LlmErrorKind::Truncated);
    assert_eq!(
        events.len(),
        2,
        "no Retrying after the first token: {events:?}"
    );
    server.next_request().await;
    assert!(
        server.requests_so_far().is_empty(),
        "the request was sent again"
    );
}

#[tokio::test]
async fn a_silent_server_hits_the_idle_timeout() {
    let mut server =
        LlmServer::start("/v1", vec![Reply::sse_then_stall(&[&token("waiting")])]).await;
    let mut settings = settings(ProviderKind::OpenAi, &server.base_url, None);
    settings.idle_timeout = Duration::from_millis(200);
    let provider = OpenAiProvider::new(&settings).unwrap();
    let events = collect(provider.stream(ask("hi"))).await;

    // The silence after the token is what times out; only on a badly loaded machine could the
    // token itself take longer than the timeout, so it is kept if it came and not required.
    assert!(
        ["waiting", ""].contains(&text_of(&events).as_str()),
        "{events:?}"
    );
    let error = assert_error_kind(&events, LlmErrorKind::IdleTimeout);
    assert!(error.message.contains("0.2 s"), "{}", error.message);
    server.next_request().await;
    assert!(matches!(
        server.next_seen().await,
        Seen::ClientClosed { .. }
    ));
}

#[tokio::test]
async fn dropping_the_stream_closes_the_connection() {
    let mut server = LlmServer::start("/v1", vec![Reply::sse_then_stall(&[&token("first")])]).await;
    let provider = provider(&server.base_url, None, 0);
    let mut stream = provider.stream(ask("hi"));

    assert_eq!(stream.next().await, Some(LlmEvent::Token("first".into())));
    drop(stream);
    server.next_request().await;
    assert!(matches!(
        server.next_seen().await,
        Seen::ClientClosed { .. }
    ));
}

#[tokio::test]
async fn connection_refused_is_retried_then_named() {
    let base_url = dead_port_url("/v1").await;
    let events = collect(provider(&base_url, None, 1).stream(ask("hi"))).await;

    assert!(
        matches!(events[0], LlmEvent::Retrying { attempt: 1, .. }),
        "{events:?}"
    );
    let error = assert_error_kind(&events, LlmErrorKind::ConnectionRefused);
    assert!(error.message.contains(&base_url), "{}", error.message);
}

#[tokio::test]
async fn an_unresolvable_host_is_a_dns_error() {
    let base_url = "http://kubevibe-llm-test.nonexistent.invalid/v1";
    let events = collect(provider(base_url, None, 0).stream(ask("hi"))).await;

    let error = assert_error_kind(&events, LlmErrorKind::Dns);
    assert!(
        error
            .message
            .contains("kubevibe-llm-test.nonexistent.invalid"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn done_without_text_is_an_empty_reply() {
    let server = LlmServer::start("/v1", vec![Reply::sse(&[ROLE_CHUNK, USAGE_CHUNK, DONE])]).await;
    let events = collect(provider(&server.base_url, None, 0).stream(ask("hi"))).await;

    assert_eq!(
        events[0],
        LlmEvent::Usage(Usage {
            input_tokens: 31,
            output_tokens: 3
        })
    );
    assert_error_kind(&events, LlmErrorKind::Empty);
}

#[tokio::test]
async fn an_error_object_mid_stream_ends_it() {
    let error_chunk =
        "data: {\"error\":{\"message\":\"Provider returned error\",\"code\":502}}\n\n";
    let server = LlmServer::start("/v1", vec![Reply::sse(&[&token("par"), error_chunk])]).await;
    let events = collect(provider(&server.base_url, None, 0).stream(ask("hi"))).await;

    assert_eq!(events[0], LlmEvent::Token("par".into()));
    let error = assert_error_kind(&events, LlmErrorKind::Stream);
    assert!(
        error.message.contains("Provider returned error"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn a_server_rejecting_stream_options_gets_one_request_without_it() {
    let rejection = json!({"error": {"message": "Unrecognized request argument supplied: stream_options", "type": "invalid_request_error"}});
    let replies = vec![
        Reply::json_status("400 Bad Request", &rejection),
        Reply::sse(&[&token("compatible"), DONE]),
        Reply::sse(&[&token("again"), DONE]),
    ];
    let mut server = LlmServer::start("/v1", replies).await;
    let provider = provider(&server.base_url, None, 0);

    let first = collect(provider.stream(ask("hi"))).await;
    assert_eq!(
        first,
        [LlmEvent::Token("compatible".into()), LlmEvent::Done]
    );
    assert!(
        server
            .next_request()
            .await
            .json()
            .get("stream_options")
            .is_some()
    );
    assert!(
        server
            .next_request()
            .await
            .json()
            .get("stream_options")
            .is_none()
    );

    let second = collect(provider.stream(ask("hi"))).await;
    assert_eq!(second, [LlmEvent::Token("again".into()), LlmEvent::Done]);
    let later = server.next_request().await;
    assert!(
        later.json().get("stream_options").is_none(),
        "the refusal is remembered"
    );
}

#[tokio::test]
async fn other_bad_requests_are_not_resent() {
    let body = json!({"error": {"message": "messages: too long", "type": "invalid_request_error"}});
    let mut server =
        LlmServer::start("/v1", vec![Reply::json_status("400 Bad Request", &body)]).await;
    let events = collect(provider(&server.base_url, None, 3).stream(ask("hi"))).await;

    let error = assert_error_kind(&events, LlmErrorKind::BadRequest);
    assert!(error.message.contains("too long"), "{}", error.message);
    server.next_request().await;
    assert!(server.requests_so_far().is_empty());
}

fn ask_for_a_plan(question: &str) -> ChatRequest {
    ChatRequest {
        response_format: Some(kubevibe::llm::ResponseFormat {
            name: "kubevibe_plan".into(),
            schema: json!({"type": "object", "properties": {}, "required": [], "additionalProperties": false}),
        }),
        ..ask(question)
    }
}

#[tokio::test]
async fn a_json_schema_is_sent_as_response_format() {
    let mut server = LlmServer::start("/v1", vec![Reply::sse(&[&token("{}"), DONE])]).await;
    let events = collect(provider(&server.base_url, None, 0).stream(ask_for_a_plan("plan"))).await;

    assert_eq!(events, [LlmEvent::Token("{}".into()), LlmEvent::Done]);
    assert_eq!(
        server.next_request().await.json()["response_format"],
        json!({"type": "json_schema", "json_schema": {
            "name": "kubevibe_plan",
            "schema": {"type": "object", "properties": {}, "required": [], "additionalProperties": false},
            "strict": true,
        }})
    );
}

#[tokio::test]
async fn a_server_refusing_response_format_and_stream_options_gets_neither_then_remembers() {
    let refuse = |field: &str| {
        Reply::json_status(
            "400 Bad Request",
            &json!({"error": {"message": format!("Unrecognized request argument supplied: {field}")}}),
        )
    };
    let replies = vec![
        refuse("response_format"),
        refuse("stream_options"),
        Reply::sse(&[&token("plain"), DONE]),
        Reply::sse(&[&token("again"), DONE]),
    ];
    let mut server = LlmServer::start("/v1", replies).await;
    let provider = provider(&server.base_url, None, 0);

    let first = collect(provider.stream(ask_for_a_plan("hi"))).await;
    assert_eq!(first, [LlmEvent::Token("plain".into()), LlmEvent::Done]);
    let bodies: Vec<Value> = [
        server.next_request().await,
        server.next_request().await,
        server.next_request().await,
    ]
    .iter()
    .map(|request| request.json())
    .collect();
    let has = |body: &Value, field: &str| body.get(field).is_some();
    assert!(has(&bodies[0], "response_format") && has(&bodies[0], "stream_options"));
    assert!(!has(&bodies[1], "response_format") && has(&bodies[1], "stream_options"));
    assert!(!has(&bodies[2], "response_format") && !has(&bodies[2], "stream_options"));

    let second = collect(provider.stream(ask_for_a_plan("hi"))).await;
    assert_eq!(second, [LlmEvent::Token("again".into()), LlmEvent::Done]);
    let later = server.next_request().await.json();
    assert!(
        !has(&later, "response_format") && !has(&later, "stream_options"),
        "both refusals are remembered: {later}"
    );
}
