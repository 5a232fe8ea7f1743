//! The real clocks a node reads: the monotonic clock for `now()` and the
//! system clock (with optional injected skew and drift) for `wall_clock()`.

use sim::{Time, WallTime};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The run's monotonic epoch: `now()` is the time elapsed since it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Clock {
    epoch: Instant,
}

impl Clock {
    /// A clock whose time zero is `epoch`.
    pub(crate) fn at_epoch(epoch: Instant) -> Self {
        Clock { epoch }
    }

    /// Time since the start of the run.
    pub(crate) fn now(&self) -> Time {
        self.at(Instant::now())
    }

    /// The run time of an instant.
    pub(crate) fn at(&self, instant: Instant) -> Time {
        Time::from_duration(instant.saturating_duration_since(self.epoch))
    }
}

/// A node's wall clock: the system clock plus an injected offset and drift.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct WallClock {
    /// Offset in nanoseconds.
    pub(crate) skew_ns: i64,
    /// Drift in parts per million of run time.
    pub(crate) drift_ppm: f64,
}

impl WallClock {
    /// What this node's wall clock reads at run time `now`.
    pub(crate) fn read(&self, now: Time) -> WallTime {
        let system = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_nanos()).unwrap_or(i64::MAX),
            Err(before) => -i64::try_from(before.duration().as_nanos()).unwrap_or(i64::MAX),
        };
        let drift = (now.as_nanos() as f64 * self.drift_ppm / 1e6) as i64;
        WallTime(system.saturating_add(self.skew_ns).saturating_add(drift))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn now_advances_and_wall_is_unix_time() {
        let clock = Clock::at_epoch(Instant::now());
        let a = clock.now();
        std::thread::sleep(Duration::from_millis(2));
        assert!(clock.now().saturating_since(a) >= Duration::from_millis(2));
        let wall = WallClock::default().read(clock.now());
        assert!(wall.as_secs() > 1_600_000_000);
        let skewed = WallClock {
            skew_ns: -5_000_000_000,
            drift_ppm: 0.0,
        }
        .read(clock.now());
        assert!((wall.as_secs() - skewed.as_secs() - 5).abs() <= 1);
    }
}
