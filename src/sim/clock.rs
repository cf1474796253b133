//! Simulated time: wall-clock timestamps for objects, and durations scaled by the speed factor.

use std::time::Duration;

/// Turns simulated durations (grace periods, controller delays) into wall-clock ones.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Clock {
    speed: f64,
}

impl Default for Clock {
    fn default() -> Self {
        Self { speed: 1.0 }
    }
}

impl Clock {
    /// `speed` 2.0 makes a 30 s grace period pass in 15 s; non-positive or non-finite means 1.0.
    pub fn new(speed: f64) -> Self {
        let speed = if speed.is_finite() && speed > 0.0 {
            speed
        } else {
            1.0
        };
        Self { speed }
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// The wall-clock time a simulated duration takes.
    pub fn scaled(&self, simulated: Duration) -> Duration {
        simulated.div_f64(self.speed)
    }
}

/// Now, as Kubernetes writes timestamps: RFC 3339 in UTC with whole seconds.
pub fn now_rfc3339() -> String {
    format_timestamp(jiff::Timestamp::now())
}

pub fn format_timestamp(at: jiff::Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Now with microseconds, as `MicroTime` fields (`eventTime`, lease renewals) carry it.
pub fn now_micro_rfc3339() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%S.%6fZ")
        .to_string()
}

/// Parses an RFC 3339 timestamp such as `creationTimestamp`.
pub fn parse_timestamp(text: &str) -> Option<jiff::Timestamp> {
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_divides_durations() {
        assert_eq!(
            Clock::new(10.0).scaled(Duration::from_secs(30)),
            Duration::from_secs(3)
        );
        assert_eq!(
            Clock::new(0.0).scaled(Duration::from_secs(30)),
            Duration::from_secs(30)
        );
    }

    #[test]
    fn timestamps_have_whole_seconds() {
        let at: jiff::Timestamp = "2024-05-06T07:08:09.123Z".parse().expect("valid timestamp");
        assert_eq!(format_timestamp(at), "2024-05-06T07:08:09Z");
    }
}
