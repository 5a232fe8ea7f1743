//! Optional per-event records: JSON-lines traces, the determinism checker's
//! event log and the "last events before a violation" tail. When no sink is
//! attached the engine formats nothing, so tracing off costs nothing.

use serde::Serialize;
use std::collections::VecDeque;
use std::io::Write;
use std::net::SocketAddr;

/// The kind of a recorded event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A node started.
    Start,
    /// A node sent a message.
    Send,
    /// A message was delivered.
    Deliver,
    /// A message was dropped (the summary says why).
    Drop,
    /// A message was duplicated on the wire.
    Duplicate,
    /// A timer fired.
    Timer,
    /// A node made an observation.
    Observe,
    /// A fault was applied.
    Fault,
    /// A stream connection was established, refused or closed.
    Connection,
}

/// One recorded event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceEvent {
    /// Virtual time, nanoseconds.
    pub time_ns: u64,
    /// What happened.
    pub kind: EventKind,
    /// Index of the node the event happened at (the receiver for deliveries).
    pub node: Option<usize>,
    /// Sender address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<SocketAddr>,
    /// Receiver address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<SocketAddr>,
    /// Human summary (`Debug` of the message, timer, observation or fault).
    pub summary: String,
    /// The run digest after this event.
    #[serde(skip)]
    pub digest: u64,
}

/// Where trace events go.
pub enum TraceSink {
    /// JSON lines to a writer.
    JsonLines(Box<dyn Write>),
    /// Keep every event in memory.
    Memory(Vec<TraceEvent>),
    /// Keep only the last `n` events.
    Tail(usize, VecDeque<TraceEvent>),
}

impl TraceSink {
    /// Records one event. Write errors are remembered and reported by [`TraceSink::finish`].
    pub fn record(&mut self, event: TraceEvent) -> std::io::Result<()> {
        match self {
            TraceSink::JsonLines(w) => {
                serde_json::to_writer(&mut *w, &event)?;
                w.write_all(b"\n")
            }
            TraceSink::Memory(v) => {
                v.push(event);
                Ok(())
            }
            TraceSink::Tail(n, q) => {
                if q.len() == *n {
                    q.pop_front();
                }
                q.push_back(event);
                Ok(())
            }
        }
    }

    /// Flushes a writer; returns the events kept in memory, if any.
    pub fn finish(self) -> std::io::Result<Vec<TraceEvent>> {
        match self {
            TraceSink::JsonLines(mut w) => {
                w.flush()?;
                Ok(Vec::new())
            }
            TraceSink::Memory(v) => Ok(v),
            TraceSink::Tail(_, q) => Ok(q.into()),
        }
    }
}
