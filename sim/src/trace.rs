//! Optional per-event records: JSON-lines traces, the determinism checker's
//! event log and the "last events before a violation" tail. When no sink is
//! attached the engine formats nothing, so tracing off costs nothing.

use crate::config::Fault;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::net::SocketAddr;

/// The kind of a recorded event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceEvent {
    /// Virtual time, nanoseconds.
    pub time_ns: u64,
    /// What happened.
    pub kind: EventKind,
    /// Index of the node the event happened at (the receiver for deliveries).
    pub node: Option<usize>,
    /// Sender address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<SocketAddr>,
    /// Receiver address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<SocketAddr>,
    /// The message's number in the run (0 for the first message sent), on
    /// its send, duplication, deliveries and drop: it pairs each send with
    /// what became of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg: Option<u64>,
    /// The fault applied, on fault events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<Fault>,
    /// Human summary (`Debug` of the message, timer, observation or fault).
    pub summary: String,
    /// The run digest after this event.
    #[serde(skip)]
    pub digest: u64,
}

/// Keeps the events of a time window (and every fault), up to a limit.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Window {
    /// First time kept, nanoseconds.
    pub from_ns: u64,
    /// Last time kept, nanoseconds.
    pub to_ns: u64,
    /// Most events kept.
    pub limit: usize,
    /// The events kept, in order.
    pub events: Vec<TraceEvent>,
    /// Events in the window that were not kept because of the limit.
    pub over: u64,
    /// Time of the first event not kept because of the limit.
    pub first_over_ns: Option<u64>,
    /// Messages sent before the window, per (sender, receiver) address, so
    /// per-link message numbers can be continued inside it.
    pub sent_before: BTreeMap<(SocketAddr, SocketAddr), u64>,
}

impl Window {
    /// A window from `from_ns` to `to_ns` keeping at most `limit` events.
    pub fn new(from_ns: u64, to_ns: u64, limit: usize) -> Self {
        Window {
            from_ns,
            to_ns,
            limit,
            ..Window::default()
        }
    }

    fn record(&mut self, event: TraceEvent) {
        let inside = (self.from_ns..=self.to_ns).contains(&event.time_ns);
        if event.time_ns < self.from_ns && event.kind == EventKind::Send {
            if let (Some(from), Some(to)) = (event.from, event.to) {
                *self.sent_before.entry((from, to)).or_insert(0) += 1;
            }
        }
        if !inside && event.kind != EventKind::Fault {
            return;
        }
        if self.events.len() < self.limit {
            self.events.push(event);
        } else if inside {
            self.over += 1;
            self.first_over_ns.get_or_insert(event.time_ns);
        }
    }
}

/// Takes trace events one by one as the run makes them (e.g. to write
/// another format while the run goes).
pub trait EventSink {
    /// Takes one event.
    fn record(&mut self, event: TraceEvent) -> std::io::Result<()>;
    /// The run is over: write out what is buffered.
    fn finish(&mut self) -> std::io::Result<()>;
}

/// Where trace events go.
pub enum TraceSink {
    /// JSON lines to a writer.
    JsonLines(Box<dyn Write>),
    /// Keep every event in memory.
    Memory(Vec<TraceEvent>),
    /// Keep only the last `n` events.
    Tail(usize, VecDeque<TraceEvent>),
    /// Keep the events of a time window, up to a limit; kept after the run
    /// like [`TraceSink::Memory`].
    Window(Window),
    /// Hand every event to an [`EventSink`]. Like a kept sink, it is left
    /// after the run for the caller to take back and [`TraceSink::finish`],
    /// which reports its errors.
    Custom(Box<dyn EventSink>),
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
            TraceSink::Window(w) => {
                w.record(event);
                Ok(())
            }
            TraceSink::Custom(sink) => sink.record(event),
        }
    }

    /// Whether the sink stays attached after the run for the caller to take
    /// back (its events are not the "last events before a violation").
    pub fn keeps(&self) -> bool {
        matches!(
            self,
            TraceSink::Memory(_) | TraceSink::Window(_) | TraceSink::Custom(_)
        )
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
            TraceSink::Window(w) => Ok(w.events),
            TraceSink::Custom(mut sink) => sink.finish().map(|()| Vec::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(time_ns: u64, kind: EventKind) -> TraceEvent {
        TraceEvent {
            time_ns,
            kind,
            node: Some(0),
            from: None,
            to: None,
            msg: None,
            fault: None,
            summary: String::new(),
            digest: 0,
        }
    }

    #[test]
    fn a_window_keeps_its_span_and_every_fault_up_to_its_limit() {
        let mut w = Window::new(10, 20, 3);
        let mut send = at(5, EventKind::Send);
        let (a, b) = (crate::virtual_addr(0, 1), crate::virtual_addr(1, 1));
        (send.from, send.to) = (Some(a), Some(b));
        w.record(send);
        for (t, k) in [
            (6, EventKind::Fault),
            (10, EventKind::Send),
            (20, EventKind::Timer),
            (20, EventKind::Observe),
            (21, EventKind::Deliver),
        ] {
            w.record(at(t, k));
        }
        let kept: Vec<(u64, EventKind)> = w.events.iter().map(|e| (e.time_ns, e.kind)).collect();
        assert_eq!(
            kept,
            [
                (6, EventKind::Fault),
                (10, EventKind::Send),
                (20, EventKind::Timer)
            ]
        );
        assert_eq!((w.over, w.first_over_ns), (1, Some(20)));
        assert_eq!(w.sent_before.get(&(a, b)), Some(&1));
    }

    #[test]
    fn events_round_trip_through_json_lines() {
        let mut e = at(7, EventKind::Fault);
        e.fault = Some(Fault::Partition {
            a: vec![0],
            b: vec![1, 2],
            one_way: true,
        });
        e.msg = Some(3);
        e.summary = "x</script>".to_string();
        let text = serde_json::to_string(&e).unwrap();
        assert_eq!(serde_json::from_str::<TraceEvent>(&text).unwrap(), e);
    }
}
