//! Replay: turn choice, timing at any speed, the built-in demo, and malformed files.
#![allow(clippy::unwrap_used)]

#[path = "support/llm_server.rs"]
mod llm_server;

use std::io::Write;
use std::time::Duration;

use futures::StreamExt;
use kubevibe::agent::parse::{ParseLayer, ParseOutcome, parse_reply};
use kubevibe::agent::policy::{Risk, check_argv, classify};
use kubevibe::agent::schema::{Action, Plan};
use kubevibe::llm::replay::ReplayProvider;
use kubevibe::llm::{
    ChatMessage, ChatRequest, LlmError, LlmErrorKind, LlmEvent, Provider, ProviderKind, Role,
    Usage, build_provider,
};
use llm_server::{collect, settings, text_of};
use tokio::time::Instant;

const RECORDING: &str = r#"{"turn":{"prompt":"Why is checkout crashlooping?"}}
{"delay_ms":100,"token":"OOM"}
{"delay_ms":200,"token":"Killed"}
{"delay_ms":0,"usage":{"input_tokens":10,"output_tokens":2}}
{"delay_ms":0,"done":true}

{"turn":{"prompt":"what should I check first?"}}
{"delay_ms":50,"token":"events"}
{"delay_ms":0,"done":true}
{"turn":{"prompt":"hello"}}
{"delay_ms":10,"token":"hi"}
{"delay_ms":0,"done":true}
"#;

fn ask(question: &str) -> ChatRequest {
    ChatRequest {
        system: Some("system prompt".into()),
        messages: vec![
            ChatMessage {
                role: Role::User,
                content: "earlier question".into(),
            },
            ChatMessage {
                role: Role::Assistant,
                content: "earlier answer".into(),
            },
            ChatMessage {
                role: Role::User,
                content: question.into(),
            },
        ],
        ..ChatRequest::default()
    }
}

fn instant(text: &str) -> ReplayProvider {
    ReplayProvider::from_jsonl("session.jsonl", text, f64::INFINITY).unwrap()
}

fn load_error(text: &str) -> LlmError {
    match ReplayProvider::from_jsonl("broken.jsonl", text, 1.0) {
        Ok(_) => panic!("{text:?} was accepted"),
        Err(error) => error,
    }
}

#[tokio::test]
async fn a_matching_prompt_plays_its_turn() {
    let replay = instant(RECORDING);
    let events = collect(replay.stream(ask("  WHY is   checkout crashlooping? "))).await;

    assert_eq!(
        events,
        [
            LlmEvent::Token("OOM".into()),
            LlmEvent::Token("Killed".into()),
            LlmEvent::Usage(Usage {
                input_tokens: 10,
                output_tokens: 2
            }),
            LlmEvent::Done,
        ]
    );
    assert_eq!(replay.label(), "replay:session.jsonl");
}

#[tokio::test]
async fn other_prompts_play_the_next_unplayed_turn_wrapping_around() {
    let replay = instant(RECORDING);
    let mut answers = Vec::new();
    for question in ["what should I check first?", "???", "???", "???", "???"] {
        answers.push(text_of(&collect(replay.stream(ask(question))).await));
    }
    // "events" matched; then "hi" follows it; then the wrap reaches the first turn; with every
    // turn played, the order starts over after the last one played.
    assert_eq!(answers, ["events", "hi", "OOMKilled", "events", "hi"]);
}

#[tokio::test]
async fn a_planner_message_ending_with_the_prompt_plays_its_turn() {
    let replay = instant(RECORDING);
    let planner_turn = "Cluster: context demo, namespace shop\nMemory: none\nRequest: Hello";
    assert_eq!(
        text_of(&collect(replay.stream(ask(planner_turn))).await),
        "hi"
    );
    // "hello" inside a longer word is not the prompt: the next turn after "hi" plays.
    assert_eq!(
        text_of(&collect(replay.stream(ask("othello"))).await),
        "OOMKilled"
    );
}

#[tokio::test]
async fn a_prompt_asked_again_replays_its_turn() {
    let replay = instant(RECORDING);
    let first = collect(replay.stream(ask("hello"))).await;
    let second = collect(replay.stream(ask("HELLO"))).await;
    assert_eq!(text_of(&first), "hi");
    assert_eq!(first, second);
}

/// When each event arrives, relative to the request, on tokio's paused clock.
async fn arrival_times(replay: &ReplayProvider) -> Vec<Duration> {
    let start = Instant::now();
    replay
        .stream(ask("why is checkout crashlooping?"))
        .map(|_| start.elapsed())
        .collect()
        .await
}

#[tokio::test(start_paused = true)]
async fn recorded_delays_play_at_recorded_speed() {
    let replay = ReplayProvider::from_jsonl("s", RECORDING, 1.0).unwrap();
    let ms = Duration::from_millis;
    assert_eq!(
        arrival_times(&replay).await,
        [ms(100), ms(300), ms(300), ms(300)]
    );
}

#[tokio::test(start_paused = true)]
async fn speed_two_halves_every_delay() {
    let replay = ReplayProvider::from_jsonl("s", RECORDING, 2.0).unwrap();
    let ms = Duration::from_millis;
    assert_eq!(
        arrival_times(&replay).await,
        [ms(50), ms(150), ms(150), ms(150)]
    );
}

#[tokio::test(start_paused = true)]
async fn infinite_speed_plays_without_delay() {
    let replay = instant(RECORDING);
    assert_eq!(arrival_times(&replay).await, [Duration::ZERO; 4]);
}

#[tokio::test]
async fn errors_and_retries_replay_as_recorded() {
    let text = r#"{"turn":{"prompt":"q"}}
{"delay_ms":0,"retrying":{"attempt":1,"delay_ms":1000,"reason":"429 Too Many Requests"}}
{"delay_ms":1000,"token":"par"}
{"delay_ms":0,"error":{"kind":"idle_timeout","message":"no data within 30 s"}}
"#;
    let events = collect(instant(text).stream(ask("q"))).await;
    assert_eq!(
        events,
        [
            LlmEvent::Retrying {
                attempt: 1,
                delay: Duration::from_secs(1),
                reason: "429 Too Many Requests".into()
            },
            LlmEvent::Token("par".into()),
            LlmEvent::Error(LlmError::new(
                LlmErrorKind::IdleTimeout,
                "no data within 30 s"
            )),
        ]
    );
}

#[tokio::test]
async fn a_turn_recorded_without_its_end_replays_as_truncated() {
    let text = "{\"turn\":{\"prompt\":\"q\"}}\n{\"delay_ms\":0,\"token\":\"cut\"}\n";
    let events = collect(instant(text).stream(ask("q"))).await;
    assert_eq!(events[0], LlmEvent::Token("cut".into()));
    match &events[1] {
        LlmEvent::Error(error) => {
            assert_eq!(error.kind, LlmErrorKind::Truncated);
            assert!(
                error.message.contains("line 1 of session.jsonl"),
                "{}",
                error.message
            );
        }
        other => panic!("expected Truncated, got {other:?}"),
    }
    assert_eq!(events.len(), 2);
}

#[test]
fn malformed_files_are_config_errors_naming_the_line() {
    let cases = [
        ("{\"turn\":{\"prompt\":\"q\"}}\nnot json\n", "line 2"),
        (
            "{\"turn\":{\"prompt\":\"q\"}}\n\n{\"delay_ms\":5,\"tokn\":\"x\"}\n",
            "line 3",
        ),
        (
            "{\"delay_ms\":5,\"token\":\"x\"}\n",
            "line 1: an event before the first `turn` line",
        ),
        (
            "{\"turn\":{\"prompt\":\"q\"}}\n{\"delay_ms\":5,\"token\":\"x\",\"done\":true}\n",
            "line 2: expected exactly one",
        ),
        (
            "{\"turn\":{\"prompt\":\"q\"}}\n{\"done\":true}\n{\"token\":\"late\"}\n",
            "line 3: an event after the end",
        ),
        (
            "{\"turn\":{\"prompt\":\"q\"}}\n{\"done\":false}\n",
            "line 2: `done` can only be true",
        ),
        (
            "{\"turn\":{\"prompt\":\"q\"}}\n{\"error\":{\"kind\":\"melted\",\"message\":\"m\"}}\n",
            "line 2",
        ),
    ];
    for (text, expected) in cases {
        let error = load_error(text);
        assert_eq!(error.kind, LlmErrorKind::Config, "{text:?}");
        assert!(
            error.message.starts_with("broken.jsonl line"),
            "{}",
            error.message
        );
        assert!(
            error.message.contains(expected),
            "{text:?} gave {}",
            error.message
        );
    }
}

#[test]
fn a_file_without_turns_and_a_bad_speed_are_refused() {
    assert!(load_error("\n\n").message.contains("holds no `turn` line"));
    for speed in [0.0, -1.0, f64::NAN] {
        let error = ReplayProvider::from_jsonl("s", RECORDING, speed)
            .err()
            .unwrap();
        assert_eq!(error.kind, LlmErrorKind::Config);
    }
}

#[tokio::test]
async fn the_settings_name_a_file_or_a_built_in_recording() {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(RECORDING.as_bytes()).unwrap();
    let mut from_file = settings(ProviderKind::Replay, "", None);
    from_file.model = file.path().to_string_lossy().into_owned();
    from_file.replay_speed = f64::INFINITY;
    let provider = build_provider(&from_file).unwrap();
    assert_eq!(text_of(&collect(provider.stream(ask("hello"))).await), "hi");

    let mut missing = from_file.clone();
    missing.model = "/nonexistent/kubevibe/session.jsonl".into();
    let error = build_provider(&missing).err().unwrap();
    assert_eq!(error.kind, LlmErrorKind::Config);
    assert!(
        error
            .message
            .contains("/nonexistent/kubevibe/session.jsonl"),
        "{}",
        error.message
    );

    let mut demo = from_file;
    demo.model = "demo".into();
    assert_eq!(build_provider(&demo).unwrap().label(), "replay:demo");
}

/// The plan a demo answer holds (every demo answer is a JSON plan, as the planner asks).
fn demo_plan(events: &[LlmEvent]) -> Plan {
    match parse_reply(&text_of(events)) {
        ParseOutcome::Plan { plan, layer, .. } => {
            assert_eq!(layer, ParseLayer::Json);
            plan
        }
        other => panic!("not a plan: {other:?}"),
    }
}

fn risks(plan: &Plan) -> Vec<Risk> {
    plan.commands()
        .map(|command| {
            check_argv(&command.argv).unwrap();
            classify(&command.argv).risk
        })
        .collect()
}

#[tokio::test]
async fn the_demo_recording_plans_the_checkout_incident_step_by_step() {
    let demo = ReplayProvider::load("demo", f64::INFINITY).unwrap();
    let question = ask(
        "Cluster: context kubevibe-demo, namespace shop\nRequest: Why is checkout crashlooping?",
    );
    let crashloop = collect(demo.stream(question)).await;
    let investigate = demo_plan(&crashloop);
    assert_eq!(risks(&investigate), [Risk::Read, Risk::DataEgress]);
    assert_eq!(investigate.memory, None);

    let fix = demo_plan(&collect(demo.stream(ask("NAME READY STATUS ..."))).await);
    assert_eq!(risks(&fix), [Risk::Write]);
    let fix_argv = &fix.commands().next().unwrap().argv;
    assert_eq!(fix_argv[1..4], ["set", "env", "deployment/checkout"]);
    assert!(fix.memory.unwrap().contains("DATABASE_URL"));

    let follow =
        demo_plan(&collect(demo.stream(ask("deployment.apps/checkout env updated"))).await);
    assert_eq!(risks(&follow), [Risk::Read]);
    let done = demo_plan(&collect(demo.stream(ask("successfully rolled out"))).await);
    assert!(
        matches!(&done.actions[..], [Action::Done { summary }] if summary.contains("DATABASE_URL"))
    );
    assert!(done.memory.is_some());

    for question in ["is cart healthy?", "what should I check first?", "hello"] {
        let events = collect(demo.stream(ask(question))).await;
        assert!(
            events
                .iter()
                .any(|event| matches!(event, LlmEvent::Usage(_)))
        );
        assert_eq!(events.last(), Some(&LlmEvent::Done));
        demo_plan(&events);
    }

    let tokens: Vec<String> = crashloop
        .iter()
        .filter_map(|event| match event {
            LlmEvent::Token(text) => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert!(tokens.len() > 100, "a real answer comes in many tokens");
    assert!(
        tokens
            .iter()
            .all(|token| (1..=6).contains(&token.chars().count())),
        "{tokens:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn the_demo_streams_at_a_model_pace() {
    let demo = ReplayProvider::load("demo", 1.0).unwrap();
    let start = Instant::now();
    let mut gaps = Vec::new();
    let mut previous = start;
    let mut stream = demo.stream(ask("what should I check first?"));
    while let Some(event) = stream.next().await {
        if matches!(event, LlmEvent::Token(_)) {
            gaps.push(previous.elapsed());
        }
        previous = Instant::now();
    }
    let later = &gaps[1..];
    let within =
        |gap: &Duration| (Duration::from_millis(20)..=Duration::from_millis(60)).contains(gap);
    assert!(later.iter().all(within), "{later:?}");
}
