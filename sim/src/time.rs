//! Virtual and wall-clock time values. Values only: nothing here reads a clock.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, Sub};
use std::time::Duration;

/// A monotonic instant, in nanoseconds since the run started.
///
/// In the simulator this is virtual time; in the real-network driver it is the
/// elapsed time of the process's monotonic clock since the driver started.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Time(pub u64);

impl Time {
    /// The start of a run.
    pub const ZERO: Time = Time(0);

    /// Nanoseconds since the start of the run.
    pub fn as_nanos(self) -> u64 {
        self.0
    }

    /// Time since the start of the run as a [`Duration`].
    pub fn since_start(self) -> Duration {
        Duration::from_nanos(self.0)
    }

    /// Builds a time from a duration since the start of the run.
    pub fn from_duration(d: Duration) -> Time {
        Time(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
    }

    /// `self - earlier`, or zero when `earlier` is later.
    pub fn saturating_since(self, earlier: Time) -> Duration {
        Duration::from_nanos(self.0.saturating_sub(earlier.0))
    }
}

impl Add<Duration> for Time {
    type Output = Time;
    fn add(self, d: Duration) -> Time {
        Time(self.0.saturating_add(Time::from_duration(d).0))
    }
}

impl Sub<Time> for Time {
    type Output = Duration;
    fn sub(self, earlier: Time) -> Duration {
        self.saturating_since(earlier)
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ns = self.0;
        write!(f, "{}.{:09}s", ns / 1_000_000_000, ns % 1_000_000_000)
    }
}

/// A point in Unix time (nanoseconds since 1970-01-01 UTC), as a node's own
/// wall clock reads it. In the simulator each node's wall clock may be skewed
/// and drift; in the real driver it is the system clock.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct WallTime(pub i64);

impl WallTime {
    /// Nanoseconds since the Unix epoch.
    pub fn as_nanos(self) -> i64 {
        self.0
    }
    /// Microseconds since the Unix epoch (the forex quote unit).
    pub fn as_micros(self) -> i64 {
        self.0.div_euclid(1_000)
    }
    /// Whole seconds since the Unix epoch (the Bitcoin `version` unit).
    pub fn as_secs(self) -> i64 {
        self.0.div_euclid(1_000_000_000)
    }
    /// Builds a wall time from microseconds since the Unix epoch.
    pub fn from_micros(us: i64) -> WallTime {
        WallTime(us.saturating_mul(1_000))
    }
}

/// Parses a human duration such as `1.5s`, `250ms`, `20us`, `7ns`, `2m` or `1h`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    if t.starts_with('-') {
        return Err(format!("duration `{text}` is negative"));
    }
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(|| format!("duration `{text}` has no unit (use ns, us, ms, s, m or h)"))?;
    let (num, unit) = t.split_at(split);
    let value: f64 = num
        .parse()
        .map_err(|_| format!("duration `{text}` does not start with a number"))?;
    let scale = match unit {
        "ns" => 1e-9,
        "us" | "µs" => 1e-6,
        "ms" => 1e-3,
        "s" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        other => return Err(format!("duration `{text}` has unknown unit `{other}`")),
    };
    let secs = value * scale;
    if !(0.0..=1e9).contains(&secs) {
        return Err(format!("duration `{text}` is out of range"));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_durations() {
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("3us").unwrap(), Duration::from_micros(3));
        assert!(parse_duration("12").is_err());
        assert!(parse_duration("abc").is_err());
        assert!(parse_duration("5 parsecs").is_err());
    }

    #[test]
    fn time_displays_seconds() {
        assert_eq!(Time(1_500_000_000).to_string(), "1.500000000s");
        assert_eq!(WallTime(1_999).as_micros(), 1);
        assert_eq!(WallTime(-1).as_micros(), -1);
    }
}
