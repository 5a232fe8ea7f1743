//! The run's one deadline heap: every timer of every local node, every send
//! held back by an injected delay, scripted faults, late starts, connect
//! timeouts. Ties keep insertion order. Cancelled items are not removed;
//! whoever pops one checks it is still current (timers by sequence number,
//! connections by id).

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::time::Instant;

struct Entry<D> {
    at: Instant,
    seq: u64,
    due: D,
}

impl<D> PartialEq for Entry<D> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl<D> Eq for Entry<D> {}
impl<D> PartialOrd for Entry<D> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<D> Ord for Entry<D> {
    /// Reversed: the heap's top is the earliest deadline.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// Items by deadline.
pub(crate) struct Deadlines<D> {
    heap: BinaryHeap<Entry<D>>,
    seq: u64,
}

impl<D> Deadlines<D> {
    pub(crate) fn new() -> Self {
        Deadlines {
            heap: BinaryHeap::new(),
            seq: 0,
        }
    }

    /// Adds `due` at `at`; returns its sequence number (unique in the run).
    pub(crate) fn push(&mut self, at: Instant, due: D) -> u64 {
        self.seq += 1;
        self.heap.push(Entry {
            at,
            seq: self.seq,
            due,
        });
        self.seq
    }

    /// The earliest deadline.
    pub(crate) fn next(&self) -> Option<Instant> {
        self.heap.peek().map(|e| e.at)
    }

    /// Removes and returns the earliest item due at or before `now`, with its sequence number.
    pub(crate) fn pop_due(&mut self, now: Instant) -> Option<(u64, D)> {
        if self.heap.peek()?.at > now {
            return None;
        }
        self.heap.pop().map(|e| (e.seq, e.due))
    }

    /// Every item left, in no particular order.
    pub(crate) fn drain(&mut self) -> impl Iterator<Item = D> + '_ {
        self.heap.drain().map(|e| e.due)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn items_come_out_by_deadline_then_insertion() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let mut d = Deadlines::new();
        d.push(ms(30), "late");
        d.push(ms(10), "early");
        d.push(ms(10), "early too");
        d.push(ms(20), "middle");
        assert_eq!(d.next(), Some(ms(10)));
        assert!(d.pop_due(ms(5)).is_none());
        let names: Vec<&str> = std::iter::from_fn(|| d.pop_due(ms(100)))
            .map(|(_, x)| x)
            .collect();
        assert_eq!(names, ["early", "early too", "middle", "late"]);
        assert_eq!(d.next(), None);
    }
}
