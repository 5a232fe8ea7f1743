//! Testing one machine by hand, in the spirit of quinn-proto's `Pair`: feed
//! it messages, advance time, fire timers, and inspect what it did.
//!
//! ```
//! use sim::testing::Harness;
//! use sim::{Ctx, Machine};
//! use std::net::SocketAddr;
//! use std::time::Duration;
//!
//! /// Answers every message with its double, and says "tick" every second.
//! struct Doubler;
//! impl Machine for Doubler {
//!     type Msg = u32;
//!     type Timer = ();
//!     type Obs = &'static str;
//!     fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
//!         ctx.set_timer(Duration::from_secs(1), ());
//!     }
//!     fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: SocketAddr, n: u32) {
//!         ctx.send(from, n * 2);
//!     }
//!     fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, _: ()) {
//!         ctx.observe("tick");
//!         ctx.set_timer(Duration::from_secs(1), ());
//!     }
//! }
//!
//! let mut h = Harness::new(Doubler);
//! h.start();
//! let peer = sim::virtual_addr(1, 9);
//! h.deliver(peer, 21);
//! assert_eq!(h.take_sent(), vec![(peer, 42)]);
//! h.advance(Duration::from_millis(2500));
//! assert_eq!(h.take_observations(), vec!["tick", "tick"]);
//! ```

use crate::machine::{Connection, Context, Effect, EffectOf, Machine, NodeRng};
use crate::time::{Time, WallTime};
use rand::SeedableRng;
use std::net::SocketAddr;
use std::time::Duration;

/// One machine, driven by hand.
pub struct Harness<M: Machine> {
    machine: M,
    me: SocketAddr,
    now: Time,
    /// Unix time (ns) the wall clock reads at time zero.
    wall_epoch_ns: i64,
    rng: NodeRng,
    /// Pending timers: (due, set order, value); values are unique.
    timers: Vec<(Time, u64, M::Timer)>,
    next_timer: u64,
    sent: Vec<(SocketAddr, M::Msg)>,
    observations: Vec<M::Obs>,
    closed: Vec<SocketAddr>,
    /// Every timer set, with its delay, in order.
    timers_set: Vec<(Duration, M::Timer)>,
    /// Added to the wall clock (nanoseconds).
    skew_ns: i64,
}

impl<M: Machine> Harness<M> {
    /// A harness around `machine` at address `virtual_addr(0, 1)`, time zero,
    /// RNG seeded with 0.
    pub fn new(machine: M) -> Self {
        Harness::at(machine, crate::virtual_addr(0, 1), 0)
    }

    /// A harness around `machine` at `me`, with its RNG seeded from `seed`.
    pub fn at(machine: M, me: SocketAddr, seed: u64) -> Self {
        Harness {
            machine,
            me,
            now: Time(0),
            wall_epoch_ns: 1_700_000_000_000_000_000,
            rng: NodeRng::seed_from_u64(seed),
            timers: Vec::new(),
            next_timer: 0,
            sent: Vec::new(),
            observations: Vec::new(),
            closed: Vec::new(),
            timers_set: Vec::new(),
            skew_ns: 0,
        }
    }

    fn call(&mut self, f: impl FnOnce(&mut M, &mut crate::machine::Ctx<'_, M>)) {
        let mut effects: Vec<EffectOf<M>> = Vec::new();
        let wall = WallTime(
            self.wall_epoch_ns
                .saturating_add(self.now.0 as i64)
                .saturating_add(self.skew_ns),
        );
        let mut ctx = Context::new(self.now, wall, self.me, &mut self.rng, &mut effects);
        f(&mut self.machine, &mut ctx);
        for effect in effects {
            match effect {
                Effect::Send { to, msg } => self.sent.push((to, msg)),
                Effect::SetTimer { after, timer } => {
                    self.timers_set.push((after, timer.clone()));
                    self.timers.retain(|(_, _, t)| *t != timer);
                    let due = Time(self.now.0.saturating_add(Time::from_duration(after).0));
                    self.timers.push((due, self.next_timer, timer));
                    self.next_timer += 1;
                }
                Effect::CancelTimer(timer) => self.timers.retain(|(_, _, t)| *t != timer),
                Effect::Observe(obs) => self.observations.push(obs),
                Effect::Close(peer) => self.closed.push(peer),
            }
        }
    }

    /// Calls [`Machine::on_start`].
    pub fn start(&mut self) {
        self.call(|m, ctx| m.on_start(ctx));
    }

    /// Delivers `msg` from `from` now.
    pub fn deliver(&mut self, from: SocketAddr, msg: M::Msg) {
        self.call(|m, ctx| m.on_message(ctx, from, msg));
    }

    /// Reports a connection event with `peer` now.
    pub fn connection(&mut self, peer: SocketAddr, event: Connection) {
        self.call(|m, ctx| m.on_connection(ctx, peer, event));
    }

    /// Fires `timer` now, whether or not it is pending (a pending equal
    /// timer is consumed).
    pub fn fire(&mut self, timer: M::Timer) {
        self.timers.retain(|(_, _, t)| *t != timer);
        self.call(|m, ctx| m.on_timer(ctx, timer));
    }

    /// Moves time forward by `by`, firing every timer that comes due, in
    /// order of due time (then of setting), at its due time.
    pub fn advance(&mut self, by: Duration) {
        let until = Time(self.now.0.saturating_add(Time::from_duration(by).0));
        while let Some(next) = self
            .timers
            .iter()
            .enumerate()
            .filter(|(_, (due, _, _))| *due <= until)
            .min_by_key(|(_, (due, order, _))| (*due, *order))
            .map(|(i, _)| i)
        {
            let (due, _, timer) = self.timers.remove(next);
            self.now = self.now.max(due);
            self.call(|m, ctx| m.on_timer(ctx, timer));
        }
        self.now = until;
    }

    /// Current time.
    pub fn now(&self) -> Time {
        self.now
    }

    /// Sets the time without firing timers (to test a handler at a given
    /// moment); time never goes backwards.
    pub fn set_time(&mut self, at: Time) {
        self.now = self.now.max(at);
    }

    /// Skews this machine's wall clock by `skew_ns` from the true time.
    pub fn set_wall_skew(&mut self, skew_ns: i64) {
        self.skew_ns = skew_ns;
    }

    /// The wall clock the machine reads now, in Unix nanoseconds.
    pub fn wall_clock(&self) -> WallTime {
        WallTime(
            self.wall_epoch_ns
                .saturating_add(self.now.0 as i64)
                .saturating_add(self.skew_ns),
        )
    }

    /// Takes every timer set so far, with the delay it was set for.
    pub fn take_timers_set(&mut self) -> Vec<(Duration, M::Timer)> {
        std::mem::take(&mut self.timers_set)
    }

    /// Pending timers, earliest first.
    pub fn pending_timers(&self) -> Vec<(Time, M::Timer)> {
        let mut timers: Vec<_> = self.timers.clone();
        timers.sort_by_key(|(due, order, _)| (*due, *order));
        timers.into_iter().map(|(due, _, t)| (due, t)).collect()
    }

    /// Whether a timer equal to `timer` is pending.
    pub fn has_timer(&self, timer: &M::Timer) -> bool {
        self.timers.iter().any(|(_, _, t)| t == timer)
    }

    /// Takes the messages sent so far.
    pub fn take_sent(&mut self) -> Vec<(SocketAddr, M::Msg)> {
        std::mem::take(&mut self.sent)
    }

    /// Takes the observations made so far.
    pub fn take_observations(&mut self) -> Vec<M::Obs> {
        std::mem::take(&mut self.observations)
    }

    /// Takes the peers whose connection the machine closed.
    pub fn take_closed(&mut self) -> Vec<SocketAddr> {
        std::mem::take(&mut self.closed)
    }

    /// The machine.
    pub fn machine(&self) -> &M {
        &self.machine
    }

    /// The machine, mutably.
    pub fn machine_mut(&mut self) -> &mut M {
        &mut self.machine
    }

    /// This machine's address.
    pub fn me(&self) -> SocketAddr {
        self.me
    }
}
