//! What a live run counts and reports: the simulator's counters, minus the
//! digest (live runs are not deterministic), plus what only sockets can tell.

use crate::config::Transport;
use serde::Serialize;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Why a message a node sent never reached a socket (or left it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DropKind {
    Loss,
    Partition,
    Encode,
    Send,
}

/// Counters shared by every thread of a run.
#[derive(Default)]
pub(crate) struct Stats {
    pub(crate) sent: AtomicU64,
    pub(crate) delivered: AtomicU64,
    pub(crate) duplicated: AtomicU64,
    loss: AtomicU64,
    partition: AtomicU64,
    encode: AtomicU64,
    send: AtomicU64,
    pub(crate) decode_errors: AtomicU64,
    pub(crate) timers_fired: AtomicU64,
    pub(crate) observations: AtomicU64,
    pub(crate) faults: AtomicU64,
    pub(crate) connections: AtomicU64,
}

/// Adds one to a counter.
pub(crate) fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

impl Stats {
    pub(crate) fn dropped(&self, kind: DropKind) {
        bump(match kind {
            DropKind::Loss => &self.loss,
            DropKind::Partition => &self.partition,
            DropKind::Encode => &self.encode,
            DropKind::Send => &self.send,
        });
    }

    pub(crate) fn snapshot(&self) -> LiveCounters {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        LiveCounters {
            sent: get(&self.sent),
            delivered: get(&self.delivered),
            duplicated: get(&self.duplicated),
            dropped: LiveDropped {
                loss: get(&self.loss),
                partition: get(&self.partition),
                encode_error: get(&self.encode),
                send_error: get(&self.send),
            },
            decode_errors: get(&self.decode_errors),
            timers_fired: get(&self.timers_fired),
            observations: get(&self.observations),
            faults: get(&self.faults),
            connections_opened: get(&self.connections),
        }
    }
}

/// Messages that never left the sender, by cause.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LiveDropped {
    /// Dropped by injected loss.
    pub loss: u64,
    /// Blocked by an injected partition.
    pub partition: u64,
    /// Could not be encoded (e.g. too big for one datagram).
    pub encode_error: u64,
    /// The socket refused it (connection refused or broken, unreachable).
    pub send_error: u64,
}

impl LiveDropped {
    /// Messages the injected faults dropped (loss and partitions).
    pub fn injected(&self) -> u64 {
        self.loss + self.partition
    }
    /// Every drop.
    pub fn total(&self) -> u64 {
        self.injected() + self.encode_error + self.send_error
    }
}

/// Message and timer counters of a live run (those of [`sim::Counters`] that
/// make sense on real sockets, plus socket-level ones).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LiveCounters {
    /// Messages nodes sent.
    pub sent: u64,
    /// Messages handed to a node.
    pub delivered: u64,
    /// Extra copies the injected duplication made.
    pub duplicated: u64,
    /// Messages dropped before reaching the wire, by cause. The kernel and the
    /// network may lose more (UDP); `sent + duplicated - dropped - delivered`
    /// is what was lost there or still in flight at the end.
    pub dropped: LiveDropped,
    /// Datagrams or frames that did not decode (logged with the peer's address).
    pub decode_errors: u64,
    /// Timers that fired.
    pub timers_fired: u64,
    /// Observations nodes made.
    pub observations: u64,
    /// Scheduled faults applied.
    pub faults: u64,
    /// TCP connections opened or accepted.
    pub connections_opened: u64,
}

/// Why a live run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveStop {
    /// The configured duration passed.
    Duration,
    /// The caller's event handler said it was done.
    Done,
    /// The stop flag was set (Ctrl-C).
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
    /// Wall time from start to the end of shutdown.
    #[serde(serialize_with = "as_secs")]
    pub wall_time: Duration,
    /// The address book as bound (free ports resolved).
    pub addrs: Vec<SocketAddr>,
    /// Counters.
    pub counters: LiveCounters,
}

fn as_secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_land_in_their_bucket() {
        let stats = Stats::default();
        stats.dropped(DropKind::Loss);
        stats.dropped(DropKind::Loss);
        stats.dropped(DropKind::Send);
        bump(&stats.sent);
        let c = stats.snapshot();
        assert_eq!(c.dropped.loss, 2);
        assert_eq!(c.dropped.send_error, 1);
        assert_eq!(c.dropped.injected(), 2);
        assert_eq!(c.dropped.total(), 3);
        assert_eq!(c.sent, 1);
    }
}
