//! Stall detection for a watch: after a laptop sleep the connection may look open while the
//! server has long moved on, and a watch that has been silent far longer than its server-side
//! timeout cannot be trusted. Pure: the caller passes the wall clock and the monotonic clock.

use std::time::{Duration, Instant, SystemTime};

/// kube-rs asks the server to end each watch request after this long (it re-issues it).
pub const WATCH_TIMEOUT: Duration = Duration::from_secs(290);
/// No event for this long (three watch timeouts) counts as a stall.
pub const QUIET: Duration = Duration::from_secs(3 * 290);
/// The wall clock running ahead of the monotonic clock by this much between two checks
/// means the machine was suspended (Linux's monotonic clock stops during suspend).
pub const JUMP: Duration = Duration::from_secs(30);
/// How often the watch task checks.
pub const CHECK_EVERY: Duration = Duration::from_secs(10);

/// Why a watch is restarted with a relist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stall {
    /// The wall clock jumped ahead by this much (the machine slept).
    ClockJump(Duration),
    /// No event for this long.
    Quiet(Duration),
}

impl Stall {
    /// The pane's one-line reason.
    pub fn message(self) -> String {
        match self {
            Stall::ClockJump(by) => format!(
                "relisting after a stall: the clock jumped {} (the machine slept?)",
                crate::live::age::human_duration(by.as_secs() as i64)
            ),
            Stall::Quiet(for_) => format!(
                "relisting after a stall: no event for {}",
                crate::live::age::human_duration(for_.as_secs() as i64)
            ),
        }
    }
}

/// The clocks as last seen by a watch.
#[derive(Debug, Clone)]
pub struct StallWatch {
    last_event: SystemTime,
    checked_wall: SystemTime,
    checked_mono: Instant,
}

impl StallWatch {
    pub fn new(wall: SystemTime, mono: Instant) -> Self {
        Self {
            last_event: wall,
            checked_wall: wall,
            checked_mono: mono,
        }
    }

    /// An event (or a completed list) arrived.
    pub fn saw_event(&mut self, wall: SystemTime) {
        self.last_event = wall;
    }

    /// Whether the watch has stalled as of `wall`/`mono`. A stall resets the watch's clocks,
    /// as the relist that follows starts afresh.
    pub fn check(&mut self, wall: SystemTime, mono: Instant) -> Option<Stall> {
        let wall_step = wall.duration_since(self.checked_wall).unwrap_or_default();
        let mono_step = mono.saturating_duration_since(self.checked_mono);
        self.checked_wall = wall;
        self.checked_mono = mono;
        let quiet = wall.duration_since(self.last_event).unwrap_or_default();
        let stall = if wall_step > mono_step + JUMP {
            Some(Stall::ClockJump(wall_step - mono_step))
        } else if quiet > QUIET {
            Some(Stall::Quiet(quiet))
        } else {
            None
        };
        if stall.is_some() {
            self.last_event = wall;
        }
        stall
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn clocks() -> (SystemTime, Instant) {
        (
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000),
            Instant::now(),
        )
    }

    #[test]
    fn regular_checks_with_events_never_stall() {
        let (wall, mono) = clocks();
        let mut watch = StallWatch::new(wall, mono);
        for step in 1..200u64 {
            let at = Duration::from_secs(step * 10);
            if step % 20 == 0 {
                watch.saw_event(wall + at);
            }
            assert_eq!(watch.check(wall + at, mono + at), None, "step {step}");
        }
    }

    #[test]
    fn a_wall_clock_jump_is_a_stall_once() {
        let (wall, mono) = clocks();
        let mut watch = StallWatch::new(wall, mono);
        let ten = Duration::from_secs(10);
        assert_eq!(watch.check(wall + ten, mono + ten), None);
        // Two hours of sleep: the wall clock moved, the monotonic clock barely did.
        let slept = Duration::from_secs(7200);
        let stall = watch.check(wall + ten + slept + ten, mono + ten + ten);
        assert_eq!(stall, Some(Stall::ClockJump(slept)));
        assert!(
            stall
                .unwrap()
                .message()
                .starts_with("relisting after a stall")
        );
        assert_eq!(
            watch.check(wall + slept + ten * 3, mono + ten * 3),
            None,
            "the relist restarts the clocks"
        );
    }

    #[test]
    fn a_long_silence_is_a_stall() {
        let (wall, mono) = clocks();
        let mut watch = StallWatch::new(wall, mono);
        let mut at = Duration::ZERO;
        let mut stalled = None;
        while stalled.is_none() && at < QUIET * 2 {
            at += CHECK_EVERY;
            stalled = watch.check(wall + at, mono + at);
        }
        assert!(matches!(stalled, Some(Stall::Quiet(q)) if q > QUIET && q <= QUIET + CHECK_EVERY));
    }

    #[test]
    fn a_clock_set_backwards_is_not_a_stall() {
        let (wall, mono) = clocks();
        let mut watch = StallWatch::new(wall, mono);
        let ten = Duration::from_secs(10);
        assert_eq!(
            watch.check(wall - Duration::from_secs(3600), mono + ten),
            None
        );
    }
}
