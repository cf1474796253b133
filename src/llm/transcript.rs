//! Reads and writes recorded sessions, in the JSONL format documented in [`super::replay`].

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{ChatRequest, LlmError, LlmErrorKind, LlmEvent, Role, Usage};

/// One recorded answer: the prompt that asked for it and its events with their timing.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Turn {
    pub prompt: String,
    pub events: Vec<TimedEvent>,
    /// The line of the `turn` header, for messages.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TimedEvent {
    /// Time since the previous event of the turn (the request start for the first).
    pub delay: Duration,
    pub event: LlmEvent,
}

/// The last user message of a request: what a turn is recorded under and matched by.
pub(crate) fn prompt_of(request: &ChatRequest) -> &str {
    request
        .messages
        .iter()
        .rev()
        .find(|message| message.role == Role::User)
        .map_or("", |message| message.content.as_str())
}

/// One line of the file. Exactly one of `turn`, `token`, `usage`, `done`, `error`,
/// `retrying` is set.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    #[serde(skip_serializing_if = "Option::is_none")]
    turn: Option<TurnHeader>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delay_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    usage: Option<Usage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    done: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retrying: Option<RetryingRecord>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TurnHeader {
    prompt: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ErrorRecord {
    kind: LlmErrorKind,
    message: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RetryingRecord {
    attempt: u32,
    delay_ms: u64,
    reason: String,
}

/// The `turn` line that opens a recorded answer.
pub(crate) fn turn_line(prompt: &str) -> String {
    let line = Line {
        turn: Some(TurnHeader {
            prompt: prompt.to_owned(),
        }),
        ..Line::default()
    };
    to_line(&line)
}

/// The line recording `event`, `delay` after the previous one.
pub(crate) fn event_line(delay: Duration, event: &LlmEvent) -> String {
    let mut line = Line {
        delay_ms: Some(millis(delay)),
        ..Line::default()
    };
    match event {
        LlmEvent::Token(text) => line.token = Some(text.clone()),
        LlmEvent::Usage(usage) => line.usage = Some(*usage),
        LlmEvent::Done => line.done = Some(true),
        LlmEvent::Error(error) => {
            line.error = Some(ErrorRecord {
                kind: error.kind,
                message: error.message.clone(),
            });
        }
        LlmEvent::Retrying {
            attempt,
            delay,
            reason,
        } => {
            line.retrying = Some(RetryingRecord {
                attempt: *attempt,
                delay_ms: millis(*delay),
                reason: reason.clone(),
            });
        }
    }
    to_line(&line)
}

fn to_line(line: &Line) -> String {
    // Strings, integers and enums always serialize; the fallback is never taken.
    let mut text = serde_json::to_string(line).unwrap_or_default();
    text.push('\n');
    text
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// Every turn of a recording; `source` names the file in errors. Blank lines are skipped.
pub(crate) fn parse(source: &str, text: &str) -> Result<Vec<Turn>, LlmError> {
    let mut turns: Vec<Turn> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let problem = |what: String| {
            LlmError::new(
                LlmErrorKind::Config,
                format!("{source} line {number}: {what}"),
            )
        };
        let line: Line = serde_json::from_str(raw).map_err(|error| problem(error.to_string()))?;
        match read_line(line).map_err(|what| problem(what.to_owned()))? {
            Entry::Turn(prompt) => turns.push(Turn {
                prompt,
                events: Vec::new(),
                line: number,
            }),
            Entry::Event(event) => {
                let turn = turns
                    .last_mut()
                    .ok_or_else(|| problem("an event before the first `turn` line".into()))?;
                if turn
                    .events
                    .last()
                    .is_some_and(|last| is_terminal(&last.event))
                {
                    return Err(problem(format!(
                        "an event after the end of the turn that starts on line {}",
                        turn.line
                    )));
                }
                turn.events.push(event);
            }
        }
    }
    if turns.is_empty() {
        return Err(LlmError::new(
            LlmErrorKind::Config,
            format!("{source} holds no `turn` line"),
        ));
    }
    Ok(turns)
}

pub(crate) fn is_terminal(event: &LlmEvent) -> bool {
    matches!(event, LlmEvent::Done | LlmEvent::Error(_))
}

enum Entry {
    Turn(String),
    Event(TimedEvent),
}

fn read_line(line: Line) -> Result<Entry, &'static str> {
    let Line {
        turn,
        delay_ms,
        token,
        usage,
        done,
        error,
        retrying,
    } = line;
    let set = [
        turn.is_some(),
        token.is_some(),
        usage.is_some(),
        done.is_some(),
        error.is_some(),
        retrying.is_some(),
    ];
    if set.iter().filter(|is_set| **is_set).count() != 1 {
        return Err("expected exactly one of turn, token, usage, done, error, retrying");
    }
    if let Some(header) = turn {
        if delay_ms.is_some() {
            return Err("a `turn` line takes no delay_ms");
        }
        return Ok(Entry::Turn(header.prompt));
    }
    let event = if let Some(text) = token {
        LlmEvent::Token(text)
    } else if let Some(usage) = usage {
        LlmEvent::Usage(usage)
    } else if let Some(done) = done {
        if !done {
            return Err("`done` can only be true");
        }
        LlmEvent::Done
    } else if let Some(error) = error {
        LlmEvent::Error(LlmError::new(error.kind, error.message))
    } else if let Some(retrying) = retrying {
        LlmEvent::Retrying {
            attempt: retrying.attempt,
            delay: Duration::from_millis(retrying.delay_ms),
            reason: retrying.reason,
        }
    } else {
        return Err("expected an event");
    };
    Ok(Entry::Event(TimedEvent {
        delay: Duration::from_millis(delay_ms.unwrap_or(0)),
        event,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_lines_read_back_as_the_same_events() {
        let events = [
            LlmEvent::Retrying {
                attempt: 1,
                delay: Duration::from_secs(1),
                reason: "429 Too Many Requests".into(),
            },
            LlmEvent::Token("Hé \"quoted\"\n".into()),
            LlmEvent::Usage(Usage {
                input_tokens: 10,
                output_tokens: 2,
            }),
            LlmEvent::Error(LlmError::new(LlmErrorKind::Truncated, "cut")),
        ];
        let mut text = turn_line("why?");
        for (index, event) in events.iter().enumerate() {
            text.push_str(&event_line(Duration::from_millis(index as u64 * 10), event));
        }
        let turns = parse("test", &text).expect("parses");
        let read: Vec<_> = turns[0]
            .events
            .iter()
            .map(|timed| timed.event.clone())
            .collect();
        assert_eq!(turns[0].prompt, "why?");
        assert_eq!(read, events);
        assert_eq!(turns[0].events[3].delay, Duration::from_millis(30));
    }

    #[test]
    fn lines_look_like_the_documented_format() {
        assert_eq!(turn_line("hi"), "{\"turn\":{\"prompt\":\"hi\"}}\n");
        assert_eq!(
            event_line(Duration::from_millis(35), &LlmEvent::Token("Hello".into())),
            "{\"delay_ms\":35,\"token\":\"Hello\"}\n"
        );
        assert_eq!(
            event_line(Duration::ZERO, &LlmEvent::Done),
            "{\"delay_ms\":0,\"done\":true}\n"
        );
    }
}
