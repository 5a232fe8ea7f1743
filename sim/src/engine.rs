//! The discrete-event engine: runs a set of [`Machine`]s over the simulated
//! network, applies faults, checks properties and folds every event into the
//! run's digest. A run is a pure function of its configuration and seed.

use crate::codec::Codec;
use crate::config::{Fault, ScheduledFault, SimConfig};
use crate::digest::{stable_hash, Digest};
use crate::machine::{Connection, Context, Effect, EffectOf, Machine, NodeRng};
use crate::nemesis;
use crate::network::{Decision, DecisionMode, DropCause, Fate, LookupMap, Network};
use crate::property::{Checker, Env, Observed, Property, Settle};
use crate::protocol::Transport;
use crate::queue::{Entry, Ev, EventQueue};
use crate::report::{Counters, Report, StopReason, Violation};
use crate::seeding::{node_rng, stream};
use crate::time::{Time, WallTime};
use crate::trace::{EventKind, TraceEvent, TraceSink};
use std::collections::BTreeSet;
use std::fmt::{self, Debug, Write as _};
use std::hash::Hash;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

type Factory<M> = Box<dyn Fn() -> M>;

/// A wire codec as the simulator holds it.
pub type BoxedCodec<Msg> = Box<dyn Codec<Msg = Msg> + Send + Sync>;

struct Slot<M: Machine> {
    addr: SocketAddr,
    factory: Factory<M>,
    /// When the node first starts (late joins).
    start_at: u64,
    state: Option<M>,
    crashed: bool,
    paused: bool,
    deferred: Vec<Entry<M>>,
    rng: NodeRng,
    /// Numbers timer events so a replaced or cancelled timer is recognised.
    next_timer: u64,
    incarnation: u32,
    /// Pending timers by value, with the number of their live queue entry.
    timers: LookupMap<M::Timer, u64>,
    /// Peers this node has an open stream connection with.
    conn_peers: BTreeSet<u32>,
    skew_ns: i64,
    drift_ppm: f64,
}

/// An open stream connection between two nodes.
struct Conn {
    /// Unique per connection in the run (never 0).
    id: u32,
    /// Per direction (lower index to higher, then back): the latest
    /// delivery time scheduled, for FIFO order.
    last_at: [u64; 2],
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
const KIND_CONN: u64 = 7;

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
    effects: Vec<EffectOf<M>>,
    observations: Vec<Observed<M::Obs>>,
    counters: Counters,
    digest: Digest,
    trace: Option<TraceSink>,
    trace_error: Option<String>,
    checker: Option<Checker<M>>,
    state_checks: bool,
    /// The earliest deadline of a liveness property not yet asked (`u64::MAX`: none).
    liveness_due: u64,
    wire: Option<BoxedCodec<M::Msg>>,
    transport: Transport,
    conns: LookupMap<(u32, u32), Conn>,
    next_conn: u32,
    prepared: bool,
    stopped: Option<StopReason>,
    violation: Option<Violation>,
    /// Why the run cannot go on (budget exceeded, interrupted).
    failed: Option<String>,
    /// Set from outside (a signal handler) to stop the run with an error.
    cancel: Option<Arc<AtomicBool>>,
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
            checker: Some(Checker::new(Vec::new())),
            state_checks: false,
            liveness_due: u64::MAX,
            wire: None,
            transport: Transport::Datagram,
            conns: LookupMap::default(),
            next_conn: 0,
            prepared: false,
            stopped: None,
            violation: None,
            failed: None,
            cancel: None,
        }
    }

    /// Adds a node at `addr`, built (and rebuilt on restart) by `factory`.
    /// Nodes are numbered from 0 in the order they are added; this one starts at time 0.
    pub fn add_node(&mut self, addr: SocketAddr, factory: impl Fn() -> M + 'static) -> usize {
        self.add_node_at(addr, Time(0), factory)
    }

    /// Adds a node that starts at `start` (a late join): until then it is
    /// down, so messages to it are dropped and connections refused.
    pub fn add_node_at(
        &mut self,
        addr: SocketAddr,
        start: Time,
        factory: impl Fn() -> M + 'static,
    ) -> usize {
        let index = self.nodes.len();
        assert!(
            self.by_addr.insert(addr, index as u32).is_none(),
            "two nodes share the address {addr}"
        );
        self.nodes.push(Slot {
            addr,
            factory: Box::new(factory),
            start_at: start.0,
            state: None,
            crashed: false,
            paused: false,
            deferred: Vec::new(),
            rng: node_rng(self.config.seed, &addr, 0),
            next_timer: 0,
            incarnation: 0,
            timers: LookupMap::default(),
            conn_peers: BTreeSet::new(),
            skew_ns: 0,
            drift_ppm: 0.0,
        });
        index
    }

    /// Checks these properties (replacing any set before).
    pub fn set_properties(&mut self, properties: Vec<Property<M>>) {
        let checker = Checker::new(properties);
        self.state_checks = checker.has_state_properties();
        self.checker = Some(checker);
    }

    /// Adds one property.
    pub fn add_property(&mut self, property: Property<M>) {
        let mut all = self
            .checker
            .take()
            .map(Checker::into_properties)
            .unwrap_or_default();
        all.push(property);
        self.set_properties(all);
    }

    /// Sends every message through `codec` on its way (encode and decode as
    /// a datagram, then framed, delimited and decoded as on a stream), so
    /// the run exercises exactly what would go on the wire.
    pub fn set_wire_check(&mut self, codec: BoxedCodec<M::Msg>) {
        self.wire = Some(codec);
    }

    /// Chooses datagrams or stream connections between nodes.
    pub fn set_transport(&mut self, transport: Transport) {
        self.transport = transport;
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
        if let Some(checker) = &self.checker {
            self.liveness_due = Self::due(checker, self.faults_end);
        }
        let mut starts: Vec<(u64, u32)> = (0..self.nodes.len())
            .map(|i| (self.nodes[i].start_at, i as u32))
            .collect();
        starts.sort();
        for (at, node) in starts {
            self.queue.push(at, Ev::Start { node });
        }
        Ok(())
    }

    /// Runs until a stop condition; returns the report. Fails if the run
    /// exceeds its [`crate::Budget`] ("budget exceeded: ...") or is cancelled
    /// (see [`Simulation::set_cancel`]).
    pub fn run(&mut self) -> Result<Report, String> {
        self.prepare()?;
        while self.stopped.is_none() {
            self.step_inner(None);
            if let Some(e) = self.failed.take() {
                return Err(e);
            }
        }
        Ok(self.finish())
    }

    /// Processes every event up to and including virtual time `until`, then
    /// returns (the run can be continued, and inspected in between).
    pub fn run_until(&mut self, until: Time) -> Result<(), String> {
        self.prepare()?;
        while self.stopped.is_none() && self.step_inner(Some(until.0)) {}
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        if self.stopped.is_none() {
            self.now = self.now.max(until.0);
        }
        Ok(())
    }

    /// Stops the run (with the error "interrupted") soon after `flag` is set.
    pub fn set_cancel(&mut self, flag: Arc<AtomicBool>) {
        self.cancel = Some(flag);
    }

    /// Bytes the engine's growing state takes, estimated (see [`crate::Budget`]).
    pub fn footprint_bytes(&self) -> u64 {
        let observations = self.observations.capacity() * std::mem::size_of::<Observed<M::Obs>>();
        let decisions = std::mem::size_of_val(self.network.recorded());
        let trace = match &self.trace {
            Some(TraceSink::Memory(v)) => v.capacity() * (std::mem::size_of::<TraceEvent>() + 64),
            _ => 0,
        };
        self.queue.footprint_bytes() + (observations + decisions + trace) as u64
    }

    /// Every [`crate::Budget::CHECK_EVERY`] events: the budget and the cancel flag.
    fn over_budget(&self) -> Option<String> {
        let events = self.counters.events;
        if events == 0 || !events.is_multiple_of(crate::Budget::CHECK_EVERY) {
            return None;
        }
        if self
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
        {
            return Some("interrupted".to_string());
        }
        let budget = self.config.budget;
        if events >= budget.events {
            return Some(format!(
                "budget exceeded: {events} events processed at {} virtual, the budget is {} events (raise it with --budget-events)",
                Time(self.now),
                budget.events
            ));
        }
        let bytes = self.footprint_bytes();
        if bytes > budget.memory_bytes {
            return Some(format!(
                "budget exceeded: the run holds about {:.1} MB at {} virtual ({} events), the budget is {} MB (raise it with --budget-memory)",
                bytes as f64 / f64::from(1 << 20),
                Time(self.now),
                events,
                budget.memory_bytes >> 20
            ));
        }
        None
    }

    /// Processes one event; false if the next event is after `until`.
    fn step_inner(&mut self, until: Option<u64>) -> bool {
        if let Some(e) = self.over_budget() {
            self.failed = Some(e);
            return false;
        }
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
        if self.liveness_due < entry.time {
            self.check_liveness_due(entry.time.saturating_sub(1));
            if self.stopped.is_some() {
                self.queue.push_back(entry);
                return false;
            }
        }
        self.now = entry.time;
        self.counters.events += 1;
        self.dispatch(entry);
        if self.state_checks {
            self.check_state();
        }
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
            Ev::Deliver {
                from,
                to,
                conn,
                id,
                msg,
            } => {
                if conn != 0 && self.conn_id(from, to) != Some(conn) {
                    self.drop_msg(from, to, id, DropCause::Reset, &msg);
                    return;
                }
                let slot = &mut self.nodes[to as usize];
                if slot.state.is_none() {
                    self.drop_msg(from, to, id, DropCause::NodeDown, &msg);
                } else if slot.paused {
                    slot.deferred.push(Entry {
                        time: entry.time,
                        ev: Ev::Deliver {
                            from,
                            to,
                            conn,
                            id,
                            msg,
                        },
                    });
                } else {
                    self.deliver(from, to, id, msg);
                }
            }
            Ev::Conn {
                node,
                peer,
                conn,
                event,
            } => self.connection_event(entry.time, node, peer, conn, event),
            Ev::Timer {
                node,
                incarnation,
                id,
                timer,
            } => {
                let slot = &mut self.nodes[node as usize];
                if slot.incarnation != incarnation || slot.timers.get(&timer) != Some(&id) {
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
                slot.timers.remove(&timer);
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
            self.record(
                EventKind::Start,
                Some(node),
                None,
                None,
                None,
                String::new(),
            );
        }
        self.call(node, |m, ctx| m.on_start(ctx));
    }

    fn deliver(&mut self, from: u32, to: u32, id: u64, msg: M::Msg) {
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
                Some(id),
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
            self.record(
                EventKind::Timer,
                Some(node),
                None,
                None,
                None,
                summarize(&timer),
            );
        }
        self.call(node, move |m, ctx| m.on_timer(ctx, timer));
    }

    /// Drops message `id` from `from` to `to` (`u32::MAX`: no such node).
    fn drop_msg(&mut self, from: u32, to: u32, id: u64, cause: DropCause, msg: &M::Msg) {
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
                t.map(|_| to as usize),
                f.map(|s| s.addr),
                t.map(|s| s.addr),
                Some(id),
                format!("{}: {}", cause.name(), summarize(msg)),
            );
        }
    }

    /// Runs one entry point of node `node` and carries out its effects.
    fn call(&mut self, node: usize, f: impl FnOnce(&mut M, &mut crate::machine::Ctx<'_, M>)) {
        let mut effects = std::mem::take(&mut self.effects);
        let epoch = self.epoch_ns();
        let slot = &mut self.nodes[node];
        let wall = slot.wall_clock(self.now, epoch);
        let Some(state) = slot.state.as_mut() else {
            self.effects = effects;
            return;
        };
        let mut ctx = Context::new(Time(self.now), wall, slot.addr, &mut slot.rng, &mut effects);
        f(state, &mut ctx);
        for effect in effects.drain(..) {
            self.apply_effect(node, effect);
        }
        self.effects = effects;
    }

    fn apply_effect(&mut self, node: usize, effect: EffectOf<M>) {
        match effect {
            Effect::Send { to, msg } => self.send(node as u32, to, msg),
            Effect::SetTimer { after, timer } => {
                let slot = &mut self.nodes[node];
                let id = slot.next_timer;
                slot.next_timer += 1;
                slot.timers.insert(timer.clone(), id);
                let at = self.now.saturating_add(Time::from_duration(after).0);
                let incarnation = slot.incarnation;
                self.queue.push(
                    at,
                    Ev::Timer {
                        node: node as u32,
                        incarnation,
                        id,
                        timer,
                    },
                );
            }
            Effect::CancelTimer(timer) => {
                self.nodes[node].timers.remove(&timer);
            }
            Effect::Close(peer) => self.close(node as u32, peer),
            Effect::Observe(obs) => {
                self.counters.observations += 1;
                self.digest.fold([
                    self.now,
                    KIND_OBSERVE | (node as u64) << 8,
                    0,
                    stable_hash(&obs),
                ]);
                if self.trace.is_some() {
                    self.record(
                        EventKind::Observe,
                        Some(node),
                        None,
                        None,
                        None,
                        summarize(&obs),
                    );
                }
                let observed = Observed {
                    time: Time(self.now),
                    node,
                    obs,
                };
                if self.state_checks {
                    if let Some(mut checker) = self.checker.take() {
                        checker.observe_state(&observed, self);
                        self.checker = Some(checker);
                    }
                }
                if let Some(checker) = self.checker.as_mut() {
                    let env = Env {
                        now: Time(self.now),
                        counters: &self.counters,
                        nodes: self.nodes.len(),
                        faults_end: Time(self.faults_end),
                        faults: &self.faults,
                    };
                    checker.observe(&observed, &env);
                    if let Some((name, message)) = checker.violation().cloned() {
                        self.set_violation(&name, message);
                    }
                }
                self.observations.push(observed);
            }
        }
    }

    fn send(&mut self, from: u32, to_addr: SocketAddr, msg: M::Msg) {
        let id = self.counters.sent;
        self.counters.sent += 1;
        if self.trace.is_some() {
            let from_addr = self.nodes[from as usize].addr;
            self.record(
                EventKind::Send,
                Some(from as usize),
                Some(from_addr),
                Some(to_addr),
                Some(id),
                summarize(&msg),
            );
        }
        let Some(&to) = self.by_addr.get(&to_addr) else {
            self.drop_msg(from, u32::MAX, id, DropCause::Unroutable, &msg);
            if self.transport == Transport::Stream {
                self.queue.push(
                    self.now,
                    Ev::Conn {
                        node: from,
                        peer: to_addr,
                        conn: 0,
                        event: Connection::Refused,
                    },
                );
            }
            return;
        };
        let msg = match &self.wire {
            None => msg,
            Some(codec) => match wire_round_trip(codec.as_ref(), &msg) {
                Ok(decoded) => decoded,
                Err(why) => {
                    self.drop_msg(from, to, id, DropCause::WireCheck, &msg);
                    self.set_violation(
                        "wire-check",
                        format!("{why} (message {})", summarize(&msg)),
                    );
                    return;
                }
            },
        };
        if self.transport == Transport::Stream {
            self.send_stream(from, to, id, msg);
            return;
        }
        match self.network.route(from, to, self.now) {
            Err(cause) => self.drop_msg(from, to, id, cause, &msg),
            Ok(Fate::Drop) => self.drop_msg(from, to, id, DropCause::Loss, &msg),
            Ok(Fate::Deliver { latency_ns }) => {
                self.schedule_delivery(self.now + latency_ns, from, to, 0, id, msg);
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
                        Some(id),
                        summarize(&msg),
                    );
                }
                self.schedule_delivery(self.now + latency_ns, from, to, 0, id, msg.clone());
                self.schedule_delivery(self.now + second_ns, from, to, 0, id, msg);
            }
        }
    }

    /// Queues the delivery of `msg` (message `id`) on `from -> to` at `at`
    /// (`conn`: its stream connection, 0 for a datagram).
    fn schedule_delivery(&mut self, at: u64, from: u32, to: u32, conn: u32, id: u64, msg: M::Msg) {
        self.queue.push(
            at,
            Ev::Deliver {
                from,
                to,
                conn,
                id,
                msg,
            },
        );
    }

    // ----- stream connections -----

    /// The key of the connection between `a` and `b`, and the direction index of `a -> b`.
    fn conn_key(a: u32, b: u32) -> ((u32, u32), usize) {
        if a <= b {
            ((a, b), 0)
        } else {
            ((b, a), 1)
        }
    }

    /// The open connection between `a` and `b`, if any.
    fn conn_id(&self, a: u32, b: u32) -> Option<u32> {
        self.conns.get(&Self::conn_key(a, b).0).map(|c| c.id)
    }

    fn push_conn_event(&mut self, at: u64, node: u32, peer: u32, conn: u32, event: Connection) {
        let peer = self.nodes[peer as usize].addr;
        self.queue.push(
            at,
            Ev::Conn {
                node,
                peer,
                conn,
                event,
            },
        );
    }

    /// Sends over the stream connection `from -> to`, opening it if needed:
    /// refused if `to` is down; FIFO per direction; never lost or duplicated
    /// while open; a partition resets it.
    fn send_stream(&mut self, from: u32, to: u32, id: u64, msg: M::Msg) {
        let (key, dir) = Self::conn_key(from, to);
        let fate = self.network.route(from, to, self.now);
        let latency_ns = match fate {
            Ok(Fate::Deliver { latency_ns }) | Ok(Fate::Duplicate { latency_ns, .. }) => latency_ns,
            // A lost segment is retransmitted: it arrives, later.
            Ok(Fate::Drop) => self.network.nominal_latency_ns(from, to).saturating_mul(3),
            Err(cause) => {
                self.drop_msg(from, to, id, cause, &msg);
                if self.conns.contains_key(&key) {
                    self.reset_connection(key);
                }
                return;
            }
        };
        if !self.conns.contains_key(&key) {
            let peer = &self.nodes[to as usize];
            // A node listens from its start time on (even if its start
            // event, due at this same instant, has not run yet).
            let listening = peer.state.is_some()
                || (!peer.crashed && peer.incarnation == 0 && peer.start_at <= self.now);
            if !listening {
                self.drop_msg(from, to, id, DropCause::Refused, &msg);
                let rtt = self.now.saturating_add(latency_ns.saturating_mul(2));
                self.push_conn_event(rtt, from, to, 0, Connection::Refused);
                return;
            }
            self.next_conn += 1;
            let id = self.next_conn;
            self.conns.insert(
                key,
                Conn {
                    id,
                    last_at: [0; 2],
                },
            );
            self.nodes[from as usize].conn_peers.insert(to);
            self.nodes[to as usize].conn_peers.insert(from);
            let rtt = self.now.saturating_add(latency_ns.saturating_mul(2));
            self.push_conn_event(rtt, from, to, id, Connection::Established);
            let arrive = self.now.saturating_add(latency_ns);
            self.push_conn_event(arrive, to, from, id, Connection::Established);
        }
        let Some(conn) = self.conns.get_mut(&key) else {
            return;
        };
        let at = self.now.saturating_add(latency_ns).max(conn.last_at[dir]);
        conn.last_at[dir] = at;
        let conn = conn.id;
        self.schedule_delivery(at, from, to, conn, id, msg);
    }

    /// `node` closes its connection with `peer`: the peer sees it closed
    /// after the messages already sent to it.
    fn close(&mut self, node: u32, peer: SocketAddr) {
        let Some(&to) = self.by_addr.get(&peer) else {
            return;
        };
        let (key, dir) = Self::conn_key(node, to);
        let Some(conn) = self.conns.get(&key) else {
            return;
        };
        let at = self
            .now
            .saturating_add(self.network.nominal_latency_ns(node, to))
            .max(conn.last_at[dir]);
        let id = conn.id;
        self.push_conn_event(at, to, node, id, Connection::Closed);
    }

    /// Breaks the connection `key` now: both ends see it closed; messages in
    /// flight on it are dropped when they arrive.
    fn reset_connection(&mut self, key: (u32, u32)) {
        let Some(conn) = self.conns.remove(&key) else {
            return;
        };
        let (a, b) = key;
        self.nodes[a as usize].conn_peers.remove(&b);
        self.nodes[b as usize].conn_peers.remove(&a);
        self.push_conn_event(self.now, a, b, conn.id, Connection::Closed);
        self.push_conn_event(self.now, b, a, conn.id, Connection::Closed);
    }

    /// Resets every connection of a crashed node.
    fn reset_connections(&mut self, node: u32) {
        let peers = std::mem::take(&mut self.nodes[node as usize].conn_peers);
        for peer in peers {
            self.reset_connection(Self::conn_key(node, peer).0);
        }
    }

    fn connection_event(
        &mut self,
        at: u64,
        node: u32,
        peer: SocketAddr,
        conn: u32,
        event: Connection,
    ) {
        if event == Connection::Closed {
            // A graceful close takes effect when it arrives.
            if let Some(&p) = self.by_addr.get(&peer) {
                let key = Self::conn_key(node, p).0;
                if self.conns.get(&key).is_some_and(|c| c.id == conn) {
                    self.conns.remove(&key);
                    self.nodes[node as usize].conn_peers.remove(&p);
                    self.nodes[p as usize].conn_peers.remove(&node);
                }
            }
        }
        let slot = &mut self.nodes[node as usize];
        if slot.state.is_none() {
            return;
        }
        if slot.paused {
            slot.deferred.push(Entry {
                time: at,
                ev: Ev::Conn {
                    node,
                    peer,
                    conn,
                    event,
                },
            });
            return;
        }
        self.digest.fold([
            self.now,
            KIND_CONN | (node as u64) << 8,
            conn as u64,
            stable_hash(&(peer, event)),
        ]);
        if self.trace.is_some() {
            let me = self.nodes[node as usize].addr;
            self.record(
                EventKind::Connection,
                Some(node as usize),
                Some(peer),
                Some(me),
                None,
                format!("{event:?}"),
            );
        }
        self.call(node as usize, move |m, ctx| {
            m.on_connection(ctx, peer, event)
        });
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
            self.record_event(TraceEvent {
                time_ns: self.now,
                kind: EventKind::Fault,
                node,
                from: None,
                to: None,
                msg: None,
                summary: format!("{fault:?}"),
                fault: Some(fault.clone()),
                digest: self.digest.value(),
            });
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
        slot.timers.clear();
        let deferred = std::mem::take(&mut slot.deferred);
        for e in deferred {
            if let Ev::Deliver {
                from, to, id, msg, ..
            } = e.ev
            {
                self.drop_msg(from, to, id, DropCause::NodeDown, &msg);
            }
        }
        self.reset_connections(node as u32);
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

    /// Runs the node-state properties' per-event checks.
    fn check_state(&mut self) {
        if self.violation.is_some() {
            return;
        }
        let Some(mut checker) = self.checker.take() else {
            return;
        };
        checker.after_event(self);
        let violation = checker.violation().cloned();
        self.checker = Some(checker);
        if let Some((name, message)) = violation {
            self.set_violation(&name, message);
        }
    }

    /// The earliest unasked liveness deadline (`u64::MAX`: none).
    fn due(checker: &Checker<M>, faults_end: u64) -> u64 {
        checker
            .next_deadline(Time(faults_end))
            .map_or(u64::MAX, |t| t.0)
    }

    /// Asks the properties due at `time` (see [`Settle`]).
    fn settle(&mut self, time: u64, when: Settle) {
        if self.violation.is_some() {
            return;
        }
        let Some(mut checker) = self.checker.take() else {
            return;
        };
        let env = Env {
            now: Time(time),
            counters: &self.counters,
            nodes: self.nodes.len(),
            faults_end: Time(self.faults_end),
            faults: &self.faults,
        };
        checker.settle(&env, Some(self), when);
        self.liveness_due = Self::due(&checker, self.faults_end);
        let violation = checker.violation().cloned();
        self.checker = Some(checker);
        if let Some((name, message)) = violation {
            self.set_violation(&name, message);
        }
    }

    /// Evaluates liveness properties whose deadline is at or before `time`.
    fn check_liveness_due(&mut self, time: u64) {
        self.settle(time, Settle::Running);
    }

    fn finish(&mut self) -> Report {
        match self.stopped {
            Some(StopReason::Quiescent) => self.settle(self.now, Settle::Quiescent),
            Some(StopReason::TimeLimit) | Some(StopReason::EventBudget) => {
                self.settle(self.now, Settle::Cut)
            }
            _ => {}
        }
        let liveness_unchecked = self
            .checker
            .as_ref()
            .map(Checker::unsettled_liveness)
            .unwrap_or_default();
        let mut violation = self.violation.clone();
        if let Some(sink) = self.trace.take_if(|s| !s.keeps()) {
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
        msg: Option<u64>,
        summary: String,
    ) {
        self.record_event(TraceEvent {
            time_ns: self.now,
            kind,
            node,
            from,
            to,
            msg,
            fault: None,
            summary,
            digest: self.digest.value(),
        });
    }

    fn record_event(&mut self, event: TraceEvent) {
        if let Some(sink) = self.trace.as_mut() {
            if let Err(e) = sink.record(event) {
                self.trace_error.get_or_insert(e.to_string());
            }
        }
    }
}

/// Encodes and decodes `msg` as a datagram, then as a stream frame
/// (framed, delimited by `frame_len`, decoded), and returns the stream copy.
fn wire_round_trip<T>(codec: &dyn Codec<Msg = T>, msg: &T) -> Result<T, String> {
    let mut bytes = Vec::new();
    codec
        .encode(msg, &mut bytes)
        .map_err(|e| format!("encode failed: {e}"))?;
    codec
        .decode(&bytes)
        .map_err(|e| format!("decode of our own encoding failed: {e}"))?;
    bytes.clear();
    codec
        .encode_frame(msg, &mut bytes)
        .map_err(|e| format!("framing failed: {e}"))?;
    match codec.frame_len(&bytes) {
        Ok(Some(len)) if len == bytes.len() => codec
            .decode_frame(&bytes)
            .map_err(|e| format!("decode of our own frame failed: {e}")),
        Ok(other) => Err(format!(
            "frame_len of our own {}-byte frame says {other:?}",
            bytes.len()
        )),
        Err(e) => Err(format!("frame_len rejected our own frame: {e}")),
    }
}

/// `Debug` of a value, cut at 240 characters without formatting the rest.
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
