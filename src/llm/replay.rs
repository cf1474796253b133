//! Plays a recorded session back with its timing: the demo, tests and benches.
//!
//! # Recording format
//!
//! JSONL: one JSON object per line, blank lines ignored. A recording is a list of turns. A turn
//! opens with a `turn` line holding its prompt (the last user message of the request), followed
//! by the events of the answer in order. Every event line carries `delay_ms`, the time since
//! the previous event of the turn (for the first, since the request was sent):
//!
//! ```text
//! {"turn":{"prompt":"why is checkout crashlooping?"}}
//! {"delay_ms":420,"token":"## "}
//! {"delay_ms":35,"token":"Checkout"}
//! {"delay_ms":0,"usage":{"input_tokens":812,"output_tokens":240}}
//! {"delay_ms":0,"done":true}
//! ```
//!
//! The other events are `{"delay_ms":0,"error":{"kind":"rate_limited","message":"…"}}` (`kind`
//! is an [`LlmErrorKind`] in snake case) and
//! `{"delay_ms":1000,"retrying":{"attempt":1,"delay_ms":1000,"reason":"…"}}`. A turn ends at
//! its `done` or `error` line; one recorded without either (the stream was cancelled) replays
//! as a `Truncated` error.
//!
//! # Which turn plays
//!
//! Each request plays the first not yet played turn whose prompt equals its last user message,
//! or ends it after a space (trimmed, whitespace collapsed, case-insensitive; the planner's
//! message puts the cluster context and memory before the request), or a played one if all
//! matches were.
//! A request matching no turn plays the next unplayed turn after the last one played, wrapping
//! around; once every turn has played, all become unplayed again.
//!
//! The `model` setting names a built-in recording ([`BUILTIN_RECORDINGS`]) or a file path.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures::stream::BoxStream;

use super::transcript::{self, Turn};
use super::{ChatRequest, LlmError, LlmErrorKind, LlmEvent, LlmSettings, Provider};

/// Recordings shipped in the binary, by the name the `model` setting uses.
pub const BUILTIN_RECORDINGS: &[(&str, &str)] =
    &[("demo", include_str!("../../assets/replay/demo.jsonl"))];

pub struct ReplayProvider {
    source: String,
    label: String,
    turns: Arc<[Turn]>,
    /// Each turn's prompt, normalised for matching.
    prompts: Vec<String>,
    speed: f64,
    cursor: Mutex<Cursor>,
}

struct Cursor {
    next: usize,
    played: Vec<bool>,
}

impl ReplayProvider {
    /// The recording named by `settings.model`, played at `settings.replay_speed`.
    pub fn from_settings(settings: &LlmSettings) -> Result<Self, LlmError> {
        Self::load(&settings.model, settings.replay_speed)
    }

    /// A built-in recording by name, otherwise the file at `model`.
    pub fn load(model: &str, speed: f64) -> Result<Self, LlmError> {
        if let Some((_, text)) = BUILTIN_RECORDINGS.iter().find(|(name, _)| *name == model) {
            return Self::from_jsonl(model, text, speed);
        }
        let text = std::fs::read_to_string(model).map_err(|error| {
            LlmError::new(
                LlmErrorKind::Config,
                format!("cannot read the replay file {model}: {error}"),
            )
        })?;
        Self::from_jsonl(model, &text, speed)
    }

    /// A recording from its text; `source` names it in the label and in errors.
    /// `speed` multiplies the recorded pace: 2.0 plays twice as fast, infinity without delays.
    pub fn from_jsonl(source: &str, text: &str, speed: f64) -> Result<Self, LlmError> {
        if speed.is_nan() || speed <= 0.0 {
            return Err(LlmError::new(
                LlmErrorKind::Config,
                format!("the replay speed must be above zero, not {speed}"),
            ));
        }
        let turns = transcript::parse(source, text)?;
        let prompts = turns.iter().map(|turn| normalise(&turn.prompt)).collect();
        let name = Path::new(source).file_name().map_or_else(
            || source.to_owned(),
            |name| name.to_string_lossy().into_owned(),
        );
        Ok(Self {
            source: source.to_owned(),
            label: format!("replay:{name}"),
            cursor: Mutex::new(Cursor {
                next: 0,
                played: vec![false; turns.len()],
            }),
            turns: turns.into(),
            prompts,
            speed,
        })
    }

    /// How many turns the recording holds.
    pub fn turn_count(&self) -> usize {
        self.turns.len()
    }

    fn pick(&self, prompt: &str) -> usize {
        let wanted = normalise(prompt);
        let mut cursor = self.cursor.lock().unwrap_or_else(PoisonError::into_inner);
        let count = self.turns.len();
        let matching: Vec<usize> = (0..count)
            .filter(|&i| asks(&wanted, &self.prompts[i]))
            .collect();
        let chosen = match matching.iter().find(|&&i| !cursor.played[i]) {
            Some(&unplayed_match) => unplayed_match,
            None => match matching.first() {
                Some(&replayed_match) => replayed_match,
                None => {
                    if cursor.played.iter().all(|played| *played) {
                        cursor.played.fill(false);
                    }
                    (0..count)
                        .map(|step| (cursor.next + step) % count)
                        .find(|&i| !cursor.played[i])
                        .unwrap_or(cursor.next % count)
                }
            },
        };
        cursor.played[chosen] = true;
        cursor.next = (chosen + 1) % count;
        chosen
    }
}

/// Whether a request whose last user message is `message` asks the recorded `prompt`: the
/// same text, or a message that ends with it after a space (the planner puts the cluster
/// context and memory before the request itself).
fn asks(message: &str, prompt: &str) -> bool {
    message == prompt
        || (!prompt.is_empty()
            && message
                .strip_suffix(prompt)
                .is_some_and(|before| before.ends_with(' ')))
}

fn normalise(prompt: &str) -> String {
    prompt
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The recorded delay at `speed`; zero when the speed is infinite.
fn scaled(delay: Duration, speed: f64) -> Duration {
    Duration::try_from_secs_f64(delay.as_secs_f64() / speed).unwrap_or(Duration::ZERO)
}

impl Provider for ReplayProvider {
    fn label(&self) -> String {
        self.label.clone()
    }

    fn stream(&self, request: ChatRequest) -> BoxStream<'static, LlmEvent> {
        let index = self.pick(transcript::prompt_of(&request));
        let turns = Arc::clone(&self.turns);
        let source = self.source.clone();
        let speed = self.speed;
        Box::pin(async_stream::stream! {
            let turn = &turns[index];
            for timed in &turn.events {
                let delay = scaled(timed.delay, speed);
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                yield timed.event.clone();
            }
            if !turn.events.last().is_some_and(|last| transcript::is_terminal(&last.event)) {
                yield LlmEvent::Error(LlmError::new(
                    LlmErrorKind::Truncated,
                    format!("the turn recorded on line {} of {source} ends before its answer did", turn.line),
                ));
            }
        })
    }
}
