//! Ages as kubectl prints them (`HumanDuration`): `45s`, `3m12s`, `5h`, `2d3h`, `3y20d`.

/// The age of something created at `created` (Unix seconds) when it is `now`.
pub fn age(created: i64, now: i64) -> String {
    human_duration(now - created)
}

/// kubectl's `duration.HumanDuration` on whole seconds.
pub fn human_duration(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".to_string();
    }
    if seconds < 0 {
        return "0s".to_string();
    }
    let minutes = seconds / 60;
    let hours = seconds / 3600;
    let days = hours / 24;
    if seconds < 120 {
        return format!("{seconds}s");
    }
    if minutes < 10 {
        return match seconds % 60 {
            0 => format!("{minutes}m"),
            s => format!("{minutes}m{s}s"),
        };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    if hours < 8 {
        return match minutes % 60 {
            0 => format!("{hours}h"),
            m => format!("{hours}h{m}m"),
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        return match hours % 24 {
            0 => format!("{days}d"),
            h => format!("{days}d{h}h"),
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{days}d");
    }
    let years = days / 365;
    if hours < 24 * 365 * 8 {
        return match days % 365 {
            0 => format!("{years}y"),
            d => format!("{years}y{d}d"),
        };
    }
    format!("{years}y")
}

/// The first whole-second duration after `seconds` whose [`human_duration`] text differs:
/// when an age shown now next changes on screen.
pub fn next_change(seconds: i64) -> i64 {
    const MINUTE: i64 = 60;
    const HOUR: i64 = 3600;
    const DAY: i64 = 86_400;
    const YEAR: i64 = 365 * DAY;
    let up_to = |unit: i64| (seconds.div_euclid(unit) + 1) * unit;
    match seconds {
        s if s < -1 => -1,
        // -1 and 0 both read "0s".
        -1 | 0 => 1,
        // Seconds, then minutes and seconds: every second.
        s if s < 10 * MINUTE => s + 1,
        s if s < 180 * MINUTE => up_to(MINUTE),
        // Hours and minutes: every minute.
        s if s < 8 * HOUR => up_to(MINUTE),
        // Hours, then days and hours: every hour.
        s if s < 8 * DAY => up_to(HOUR),
        // Days, then years and days: every day.
        s if s < 8 * YEAR => up_to(DAY),
        _ => up_to(YEAR),
    }
}

#[cfg(test)]
mod tests {
    use super::{human_duration, next_change};

    /// Against the text itself: unchanged strictly between, different at the change.
    #[test]
    fn next_change_is_where_the_text_first_differs() {
        let probes = (-5..40_000)
            .chain((0..3000).map(|i| i * 997 + 40_000))
            .chain((0..400).map(|i| i * 86_400 * 3 + 1234))
            .chain([8 * 365 * 86_400 - 1, 8 * 365 * 86_400, 9 * 365 * 86_400 + 5]);
        for seconds in probes {
            let next = next_change(seconds);
            let text = human_duration(seconds);
            assert_ne!(human_duration(next), text, "{seconds} s → {next} s");
            // Every second in between for short gaps, a sample for long ones.
            let step = ((next - seconds) / 500).max(1);
            let mut s = seconds + 1;
            while s < next {
                assert_eq!(
                    human_duration(s),
                    text,
                    "{seconds} s: changed early at {s} s"
                );
                s += step;
            }
            assert_eq!(human_duration(next - 1), text, "{seconds} s");
        }
    }

    #[test]
    fn matches_kubectl_at_each_boundary() {
        let cases = [
            (-5, "<invalid>"),
            (-1, "0s"),
            (0, "0s"),
            (119, "119s"),
            (120, "2m"),
            (192, "3m12s"),
            (599, "9m59s"),
            (600, "10m"),
            (179 * 60, "179m"),
            (3 * 3600, "3h"),
            (3 * 3600 + 25 * 60, "3h25m"),
            (8 * 3600, "8h"),
            (47 * 3600, "47h"),
            (48 * 3600, "2d"),
            (50 * 3600, "2d2h"),
            (8 * 86400, "8d"),
            (729 * 86400, "729d"),
            (730 * 86400, "2y"),
            (750 * 86400, "2y20d"),
            (9 * 365 * 86400, "9y"),
        ];
        for (seconds, expected) in cases {
            assert_eq!(human_duration(seconds), expected, "{seconds} s");
        }
    }
}
