//! The event queue: ordered by (virtual time, insertion order), so events at
//! the same instant run in the order they were scheduled.
//!
//! Keys live in a [`RadixQueue`] (virtual time is monotone, which a radix heap
//! exploits); event payloads stay put in a slab, so reordering moves only
//! 16-byte keys whatever the size of a protocol's messages.

use crate::machine::Machine;
use crate::radix::RadixQueue;

/// What happens when an entry comes due.
pub(crate) enum Ev<M: Machine> {
    Start {
        node: u32,
    },
    Deliver {
        from: u32,
        to: u32,
        /// The stream connection it travels on (0: a datagram).
        conn: u32,
        /// The message's number in the run (pairs its send with its fate in traces).
        id: u64,
        msg: M::Msg,
    },
    /// A stream connection event for `node` about `peer`.
    Conn {
        node: u32,
        peer: std::net::SocketAddr,
        /// The connection (0: none was opened, e.g. refused).
        conn: u32,
        event: crate::machine::Connection,
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

/// An event taken out of the queue, with its time.
pub(crate) struct Entry<M: Machine> {
    pub time: u64,
    pub ev: Ev<M>,
}

/// Pending events.
pub(crate) struct EventQueue<M: Machine> {
    keys: RadixQueue<u32>,
    slab: Vec<Option<Ev<M>>>,
    free: Vec<u32>,
}

impl<M: Machine> EventQueue<M> {
    pub fn new() -> Self {
        EventQueue {
            keys: RadixQueue::new(),
            slab: Vec::new(),
            free: Vec::new(),
        }
    }

    fn store(&mut self, ev: Ev<M>) -> u32 {
        match self.free.pop() {
            Some(slot) => {
                self.slab[slot as usize] = Some(ev);
                slot
            }
            None => {
                self.slab.push(Some(ev));
                (self.slab.len() - 1) as u32
            }
        }
    }

    /// Schedules `ev` at `time` (not before the last event popped), after
    /// every event already scheduled for that time.
    #[inline]
    pub fn push(&mut self, time: u64, ev: Ev<M>) {
        let slot = self.store(ev);
        self.keys.push(time, slot);
    }

    /// Puts back the entry just popped, ahead of everything else.
    pub fn push_back(&mut self, entry: Entry<M>) {
        let slot = self.store(entry.ev);
        self.keys.push_front(entry.time, slot);
    }

    /// The earliest event.
    pub fn pop(&mut self) -> Option<Entry<M>> {
        let (time, slot) = self.keys.pop()?;
        let ev = self.slab[slot as usize].take()?;
        self.free.push(slot);
        Some(Entry { time, ev })
    }

    /// Bytes the queue holds (payload slots and their keys), for the run's
    /// memory budget. Heap data inside messages is not counted.
    pub fn footprint_bytes(&self) -> u64 {
        let slot = std::mem::size_of::<Option<Ev<M>>>() + 16;
        (self.slab.capacity() * slot + self.free.capacity() * 4) as u64
    }

    /// Messages still in the queue (order-independent count).
    pub fn deliveries(&self) -> u64 {
        self.keys
            .iter()
            .filter(|&&slot| matches!(self.slab[slot as usize], Some(Ev::Deliver { .. })))
            .count() as u64
    }
}
