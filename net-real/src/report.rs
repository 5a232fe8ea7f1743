//! What a live run counts and reports: the simulator's counters with the
//! simulator's meaning (no digest: live runs are not deterministic), plus
//! what only sockets can tell.

use crate::config::Transport;
use serde::Serialize;
use std::net::SocketAddr;
use std::time::Duration;

/// The counters of a live run.
///
/// `sent + duplicated == delivered + dropped.total() + in_flight`: every
/// message a node sent is delivered, dropped for a reason, or was still in
/// flight when the run stopped (held by an injected delay, queued on a
/// connection, in the kernel's buffers, at a paused node, or lost by the
/// kernel or another host unseen).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LiveCounters {
    /// The simulator's counters: sent, delivered, duplicated, dropped by
    /// [`sim::DropCause`], timers fired, observations, faults applied.
    #[serde(flatten)]
    pub sim: sim::Counters,
    /// Messages neither delivered nor dropped when the run stopped.
    pub in_flight: u64,
    /// Of those, the ones this process still held (delayed, queued to
    /// write, or waiting at a paused node).
    pub held: u64,
    /// Datagrams or frames that did not decode (logged with the peer).
    pub decode_errors: u64,
    /// TCP connections established (dialled or accepted).
    pub connections_opened: u64,
    /// TCP connections refused or failed while connecting.
    pub connections_refused: u64,
    /// TCP connections closed (by either end or by an error).
    pub connections_closed: u64,
    /// Connections closed for bad input or for passing a buffer limit.
    pub connections_cut: u64,
    /// Times the open-file limit stopped an accept or a connect.
    pub descriptor_exhaustion: u64,
    /// The most bytes buffered at once (see [`crate::Limits::max_buffered`]).
    pub peak_buffered: u64,
}

impl LiveCounters {
    /// `sent + duplicated == delivered + dropped + in flight`.
    pub fn conserves_messages(&self) -> bool {
        let c = &self.sim;
        c.sent + c.duplicated == c.delivered + c.dropped.total() + self.in_flight
    }
}

/// Why a live run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveStop {
    /// The configured duration passed.
    Duration,
    /// The caller's event handler said it was done.
    Done,
    /// A stop was requested (Ctrl-C, SIGTERM, [`crate::Stop::request`]).
    Interrupted,
}

/// The summary of a live run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LiveReport {
    /// The seed used (drawn from the OS when none was given).
    pub seed: u64,
    /// UDP or TCP.
    pub transport: Transport,
    /// Why the run ended.
    pub stop: LiveStop,
    /// The signal that interrupted the run, if one did.
    pub signal: Option<i32>,
    /// Wall time from start to the end of shutdown.
    #[serde(serialize_with = "as_secs")]
    pub wall_time: Duration,
    /// The address book as bound (free ports resolved).
    pub addrs: Vec<SocketAddr>,
    /// The fault schedule applied (scripted plus the nemesis's plan), by time.
    pub schedule: Vec<sim::ScheduledFault>,
    /// Counters.
    pub counters: LiveCounters,
}

impl LiveReport {
    /// The conventional exit status of a process interrupted by the signal
    /// that stopped this run (130 for SIGINT, 143 for SIGTERM), if any.
    pub fn signal_exit_code(&self) -> Option<u8> {
        self.signal
            .and_then(|s| u8::try_from(128 + s).ok())
            .filter(|_| self.stop == LiveStop::Interrupted)
    }
}

fn as_secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::DropCause;

    #[test]
    fn conservation_counts_every_cause_and_the_flight() {
        let mut c = LiveCounters::default();
        c.sim.sent = 10;
        c.sim.duplicated = 1;
        c.sim.delivered = 7;
        c.sim.dropped.add(DropCause::Loss);
        c.sim.dropped.add(DropCause::Refused);
        assert!(!c.conserves_messages());
        c.in_flight = 2;
        assert!(c.conserves_messages());
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["sent"], 10);
        assert_eq!(json["dropped"]["refused"], 1);
    }
}
