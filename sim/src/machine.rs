//! The sans-IO contract every protocol node implements.
//!
//! A node is a plain value implementing [`Machine`]. The driver (the simulator,
//! or `net-real` on real sockets) calls one of three entry points and hands it a
//! [`Context`]; everything the node wants to happen in the world is queued on
//! that context as an [`Effect`] and carried out by the driver afterwards. A node
//! never blocks, never prints, never reads a clock and never touches a socket.

use crate::time::{Time, WallTime};
use rand_chacha::ChaCha8Rng;
use std::fmt::Debug;
use std::hash::Hash;
use std::net::SocketAddr;
use std::time::Duration;

/// The random number generator a node draws from: a ChaCha stream the driver
/// seeds per node (from the run seed and the node's address in simulation).
pub type NodeRng = ChaCha8Rng;

/// Identifies a timer set by one node; unique within that node's lifetime.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimerId(pub u64);

/// A protocol node: state plus three entry points.
///
/// `Msg`, `Timer` and `Obs` must be `Hash` because the simulator folds every
/// delivered message, fired timer and observation into the run's digest (for
/// floating-point fields, hash `f64::to_bits`).
pub trait Machine {
    /// Messages exchanged between nodes.
    type Msg: Clone + Debug + Hash;
    /// What a timer carries back to the node when it fires.
    type Timer: Clone + Debug + Hash;
    /// Typed records of things that happened (a leader elected, an arbitrage
    /// found): consumed by properties, traces, metrics and the CLI's output.
    type Obs: Clone + Debug + Hash;

    /// Called once when the node starts (and again on a fresh node after a restart).
    fn on_start(&mut self, ctx: &mut Context<'_, Self>);
    /// Called when a message from `from` arrives.
    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: SocketAddr, msg: Self::Msg);
    /// Called when a timer set with [`Context::set_timer`] fires (cancelled timers never fire).
    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, id: TimerId, timer: Self::Timer);
}

/// Something a node asked the driver to do, in the order it asked.
#[derive(Debug)]
pub enum Effect<M: Machine + ?Sized> {
    /// Send `msg` to `to`.
    Send {
        /// Destination address.
        to: SocketAddr,
        /// The message.
        msg: M::Msg,
    },
    /// Fire `timer` after `after`, identified by `id`.
    SetTimer {
        /// Identifier returned to the node.
        id: TimerId,
        /// Delay from now.
        after: Duration,
        /// Value handed back to [`Machine::on_timer`].
        timer: M::Timer,
    },
    /// Cancel a timer if it has not fired yet.
    CancelTimer(TimerId),
    /// Record an observation.
    Observe(M::Obs),
}

/// The node's view of the world during one entry point.
///
/// Drivers build one with [`Context::new`] for each call and then drain the
/// queued effects; protocols only use the accessor and effect methods.
pub struct Context<'a, M: Machine + ?Sized> {
    now: Time,
    wall: WallTime,
    me: SocketAddr,
    rng: &'a mut NodeRng,
    next_timer: &'a mut u64,
    effects: &'a mut Vec<Effect<M>>,
}

impl<'a, M: Machine + ?Sized> Context<'a, M> {
    /// Builds a context (driver side). `next_timer` is the node's timer-id
    /// counter and must persist across calls; effects are appended to `effects`.
    pub fn new(
        now: Time,
        wall: WallTime,
        me: SocketAddr,
        rng: &'a mut NodeRng,
        next_timer: &'a mut u64,
        effects: &'a mut Vec<Effect<M>>,
    ) -> Self {
        Context {
            now,
            wall,
            me,
            rng,
            next_timer,
            effects,
        }
    }

    /// Monotonic time (virtual in the simulator).
    pub fn now(&self) -> Time {
        self.now
    }

    /// This node's wall clock, in Unix time (skewed and drifting per node in the simulator).
    pub fn wall_clock(&self) -> WallTime {
        self.wall
    }

    /// This node's random number generator.
    pub fn rng(&mut self) -> &mut NodeRng {
        self.rng
    }

    /// This node's own address.
    pub fn me(&self) -> SocketAddr {
        self.me
    }

    /// Sends `msg` to `to`.
    pub fn send(&mut self, to: SocketAddr, msg: M::Msg) {
        self.effects.push(Effect::Send { to, msg });
    }

    /// Arranges for `timer` to be handed back to [`Machine::on_timer`] after `after`.
    pub fn set_timer(&mut self, after: Duration, timer: M::Timer) -> TimerId {
        let id = TimerId(*self.next_timer);
        *self.next_timer += 1;
        self.effects.push(Effect::SetTimer { id, after, timer });
        id
    }

    /// Cancels a timer; cancelling one that already fired is harmless.
    pub fn cancel_timer(&mut self, id: TimerId) {
        self.effects.push(Effect::CancelTimer(id));
    }

    /// Records an observation: the only way a node reports what happened.
    pub fn observe(&mut self, event: M::Obs) {
        self.effects.push(Effect::Observe(event));
    }
}
