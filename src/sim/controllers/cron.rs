//! Cron schedules as CronJobs write them: five fields (minute, hour, day of month, month, day
//! of week) with `*`, ranges, steps, lists and names, plus the `@hourly`-style macros. Times
//! are UTC.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid schedule {schedule:?}: {problem}")]
pub struct CronError {
    pub schedule: String,
    pub problem: String,
}

/// A parsed schedule: which minutes, hours, days, months and weekdays fire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    minutes: Vec<bool>,
    hours: Vec<bool>,
    days: Vec<bool>,
    months: Vec<bool>,
    weekdays: Vec<bool>,
    any_day: bool,
    any_weekday: bool,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

impl std::str::FromStr for Schedule {
    type Err = CronError;

    fn from_str(text: &str) -> Result<Self, CronError> {
        let expanded = match text.trim() {
            "@yearly" | "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" | "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            other => other,
        };
        let error = |problem: String| CronError {
            schedule: text.to_string(),
            problem,
        };
        let fields: Vec<&str> = expanded.split_whitespace().collect();
        let [minute, hour, day, month, weekday] = fields.as_slice() else {
            return Err(error(format!("expected 5 fields, found {}", fields.len())));
        };
        let mut weekdays = field(weekday, 0, 7, &WEEKDAYS).map_err(error)?;
        if weekdays[7] {
            weekdays[0] = true;
        }
        weekdays.truncate(7);
        Ok(Self {
            minutes: field(minute, 0, 59, &[]).map_err(error)?,
            hours: field(hour, 0, 23, &[]).map_err(error)?,
            days: field(day, 1, 31, &[]).map_err(error)?,
            months: field(month, 1, 12, &MONTHS).map_err(error)?,
            weekdays,
            any_day: day.starts_with('*'),
            any_weekday: weekday.starts_with('*'),
        })
    }
}

/// The values one field allows, as flags indexed by value.
fn field(text: &str, low: u32, high: u32, names: &[&str]) -> Result<Vec<bool>, String> {
    let mut allowed = vec![false; high as usize + 1];
    let value = |part: &str| -> Result<u32, String> {
        let lower = part.to_ascii_lowercase();
        if let Some(index) = names.iter().position(|n| *n == lower) {
            let offset = if names.len() == 12 { 1 } else { 0 };
            return Ok(index as u32 + offset);
        }
        part.parse::<u32>()
            .ok()
            .filter(|v| (low..=high).contains(v))
            .ok_or_else(|| format!("{part:?} is not between {low} and {high}"))
    };
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((range, step)) => (
                range,
                step.parse::<u32>()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("bad step {step:?}"))?,
            ),
            None => (part, 1),
        };
        let (start, end) = match range {
            "*" => (low, high),
            _ => match range.split_once('-') {
                Some((a, b)) => (value(a)?, value(b)?),
                None if step > 1 => (value(range)?, high),
                None => {
                    let v = value(range)?;
                    (v, v)
                }
            },
        };
        if start > end {
            return Err(format!("range {range:?} runs backwards"));
        }
        for v in (start..=end).step_by(step as usize) {
            allowed[v as usize] = true;
        }
    }
    Ok(allowed)
}

impl Schedule {
    fn day_matches(&self, at: &DateTime) -> bool {
        let day = self.days[at.day() as usize];
        let weekday = self.weekdays[at.weekday().to_sunday_zero_offset() as usize];
        match (self.any_day, self.any_weekday) {
            (false, false) => day || weekday,
            (false, true) => day,
            (true, false) => weekday,
            (true, true) => true,
        }
    }

    /// The first time strictly after `after` that the schedule fires, within five years.
    pub fn next_after(&self, after: Timestamp) -> Option<Timestamp> {
        let start = after.to_zoned(TimeZone::UTC).datetime();
        let mut at = start
            .with()
            .second(0)
            .subsec_nanosecond(0)
            .build()
            .ok()?
            .checked_add(1.minute())
            .ok()?;
        let limit = start.checked_add(5.years()).ok()?;
        while at < limit {
            if !self.months[at.month() as usize] || !self.day_matches(&at) {
                at = at
                    .date()
                    .checked_add(1.day())
                    .ok()?
                    .to_datetime(jiff::civil::Time::midnight());
                continue;
            }
            if !self.hours[at.hour() as usize] {
                at = at
                    .with()
                    .minute(0)
                    .build()
                    .ok()?
                    .checked_add(1.hour())
                    .ok()?;
                continue;
            }
            if self.minutes[at.minute() as usize] {
                return at.to_zoned(TimeZone::UTC).ok().map(|z| z.timestamp());
            }
            at = at.checked_add(1.minute()).ok()?;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next(schedule: &str, after: &str) -> String {
        let schedule: Schedule = schedule.parse().expect("valid schedule");
        let after: Timestamp = after.parse().expect("valid time");
        schedule
            .next_after(after)
            .map(|t| t.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn finds_the_next_firing_time() {
        assert_eq!(
            next("*/5 * * * *", "2025-01-01T00:03:20Z"),
            "2025-01-01T00:05:00Z"
        );
        assert_eq!(
            next("0 2 * * *", "2025-01-01T02:00:00Z"),
            "2025-01-02T02:00:00Z"
        );
        assert_eq!(
            next("30 9 * * mon-fri", "2025-01-03T10:00:00Z"),
            "2025-01-06T09:30:00Z"
        );
        assert_eq!(
            next("@monthly", "2025-01-15T00:00:00Z"),
            "2025-02-01T00:00:00Z"
        );
        assert_eq!(
            next("0 0 29 2 *", "2025-03-01T00:00:00Z"),
            "2028-02-29T00:00:00Z"
        );
        assert_eq!(
            next("15,45 */6 * jan *", "2025-01-01T06:20:00Z"),
            "2025-01-01T06:45:00Z"
        );
    }

    #[test]
    fn rejects_malformed_schedules() {
        assert!("* * * *".parse::<Schedule>().is_err());
        assert!("61 * * * *".parse::<Schedule>().is_err());
        assert!("*/0 * * * *".parse::<Schedule>().is_err());
        assert!("5-1 * * * *".parse::<Schedule>().is_err());
    }
}
