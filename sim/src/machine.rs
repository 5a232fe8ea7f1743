//! The sans-IO contract every protocol node implements.
//!
//! A node is a plain value implementing [`Machine`]. The driver (the simulator,
//! or `net-real` on real sockets) calls one of its entry points and hands it a
//! [`Context`]; everything the node wants to happen in the world is queued on
//! that context as an [`Effect`] and carried out by the driver afterwards. A node
//! never blocks, never prints, never reads a clock and never touches a socket.
//!
//! The context is typed on (message, timer, observation), not on the machine,
//! so a component (an RPC layer with timeouts, a failure detector, a
//! stabiliser) is written once against its own three types and embedded in
//! several machines with [`Context::scoped`], which maps its effects into the
//! embedding machine's types (as stateright's `Out` does).
//!
//! Timers are keyed by value: setting a timer equal to a pending one replaces
//! it, and [`Context::cancel_timer`] cancels the pending timer equal to its
//! argument. There are no timer ids.

use crate::time::{Time, WallTime};
use rand_chacha::ChaCha8Rng;
use std::fmt::Debug;
use std::hash::Hash;
use std::net::SocketAddr;
use std::time::Duration;

/// The random number generator a node draws from: a ChaCha stream the driver
/// seeds per node (from the run seed and the node's address in simulation).
pub type NodeRng = ChaCha8Rng;

/// What happened to a stream connection with a peer (drivers on datagrams
/// never report any).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Connection {
    /// A connection to or from the peer is open.
    Established,
    /// The peer refused the connection (it is down or not listening); the
    /// messages sent to it meanwhile were dropped.
    Refused,
    /// The connection closed or broke (the peer closed it, crashed, or a
    /// partition cut it); messages still in flight on it were dropped.
    Closed,
}

/// A protocol node: state plus entry points.
///
/// `Msg`, `Timer` and `Obs` must be `Hash` because the simulator folds every
/// delivered message, fired timer and observation into the run's digest (for
/// floating-point fields, hash `f64::to_bits`). `Timer` is `Eq` because
/// timers are keyed by value.
pub trait Machine: 'static {
    /// Messages exchanged between nodes.
    type Msg: Clone + Debug + Hash;
    /// What a timer carries back to the node when it fires; also its key.
    type Timer: Clone + Debug + Hash + Eq;
    /// Typed records of things that happened (a leader elected, an arbitrage
    /// found): consumed by properties, traces, metrics and the CLI's output.
    type Obs: Clone + Debug + Hash;

    /// Called once when the node starts (and again on a fresh node after a restart).
    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>);
    /// Called when a message from `from` arrives.
    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: SocketAddr, msg: Self::Msg);
    /// Called when a timer set with [`Context::set_timer`] fires (replaced
    /// and cancelled timers never fire).
    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Self::Timer);
    /// Called when a stream connection with `peer` changes state. The default
    /// ignores it.
    fn on_connection(&mut self, ctx: &mut Ctx<'_, Self>, peer: SocketAddr, event: Connection) {
        let _ = (ctx, peer, event);
    }
}

/// The context a machine `M` is handed.
pub type Ctx<'a, M> = Context<'a, <M as Machine>::Msg, <M as Machine>::Timer, <M as Machine>::Obs>;

/// Something a node asked the driver to do, in the order it asked.
#[derive(Debug)]
pub enum Effect<Msg, Timer, Obs> {
    /// Send `msg` to `to`.
    Send {
        /// Destination address.
        to: SocketAddr,
        /// The message.
        msg: Msg,
    },
    /// Fire `timer` after `after`, replacing a pending timer equal to it.
    SetTimer {
        /// Delay from now.
        after: Duration,
        /// Value handed back to [`Machine::on_timer`].
        timer: Timer,
    },
    /// Cancel the pending timer equal to this one, if any.
    CancelTimer(Timer),
    /// Record an observation.
    Observe(Obs),
    /// Close the stream connection with this peer (no-op on datagrams).
    Close(SocketAddr),
}

/// The effects of one machine type.
pub type EffectOf<M> = Effect<<M as Machine>::Msg, <M as Machine>::Timer, <M as Machine>::Obs>;

/// Where a context puts effects: the driver's buffer, or a mapping into an
/// embedding machine's types (see [`Context::scoped`]).
pub trait EffectSink<Msg, Timer, Obs> {
    /// Queues one effect.
    fn push(&mut self, effect: Effect<Msg, Timer, Obs>);
}

impl<Msg, Timer, Obs> EffectSink<Msg, Timer, Obs> for Vec<Effect<Msg, Timer, Obs>> {
    fn push(&mut self, effect: Effect<Msg, Timer, Obs>) {
        Vec::push(self, effect);
    }
}

/// Maps a component's effects into its parent's types.
struct Mapped<'p, PM, PT, PO, M, T, O> {
    parent: &'p mut dyn EffectSink<PM, PT, PO>,
    msg: fn(M) -> PM,
    timer: fn(T) -> PT,
    obs: fn(O) -> PO,
}

impl<PM, PT, PO, M, T, O> EffectSink<M, T, O> for Mapped<'_, PM, PT, PO, M, T, O> {
    fn push(&mut self, effect: Effect<M, T, O>) {
        self.parent.push(match effect {
            Effect::Send { to, msg } => Effect::Send {
                to,
                msg: (self.msg)(msg),
            },
            Effect::SetTimer { after, timer } => Effect::SetTimer {
                after,
                timer: (self.timer)(timer),
            },
            Effect::CancelTimer(timer) => Effect::CancelTimer((self.timer)(timer)),
            Effect::Observe(obs) => Effect::Observe((self.obs)(obs)),
            Effect::Close(peer) => Effect::Close(peer),
        });
    }
}

/// The node's view of the world during one entry point.
///
/// Drivers build one with [`Context::new`] for each call and then drain the
/// queued effects; protocols only use the accessor and effect methods.
pub struct Context<'a, Msg, Timer, Obs> {
    now: Time,
    wall: WallTime,
    me: SocketAddr,
    rng: &'a mut NodeRng,
    sink: &'a mut dyn EffectSink<Msg, Timer, Obs>,
}

impl<'a, Msg, Timer, Obs> Context<'a, Msg, Timer, Obs> {
    /// Builds a context (driver side); effects go to `sink`.
    pub fn new(
        now: Time,
        wall: WallTime,
        me: SocketAddr,
        rng: &'a mut NodeRng,
        sink: &'a mut dyn EffectSink<Msg, Timer, Obs>,
    ) -> Self {
        Context {
            now,
            wall,
            me,
            rng,
            sink,
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
    pub fn send(&mut self, to: SocketAddr, msg: Msg) {
        self.sink.push(Effect::Send { to, msg });
    }

    /// Arranges for `timer` to be handed back to [`Machine::on_timer`] after
    /// `after` (a `std::time::Duration` or a [`crate::Dur`]); a pending
    /// timer equal to `timer` is replaced.
    pub fn set_timer(&mut self, after: impl Into<Duration>, timer: Timer) {
        let after = after.into();
        self.sink.push(Effect::SetTimer { after, timer });
    }

    /// Cancels the pending timer equal to `timer`; harmless if there is none.
    pub fn cancel_timer(&mut self, timer: Timer) {
        self.sink.push(Effect::CancelTimer(timer));
    }

    /// Records an observation: the only way a node reports what happened.
    pub fn observe(&mut self, event: Obs) {
        self.sink.push(Effect::Observe(event));
    }

    /// Closes the stream connection with `peer` (a no-op on datagrams); the
    /// peer sees [`Connection::Closed`].
    pub fn close(&mut self, peer: SocketAddr) {
        self.sink.push(Effect::Close(peer));
    }

    /// Runs `f` with a context for a component written against its own
    /// message, timer and observation types; its effects are mapped into
    /// this context's types by `msg`, `timer` and `obs` (typically enum
    /// variant constructors, e.g. `Msg::Rpc`).
    pub fn scoped<M2, T2, O2, R>(
        &mut self,
        msg: fn(M2) -> Msg,
        timer: fn(T2) -> Timer,
        obs: fn(O2) -> Obs,
        f: impl FnOnce(&mut Context<'_, M2, T2, O2>) -> R,
    ) -> R {
        let mut mapped = Mapped {
            parent: &mut *self.sink,
            msg,
            timer,
            obs,
        };
        let mut ctx = Context {
            now: self.now,
            wall: self.wall,
            me: self.me,
            rng: &mut *self.rng,
            sink: &mut mapped,
        };
        f(&mut ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[derive(Debug, PartialEq)]
    enum Outer {
        Inner(u8),
    }

    #[test]
    fn scoped_effects_are_mapped_into_the_parent_types() {
        let mut rng = NodeRng::seed_from_u64(1);
        let mut effects: Vec<Effect<Outer, Outer, Outer>> = Vec::new();
        let me = crate::virtual_addr(0, 1);
        let mut ctx = Context::new(Time(5), WallTime(0), me, &mut rng, &mut effects);
        ctx.scoped(Outer::Inner, Outer::Inner, Outer::Inner, |c| {
            assert_eq!(c.now(), Time(5));
            c.send(me, 1);
            c.set_timer(Duration::from_secs(1), 2);
            c.cancel_timer(3);
            c.observe(4);
            c.close(me);
        });
        assert!(matches!(
            effects[0],
            Effect::Send {
                msg: Outer::Inner(1),
                ..
            }
        ));
        assert!(matches!(
            effects[1],
            Effect::SetTimer {
                timer: Outer::Inner(2),
                ..
            }
        ));
        assert!(matches!(effects[2], Effect::CancelTimer(Outer::Inner(3))));
        assert!(matches!(effects[3], Effect::Observe(Outer::Inner(4))));
        assert!(matches!(effects[4], Effect::Close(a) if a == me));
    }
}
