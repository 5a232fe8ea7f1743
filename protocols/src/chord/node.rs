//! A Chord node: the overlay (ring upkeep and routing) plus the data layer
//! (a key store, client get/put routed to the key's owner, key hand-off on
//! join and leave, replication to the successor list), each over its own
//! RPC layer, and the workload a scenario gives it.

use super::id::Id;
use super::interval::Interval;
use super::msg::{DataReq, DataResp, Event, Item, Key, Msg, NodeTimer, Timer, Value};
use super::overlay::{Mode, OvEvent, Overlay, Phase};
use super::peer::Peer;
use super::rpc::{Rpc, RpcCtx, RpcEvent, RpcMsg};
use super::store::Store;
use sim::{Ctx, Machine};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// Tags of node-issued lookups that are probes, not key operations.
const PROBE: u64 = 1 << 63;
/// Tries of a get or put (lookup plus the call to the owner).
const OP_TRIES: u8 = 4;
/// Anti-entropy rounds between unconditional pulls from the successors.
const PULL_EVERY: u32 = 5;
/// Items per store or hand-off message.
pub const BATCH: usize = 32;

/// What a node of a run does besides keeping the ring (shared by all nodes).
#[derive(Clone, Debug, Default)]
pub struct Workload {
    /// Items the populating node puts.
    pub items: Arc<Vec<Item>>,
    /// When the populating node puts them (from the start of the run).
    pub populate_at: Option<Duration>,
    /// When the querying node gets them all.
    pub query_at: Option<Duration>,
    /// Every node looks a random id up this often (zero: never).
    pub lookup_every: Duration,
    /// Every node pushes its keys to its successors and pulls the keys it
    /// owns from its successor this often (robust mode; zero: never).
    pub replicate_every: Duration,
    /// Observe each probe lookup (the scale benchmark counts them instead).
    pub observe_lookups: bool,
    /// Most key operations in flight per node.
    pub window: usize,
}

/// This node's part in the workload.
#[derive(Clone, Copy, Debug, Default)]
pub struct Role {
    /// It puts the items.
    pub populates: bool,
    /// It gets the items.
    pub queries: bool,
    /// It leaves voluntarily at this time.
    pub leave_at: Option<Duration>,
}

/// Counters a node keeps of its probe lookups (read by the benchmark).
#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    /// Probe lookups completed.
    pub lookups: u64,
    /// Sum of their hops.
    pub hops: u64,
    /// Probe lookups that gave up.
    pub failed: u64,
}

/// What a data call was for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DataTag {
    /// The call to the owner of operation `.0`.
    Op(u64),
    /// A hand-off batch request.
    Pull,
    /// Nothing waits for it.
    Oneway,
}

#[derive(Clone, Debug)]
enum Kind {
    Get,
    Put(Value),
}

/// A get or put in flight.
#[derive(Clone, Debug)]
struct Op {
    tag: u64,
    key: Key,
    kid: Id,
    kind: Kind,
    /// The client waiting for the answer (`None`: the node's own workload).
    client: Option<(SocketAddr, u64)>,
    tries: u8,
}

/// One Chord node.
pub struct ChordNode {
    work: Arc<Workload>,
    role: Role,
    overlay: Overlay,
    data: Rpc<DataReq, DataTag>,
    store: Store,
    ops: Vec<Op>,
    backlog: VecDeque<Op>,
    next_op: u64,
    /// The predecessor whose range was last pulled.
    pulled_for: Option<Peer>,
    /// Inside [`ChordNode::next_from_backlog`].
    draining: bool,
    /// The successors the owned keys were last pushed to.
    replicated_to: Vec<Peer>,
    /// The predecessor (so the owned range) when they were.
    replicated_for: Option<Peer>,
    /// Anti-entropy rounds so far.
    rounds: u32,
    stats: Stats,
}

impl ChordNode {
    /// Node `me` with its overlay settings, the run's workload and its role.
    pub fn new(
        cfg: Arc<super::overlay::Config>,
        work: Arc<Workload>,
        role: Role,
        me: Peer,
    ) -> ChordNode {
        let data = Rpc::new(cfg.rpc_timeout, cfg.rpc_retries);
        ChordNode {
            overlay: Overlay::new(cfg, me),
            work,
            role,
            data,
            store: Store::default(),
            ops: Vec::new(),
            backlog: VecDeque::new(),
            next_op: 0,
            pulled_for: None,
            draining: false,
            replicated_to: Vec::new(),
            replicated_for: None,
            rounds: 0,
            stats: Stats::default(),
        }
    }

    /// A node that starts on a stabilized ring with this routing state.
    pub fn bootstrapped(
        cfg: Arc<super::overlay::Config>,
        work: Arc<Workload>,
        role: Role,
        routing: super::routing::Routing,
    ) -> ChordNode {
        let mut node = ChordNode::new(cfg.clone(), work, role, routing.me());
        // Every node of a bootstrapped ring starts empty: nothing to pull.
        node.pulled_for = routing.pred();
        node.overlay = Overlay::bootstrapped(cfg, routing);
        node
    }

    /// The overlay (ring state).
    pub fn overlay(&self) -> &Overlay {
        &self.overlay
    }

    /// The keys this node holds.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Probe-lookup counters.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// Whether the node is on the ring.
    pub fn is_member(&self) -> bool {
        self.overlay.phase() == Phase::Joined
    }

    fn mode(&self) -> Mode {
        self.overlay.config().mode
    }

    fn me(&self) -> Peer {
        self.overlay.routing().me()
    }

    // ----- plumbing into the two components -----

    fn ring<R>(
        &mut self,
        ctx: &mut Ctx<'_, Self>,
        f: impl FnOnce(&mut Overlay, &mut super::overlay::OvCtx<'_>) -> R,
    ) -> R {
        let overlay = &mut self.overlay;
        ctx.scoped(Msg::ring, Timer::Ring, Event::Ring, |c| f(overlay, c))
    }

    fn data_call(&mut self, ctx: &mut Ctx<'_, Self>, to: SocketAddr, req: DataReq, tag: DataTag) {
        let rpc = &mut self.data;
        ctx.scoped(Msg::data, Timer::Data, never, |c: &mut RpcCtx<'_, _, _>| {
            rpc.call(c, to, req, tag);
        });
    }

    fn data_reply(&mut self, ctx: &mut Ctx<'_, Self>, to: SocketAddr, id: u64, resp: DataResp) {
        let rpc = &self.data;
        ctx.scoped(Msg::data, Timer::Data, never, |c: &mut RpcCtx<'_, _, _>| {
            rpc.reply(c, to, id, resp);
        });
    }

    /// Handles what the overlay reports, then pulls keys if the predecessor changed.
    fn after_ring(&mut self, ctx: &mut Ctx<'_, Self>, events: Vec<OvEvent>) {
        for e in events {
            match e {
                OvEvent::Found {
                    tag,
                    target,
                    owner,
                    hops,
                } => self.found(ctx, tag, target, owner, hops),
                OvEvent::NotFound { tag, target } => self.not_found(ctx, tag, target),
                OvEvent::Joined => self.on_joined(ctx),
            }
        }
        self.maybe_pull(ctx);
    }

    fn on_joined(&mut self, ctx: &mut Ctx<'_, Self>) {
        if self.mode() == Mode::Robust && !self.work.replicate_every.is_zero() {
            let every = self.work.replicate_every;
            ctx.set_timer(every, Timer::Node(NodeTimer::Replicate));
        }
    }

    /// Pulls the keys of `(pred, me]` from the successor when the
    /// predecessor is new (the course's "keys move to the new node").
    fn maybe_pull(&mut self, ctx: &mut Ctx<'_, Self>) {
        if !self.is_member() {
            return;
        }
        let r = self.overlay.routing();
        let (me, succ) = (r.me(), r.successor());
        let Some(pred) = r.pred() else {
            return;
        };
        if self.pulled_for == Some(pred) || succ == me {
            return;
        }
        self.pulled_for = Some(pred);
        self.pull_all(ctx, pred.id());
    }

    /// Asks the successors for the keys of `(lo, me]` (robust mode asks
    /// the whole list: a new successor may not hold them yet, and the
    /// replicas live further on).
    fn pull_all(&mut self, ctx: &mut Ctx<'_, Self>, lo: Id) {
        let succs: Vec<Peer> = match self.mode() {
            Mode::Course => vec![self.overlay.routing().successor()],
            Mode::Robust => self.overlay.routing().succs().to_vec(),
        };
        for s in succs {
            self.pull(ctx, s.addr(), lo, None);
        }
    }

    fn pull(&mut self, ctx: &mut Ctx<'_, Self>, to: SocketAddr, lo: Id, after: Option<Id>) {
        let me = self.me();
        if to == me.addr() {
            return;
        }
        let remove = self.mode() == Mode::Course;
        let req = DataReq::Handoff {
            lo,
            hi: me.id(),
            after,
            remove,
        };
        self.data_call(ctx, to, req, DataTag::Pull);
    }

    // ----- key operations -----

    fn new_op(&mut self, key: Key, kind: Kind, client: Option<(SocketAddr, u64)>) -> Op {
        let tag = self.next_op;
        self.next_op = (self.next_op + 1) & !PROBE;
        let kid = self.overlay.config().space.key_id(&key);
        Op {
            tag,
            key,
            kid,
            kind,
            client,
            tries: 0,
        }
    }

    /// Starts `op` now, or queues it behind the window.
    fn submit(&mut self, ctx: &mut Ctx<'_, Self>, op: Op) {
        if self.ops.len() >= self.work.window.max(1) {
            self.backlog.push_back(op);
            return;
        }
        self.launch(ctx, op);
    }

    fn launch(&mut self, ctx: &mut Ctx<'_, Self>, mut op: Op) {
        op.tries += 1;
        let (tag, kid) = (op.tag, op.kid);
        self.ops.push(op);
        let events = self.ring(ctx, |o, c| o.lookup(c, kid, tag));
        self.after_ring(ctx, events);
    }

    fn take_op(&mut self, tag: u64) -> Option<Op> {
        let at = self.ops.iter().position(|o| o.tag == tag)?;
        Some(self.ops.swap_remove(at))
    }

    fn found(&mut self, ctx: &mut Ctx<'_, Self>, tag: u64, target: Id, owner: Peer, hops: u32) {
        if tag & PROBE != 0 {
            self.stats.lookups += 1;
            self.stats.hops += u64::from(hops);
            if self.work.observe_lookups {
                ctx.observe(Event::Lookup {
                    target,
                    owner: owner.id(),
                    hops,
                });
            }
            return;
        }
        let Some(at) = self.ops.iter().position(|o| o.tag == tag) else {
            return;
        };
        let op = &self.ops[at];
        let req = match &op.kind {
            Kind::Get => DataReq::Fetch {
                key: op.key.clone(),
            },
            Kind::Put(v) => DataReq::Store {
                items: vec![(op.key.clone(), v.clone())],
            },
        };
        if owner == self.me() {
            let resp = self.serve_local(ctx, req);
            self.op_answer(ctx, tag, resp);
        } else {
            self.data_call(ctx, owner.addr(), req, DataTag::Op(tag));
        }
    }

    fn not_found(&mut self, ctx: &mut Ctx<'_, Self>, tag: u64, target: Id) {
        if tag & PROBE != 0 {
            self.stats.failed += 1;
            if self.work.observe_lookups {
                ctx.observe(Event::LookupFailed { target });
            }
            return;
        }
        self.op_failed(ctx, tag);
    }

    /// The owner answered operation `tag`.
    fn op_answer(&mut self, ctx: &mut Ctx<'_, Self>, tag: u64, resp: DataResp) {
        let Some(op) = self.take_op(tag) else {
            return;
        };
        match (op.client, &op.kind, resp) {
            (Some((to, id)), _, resp) => self.data_reply(ctx, to, id, resp),
            (None, Kind::Get, DataResp::Value(Some(v))) => ctx.observe(Event::Found {
                key: op.key,
                digest: v.digest(),
            }),
            (None, Kind::Get, DataResp::Value(None)) => ctx.observe(Event::Missing { key: op.key }),
            (None, Kind::Put(v), DataResp::Stored) => ctx.observe(Event::Stored {
                key: op.key,
                digest: v.digest(),
            }),
            (None, _, _) => ctx.observe(Event::OpFailed { key: op.key }),
        }
        self.next_from_backlog(ctx);
    }

    /// Operation `tag` found no route or no answer: try again, or give up.
    fn op_failed(&mut self, ctx: &mut Ctx<'_, Self>, tag: u64) {
        let Some(op) = self.take_op(tag) else {
            return;
        };
        if op.tries < OP_TRIES {
            self.launch(ctx, op);
            return;
        }
        match op.client {
            Some((to, id)) => {
                let why = format!(
                    "no answer from the owner of {} after {OP_TRIES} tries",
                    op.key
                );
                self.data_reply(ctx, to, id, DataResp::Refused(why));
            }
            None => ctx.observe(Event::OpFailed { key: op.key }),
        }
        self.next_from_backlog(ctx);
    }

    /// Starts queued operations while the window has room. An operation
    /// may finish at once (this node owns its key) and call back here: the
    /// flag keeps that a loop, not a recursion as deep as the backlog.
    fn next_from_backlog(&mut self, ctx: &mut Ctx<'_, Self>) {
        if self.draining {
            return;
        }
        self.draining = true;
        while self.ops.len() < self.work.window.max(1) {
            let Some(op) = self.backlog.pop_front() else {
                break;
            };
            self.launch(ctx, op);
        }
        self.draining = false;
    }

    // ----- serving data requests -----

    /// Answers a request that needs no routing.
    fn serve_local(&mut self, ctx: &mut Ctx<'_, Self>, req: DataReq) -> DataResp {
        let space = self.overlay.config().space;
        match req {
            DataReq::Fetch { key } => {
                DataResp::Value(self.store.get(space.key_id(&key), &key).cloned())
            }
            DataReq::Store { items } => {
                let mut owned = Vec::new();
                for (key, value) in items {
                    let id = space.key_id(&key);
                    if self.owns_strictly(id) {
                        owned.push((key.clone(), value.clone()));
                    }
                    self.store.insert(id, key, value);
                }
                if self.mode() == Mode::Robust && !owned.is_empty() {
                    self.replicate(ctx, owned);
                }
                DataResp::Stored
            }
            DataReq::Handoff {
                lo,
                hi,
                after,
                remove,
            } => {
                let (items, more) = self.store.range(lo, hi, after, BATCH);
                if remove {
                    for (key, _) in &items {
                        self.store.remove(space.key_id(key), key);
                    }
                }
                DataResp::Items { items, more }
            }
            DataReq::Get { .. } | DataReq::Put { .. } => {
                DataResp::Refused("a get or put needs routing".into())
            }
        }
    }

    /// Whether this node owns `id` and knows its predecessor.
    fn owns_strictly(&self, id: Id) -> bool {
        let r = self.overlay.routing();
        r.pred()
            .is_some_and(|p| Interval::open_closed(p.id(), r.me().id()).contains(id))
            || (r.successor() == r.me() && self.is_member())
    }

    /// Pushes `items` to the successor list (robust mode).
    fn replicate(&mut self, ctx: &mut Ctx<'_, Self>, items: Vec<Item>) {
        let succs: Vec<Peer> = self.overlay.routing().succs().to_vec();
        let r = self.overlay.config().r.saturating_sub(1);
        for s in succs.into_iter().take(r) {
            for chunk in items.chunks(BATCH) {
                let req = DataReq::Store {
                    items: chunk.to_vec(),
                };
                self.data_call(ctx, s.addr(), req, DataTag::Oneway);
            }
        }
    }

    fn on_data(
        &mut self,
        ctx: &mut Ctx<'_, Self>,
        from: SocketAddr,
        msg: RpcMsg<DataReq, DataResp>,
    ) {
        let rpc = &mut self.data;
        let event = ctx.scoped(Msg::data, Timer::Data, never, |c: &mut RpcCtx<'_, _, _>| {
            rpc.on_message(c, from, msg)
        });
        match event {
            Some(RpcEvent::Call { from, id, body }) => match body {
                DataReq::Get { key } => {
                    let op = self.new_op(key, Kind::Get, Some((from, id)));
                    self.submit(ctx, op);
                }
                DataReq::Put { key, value } => {
                    let op = self.new_op(key, Kind::Put(value), Some((from, id)));
                    self.submit(ctx, op);
                }
                other => {
                    let resp = self.serve_local(ctx, other);
                    self.data_reply(ctx, from, id, resp);
                }
            },
            Some(RpcEvent::Reply { from, tag, body }) => self.data_answer(ctx, from, tag, body),
            Some(RpcEvent::Failed { tag, .. }) => self.data_failed(ctx, tag),
            None => {}
        }
    }

    fn data_answer(
        &mut self,
        ctx: &mut Ctx<'_, Self>,
        from: SocketAddr,
        tag: DataTag,
        body: DataResp,
    ) {
        match tag {
            DataTag::Op(t) => self.op_answer(ctx, t, body),
            DataTag::Pull => {
                let DataResp::Items { items, more } = body else {
                    return;
                };
                let space = self.overlay.config().space;
                for (key, value) in items {
                    self.store.insert(space.key_id(&key), key, value);
                }
                if let (Some(after), Some(pred)) = (more, self.pulled_for) {
                    self.pull(ctx, from, pred.id(), Some(after));
                }
            }
            DataTag::Oneway => {}
        }
    }

    fn data_failed(&mut self, ctx: &mut Ctx<'_, Self>, tag: DataTag) {
        match tag {
            DataTag::Op(t) => self.op_failed(ctx, t),
            // Pulled again when the predecessor changes or replication runs.
            DataTag::Pull => self.pulled_for = None,
            DataTag::Oneway => {}
        }
    }

    // ----- the node's timers -----

    fn on_node_timer(&mut self, ctx: &mut Ctx<'_, Self>, t: NodeTimer) {
        if self.overlay.phase() == Phase::Left {
            return;
        }
        match t {
            NodeTimer::Populate => {
                let items = self.work.items.clone();
                for (key, value) in items.iter() {
                    let op = self.new_op(key.clone(), Kind::Put(value.clone()), None);
                    self.submit(ctx, op);
                }
            }
            NodeTimer::Query => {
                let items = self.work.items.clone();
                for (key, _) in items.iter() {
                    let op = self.new_op(key.clone(), Kind::Get, None);
                    self.submit(ctx, op);
                }
            }
            NodeTimer::Lookup => {
                ctx.set_timer(self.work.lookup_every, Timer::Node(NodeTimer::Lookup));
                if self.is_member() {
                    let target = self.overlay.config().space.random(ctx.rng());
                    let tag = PROBE | (self.next_op & !PROBE);
                    self.next_op = (self.next_op + 1) & !PROBE;
                    let events = self.ring(ctx, |o, c| o.lookup(c, target, tag));
                    self.after_ring(ctx, events);
                }
            }
            NodeTimer::Replicate => {
                ctx.set_timer(self.work.replicate_every, Timer::Node(NodeTimer::Replicate));
                self.anti_entropy(ctx);
            }
            NodeTimer::Leave => self.leave(ctx),
        }
    }

    /// Pushes the keys this node owns to successors that joined its list
    /// since the last push (a new successor has none of them), or to all of
    /// them when the owned range changed; pulls its range again when its
    /// predecessor or successors changed. Unchanged neighbourhoods cost
    /// nothing.
    fn anti_entropy(&mut self, ctx: &mut Ctx<'_, Self>) {
        let r = self.overlay.routing();
        let me = r.me();
        let Some(pred) = r.pred() else {
            return;
        };
        let keep = self.overlay.config().r.saturating_sub(1);
        let succs: Vec<Peer> = r.succs().iter().take(keep).copied().collect();
        // A new predecessor changes the range this node owns (after a
        // failure it grows by the failed node's keys): push it all again.
        let range_changed = self.replicated_for != Some(pred);
        let fresh: Vec<Peer> = succs
            .iter()
            .filter(|s| range_changed || !self.replicated_to.contains(s))
            .copied()
            .collect();
        self.replicated_for = Some(pred);
        if !fresh.is_empty() {
            let owned = self.store.range_all(pred.id(), me.id());
            for s in &fresh {
                for chunk in owned.chunks(BATCH) {
                    let req = DataReq::Store {
                        items: chunk.to_vec(),
                    };
                    self.data_call(ctx, s.addr(), req, DataTag::Oneway);
                }
            }
        }
        self.replicated_to = succs;
        if !fresh.is_empty() {
            // New successors may hold replicas of keys this node owns.
            self.pulled_for = None;
        }
        self.maybe_pull(ctx);
        // Every few rounds, ask the successors anyway: a key stored while
        // the ring was still settling may sit a node or two too far.
        self.rounds = self.rounds.wrapping_add(1);
        if self.rounds.is_multiple_of(PULL_EVERY) {
            self.pulled_for = Some(pred);
            self.pull_all(ctx, pred.id());
        }
    }

    /// Leaves voluntarily: hands every key to the successor, then the
    /// overlay says goodbye.
    fn leave(&mut self, ctx: &mut Ctx<'_, Self>) {
        let succ = self.overlay.routing().successor();
        if succ != self.me() {
            let all = self.store.all();
            for chunk in all.chunks(BATCH) {
                let req = DataReq::Store {
                    items: chunk.to_vec(),
                };
                self.data_call(ctx, succ.addr(), req, DataTag::Oneway);
            }
        }
        self.ring(ctx, |o, c| o.leave(c));
        for t in [
            NodeTimer::Lookup,
            NodeTimer::Replicate,
            NodeTimer::Populate,
            NodeTimer::Query,
        ] {
            ctx.cancel_timer(Timer::Node(t));
        }
    }

    fn at(ctx: &Ctx<'_, Self>, when: Duration) -> Duration {
        when.saturating_sub(ctx.now().since_start())
    }
}

fn never(n: Infallible) -> Event {
    match n {}
}

impl Machine for ChordNode {
    type Msg = Msg;
    type Timer = Timer;
    type Obs = Event;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        self.data.reseed(ctx.rng());
        let events = self.ring(ctx, |o, c| o.start(c));
        self.after_ring(ctx, events);
        let w = self.work.clone();
        if let Some(t) = w.populate_at.filter(|_| self.role.populates) {
            ctx.set_timer(Self::at(ctx, t), Timer::Node(NodeTimer::Populate));
        }
        if let Some(t) = w.query_at.filter(|_| self.role.queries) {
            ctx.set_timer(Self::at(ctx, t), Timer::Node(NodeTimer::Query));
        }
        if !w.lookup_every.is_zero() {
            let phase = rand::RngCore::next_u64(ctx.rng())
                % u64::try_from(w.lookup_every.as_nanos())
                    .unwrap_or(u64::MAX)
                    .max(1);
            ctx.set_timer(
                w.lookup_every + Duration::from_nanos(phase),
                Timer::Node(NodeTimer::Lookup),
            );
        }
        if let Some(t) = self.role.leave_at {
            ctx.set_timer(Self::at(ctx, t), Timer::Node(NodeTimer::Leave));
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: SocketAddr, msg: Msg) {
        match msg {
            Msg::Ring(m) => {
                let events = self.ring(ctx, |o, c| o.on_message(c, from, *m));
                self.after_ring(ctx, events);
            }
            Msg::Data(m) if self.overlay.phase() != Phase::Left => self.on_data(ctx, from, *m),
            Msg::Data(_) => {}
            Msg::Foreign { theirs } => {
                let ours = self.overlay.config().space.bits() as u8;
                ctx.send(from, Msg::WrongSpace { ours });
                ctx.observe(Event::SpaceMismatch { theirs, peer: from });
            }
            Msg::WrongSpace { ours } => ctx.observe(Event::SpaceMismatch {
                theirs: ours,
                peer: from,
            }),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match timer {
            Timer::Ring(t) => {
                let events = self.ring(ctx, |o, c| o.on_timer(c, t));
                self.after_ring(ctx, events);
            }
            Timer::Data(t) => {
                let rpc = &mut self.data;
                let event =
                    ctx.scoped(Msg::data, Timer::Data, never, |c: &mut RpcCtx<'_, _, _>| {
                        rpc.on_timer(c, t)
                    });
                if let Some(RpcEvent::Failed { tag, .. }) = event {
                    self.data_failed(ctx, tag);
                }
            }
            Timer::Node(t) => self.on_node_timer(ctx, t),
        }
    }
}
