//! The event loop: select over terminal input, task results and the frame timer; update the
//! model for everything queued, then draw once if something changed — at most 60 times a second
//! for output, and sooner (8 ms after the last draw) for the operator's own keys, within the
//! same 60 a second (see [`Pacer`]). With nothing happening it sleeps until the model's next
//! time-driven change (an AGE text), never ticking.
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
pub use crate::app::pacer::{FRAME, Pacer};
use crate::app::runtime::EffectRunner;
use crate::app::update::update;
use crate::terminal::SyncBackend;
use crate::ui;

/// Most messages handled between two chances to draw, so a flood cannot starve the screen.
const BATCH: usize = 4096;
/// Longest the loop drains queued messages before it looks at input and the frame timer again.
pub const DRAIN_BUDGET: Duration = Duration::from_millis(4);

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
    let mut pacer = Pacer::new();
    let mut input_open = true;
    // The operator's input is handled but not drawn yet: the next frame is due sooner
    // (see [`Pacer`]).
    let mut input_waiting = false;
    let clock = Clock::start();
    loop {
        if model.quitting {
            runner.shutdown();
            return Ok(frames);
        }
        let due = pacer.due(model.dirty, input_waiting, Instant::now());
        if let Some(due) = due
            && due <= Instant::now()
        {
            draw(terminal, model)?;
            frames += 1;
            pacer.drawn(Instant::now());
            input_waiting = false;
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
        if operator && model.dirty && !model.quitting {
            if pacer.input_due(Instant::now()) {
                draw(terminal, model)?;
                frames += 1;
                pacer.drawn(Instant::now());
                input_waiting = false;
                continue;
            }
            input_waiting = true;
        }
        // Drain what is already queued before drawing again, within a time budget so that a
        // key pressed meanwhile is read soon, and no further than the next frame's time.
        let draining = Instant::now();
        let next_frame = pacer.due(true, input_waiting, draining);
        for _ in 0..BATCH {
            let at = Instant::now();
            if at.duration_since(draining) >= DRAIN_BUDGET
                || (model.dirty && next_frame.is_some_and(|due| due <= at))
            {
                break;
            }
            let Ok(msg) = rx.try_recv() else { break };
            for effect in update(model, msg, now) {
                runner.run(effect);
            }
        }
    }
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
