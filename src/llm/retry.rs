//! When a request that failed before its first token is tried again, and how long to wait.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBackoff, ExponentialBuilder};

use super::LlmError;

/// Exponential backoff for 429, 5xx and connection failures: `base`, `2·base`, `4·base`…
/// never longer than `cap`; a server's `Retry-After` replaces the computed wait (also capped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts after the first one.
    pub max_retries: u32,
    pub base: Duration,
    pub cap: Duration,
}

impl RetryPolicy {
    pub const DEFAULT_BASE: Duration = Duration::from_secs(1);
    pub const DEFAULT_CAP: Duration = Duration::from_secs(10);

    /// 1 s, 2 s, 4 s… capped at 10 s.
    pub fn new(max_retries: u32) -> Self {
        Self {
            max_retries,
            base: Self::DEFAULT_BASE,
            cap: Self::DEFAULT_CAP,
        }
    }

    /// The same number of retries with other delays (tests use a few milliseconds).
    pub fn with_delays(self, base: Duration, cap: Duration) -> Self {
        Self { base, cap, ..self }
    }

    pub(crate) fn schedule(&self) -> RetrySchedule {
        let max_times = usize::try_from(self.max_retries).unwrap_or(usize::MAX);
        let backoff = ExponentialBuilder::new()
            .with_min_delay(self.base)
            .with_max_delay(self.cap)
            .with_factor(2.0)
            .with_max_times(max_times)
            .build();
        RetrySchedule {
            backoff,
            cap: self.cap,
            retries: 0,
        }
    }
}

/// The retries left for one request.
pub(crate) struct RetrySchedule {
    backoff: ExponentialBackoff,
    cap: Duration,
    retries: u32,
}

/// One wait before trying again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NextAttempt {
    /// 1 for the first retry.
    pub attempt: u32,
    pub delay: Duration,
}

impl RetrySchedule {
    /// The wait before the next attempt, or `None` when `error` is final or no retry is left.
    pub(crate) fn next(
        &mut self,
        error: &LlmError,
        retry_after: Option<Duration>,
    ) -> Option<NextAttempt> {
        if !error.is_retryable() {
            return None;
        }
        let backoff_delay = self.backoff.next()?;
        self.retries += 1;
        let delay = retry_after.map_or(backoff_delay, |asked| asked.min(self.cap));
        Some(NextAttempt {
            attempt: self.retries,
            delay,
        })
    }

    /// The error to report once retrying stops, saying how many retries were spent.
    pub(crate) fn give_up(&self, mut error: LlmError) -> LlmError {
        match self.retries {
            0 => {}
            1 => error.message.push_str(" (after 1 retry)"),
            n => error.message.push_str(&format!(" (after {n} retries)")),
        }
        error
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::LlmErrorKind;

    fn server_error() -> LlmError {
        LlmError::new(LlmErrorKind::Server, "500 Internal Server Error")
    }

    fn delays(policy: RetryPolicy, retry_after: Option<Duration>) -> Vec<Duration> {
        let mut schedule = policy.schedule();
        std::iter::from_fn(|| schedule.next(&server_error(), retry_after))
            .map(|next| next.delay)
            .collect()
    }

    #[test]
    fn default_policy_waits_one_two_four_seconds() {
        let secs = |n| Duration::from_secs(n);
        assert_eq!(
            delays(RetryPolicy::new(3), None),
            [secs(1), secs(2), secs(4)]
        );
    }

    #[test]
    fn waits_stop_growing_at_the_cap() {
        let secs = |n| Duration::from_secs(n);
        assert_eq!(
            delays(RetryPolicy::new(5), None),
            [secs(1), secs(2), secs(4), secs(8), secs(10)]
        );
    }

    #[test]
    fn retry_after_replaces_the_wait_and_is_capped() {
        let policy = RetryPolicy::new(2);
        assert_eq!(
            delays(policy, Some(Duration::from_secs(3))),
            [Duration::from_secs(3); 2]
        );
        assert_eq!(
            delays(policy, Some(Duration::from_secs(120))),
            [Duration::from_secs(10); 2]
        );
    }

    #[test]
    fn attempts_are_numbered_from_one() {
        let mut schedule = RetryPolicy::new(2).schedule();
        let attempts: Vec<u32> = std::iter::from_fn(|| schedule.next(&server_error(), None))
            .map(|next| next.attempt)
            .collect();
        assert_eq!(attempts, [1, 2]);
        assert_eq!(
            schedule.give_up(server_error()).message,
            "500 Internal Server Error (after 2 retries)"
        );
    }

    #[test]
    fn final_errors_are_not_retried() {
        let mut schedule = RetryPolicy::new(3).schedule();
        let auth = LlmError::new(LlmErrorKind::Auth, "401 Unauthorized");
        assert_eq!(schedule.next(&auth, None), None);
        assert_eq!(schedule.give_up(auth.clone()), auth);
    }
}
