//! What a live run tells its caller while it runs: observations (the same
//! stream as in simulation) and log entries (bad input, socket errors, faults).

use sim::Time;
use std::fmt;
use std::net::SocketAddr;

/// An observation with when, by which node and at which address it was made.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveObserved<O> {
    /// Time since the run started (monotonic clock).
    pub time: Time,
    /// Index of the observing node in the address book.
    pub node: usize,
    /// The node's address.
    pub addr: SocketAddr,
    /// The observation.
    pub obs: O,
    /// The run's counters when it was made (for properties reading [`sim::Env`]).
    pub counters: sim::Counters,
}

impl<O: Clone> LiveObserved<O> {
    /// The record as the simulator reports it, for properties and renderers.
    pub fn to_sim(&self) -> sim::Observed<O> {
        sim::Observed {
            time: self.time,
            node: self.node,
            obs: self.obs.clone(),
        }
    }
}

/// What a log entry is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogKind {
    /// Bytes from a peer did not decode.
    Decode,
    /// A message could not be encoded (or is too big for a datagram).
    Encode,
    /// A send failed (connect refused, connection broken, socket error).
    Send,
    /// Receiving or accepting failed.
    Receive,
    /// A scripted fault was applied.
    Fault,
    /// A limit was reached: open files, buffered bytes, frame size.
    Limit,
}

impl LogKind {
    fn name(self) -> &'static str {
        match self {
            LogKind::Decode => "decode error",
            LogKind::Encode => "encode error",
            LogKind::Send => "send error",
            LogKind::Receive => "receive error",
            LogKind::Fault => "fault",
            LogKind::Limit => "limit",
        }
    }
}

/// One line of the run's log. Machines never print; the driver reports here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    /// Time since the run started.
    pub time: Time,
    /// The node it concerns.
    pub node: usize,
    /// The peer involved, if any.
    pub peer: Option<SocketAddr>,
    /// What it is about.
    pub kind: LogKind,
    /// Details (e.g. the decode error).
    pub message: String,
}

impl fmt::Display for LogEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] node {} {}", self.time, self.node, self.kind.name())?;
        if let Some(peer) = self.peer {
            write!(f, " (peer {peer})")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Something the run reports to its caller.
#[derive(Clone, Debug, PartialEq)]
pub enum LiveEvent<O> {
    /// Every local socket is bound (first event of a run): the address
    /// book with the ports actually bound, and the indices of local nodes.
    Listening {
        /// The address book as bound.
        addrs: Vec<SocketAddr>,
        /// The nodes this process runs.
        local: Vec<usize>,
    },
    /// A node observed something.
    Observed(LiveObserved<O>),
    /// A log entry.
    Log(LogEntry),
}

/// What the caller's event handler wants next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Keep running.
    Continue,
    /// End the run now (e.g. every token retired).
    Stop,
}
