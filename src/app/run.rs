//! The event loop: select over terminal input, task results and the frame timer; update the
//! model for everything queued, then draw once if something changed — at most 60 times a second
//! for output, and at once (at most every 8 ms) for the operator's own keys. With nothing
//! happening it sleeps until the model's next time-driven change (an AGE text), never ticking.
//!
//! Time is read from tokio's clock, so tests can pause and advance it; the wall clock is
//! derived from it (read once at the start), which keeps the two consistent.

use std::time::Duration;

use tokio::time::Instant;

use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;

use crate::app::model::Model;
use crate::app::msg::Msg;
use crate::app::runtime::EffectRunner;
use crate::app::update::update;
use crate::terminal::SyncBackend;
use crate::ui;

/// Shortest time between two draws.
pub const FRAME: Duration = Duration::from_micros(16_667);
/// Most messages handled between two chances to draw, so a flood cannot starve the screen.
const BATCH: usize = 4096;
/// Longest the loop drains queued messages before it looks at input and the frame timer again.
pub const DRAIN_BUDGET: Duration = Duration::from_millis(4);
/// Shortest time between a draw and one for the operator's own input: a key is shown at once
/// rather than in the next frame slot, while a flood of keys still cannot draw more often.
const INPUT_FRAME: Duration = Duration::from_millis(8);

/// Terminal events the loop understands, already turned into `Msg`s (None = ignored).
pub fn to_msg(event: crossterm::event::Event) -> Option<Msg> {
    use crossterm::event::Event;
    match event {
        Event::Key(key) => Some(Msg::Key(key)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Mouse(mouse) => Some(Msg::Mouse(mouse)),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        Event::FocusGained | Event::FocusLost => None,
    }
}

/// Run until the model asks to quit (or input ends). Returns the number of frames drawn.
pub async fn run<B, E>(
    terminal: &mut Terminal<B>,
    model: &mut Model,
    runner: &mut EffectRunner,
    mut input: E,
    rx: &mut mpsc::Receiver<Msg>,
) -> std::io::Result<u64>
where
    B: Backend + SyncBackend,
    E: Stream<Item = std::io::Result<crossterm::event::Event>> + Unpin,
{
    let mut frames = 0;
    let mut last_draw: Option<Instant> = None;
    let mut input_open = true;
    let clock = Clock::start();
    loop {
        if model.quitting {
            runner.shutdown();
            return Ok(frames);
        }
        let due = match (model.dirty, last_draw) {
            (false, _) => None,
            (true, None) => Some(Instant::now()),
            (true, Some(at)) => Some(at + FRAME),
        };
        if let Some(due) = due
            && due <= Instant::now()
        {
            draw(terminal, model)?;
            frames += 1;
            last_draw = Some(Instant::now());
            continue;
        }
        // Nothing to draw: wake when a visible text changes by time alone.
        let timed = match due {
            Some(_) => None,
            None => {
                let now = Instant::now();
                model
                    .next_redraw_at(clock.wall(now), now.into_std())
                    .map(Instant::from_std)
            }
        };
        let first = tokio::select! {
            event = input.next(), if input_open => match event {
                Some(Ok(event)) => to_msg(event),
                Some(Err(error)) => return Err(error),
                None => {
                    input_open = false;
                    Some(Msg::Shutdown)
                }
            },
            msg = rx.recv() => msg,
            () = sleep_until(due.or(timed)) => {
                if due.is_none() {
                    model.dirty = true;
                }
                None
            }
        };
        let now = Instant::now().into_std();
        let operator = matches!(
            first,
            Some(Msg::Key(_) | Msg::Paste(_) | Msg::Mouse(_) | Msg::Resize { .. })
        );
        if let Some(msg) = first {
            for effect in update(model, msg, now) {
                runner.run(effect);
            }
        }
        // The operator's input is drawn before the queue is drained: a key pressed while
        // output floods in shows within a frame's drawing time, not after the next slot.
        if operator && model.dirty && !model.quitting && input_frame_due(last_draw, Instant::now())
        {
            draw(terminal, model)?;
            frames += 1;
            last_draw = Some(Instant::now());
            continue;
        }
        // Drain what is already queued before drawing again, within a time budget so that a
        // key pressed meanwhile is read soon.
        let draining = Instant::now();
        for _ in 0..BATCH {
            if draining.elapsed() >= DRAIN_BUDGET {
                break;
            }
            let Ok(msg) = rx.try_recv() else { break };
            for effect in update(model, msg, now) {
                runner.run(effect);
            }
        }
    }
}

/// Whether the operator's input may be drawn at once: the last draw is at least
/// [`INPUT_FRAME`] ago (or there was none).
pub fn input_frame_due(last_draw: Option<Instant>, now: Instant) -> bool {
    last_draw.is_none_or(|at| now.duration_since(at) >= INPUT_FRAME)
}

/// The wall clock as read at the loop's start, advanced by tokio's clock.
struct Clock {
    wall: jiff::Timestamp,
    mono: Instant,
}

impl Clock {
    fn start() -> Self {
        Clock {
            wall: jiff::Timestamp::now(),
            mono: Instant::now(),
        }
    }

    fn wall(&self, now: Instant) -> jiff::Timestamp {
        let elapsed = jiff::SignedDuration::try_from(now.duration_since(self.mono))
            .unwrap_or(jiff::SignedDuration::ZERO);
        self.wall.checked_add(elapsed).unwrap_or(self.wall)
    }
}

async fn sleep_until(due: Option<Instant>) {
    match due {
        Some(due) => tokio::time::sleep_until(due).await,
        None => std::future::pending().await,
    }
}

/// One frame: lay out what changed, then draw inside a synchronized update.
pub fn draw<B: Backend + SyncBackend>(
    terminal: &mut Terminal<B>,
    model: &mut Model,
) -> std::io::Result<()> {
    model.prepare_draw();
    terminal.backend_mut().begin_sync()?;
    let drawn = terminal
        .draw(|frame| ui::cockpit::draw(frame, model))
        .map(|_| ())
        .map_err(|error| std::io::Error::other(error.to_string()));
    terminal.backend_mut().end_sync()?;
    drawn?;
    model.dirty = false;
    Ok(())
}
