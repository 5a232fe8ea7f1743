//! What a run reports when it ends: counters, digest, stop reason, violation.

use crate::network::DropCause;
use crate::time::Time;
use crate::trace::TraceEvent;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// Message and timer counters of one run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    /// Events processed (deliveries, timers, starts, faults).
    pub events: u64,
    /// Messages nodes sent.
    pub sent: u64,
    /// Messages delivered to a node.
    pub delivered: u64,
    /// Extra copies the network made.
    pub duplicated: u64,
    /// Messages dropped, by cause.
    pub dropped: Dropped,
    /// Timers that fired.
    pub timers_fired: u64,
    /// Observations nodes made.
    pub observations: u64,
    /// Faults applied.
    pub faults: u64,
}

/// Drop counts per [`DropCause`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dropped([u64; DropCause::ALL.len()]);

impl Dropped {
    /// Counts one drop.
    pub fn add(&mut self, cause: DropCause) {
        self.0[cause as usize] += 1;
    }
    /// Drops with this cause.
    pub fn get(&self, cause: DropCause) -> u64 {
        self.0[cause as usize]
    }
    /// All drops.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }
    /// Adds another count's drops, cause by cause.
    pub fn absorb(&mut self, other: &Dropped) {
        for (mine, theirs) in self.0.iter_mut().zip(other.0.iter()) {
            *mine += theirs;
        }
    }
}

impl Counters {
    /// Adds the counts of another part of the same run (a live run's
    /// event loops count separately).
    pub fn absorb(&mut self, other: &Counters) {
        self.events += other.events;
        self.sent += other.sent;
        self.delivered += other.delivered;
        self.duplicated += other.duplicated;
        self.dropped.absorb(&other.dropped);
        self.timers_fired += other.timers_fired;
        self.observations += other.observations;
        self.faults += other.faults;
    }
}

impl Serialize for Dropped {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(DropCause::ALL.len() + 1))?;
        map.serialize_entry("total", &self.total())?;
        for cause in DropCause::ALL {
            map.serialize_entry(cause.name(), &self.get(cause))?;
        }
        map.end()
    }
}

/// Why a run stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// No event was left.
    Quiescent,
    /// The virtual-time limit was reached.
    TimeLimit,
    /// The event budget was used up.
    EventBudget,
    /// A property was violated.
    Violation,
}

/// A property that did not hold.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Violation {
    /// The property's name.
    pub property: String,
    /// Virtual time of the violation.
    pub time: Time,
    /// Number of events processed when it was detected.
    pub event: u64,
    /// What was wrong.
    pub message: String,
    /// The events just before it (filled when a history tail was requested).
    pub last_events: Vec<TraceEvent>,
}

/// The result of a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The run seed.
    pub seed: u64,
    /// Digest over the ordered event history, 16 hex digits.
    pub digest: String,
    /// Why the run stopped.
    pub stop: StopReason,
    /// Virtual time at the stop.
    pub virtual_time: Time,
    /// Counters.
    pub counters: Counters,
    /// Messages still on the wire (or waiting at a paused node) at the stop.
    pub in_flight: u64,
    /// The first violated property, if any.
    pub violation: Option<Violation>,
    /// Liveness properties whose deadline lies beyond the end of the run.
    pub liveness_unchecked: Vec<String>,
}

impl Report {
    /// `sent + duplicated == delivered + dropped + in flight`: every message is accounted for.
    pub fn conserves_messages(&self) -> bool {
        let c = &self.counters;
        c.sent + c.duplicated == c.delivered + c.dropped.total() + self.in_flight
    }
}
