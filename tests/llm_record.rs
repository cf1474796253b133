//! Recording: a stream from a loopback server is written as JSONL that replays identically.
#![allow(clippy::unwrap_used)]

#[path = "support/llm_server.rs"]
mod llm_server;

use std::sync::Arc;

use futures::StreamExt;
use kubevibe::llm::openai::OpenAiProvider;
use kubevibe::llm::record::RecordingProvider;
use kubevibe::llm::replay::ReplayProvider;
use kubevibe::llm::{
    ChatMessage, ChatRequest, LlmErrorKind, LlmEvent, Provider, ProviderKind, Role,
};
use llm_server::*;
use serde_json::json;

fn ask(question: &str) -> ChatRequest {
    ChatRequest {
        system: None,
        messages: vec![ChatMessage {
            role: Role::User,
            content: question.into(),
        }],
        ..ChatRequest::default()
    }
}

fn token(text: &str) -> String {
    format!(
        "data: {}\n\n",
        json!({"choices":[{"delta":{"content":text}}]})
    )
}

const USAGE: &str =
    "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3}}\n\n";
const DONE: &str = "data: [DONE]\n\n";

fn openai(base_url: &str) -> Arc<dyn Provider> {
    let provider = OpenAiProvider::new(&settings(
        ProviderKind::OpenAi,
        base_url,
        Some("sk-rec-key-0123456789"),
    ))
    .unwrap()
    .with_retry_policy(fast_retries(1));
    Arc::new(provider)
}

#[tokio::test]
async fn a_recorded_session_replays_the_same_events() {
    let replies = vec![
        Reply::status("503 Service Unavailable", &[("retry-after", "0")], ""),
        Reply::sse(&[
            &token("Pods"),
            &token(" restart: "),
            &token("日本"),
            USAGE,
            DONE,
        ]),
        Reply::sse_then_cut(&[&token("cut")]),
    ];
    let server = LlmServer::start("/v1", replies).await;
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("session.jsonl");
    let recorder = RecordingProvider::new(openai(&server.base_url), path.clone());

    let first = collect(recorder.stream(ask("Why do pods restart?"))).await;
    let second = collect(recorder.stream(ask("and then?"))).await;
    recorder.flushed().await;

    assert!(
        matches!(first[0], LlmEvent::Retrying { attempt: 1, .. }),
        "{first:?}"
    );
    assert_eq!(text_of(&first), "Pods restart: 日本");
    assert_error_kind(&second, LlmErrorKind::Truncated);

    let text = std::fs::read_to_string(&path).unwrap();
    let replay = ReplayProvider::from_jsonl("session.jsonl", &text, f64::INFINITY).unwrap();
    assert_eq!(replay.turn_count(), 2);
    assert_eq!(
        collect(replay.stream(ask("why do pods restart?"))).await,
        first
    );
    assert_eq!(collect(replay.stream(ask("and then?"))).await, second);
    assert!(!text.contains("sk-rec-key-0123456789"));
}

#[cfg(unix)]
#[tokio::test]
async fn the_recording_is_private_and_appended_to() {
    use std::os::unix::fs::PermissionsExt;

    let replies = vec![
        Reply::sse(&[&token("one"), DONE]),
        Reply::sse(&[&token("two"), DONE]),
    ];
    let server = LlmServer::start("/v1", replies).await;
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("session.jsonl");
    let recorder = RecordingProvider::new(openai(&server.base_url), path.clone());
    collect(recorder.stream(ask("first"))).await;
    recorder.flushed().await;

    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);

    // A second recorder (a later run) appends rather than truncating.
    let again = RecordingProvider::new(openai(&server.base_url), path.clone());
    collect(again.stream(ask("second"))).await;
    again.flushed().await;
    let text = std::fs::read_to_string(&path).unwrap();
    let prompts: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with("{\"turn\""))
        .collect();
    assert_eq!(
        prompts,
        [
            "{\"turn\":{\"prompt\":\"first\"}}",
            "{\"turn\":{\"prompt\":\"second\"}}"
        ]
    );
}

#[tokio::test]
async fn a_file_that_cannot_be_written_never_disturbs_the_stream() {
    let server = LlmServer::start(
        "/v1",
        vec![Reply::sse(&[&token("still"), &token(" here"), DONE])],
    )
    .await;
    let directory = tempfile::tempdir().unwrap();
    let unwritable = directory
        .path()
        .join("missing-directory")
        .join("session.jsonl");
    let recorder = RecordingProvider::new(openai(&server.base_url), unwritable.clone());

    let events = collect(recorder.stream(ask("q"))).await;
    recorder.flushed().await;

    assert_eq!(
        events,
        [
            LlmEvent::Token("still".into()),
            LlmEvent::Token(" here".into()),
            LlmEvent::Done
        ]
    );
    assert!(!unwritable.exists());
}

#[tokio::test]
async fn a_cancelled_stream_records_what_it_delivered() {
    let server = LlmServer::start("/v1", vec![Reply::sse_then_stall(&[&token("begun")])]).await;
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("session.jsonl");
    let recorder = RecordingProvider::new(openai(&server.base_url), path.clone());

    let mut stream = recorder.stream(ask("q"));
    assert_eq!(stream.next().await, Some(LlmEvent::Token("begun".into())));
    drop(stream);
    recorder.flushed().await;

    let text = std::fs::read_to_string(&path).unwrap();
    let replay = ReplayProvider::from_jsonl("session.jsonl", &text, f64::INFINITY).unwrap();
    let events = collect(replay.stream(ask("q"))).await;
    assert_eq!(events[0], LlmEvent::Token("begun".into()));
    assert_error_kind(&events, LlmErrorKind::Truncated);
}
