//! The event queue: a binary heap ordered by (virtual time, insertion sequence),
//! so events at the same instant run in the order they were scheduled.

use crate::machine::Machine;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// What happens when an entry comes due.
pub(crate) enum Ev<M: Machine> {
    Start {
        node: u32,
    },
    Deliver {
        from: u32,
        to: u32,
        msg: M::Msg,
    },
    Timer {
        node: u32,
        incarnation: u32,
        id: u64,
        timer: M::Timer,
    },
    Fault {
        index: u32,
    },
}

pub(crate) struct Entry<M: Machine> {
    pub time: u64,
    pub seq: u64,
    pub ev: Ev<M>,
}

impl<M: Machine> PartialEq for Entry<M> {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.seq) == (other.time, other.seq)
    }
}
impl<M: Machine> Eq for Entry<M> {}
impl<M: Machine> PartialOrd for Entry<M> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<M: Machine> Ord for Entry<M> {
    /// Reversed, so the max-heap pops the earliest (time, seq) first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}

/// Pending events; `seq` makes ties deterministic.
pub(crate) struct EventQueue<M: Machine> {
    heap: BinaryHeap<Entry<M>>,
    seq: u64,
}

impl<M: Machine> EventQueue<M> {
    pub fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            seq: 0,
        }
    }

    pub fn push(&mut self, time: u64, ev: Ev<M>) {
        let seq = self.seq;
        self.seq += 1;
        self.heap.push(Entry { time, seq, ev });
    }

    /// Puts back an entry popped too early, keeping its place in the order.
    pub fn push_back(&mut self, entry: Entry<M>) {
        self.heap.push(entry);
    }

    pub fn pop(&mut self) -> Option<Entry<M>> {
        self.heap.pop()
    }

    /// Messages still in the queue (order-independent count).
    pub fn deliveries(&self) -> u64 {
        self.heap
            .iter()
            .filter(|e| matches!(e.ev, Ev::Deliver { .. }))
            .count() as u64
    }
}
