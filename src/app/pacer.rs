//! Frame pacing: when the next frame may be drawn, for output (a [`FRAME`] after the last
//! draw) and for the operator's own input (sooner, [`INPUT_FRAME`] after the last draw), so
//! that early input frames never raise the long-run rate above one per [`FRAME`].
//!
//! The pacer keeps a slot: the time the next output frame is due. Every draw moves the slot
//! one [`FRAME`] past the later of itself and the draw, so an input frame drawn ahead of the
//! slot takes that slot, and the next output frame comes a frame later. An input frame may be
//! drawn at most [`FRAME`] − [`INPUT_FRAME`] ahead of the slot, which bounds how far draws can
//! run ahead of a steady 60 per second: by one frame, ever.

use std::time::Duration;

use tokio::time::Instant;

/// Shortest time between two draws for output.
pub const FRAME: Duration = Duration::from_micros(16_667);
/// Shortest time between a draw and one for the operator's own input: a key is shown at once
/// rather than in the next frame slot.
pub const INPUT_FRAME: Duration = Duration::from_millis(8);
/// How far ahead of the output slot an input frame may be drawn.
const AHEAD: Duration = FRAME.saturating_sub(INPUT_FRAME);

#[derive(Clone, Copy, Debug, Default)]
pub struct Pacer {
    /// Once a frame was drawn: when the last one ended, and when the next output frame is due.
    drawn: Option<(Instant, Instant)>,
}

impl Pacer {
    pub fn new() -> Self {
        Self::default()
    }

    /// When the next frame may be drawn: none when nothing changed, `now` for the first,
    /// else at the output slot, or earlier when the operator's input waits.
    pub fn due(&self, dirty: bool, input_waiting: bool, now: Instant) -> Option<Instant> {
        if !dirty {
            return None;
        }
        match self.drawn {
            None => Some(now),
            Some((last, slot)) if input_waiting => {
                Some((last + INPUT_FRAME).max(slot.checked_sub(AHEAD).unwrap_or(slot)))
            }
            Some((_, slot)) => Some(slot),
        }
    }

    /// Whether the operator's input may be drawn at `now`.
    pub fn input_due(&self, now: Instant) -> bool {
        self.due(true, true, now).is_some_and(|due| due <= now)
    }

    /// A frame was drawn, ending at `at`.
    pub fn drawn(&mut self, at: Instant) {
        let slot = self.drawn.map_or(at, |(_, slot)| slot.max(at)) + FRAME;
        self.drawn = Some((at, slot));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn the_first_frame_is_due_at_once_and_nothing_is_due_when_clean() {
        let (pacer, now) = (Pacer::new(), Instant::now());
        assert_eq!(pacer.due(false, false, now), None);
        assert_eq!(pacer.due(true, false, now), Some(now));
        assert!(pacer.input_due(now));
    }

    #[test]
    fn output_waits_a_frame_and_input_eight_ms() {
        let start = Instant::now();
        let mut pacer = Pacer::new();
        pacer.drawn(start);
        assert_eq!(pacer.due(true, false, start), Some(start + FRAME));
        assert_eq!(pacer.due(true, true, start), Some(start + INPUT_FRAME));
        assert!(!pacer.input_due(start + ms(7)));
        assert!(pacer.input_due(start + ms(8)));
    }

    #[test]
    fn an_input_frame_takes_the_output_slot() {
        let start = Instant::now();
        let mut pacer = Pacer::new();
        pacer.drawn(start);
        // The key's frame, 9 ms after the last one and before the slot at 16.7 ms.
        pacer.drawn(start + ms(9));
        assert_eq!(pacer.due(true, false, start), Some(start + FRAME + FRAME));
        // Another key waits until it is at most FRAME - INPUT_FRAME ahead of that slot.
        assert_eq!(
            pacer.due(true, true, start),
            Some(start + FRAME + INPUT_FRAME)
        );
    }

    #[test]
    fn keys_as_fast_as_allowed_draw_no_more_than_one_frame_ahead_of_60_per_second() {
        let start = Instant::now();
        let mut pacer = Pacer::new();
        let mut now = start;
        let mut frames = 0u32;
        pacer.drawn(now);
        frames += 1;
        // A key every millisecond for 10 s, each drawn as soon as the pacer allows.
        let end = start + Duration::from_secs(10);
        while now < end {
            now += ms(1);
            if pacer.input_due(now) {
                pacer.drawn(now);
                frames += 1;
            }
        }
        let steady = (Duration::from_secs(10).as_micros() / FRAME.as_micros()) as u32;
        assert!(
            frames <= steady + 2,
            "{frames} frames in 10 s, over 60/s by more than a frame"
        );
        assert!(frames >= steady - 1, "{frames} frames: input starved");
    }

    #[test]
    fn a_quiet_spell_does_not_bank_frames() {
        let start = Instant::now();
        let mut pacer = Pacer::new();
        pacer.drawn(start);
        // Nothing for a second; then output is due at once, and a key right after that frame
        // waits the usual eight milliseconds.
        let later = start + Duration::from_secs(1);
        assert!(pacer.due(true, false, later).is_some_and(|d| d <= later));
        pacer.drawn(later);
        assert_eq!(pacer.due(true, true, later), Some(later + INPUT_FRAME));
        assert_eq!(pacer.due(true, false, later), Some(later + FRAME));
    }
}
