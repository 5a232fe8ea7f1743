//! The node thread: owns one machine, calls its entry points with a real
//! clock, sleeps until the next timer or message, and carries out effects.

use crate::agenda::{Agenda, Due};
use crate::clock::{Clock, WallClock};
use crate::event::{Events, LiveObserved, LogKind};
use crate::faults::{Injector, Partitions};
use crate::outbound::{Outbound, SendError};
use crate::report::{bump, DropKind, Stats};
use sim::machine::EffectOf;
use sim::{Codec, Context, Effect, Machine, NodeRng};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::Instant;

/// What reaches a node thread.
pub(crate) enum Input<Msg> {
    /// A decoded message.
    Message {
        /// The sender's address as the socket reports it.
        from: SocketAddr,
        /// The message.
        msg: Msg,
    },
    /// A command from the run.
    Control(Control),
}

/// Commands from the run (scripted faults, shutdown).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Control {
    /// Leave the loop (the stop flag is set too).
    Stop,
    /// Freeze: hold messages and timers until resumed.
    Pause,
    /// Unfreeze.
    Resume,
    /// Set the wall-clock offset in nanoseconds.
    Skew(i64),
    /// Set the wall-clock drift in parts per million.
    Drift(f64),
}

/// Everything a node thread uses besides its machine.
pub(crate) struct NodeIo<C: Codec, O> {
    pub(crate) index: usize,
    pub(crate) me: SocketAddr,
    pub(crate) out: Outbound<C, O>,
    pub(crate) codec: Arc<C>,
    pub(crate) injector: Injector,
    pub(crate) partitions: Arc<Partitions>,
    pub(crate) stats: Arc<Stats>,
    pub(crate) events: Events<O>,
    pub(crate) clock: Clock,
    pub(crate) stop: Arc<AtomicBool>,
}

/// One running node.
pub(crate) struct Driver<M: Machine, C: Codec<Msg = M::Msg>> {
    machine: M,
    rng: NodeRng,
    io: NodeIo<C, M::Obs>,
    agenda: Agenda<M::Timer>,
    effects: Vec<EffectOf<M>>,
    wall: WallClock,
    paused: bool,
    held: VecDeque<(SocketAddr, M::Msg)>,
    buf: Vec<u8>,
}

impl<M, C> Driver<M, C>
where
    M: Machine,
    M::Msg: Send + 'static,
    M::Obs: Send + 'static,
    C: Codec<Msg = M::Msg> + Send + Sync + 'static,
{
    pub(crate) fn new(machine: M, rng: NodeRng, io: NodeIo<C, M::Obs>) -> Self {
        Driver {
            machine,
            rng,
            io,
            agenda: Agenda::new(),
            effects: Vec::new(),
            wall: WallClock::default(),
            paused: false,
            held: VecDeque::new(),
            buf: Vec::new(),
        }
    }

    /// Starts the machine and serves it until told to stop.
    pub(crate) fn run(mut self, inbox: &Receiver<Input<M::Msg>>) {
        self.call(|m, ctx| m.on_start(ctx));
        while !self.io.stop.load(Ordering::Relaxed) {
            if !self.paused {
                self.run_due();
            }
            let deadline = match self.paused {
                true => None,
                false => self.agenda.next_deadline(),
            };
            let input = match deadline {
                Some(at) => {
                    match inbox.recv_timeout(at.saturating_duration_since(Instant::now())) {
                        Ok(input) => input,
                        Err(RecvTimeoutError::Timeout) => continue,
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
                None => match inbox.recv() {
                    Ok(input) => input,
                    Err(_) => return,
                },
            };
            match input {
                Input::Message { from, msg } if self.paused => self.held.push_back((from, msg)),
                Input::Message { from, msg } => self.deliver(from, msg),
                Input::Control(Control::Stop) => return,
                Input::Control(Control::Pause) => self.paused = true,
                Input::Control(Control::Resume) => {
                    self.paused = false;
                    while let Some((from, msg)) = self.held.pop_front() {
                        self.deliver(from, msg);
                    }
                }
                Input::Control(Control::Skew(ns)) => self.wall.skew_ns = ns,
                Input::Control(Control::Drift(ppm)) => self.wall.drift_ppm = ppm,
            }
        }
    }

    fn deliver(&mut self, from: SocketAddr, msg: M::Msg) {
        bump(&self.io.stats.delivered);
        self.call(|m, ctx| m.on_message(ctx, from, msg));
    }

    /// Fires every timer and releases every delayed send that is due.
    fn run_due(&mut self) {
        let now = Instant::now();
        while let Some((_, due)) = self.agenda.pop_due(now) {
            match due {
                Due::Timer(timer) => {
                    bump(&self.io.stats.timers_fired);
                    self.call(|m, ctx| m.on_timer(ctx, timer));
                }
                Due::Send { to, bytes } => self.transmit(to, &bytes),
            }
        }
    }

    /// Calls one entry point, then carries out its effects in order.
    fn call(&mut self, entry: impl FnOnce(&mut M, &mut sim::Ctx<'_, M>)) {
        let started = Instant::now();
        let now = self.io.clock.at(started);
        let wall = self.wall.read(now);
        let mut effects = std::mem::take(&mut self.effects);
        let mut ctx = Context::new(now, wall, self.io.me, &mut self.rng, &mut effects);
        entry(&mut self.machine, &mut ctx);
        for effect in effects.drain(..) {
            match effect {
                Effect::Send { to, msg } => self.send(to, &msg, started),
                Effect::SetTimer { after, timer } => {
                    // A deadline beyond the clock's range never comes: drop it.
                    if let Some(at) = started.checked_add(after) {
                        self.agenda.push(at, Due::Timer(timer));
                    } else {
                        self.agenda.cancel(&timer);
                    }
                }
                Effect::CancelTimer(timer) => self.agenda.cancel(&timer),
                // Connections are not reported by this driver yet: closing is a no-op.
                Effect::Close(_) => {}
                Effect::Observe(obs) => {
                    bump(&self.io.stats.observations);
                    self.io.events.observed(LiveObserved {
                        time: now,
                        node: self.io.index,
                        addr: self.io.me,
                        obs,
                    });
                }
            }
        }
        self.effects = effects;
    }

    /// Applies injected faults, encodes once, and sends each copy now or later.
    fn send(&mut self, to: SocketAddr, msg: &M::Msg, started: Instant) {
        bump(&self.io.stats.sent);
        let io = &mut self.io;
        let (delays, copies) = match io.injector.decide(&io.partitions, &io.me, &to) {
            Ok(copies) => copies,
            Err(kind) => return io.stats.dropped(kind),
        };
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        match self.io.out.encode(&self.io.codec, msg, &mut buf) {
            Err(e) => {
                self.io.stats.dropped(DropKind::Encode);
                self.io
                    .events
                    .log(self.io.index, Some(to), LogKind::Encode, e.to_string());
            }
            Ok(()) => {
                if copies > 1 {
                    bump(&self.io.stats.duplicated);
                }
                for delay in &delays[..copies] {
                    match started.checked_add(*delay) {
                        Some(at) if !delay.is_zero() => self.agenda.push(
                            at,
                            Due::Send {
                                to,
                                bytes: buf.clone(),
                            },
                        ),
                        _ => self.transmit(to, &buf),
                    }
                }
            }
        }
        self.buf = buf;
    }

    fn transmit(&mut self, to: SocketAddr, bytes: &[u8]) {
        match self.io.out.transmit(to, bytes) {
            Ok(()) => {}
            Err(SendError::Backoff) => self.io.stats.dropped(DropKind::Send),
            Err(SendError::Io(e)) => {
                self.io.stats.dropped(DropKind::Send);
                self.io
                    .events
                    .log(self.io.index, Some(to), LogKind::Send, e.to_string());
            }
        }
    }
}
