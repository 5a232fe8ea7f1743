//! A node's agenda: pending timers and delayed sends, ordered by deadline.
//! The node thread sleeps until the earliest one (no busy waiting).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::hash::Hash;
use std::net::SocketAddr;
use std::time::Instant;

/// Something due at a deadline.
pub(crate) enum Due<T> {
    /// A timer the machine set (its value is its key).
    Timer(T),
    /// An encoded message held back by an injected delay.
    Send {
        /// Destination.
        to: SocketAddr,
        /// The encoded message.
        bytes: Vec<u8>,
    },
}

/// Pending items by deadline (ties in insertion order).
pub(crate) struct Agenda<T> {
    heap: BinaryHeap<Reverse<(Instant, u64)>>,
    items: HashMap<u64, Due<T>>,
    /// Pending timers by value (a lookup table, never iterated).
    timers: HashMap<T, u64>,
    seq: u64,
}

impl<T: Clone + Hash + Eq> Agenda<T> {
    pub(crate) fn new() -> Self {
        Agenda {
            heap: BinaryHeap::new(),
            items: HashMap::new(),
            timers: HashMap::new(),
            seq: 0,
        }
    }

    /// Adds an item due at `at`; a timer replaces a pending equal one.
    pub(crate) fn push(&mut self, at: Instant, item: Due<T>) {
        let seq = self.seq;
        self.seq += 1;
        if let Due::Timer(timer) = &item {
            if let Some(old) = self.timers.insert(timer.clone(), seq) {
                self.items.remove(&old);
            }
        }
        self.items.insert(seq, item);
        self.heap.push(Reverse((at, seq)));
    }

    /// Cancels the pending timer equal to `timer`; others are ignored.
    pub(crate) fn cancel(&mut self, timer: &T) {
        if let Some(seq) = self.timers.remove(timer) {
            self.items.remove(&seq);
        }
    }

    /// The earliest live deadline.
    pub(crate) fn next_deadline(&mut self) -> Option<Instant> {
        while let Some(Reverse((at, seq))) = self.heap.peek() {
            if self.items.contains_key(seq) {
                return Some(*at);
            }
            self.heap.pop();
        }
        None
    }

    /// Removes and returns the earliest item due at or before `now`, with its deadline.
    pub(crate) fn pop_due(&mut self, now: Instant) -> Option<(Instant, Due<T>)> {
        let at = self.next_deadline().filter(|at| *at <= now)?;
        let Reverse((_, seq)) = self.heap.pop()?;
        let item = self.items.remove(&seq)?;
        if let Due::Timer(timer) = &item {
            self.timers.remove(timer);
        }
        Some((at, item))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn items_come_out_by_deadline_and_cancelled_timers_never() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let mut a = Agenda::new();
        a.push(ms(30), Due::Timer("late"));
        a.push(ms(10), Due::Timer("early"));
        a.push(ms(20), Due::Timer("cancelled"));
        a.push(ms(5), Due::Timer("replaced"));
        a.push(ms(25), Due::Timer("replaced"));
        a.cancel(&"cancelled");
        a.cancel(&"never set");
        assert_eq!(a.next_deadline(), Some(ms(10)));
        assert!(a.pop_due(ms(5)).is_none());
        let names: Vec<&str> = std::iter::from_fn(|| a.pop_due(ms(100)))
            .map(|(_, due)| match due {
                Due::Timer(name) => name,
                Due::Send { .. } => "send",
            })
            .collect();
        assert_eq!(names, ["early", "replaced", "late"]);
        assert_eq!(a.next_deadline(), None);
    }
}
