//! The discrete-event engine: runs a set of [`Machine`]s over the simulated
//! network, applies faults, checks properties and folds every event into the
//! run's digest. A run is a pure function of its configuration and seed.

use crate::check::{Liveness, Safety};
use crate::codec::Codec;
use crate::config::{Fault, ScheduledFault, SimConfig};
use crate::digest::{stable_hash, Digest};
use crate::machine::{Context, Effect, Machine, NodeRng};
use crate::nemesis;
use crate::network::{Decision, DecisionMode, DropCause, Fate, LookupMap, Network};
use crate::queue::{Entry, Ev, EventQueue};
use crate::report::{Counters, Report, StopReason, Violation};
use crate::seeding::{node_rng, stream};
use crate::time::{Time, WallTime};
use crate::trace::{EventKind, TraceEvent, TraceSink};
use std::collections::BTreeSet;
use std::fmt::{self, Debug, Write as _};
use std::hash::Hash;
use std::net::SocketAddr;

/// An observation with where and when it was made.
#[derive(Clone, Debug)]
pub struct Observed<O> {
    /// Virtual time.
    pub time: Time,
    /// Index of the observing node.
    pub node: usize,
    /// The observation.
    pub obs: O,
}

type Factory<M> = Box<dyn Fn() -> M>;

struct Slot<M: Machine> {
    addr: SocketAddr,
    factory: Factory<M>,
    state: Option<M>,
    crashed: bool,
    paused: bool,
    deferred: Vec<Entry<M>>,
    rng: NodeRng,
    next_timer: u64,
    incarnation: u32,
    live_timers: BTreeSet<u64>,
    skew_ns: i64,
    drift_ppm: f64,
}

impl<M: Machine> Slot<M> {
    fn wall_clock(&self, now: u64, epoch_ns: i64) -> WallTime {
        let drift = if self.drift_ppm == 0.0 {
            0
        } else {
            (now as f64 * self.drift_ppm / 1e6) as i64
        };
        WallTime(
            epoch_ns
                .saturating_add(now as i64)
                .saturating_add(self.skew_ns)
                .saturating_add(drift),
        )
    }
}

const KIND_START: u64 = 1;
const KIND_DELIVER: u64 = 2;
const KIND_TIMER: u64 = 3;
const KIND_DROP: u64 = 4;
const KIND_OBSERVE: u64 = 5;
const KIND_FAULT: u64 = 6;

/// Most characters of a message summary in a trace.
const SUMMARY_LIMIT: usize = 240;

/// A simulated cluster of nodes of one protocol (`M` is usually an enum of
/// the protocol's node kinds).
pub struct Simulation<M: Machine> {
    config: SimConfig,
    nodes: Vec<Slot<M>>,
    by_addr: LookupMap<SocketAddr, u32>,
    queue: EventQueue<M>,
    now: u64,
    network: Network,
    faults: Vec<ScheduledFault>,
    faults_end: u64,
    last_fault_at: Option<Time>,
    effects: Vec<Effect<M>>,
    observations: Vec<Observed<M::Obs>>,
    counters: Counters,
    digest: Digest,
    trace: Option<TraceSink>,
    trace_error: Option<String>,
    safety: Vec<Safety<M>>,
    liveness: Vec<(Liveness<M>, bool)>,
    wire: Option<Box<dyn Codec<Msg = M::Msg>>>,
    prepared: bool,
    stopped: Option<StopReason>,
    violation: Option<Violation>,
}

impl<M: Machine> Simulation<M> {
    /// A simulation with no nodes yet.
    pub fn new(config: SimConfig) -> Self {
        let network = Network::new(&config.network, stream(config.seed, b"network"));
        Simulation {
            config,
            nodes: Vec::new(),
            by_addr: LookupMap::default(),
            queue: EventQueue::new(),
            now: 0,
            network,
            faults: Vec::new(),
            faults_end: 0,
            last_fault_at: None,
            effects: Vec::new(),
            observations: Vec::new(),
            counters: Counters::default(),
            digest: Digest::default(),
            trace: None,
            trace_error: None,
            safety: Vec::new(),
            liveness: Vec::new(),
            wire: None,
            prepared: false,
            stopped: None,
            violation: None,
        }
    }

    /// Adds a node at `addr`, built (and rebuilt on restart) by `factory`.
    /// Nodes are numbered from 0 in the order they are added; all start at time 0.
    pub fn add_node(&mut self, addr: SocketAddr, factory: impl Fn() -> M + 'static) -> usize {
        let index = self.nodes.len();
        assert!(
            self.by_addr.insert(addr, index as u32).is_none(),
            "two nodes share the address {addr}"
        );
        self.nodes.push(Slot {
            addr,
            factory: Box::new(factory),
            state: None,
            crashed: false,
            paused: false,
            deferred: Vec::new(),
            rng: node_rng(self.config.seed, &addr, 0),
            next_timer: 0,
            incarnation: 0,
            live_timers: BTreeSet::new(),
            skew_ns: 0,
            drift_ppm: 0.0,
        });
        index
    }

    /// Adds a safety property, checked after every event.
    pub fn add_safety(&mut self, property: Safety<M>) {
        self.safety.push(property);
    }

    /// Adds a liveness property, checked at its deadline after the last fault.
    pub fn add_liveness(&mut self, property: Liveness<M>) {
        self.liveness.push((property, false));
    }

    /// Sends every message through `codec` (encode, then decode) on its way,
    /// so the run exercises exactly what would go on the wire.
    pub fn set_wire_check(&mut self, codec: impl Codec<Msg = M::Msg> + 'static) {
        self.wire = Some(Box::new(codec));
    }

    /// Records events to `sink` (JSON lines, memory, or a tail for violation reports).
    pub fn set_trace(&mut self, sink: TraceSink) {
        self.trace = Some(sink);
    }

    /// Chooses how the network decides message fates (random, recorded, explicit).
    pub fn set_decision_mode(&mut self, mode: DecisionMode) {
        self.network.set_mode(mode);
    }

    /// Fault decisions recorded in [`DecisionMode::Record`].
    pub fn recorded_decisions(&self) -> &[Decision] {
        self.network.recorded()
    }

    // ----- read access for properties -----

    /// Current virtual time.
    pub fn now(&self) -> Time {
        Time(self.now)
    }
    /// The configuration.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }
    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }
    /// A node's state, or `None` while it is crashed (or not started).
    pub fn node(&self, index: usize) -> Option<&M> {
        self.nodes.get(index).and_then(|s| s.state.as_ref())
    }
    /// A node's address.
    pub fn addr(&self, index: usize) -> SocketAddr {
        self.nodes[index].addr
    }
    /// The index of the node at `addr`.
    pub fn index_of(&self, addr: &SocketAddr) -> Option<usize> {
        self.by_addr.get(addr).map(|&i| i as usize)
    }
    /// Whether the node is running (not crashed; it may be paused).
    pub fn is_up(&self, index: usize) -> bool {
        self.nodes.get(index).is_some_and(|s| s.state.is_some())
    }
    /// Whether the node is paused.
    pub fn is_paused(&self, index: usize) -> bool {
        self.nodes.get(index).is_some_and(|s| s.paused)
    }
    /// Whether a partition currently blocks messages from `from` to `to`.
    pub fn blocked(&self, from: usize, to: usize) -> bool {
        self.network.blocked(from as u32, to as u32)
    }
    /// A node's wall clock now.
    pub fn wall_clock(&self, index: usize) -> WallTime {
        self.nodes[index].wall_clock(self.now, self.epoch_ns())
    }
    /// Every observation so far, in order.
    pub fn observations(&self) -> &[Observed<M::Obs>] {
        &self.observations
    }
    /// When the last fault was applied.
    pub fn last_fault_at(&self) -> Option<Time> {
        self.last_fault_at
    }
    /// Time of the last scheduled fault (scripted or nemesis); liveness deadlines count from here.
    pub fn faults_end(&self) -> Time {
        Time(self.faults_end)
    }
    /// The full fault schedule of this run (scripted plus the nemesis's plan), once started.
    pub fn fault_schedule(&self) -> &[ScheduledFault] {
        &self.faults
    }
    /// Counters so far.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    fn epoch_ns(&self) -> i64 {
        self.config.wall_clock_start.saturating_mul(1_000_000_000)
    }

    // ----- running -----

    fn prepare(&mut self) -> Result<(), String> {
        if self.prepared {
            return Ok(());
        }
        self.prepared = true;
        self.config.validate(self.nodes.len())?;
        let mut faults = self.config.faults.clone();
        if let Some(n) = &self.config.nemesis {
            let mut rng = stream(self.config.seed, b"nemesis");
            faults.extend(nemesis::plan(n, self.nodes.len(), &mut rng));
        }
        faults.sort_by_key(|f| f.at);
        self.faults_end = faults.last().map_or(0, |f| f.at.nanos());
        for (index, f) in faults.iter().enumerate() {
            self.queue.push(
                f.at.nanos(),
                Ev::Fault {
                    index: index as u32,
                },
            );
        }
        self.faults = faults;
        for node in 0..self.nodes.len() {
            self.queue.push(0, Ev::Start { node: node as u32 });
        }
        Ok(())
    }

    /// Runs until a stop condition; returns the report.
    pub fn run(&mut self) -> Result<Report, String> {
        self.prepare()?;
        while self.stopped.is_none() {
            self.step_inner(None);
        }
        Ok(self.finish())
    }

    /// Processes every event up to and including virtual time `until`, then
    /// returns (the run can be continued, and inspected in between).
    pub fn run_until(&mut self, until: Time) -> Result<(), String> {
        self.prepare()?;
        while self.stopped.is_none() && self.step_inner(Some(until.0)) {}
        if self.stopped.is_none() {
            self.now = self.now.max(until.0);
        }
        Ok(())
    }

    /// Processes one event; false if the next event is after `until`.
    fn step_inner(&mut self, until: Option<u64>) -> bool {
        let limit = self.config.stop.duration.map_or(u64::MAX, |d| d.nanos());
        if let Some(max) = self.config.stop.max_events {
            if self.counters.events >= max {
                self.stopped = Some(StopReason::EventBudget);
                return false;
            }
        }
        let Some(entry) = self.queue.pop() else {
            self.stopped = Some(StopReason::Quiescent);
            return false;
        };
        if entry.time > limit {
            self.queue.push_back(entry);
            self.check_liveness_due(limit);
            self.now = self.now.max(limit);
            if self.violation.is_none() {
                self.stopped = Some(StopReason::TimeLimit);
            }
            return false;
        }
        if until.is_some_and(|u| entry.time > u) {
            self.queue.push_back(entry);
            return false;
        }
        if !self.liveness.is_empty() {
            self.check_liveness_due(entry.time.saturating_sub(1));
            if self.stopped.is_some() {
                self.queue.push_back(entry);
                return false;
            }
        }
        self.now = entry.time;
        self.counters.events += 1;
        self.dispatch(entry);
        self.check_safety();
        true
    }

    fn dispatch(&mut self, entry: Entry<M>) {
        match entry.ev {
            Ev::Start { node } => {
                let slot = &self.nodes[node as usize];
                if slot.crashed || slot.state.is_some() {
                    return;
                }
                self.start_node(node as usize);
            }
            Ev::Deliver { from, to, msg } => {
                let slot = &mut self.nodes[to as usize];
                if slot.state.is_none() {
                    self.drop_msg(from, to, DropCause::NodeDown, &msg);
                } else if slot.paused {
                    slot.deferred.push(Entry {
                        time: entry.time,
                        ev: Ev::Deliver { from, to, msg },
                    });
                } else {
                    self.deliver(from, to, msg);
                }
            }
            Ev::Timer {
                node,
                incarnation,
                id,
                timer,
            } => {
                let slot = &mut self.nodes[node as usize];
                if slot.incarnation != incarnation || !slot.live_timers.contains(&id) {
                    return;
                }
                if slot.paused {
                    slot.deferred.push(Entry {
                        time: entry.time,
                        ev: Ev::Timer {
                            node,
                            incarnation,
                            id,
                            timer,
                        },
                    });
                    return;
                }
                slot.live_timers.remove(&id);
                self.fire_timer(node as usize, id, timer);
            }
            Ev::Fault { index } => self.apply_fault(index as usize),
        }
    }

    fn start_node(&mut self, node: usize) {
        let slot = &mut self.nodes[node];
        slot.state = Some((slot.factory)());
        self.digest.fold([
            self.now,
            KIND_START | (node as u64) << 8,
            slot.incarnation as u64,
            0,
        ]);
        if self.trace.is_some() {
            self.record(EventKind::Start, Some(node), None, None, String::new());
        }
        self.call(node, |m, ctx| m.on_start(ctx));
    }

    fn deliver(&mut self, from: u32, to: u32, msg: M::Msg) {
        self.counters.delivered += 1;
        self.digest.fold([
            self.now,
            KIND_DELIVER | (to as u64) << 8,
            from as u64,
            stable_hash(&msg),
        ]);
        let from_addr = self.nodes[from as usize].addr;
        if self.trace.is_some() {
            let to_addr = self.nodes[to as usize].addr;
            self.record(
                EventKind::Deliver,
                Some(to as usize),
                Some(from_addr),
                Some(to_addr),
                summarize(&msg),
            );
        }
        self.call(to as usize, move |m, ctx| m.on_message(ctx, from_addr, msg));
    }

    fn fire_timer(&mut self, node: usize, id: u64, timer: M::Timer) {
        self.counters.timers_fired += 1;
        self.digest.fold([
            self.now,
            KIND_TIMER | (node as u64) << 8,
            id,
            stable_hash(&timer),
        ]);
        if self.trace.is_some() {
            self.record(EventKind::Timer, Some(node), None, None, summarize(&timer));
        }
        self.call(node, move |m, ctx| {
            m.on_timer(ctx, crate::machine::TimerId(id), timer)
        });
    }

    fn drop_msg(&mut self, from: u32, to: u32, cause: DropCause, msg: &M::Msg) {
        self.counters.dropped.add(cause);
        self.digest.fold([
            self.now,
            KIND_DROP | (cause as u64) << 4 | (to as u64) << 8,
            from as u64,
            stable_hash(msg),
        ]);
        if self.trace.is_some() {
            let (f, t) = (self.nodes.get(from as usize), self.nodes.get(to as usize));
            self.record(
                EventKind::Drop,
                Some(to as usize),
                f.map(|s| s.addr),
                t.map(|s| s.addr),
                format!("{}: {}", cause.name(), summarize(msg)),
            );
        }
    }

    /// Runs one entry point of node `node` and carries out its effects.
    fn call(&mut self, node: usize, f: impl FnOnce(&mut M, &mut Context<'_, M>)) {
        let mut effects = std::mem::take(&mut self.effects);
        let epoch = self.epoch_ns();
        let slot = &mut self.nodes[node];
        let wall = slot.wall_clock(self.now, epoch);
        let Some(state) = slot.state.as_mut() else {
            self.effects = effects;
            return;
        };
        let mut ctx = Context::new(
            Time(self.now),
            wall,
            slot.addr,
            &mut slot.rng,
            &mut slot.next_timer,
            &mut effects,
        );
        f(state, &mut ctx);
        for effect in effects.drain(..) {
            self.apply_effect(node, effect);
        }
        self.effects = effects;
    }

    fn apply_effect(&mut self, node: usize, effect: Effect<M>) {
        match effect {
            Effect::Send { to, msg } => self.send(node as u32, to, msg),
            Effect::SetTimer { id, after, timer } => {
                let slot = &mut self.nodes[node];
                slot.live_timers.insert(id.0);
                let at = self.now.saturating_add(Time::from_duration(after).0);
                let incarnation = slot.incarnation;
                self.queue.push(
                    at,
                    Ev::Timer {
                        node: node as u32,
                        incarnation,
                        id: id.0,
                        timer,
                    },
                );
            }
            Effect::CancelTimer(id) => {
                self.nodes[node].live_timers.remove(&id.0);
            }
            Effect::Observe(obs) => {
                self.counters.observations += 1;
                self.digest.fold([
                    self.now,
                    KIND_OBSERVE | (node as u64) << 8,
                    0,
                    stable_hash(&obs),
                ]);
                if self.trace.is_some() {
                    self.record(EventKind::Observe, Some(node), None, None, summarize(&obs));
                }
                self.observations.push(Observed {
                    time: Time(self.now),
                    node,
                    obs,
                });
            }
        }
    }

    fn send(&mut self, from: u32, to_addr: SocketAddr, msg: M::Msg) {
        self.counters.sent += 1;
        if self.trace.is_some() {
            let from_addr = self.nodes[from as usize].addr;
            self.record(
                EventKind::Send,
                Some(from as usize),
                Some(from_addr),
                Some(to_addr),
                summarize(&msg),
            );
        }
        let Some(&to) = self.by_addr.get(&to_addr) else {
            self.drop_msg(from, u32::MAX, DropCause::Unroutable, &msg);
            return;
        };
        let msg = match &self.wire {
            None => msg,
            Some(codec) => match wire_round_trip(codec.as_ref(), &msg) {
                Ok(decoded) => decoded,
                Err(why) => {
                    self.drop_msg(from, to, DropCause::WireCheck, &msg);
                    self.set_violation(
                        "wire-check",
                        format!("{why} (message {})", summarize(&msg)),
                    );
                    return;
                }
            },
        };
        match self.network.route(from, to, self.now) {
            Err(cause) => self.drop_msg(from, to, cause, &msg),
            Ok(Fate::Drop) => self.drop_msg(from, to, DropCause::Loss, &msg),
            Ok(Fate::Deliver { latency_ns }) => {
                self.queue
                    .push(self.now + latency_ns, Ev::Deliver { from, to, msg });
            }
            Ok(Fate::Duplicate {
                latency_ns,
                second_ns,
            }) => {
                self.counters.duplicated += 1;
                if self.trace.is_some() {
                    let (f, t) = (self.nodes[from as usize].addr, self.nodes[to as usize].addr);
                    self.record(
                        EventKind::Duplicate,
                        Some(to as usize),
                        Some(f),
                        Some(t),
                        summarize(&msg),
                    );
                }
                self.queue.push(
                    self.now + latency_ns,
                    Ev::Deliver {
                        from,
                        to,
                        msg: msg.clone(),
                    },
                );
                self.queue
                    .push(self.now + second_ns, Ev::Deliver { from, to, msg });
            }
        }
    }

    fn apply_fault(&mut self, index: usize) {
        let fault = self.faults[index].fault.clone();
        self.counters.faults += 1;
        self.last_fault_at = Some(Time(self.now));
        self.digest.fold([
            self.now,
            KIND_FAULT,
            index as u64,
            stable_hash(fault.kind()),
        ]);
        if self.trace.is_some() {
            let node = fault.nodes().first().copied();
            self.record(EventKind::Fault, node, None, None, format!("{fault:?}"));
        }
        match fault {
            Fault::Crash { node } => self.crash(node),
            Fault::Restart { node } => {
                if !self.nodes[node].crashed {
                    self.crash(node);
                }
                let slot = &mut self.nodes[node];
                slot.crashed = false;
                slot.rng = node_rng(self.config.seed, &slot.addr, slot.incarnation);
                self.start_node(node);
            }
            Fault::Pause { node } => self.nodes[node].paused = true,
            Fault::Resume { node } => {
                let slot = &mut self.nodes[node];
                if slot.paused {
                    slot.paused = false;
                    for e in std::mem::take(&mut slot.deferred) {
                        self.queue.push(self.now, e.ev);
                    }
                }
            }
            Fault::Partition { a, b, one_way } => self.network.partition(&a, &b, one_way),
            Fault::Heal => self.network.heal(),
            Fault::Skew { node, offset } => self.nodes[node].skew_ns = offset.0,
            Fault::Drift { node, ppm } => self.nodes[node].drift_ppm = ppm,
        }
    }

    fn crash(&mut self, node: usize) {
        let slot = &mut self.nodes[node];
        slot.state = None;
        slot.crashed = true;
        slot.paused = false;
        slot.incarnation += 1;
        slot.live_timers.clear();
        let deferred = std::mem::take(&mut slot.deferred);
        for e in deferred {
            if let Ev::Deliver { from, to, msg } = e.ev {
                self.drop_msg(from, to, DropCause::NodeDown, &msg);
            }
        }
    }

    fn set_violation(&mut self, property: &str, message: String) {
        if self.violation.is_some() {
            return;
        }
        self.violation = Some(Violation {
            property: property.to_string(),
            time: Time(self.now),
            event: self.counters.events,
            message,
            last_events: Vec::new(),
        });
        self.stopped = Some(StopReason::Violation);
    }

    fn check_safety(&mut self) {
        if self.safety.is_empty() || self.violation.is_some() {
            return;
        }
        let mut props = std::mem::take(&mut self.safety);
        for p in props.iter_mut() {
            if let Err(message) = (p.check)(self) {
                self.set_violation(&p.name, message);
                break;
            }
        }
        self.safety = props;
    }

    /// Evaluates liveness properties whose deadline is at or before `time`.
    fn check_liveness_due(&mut self, time: u64) {
        if self.liveness.is_empty() || self.violation.is_some() {
            return;
        }
        let mut props = std::mem::take(&mut self.liveness);
        for (p, done) in props.iter_mut() {
            let deadline = self
                .faults_end
                .saturating_add(Time::from_duration(p.within).0);
            if *done || deadline > time {
                continue;
            }
            *done = true;
            if let Err(message) = (p.check)(self) {
                let within = crate::config::Dur(p.within);
                self.set_violation(
                    &p.name,
                    format!("not true {within} after the last fault: {message}"),
                );
                break;
            }
        }
        self.liveness = props;
    }

    fn finish(&mut self) -> Report {
        if self.stopped == Some(StopReason::Quiescent) {
            self.check_liveness_due(u64::MAX);
        }
        let liveness_unchecked = self
            .liveness
            .iter()
            .filter(|(_, done)| !done)
            .map(|(p, _)| p.name.clone())
            .collect();
        let mut violation = self.violation.clone();
        let keep = matches!(self.trace, Some(TraceSink::Memory(_)));
        if let Some(sink) = self.trace.take_if(|_| !keep) {
            match sink.finish() {
                Ok(events) => {
                    if let Some(v) = violation.as_mut() {
                        v.last_events = events;
                    }
                }
                Err(e) => self.trace_error = Some(e.to_string()),
            }
        }
        let deferred: u64 = self
            .nodes
            .iter()
            .map(|s| {
                s.deferred
                    .iter()
                    .filter(|e| matches!(e.ev, Ev::Deliver { .. }))
                    .count() as u64
            })
            .sum();
        Report {
            seed: self.config.seed,
            digest: self.digest.hex(),
            stop: self.stopped.unwrap_or(StopReason::TimeLimit),
            virtual_time: Time(self.now),
            counters: self.counters.clone(),
            in_flight: self.queue.deliveries() + deferred,
            violation,
            liveness_unchecked,
        }
    }

    /// A trace write error, if the trace sink failed.
    pub fn trace_error(&self) -> Option<&str> {
        self.trace_error.as_deref()
    }

    /// Takes the trace sink back (a [`TraceSink::Memory`] sink keeps its events after the run).
    pub fn take_trace(&mut self) -> Option<TraceSink> {
        self.trace.take()
    }

    fn record(
        &mut self,
        kind: EventKind,
        node: Option<usize>,
        from: Option<SocketAddr>,
        to: Option<SocketAddr>,
        summary: String,
    ) {
        let event = TraceEvent {
            time_ns: self.now,
            kind,
            node,
            from,
            to,
            summary,
            digest: self.digest.value(),
        };
        if let Some(sink) = self.trace.as_mut() {
            if let Err(e) = sink.record(event) {
                self.trace_error.get_or_insert(e.to_string());
            }
        }
    }
}

fn wire_round_trip<T>(codec: &dyn Codec<Msg = T>, msg: &T) -> Result<T, String> {
    let mut bytes = Vec::new();
    codec
        .encode(msg, &mut bytes)
        .map_err(|e| format!("encode failed: {e}"))?;
    codec
        .decode(&bytes)
        .map_err(|e| format!("decode of our own encoding failed: {e}"))
}

/// `Debug` of a value, cut at [`SUMMARY_LIMIT`] characters without formatting the rest.
pub fn summarize<T: Debug + Hash>(value: &T) -> String {
    struct Bounded(String);
    impl fmt::Write for Bounded {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let room = SUMMARY_LIMIT.saturating_sub(self.0.len());
            if s.len() <= room {
                self.0.push_str(s);
                Ok(())
            } else {
                let mut cut = room;
                while !s.is_char_boundary(cut) {
                    cut -= 1;
                }
                self.0.push_str(&s[..cut]);
                self.0.push('…');
                Err(fmt::Error)
            }
        }
    }
    let mut out = Bounded(String::new());
    let _ = write!(out, "{value:?}");
    out.0
}
