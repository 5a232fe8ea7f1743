//! The bully node's timings (the course's constants by default) and its
//! optional feigned failures.

use serde::Deserialize;
use sim::Dur;
use std::time::Duration;

/// How long a bully node waits, and how often it probes.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timing {
    /// No OK within this time: declare victory. Also the GCD-join retry and
    /// the probe timeout (the course's `ASSUME_FAILURE_TIMEOUT`, 2.0 s).
    #[serde(default = "failure_timeout")]
    pub failure_timeout: Dur,
    /// An OK but no COORDINATOR within this time: start the election again
    /// (default 4 s: the higher node's own election plus slack).
    #[serde(default = "coordinator_timeout")]
    pub coordinator_timeout: Dur,
    /// The leader is probed at intervals drawn uniformly from this range (0.5–3 s).
    #[serde(default = "probe_every")]
    pub probe_every: sim::DurRange,
    /// A leader that does not answer PROBE (a course peer) is checked with
    /// an ELECTION at most this often (default 5 s).
    #[serde(default = "course_check")]
    pub course_check: Dur,
}

fn failure_timeout() -> Dur {
    Dur::secs(2)
}
fn coordinator_timeout() -> Dur {
    Dur::secs(4)
}
fn course_check() -> Dur {
    Dur::secs(5)
}
fn probe_every() -> sim::DurRange {
    sim::DurRange {
        min: Dur::ms(500),
        max: Dur::secs(3),
    }
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            failure_timeout: failure_timeout(),
            coordinator_timeout: coordinator_timeout(),
            probe_every: probe_every(),
            course_check: course_check(),
        }
    }
}

impl Timing {
    /// Checks that every timeout is positive and ranges are ordered.
    pub fn validate(&self) -> Result<(), String> {
        if self.failure_timeout.0.is_zero() || self.coordinator_timeout.0.is_zero() {
            return Err("timeouts must be positive".into());
        }
        check_range("probe_every", &self.probe_every)
    }
}

/// Feigned failure: the node stops answering for a while, then rejoins the
/// GCD and starts an election.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feign {
    /// The next failure comes after a delay drawn uniformly from this range (0–10 s).
    #[serde(default = "feign_after")]
    pub after: sim::DurRange,
    /// A failure lasts a time drawn uniformly from this range (1–4 s).
    #[serde(default = "feign_for")]
    pub lasts: sim::DurRange,
    /// No failure starts after this time since the node started (`None`: forever).
    #[serde(default)]
    pub until: Option<Dur>,
}

fn feign_after() -> sim::DurRange {
    sim::DurRange {
        min: Dur::default(),
        max: Dur::secs(10),
    }
}
fn feign_for() -> sim::DurRange {
    sim::DurRange {
        min: Dur::secs(1),
        max: Dur::secs(4),
    }
}

impl Default for Feign {
    fn default() -> Self {
        Feign {
            after: feign_after(),
            lasts: feign_for(),
            until: None,
        }
    }
}

impl Feign {
    /// Checks that the ranges are ordered.
    pub fn validate(&self) -> Result<(), String> {
        check_range("feign.after", &self.after)?;
        check_range("feign.lasts", &self.lasts)
    }
}

fn check_range(place: &str, r: &sim::DurRange) -> Result<(), String> {
    if r.min <= r.max {
        Ok(())
    } else {
        Err(format!(
            "{place}: min {} is greater than max {}",
            r.min, r.max
        ))
    }
}

/// A duration drawn uniformly from `range`.
pub fn draw(rng: &mut sim::NodeRng, range: &sim::DurRange) -> Duration {
    use rand::Rng;
    Duration::from_nanos(rng.random_range(range.min.nanos()..=range.max.nanos()))
}
