//! The overlay: a reusable component that keeps one node on the ring and
//! routes lookups, written against its own types ([`RpcMsg`] of
//! [`RingReq`]/[`RingResp`], [`OvTimer`], [`OvObs`]) and embedded in a
//! node with [`sim::Context::scoped`]. It embeds the [`Rpc`] layer the same
//! way, so every ring call has a request id, a timeout and retries.
//!
//! Two ways to keep the ring, chosen by [`Mode`]:
//! - **Course** (the lab): the paper's Section 4 join (`init_finger_table`,
//!   `update_others`, `update_finger_table` with the lecture's two
//!   corrections), see `course_join.rs`; no timers, no failures.
//! - **Robust** (the paper's later version): the stabilizer, see
//!   `stabilize.rs`: `stabilize`, `notify`, `fix_fingers` and
//!   `check_predecessor` on timers, successor lists of length `r`, voluntary
//!   leave, and lookups that route around failed nodes.
//!
//! Lookups are iterative: the querier asks each node on the path for one
//! [`RingReq::Step`], so timeouts and retries stay with the querier. A step
//! whose callee fails evicts it from the routing state and restarts the
//! lookup (up to `lookup_retries` times).

use super::id::{Id, IdSpace};
use super::interval::Interval;
use super::msg::{RingReq, RingResp};
use super::peer::{short, Peer};
use super::routing::Routing;
use super::rpc::{Rpc, RpcCtx, RpcEvent, RpcMsg, RpcTimer};
use std::convert::Infallible;
use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

/// How the ring is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The course's Section-4 joins (no failures).
    Course,
    /// Stabilization, successor lists, replication, failures.
    Robust,
}

/// Bugs planted on purpose, for sweeps to find.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bug {
    /// `notify` keeps a known predecessor even when the caller is closer.
    NotifyIgnoresCloser,
    /// The successor list is filled once and never refreshed from the
    /// successor's list.
    StaleSuccessorList,
}

/// Settings every node of a run shares.
#[derive(Clone, Debug)]
pub struct Config {
    /// The identifier space (`M`).
    pub space: IdSpace,
    /// How the ring is kept.
    pub mode: Mode,
    /// Successor-list length (and replicas per key), robust mode.
    pub r: usize,
    /// Period of `stabilize`.
    pub stabilize_every: Duration,
    /// Period of `fix_fingers` (one finger lookup per tick).
    pub fix_every: Duration,
    /// Period of `check_predecessor`.
    pub check_every: Duration,
    /// Period of the ring-merge check (a lookup of the node's own id via a
    /// contact; zero: never).
    pub merge_every: Duration,
    /// RPC timeout.
    pub rpc_timeout: Duration,
    /// RPC retries after the first try.
    pub rpc_retries: u8,
    /// Restarts of a lookup after a failed step.
    pub lookup_retries: u8,
    /// Nodes a joining node asks (in turn) to find its place.
    pub contacts: Vec<SocketAddr>,
    /// A planted bug, if any.
    pub bug: Option<Bug>,
}

/// The overlay's timers.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum OvTimer {
    /// Robust: the next `stabilize`.
    Stabilize,
    /// Robust: the next `fix_fingers` step.
    FixFingers,
    /// Robust: the next `check_predecessor`.
    CheckPredecessor,
    /// Robust: the next ring-merge check.
    Merge,
    /// Try joining (again).
    Join,
    /// A ring call's timeout.
    Rpc(RpcTimer),
}

/// What the overlay observes.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum OvObs {
    /// The node started with this id.
    Started {
        /// Its id.
        id: Id,
    },
    /// The node is on the ring (course: its join finished; robust: it has
    /// a successor).
    Joined {
        /// Its id.
        id: Id,
        /// Its successor's id.
        succ: Id,
    },
    /// The node left voluntarily.
    Left {
        /// Its id.
        id: Id,
    },
}

impl fmt::Display for OvObs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OvObs::Started { id } => write!(f, "started as {}", short(*id)),
            OvObs::Joined { id, succ } => {
                write!(f, "{} joined; successor {}", short(*id), short(*succ))
            }
            OvObs::Left { id } => write!(f, "{} left", short(*id)),
        }
    }
}

/// The overlay's context.
pub type OvCtx<'a> = sim::Context<'a, RpcMsg<RingReq, RingResp>, OvTimer, OvObs>;

/// What a lookup is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// The embedding node's (its tag comes back in [`OvEvent`]).
    Node(u64),
    /// Robust join: find my successor.
    Join,
    /// Robust: does a contact know a closer successor (ring merge)?
    Merge,
    /// Robust: fix finger exponent `e`.
    Finger(u8),
    /// Course join: finger `k`'s node (`init_finger_table`).
    CourseFinger(u8),
    /// Course join: the predecessor to update for finger `i` (`update_others`).
    CourseOthers(u8),
}

/// What a ring call was for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tag {
    /// A lookup step (the lookup's number).
    Step(u32),
    /// Stabilize: asked the successor for its neighbours.
    Stabilize,
    /// Course join: asked the successor for its predecessor.
    CoursePred,
    /// Course join: told the successor it is its predecessor.
    CourseSetPred,
    /// Course join: `update_finger_table` sent for entry `i`.
    CourseUpdate(u8),
    /// Fire and forget (notify, ping replies are not needed, leave notices,
    /// forwarded `update_finger_table`).
    Oneway,
    /// `check_predecessor`.
    CheckPred,
}

/// A lookup in flight.
#[derive(Clone, Debug)]
pub(crate) struct Lookup {
    pub(crate) id: u32,
    pub(crate) target: Id,
    pub(crate) purpose: Purpose,
    /// Where a restart begins (`None`: here).
    pub(crate) origin: Option<Peer>,
    /// Route around this node (a rejoining node avoids itself).
    pub(crate) avoid: Option<SocketAddr>,
    pub(crate) cur: Peer,
    pub(crate) hops: u32,
    pub(crate) restarts: u8,
}

/// Where the node is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Looking for its place.
    Joining,
    /// On the ring.
    Joined,
    /// Left voluntarily: answers nothing.
    Left,
}

/// What the overlay tells the node that embeds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OvEvent {
    /// A lookup made with [`Overlay::lookup`] finished.
    Found {
        /// The node's tag.
        tag: u64,
        /// The identifier looked up.
        target: Id,
        /// Its owner (`successor(target)`).
        owner: Peer,
        /// Remote steps taken.
        hops: u32,
    },
    /// A lookup made with [`Overlay::lookup`] gave up.
    NotFound {
        /// The node's tag.
        tag: u64,
        /// The identifier looked up.
        target: Id,
    },
    /// The node is on the ring now (fetch the keys it owns).
    Joined,
}

/// The overlay of one node.
pub struct Overlay {
    pub(crate) cfg: std::sync::Arc<Config>,
    pub(crate) routing: Routing,
    pub(crate) rpc: Rpc<RingReq, Tag>,
    pub(crate) phase: Phase,
    pub(crate) lookups: Vec<Lookup>,
    pub(crate) next_lookup: u32,
    /// Joins tried so far (picks the contact).
    pub(crate) join_tries: u16,
    /// Robust: the next finger exponent `fix_fingers` looks at.
    pub(crate) next_finger: u8,
    /// Robust: a finger lookup or a stabilize round is in flight.
    pub(crate) fixing: bool,
    pub(crate) stabilizing: bool,
    /// Robust, planted bug: the successor list was filled once.
    pub(crate) list_filled: bool,
    /// Course join: the finger being initialised, 1-based.
    pub(crate) course_k: u8,
}

/// The most steps a lookup takes before it gives up (a loop).
fn max_hops(space: IdSpace) -> u32 {
    2 * space.bits() + 16
}

impl Overlay {
    /// The overlay of node `me`.
    pub fn new(cfg: std::sync::Arc<Config>, me: Peer) -> Overlay {
        let rpc = Rpc::new(cfg.rpc_timeout, cfg.rpc_retries);
        Overlay {
            routing: Routing::alone(cfg.space, me),
            cfg,
            rpc,
            phase: Phase::Joining,
            lookups: Vec::new(),
            next_lookup: 0,
            join_tries: 0,
            next_finger: 0,
            fixing: false,
            stabilizing: false,
            list_filled: false,
            course_k: 1,
        }
    }

    /// The overlay of a node that starts on a stabilized ring, with this
    /// routing state (robust mode; large rings are built this way rather
    /// than by a million joins).
    pub fn bootstrapped(cfg: std::sync::Arc<Config>, routing: Routing) -> Overlay {
        let mut o = Overlay::new(cfg, routing.me());
        o.routing = routing;
        o.phase = Phase::Joined;
        o.list_filled = true;
        o
    }

    /// The routing state.
    pub fn routing(&self) -> &Routing {
        &self.routing
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Where the node is in its life.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Lookups in flight.
    pub fn lookups_in_flight(&self) -> usize {
        self.lookups.len()
    }

    /// The contact for join attempt `try_no`, skipping this node.
    pub(crate) fn contact(&self) -> Option<SocketAddr> {
        let me = self.routing.me().addr();
        let others: Vec<SocketAddr> = self
            .cfg
            .contacts
            .iter()
            .copied()
            .filter(|c| *c != me)
            .collect();
        (!others.is_empty()).then(|| others[usize::from(self.join_tries) % others.len()])
    }

    /// Starts the node: alone on a new ring when it has no contact (or is
    /// the first contact), else joining through a contact.
    pub fn start(&mut self, ctx: &mut OvCtx<'_>) -> Vec<OvEvent> {
        let me = self.routing.me();
        self.rpc.reseed(ctx.rng());
        if self.phase == Phase::Joined {
            // Bootstrapped on a stabilized ring: `Joined` says it all.
            return self.joined(ctx);
        }
        ctx.observe(OvObs::Started { id: me.id() });
        let first = self.cfg.contacts.first().is_none_or(|c| *c == me.addr());
        if first {
            return self.joined(ctx);
        }
        self.join(ctx)
    }

    /// Tries to join through the next contact.
    pub(crate) fn join(&mut self, ctx: &mut OvCtx<'_>) -> Vec<OvEvent> {
        let Some(contact) = self.contact() else {
            return self.joined(ctx);
        };
        self.join_tries = self.join_tries.wrapping_add(1);
        // The contact's id is not known yet: the first step goes to its
        // address, and the answer names the next node with its id.
        let via = Peer::new(self.cfg.space.node_id(contact), contact).ok();
        let me = self.routing.me();
        match self.cfg.mode {
            Mode::Course => {
                self.course_k = 1;
                let start = self.routing.finger_start(1);
                self.lookup_from(ctx, start, Purpose::CourseFinger(1), via)
            }
            // The successor of `me + 1`: our successor whether or not the
            // ring still lists a former incarnation of us.
            Mode::Robust => {
                let target = self.cfg.space.add_pow2(me.id(), 0);
                self.lookup_from(ctx, target, Purpose::Join, via)
            }
        }
    }

    /// The node is on the ring.
    pub(crate) fn joined(&mut self, ctx: &mut OvCtx<'_>) -> Vec<OvEvent> {
        let me = self.routing.me();
        self.phase = Phase::Joined;
        ctx.observe(OvObs::Joined {
            id: me.id(),
            succ: self.routing.successor().id(),
        });
        if self.cfg.mode == Mode::Robust {
            self.start_timers(ctx);
        }
        vec![OvEvent::Joined]
    }

    /// Looks `target` up from this node; the answer comes back as an
    /// [`OvEvent`] with `tag` (possibly at once).
    pub fn lookup(&mut self, ctx: &mut OvCtx<'_>, target: Id, tag: u64) -> Vec<OvEvent> {
        self.lookup_from(ctx, target, Purpose::Node(tag), None)
    }

    pub(crate) fn lookup_from(
        &mut self,
        ctx: &mut OvCtx<'_>,
        target: Id,
        purpose: Purpose,
        origin: Option<Peer>,
    ) -> Vec<OvEvent> {
        let id = self.next_lookup;
        self.next_lookup = self.next_lookup.wrapping_add(1);
        let me = self.routing.me();
        let avoid = (purpose == Purpose::Join).then_some(me.addr());
        let lookup = Lookup {
            id,
            target,
            purpose,
            origin,
            avoid,
            cur: origin.unwrap_or(me),
            hops: 0,
            restarts: 0,
        };
        self.advance(ctx, lookup)
    }

    /// Takes the lookup one step: answers locally while it can, else asks
    /// the current node.
    fn advance(&mut self, ctx: &mut OvCtx<'_>, mut l: Lookup) -> Vec<OvEvent> {
        let me = self.routing.me();
        if l.cur == me {
            match self.step_answer(l.target, l.avoid) {
                RingResp::Done { owner } => return self.finish(ctx, l, me, owner),
                RingResp::Next { next } => l.cur = next,
                _ => return self.fail(ctx, l),
            }
        }
        if l.hops >= max_hops(self.cfg.space) {
            return self.fail(ctx, l);
        }
        let to = l.cur.addr();
        let tag = Tag::Step(l.id);
        let (target, avoid) = (l.target, l.avoid);
        self.lookups.push(l);
        self.call(ctx, to, RingReq::Step { target, avoid }, tag);
        Vec::new()
    }

    /// This node's answer to a lookup step for `target`.
    pub(crate) fn step_answer(&self, target: Id, avoid: Option<SocketAddr>) -> RingResp {
        let r = &self.routing;
        let succ = r.successor_avoiding(avoid);
        if Interval::open_closed(r.me().id(), succ.id()).contains(target) {
            return RingResp::Done { owner: succ };
        }
        let with_succs = self.cfg.mode == Mode::Robust;
        let next = r.closest_preceding_avoiding(target, with_succs, avoid);
        if next == r.me() {
            RingResp::Done { owner: succ }
        } else {
            RingResp::Next { next }
        }
    }

    fn take_lookup(&mut self, id: u32) -> Option<Lookup> {
        let at = self.lookups.iter().position(|l| l.id == id)?;
        let l = self.lookups.swap_remove(at);
        if self.lookups.is_empty() {
            self.lookups = Vec::new();
        }
        Some(l)
    }

    fn on_step_reply(&mut self, ctx: &mut OvCtx<'_>, id: u32, resp: RingResp) -> Vec<OvEvent> {
        let Some(mut l) = self.take_lookup(id) else {
            return Vec::new();
        };
        match resp {
            RingResp::Done { owner } => {
                let pred = l.cur;
                self.finish(ctx, l, pred, owner)
            }
            RingResp::Next { next } if next != l.cur => {
                l.hops += 1;
                l.cur = next;
                if next == self.routing.me() {
                    // Routed back here: answer from this node's state.
                    l.hops += 1;
                }
                self.advance(ctx, l)
            }
            _ => self.fail(ctx, l),
        }
    }

    fn on_step_failed(&mut self, ctx: &mut OvCtx<'_>, id: u32, to: SocketAddr) -> Vec<OvEvent> {
        let Some(mut l) = self.take_lookup(id) else {
            return Vec::new();
        };
        self.peer_failed(to);
        if l.restarts >= self.cfg.lookup_retries {
            return self.fail(ctx, l);
        }
        l.restarts += 1;
        l.hops = 0;
        l.cur = match l.origin {
            Some(o) if o.addr() != to => o,
            _ => self.routing.me(),
        };
        if l.cur == self.routing.me() && matches!(l.purpose, Purpose::Join) {
            return self.fail(ctx, l);
        }
        self.advance(ctx, l)
    }

    /// A lookup ended at `pred`, whose successor `owner` owns the target.
    fn finish(&mut self, ctx: &mut OvCtx<'_>, l: Lookup, pred: Peer, owner: Peer) -> Vec<OvEvent> {
        match l.purpose {
            Purpose::Node(tag) => vec![OvEvent::Found {
                tag,
                target: l.target,
                owner,
                hops: l.hops,
            }],
            Purpose::Join => self.join_found(ctx, owner),
            Purpose::Merge => {
                self.merge_found(owner);
                Vec::new()
            }
            Purpose::Finger(e) => {
                self.finger_found(ctx, e, owner);
                Vec::new()
            }
            Purpose::CourseFinger(k) => self.course_finger_found(ctx, k, owner),
            Purpose::CourseOthers(i) => self.course_others_found(ctx, i, pred),
        }
    }

    fn fail(&mut self, ctx: &mut OvCtx<'_>, l: Lookup) -> Vec<OvEvent> {
        match l.purpose {
            Purpose::Node(tag) => vec![OvEvent::NotFound {
                tag,
                target: l.target,
            }],
            Purpose::Join | Purpose::CourseFinger(_) | Purpose::CourseOthers(_) => {
                // Try again later, through the next contact.
                ctx.set_timer(self.cfg.stabilize_every, OvTimer::Join);
                Vec::new()
            }
            Purpose::Merge => Vec::new(),
            Purpose::Finger(_) => {
                self.fixing = false;
                Vec::new()
            }
        }
    }

    /// Calls `to` through the RPC layer.
    pub(crate) fn call(&mut self, ctx: &mut OvCtx<'_>, to: SocketAddr, req: RingReq, tag: Tag) {
        let rpc = &mut self.rpc;
        ctx.scoped(
            |m| m,
            OvTimer::Rpc,
            never,
            |c: &mut RpcCtx<'_, _, _>| {
                rpc.call(c, to, req, tag);
            },
        );
    }

    fn reply(&mut self, ctx: &mut OvCtx<'_>, to: SocketAddr, id: u64, resp: RingResp) {
        let rpc = &self.rpc;
        ctx.scoped(
            |m| m,
            OvTimer::Rpc,
            never,
            |c: &mut RpcCtx<'_, _, _>| {
                rpc.reply(c, to, id, resp);
            },
        );
    }

    /// A ring message arrived.
    pub fn on_message(
        &mut self,
        ctx: &mut OvCtx<'_>,
        from: SocketAddr,
        msg: RpcMsg<RingReq, RingResp>,
    ) -> Vec<OvEvent> {
        if self.phase == Phase::Left {
            return Vec::new();
        }
        let rpc = &mut self.rpc;
        let event = ctx.scoped(
            |m| m,
            OvTimer::Rpc,
            never,
            |c: &mut RpcCtx<'_, _, _>| rpc.on_message(c, from, msg),
        );
        match event {
            Some(RpcEvent::Call { from, id, body }) => {
                let resp = self.serve(ctx, from, body);
                self.reply(ctx, from, id, resp);
                Vec::new()
            }
            Some(RpcEvent::Reply { from, tag, body }) => self.on_reply(ctx, from, tag, body),
            Some(RpcEvent::Failed { to, tag }) => self.on_failed(ctx, to, tag),
            None => Vec::new(),
        }
    }

    /// An overlay timer fired.
    pub fn on_timer(&mut self, ctx: &mut OvCtx<'_>, timer: OvTimer) -> Vec<OvEvent> {
        if self.phase == Phase::Left {
            return Vec::new();
        }
        match timer {
            OvTimer::Rpc(t) => {
                let rpc = &mut self.rpc;
                let event = ctx.scoped(
                    |m| m,
                    OvTimer::Rpc,
                    never,
                    |c: &mut RpcCtx<'_, _, _>| rpc.on_timer(c, t),
                );
                match event {
                    Some(RpcEvent::Failed { to, tag }) => self.on_failed(ctx, to, tag),
                    _ => Vec::new(),
                }
            }
            OvTimer::Join if self.phase == Phase::Joining => self.join(ctx),
            OvTimer::Join => Vec::new(),
            OvTimer::Stabilize => self.stabilize(ctx),
            OvTimer::FixFingers => {
                self.fix_fingers(ctx);
                Vec::new()
            }
            OvTimer::CheckPredecessor => {
                self.check_predecessor(ctx);
                Vec::new()
            }
            OvTimer::Merge => {
                self.merge_check(ctx);
                Vec::new()
            }
        }
    }

    /// Answers a ring request.
    fn serve(&mut self, ctx: &mut OvCtx<'_>, from: SocketAddr, req: RingReq) -> RingResp {
        if self.phase == Phase::Joining && self.cfg.mode == Mode::Robust {
            // A node that is (re)joining knows nothing yet; peers that still
            // list a former incarnation of it route around it.
            return match req {
                RingReq::Notify { .. } | RingReq::Leaving { .. } => RingResp::Ack,
                _ => RingResp::Joining,
            };
        }
        match req {
            RingReq::Step { target, avoid } => self.step_answer(target, avoid),
            RingReq::Neighbours => RingResp::Neighbours {
                pred: self.routing.pred(),
                succs: self.routing.succs().to_vec(),
            },
            RingReq::Notify { me } => {
                self.notified(me);
                RingResp::Ack
            }
            RingReq::Ping => RingResp::Ack,
            RingReq::SetPredecessor { pred } => {
                self.routing.set_pred(Some(pred));
                RingResp::Ack
            }
            RingReq::UpdateFinger { s, i } => {
                self.update_finger_table(ctx, s, i);
                RingResp::Ack
            }
            RingReq::Leaving { pred, succs } => {
                self.neighbour_leaving(from, pred, succs);
                RingResp::Ack
            }
        }
    }

    fn on_reply(
        &mut self,
        ctx: &mut OvCtx<'_>,
        from: SocketAddr,
        tag: Tag,
        body: RingResp,
    ) -> Vec<OvEvent> {
        if body == RingResp::Joining {
            // The callee is a new incarnation that knows nothing yet: to us
            // the node we knew is gone.
            return self.on_failed(ctx, from, tag);
        }
        match tag {
            Tag::Step(id) => self.on_step_reply(ctx, id, body),
            Tag::Stabilize => {
                self.stabilize_reply(ctx, from, body);
                Vec::new()
            }
            Tag::CoursePred => self.course_pred_reply(ctx, body),
            Tag::CourseSetPred => self.course_init_next(ctx),
            Tag::CourseUpdate(i) => self.course_update_done(ctx, i),
            Tag::Oneway | Tag::CheckPred => Vec::new(),
        }
    }

    fn on_failed(&mut self, ctx: &mut OvCtx<'_>, to: SocketAddr, tag: Tag) -> Vec<OvEvent> {
        match tag {
            Tag::Step(id) => self.on_step_failed(ctx, id, to),
            Tag::Stabilize => {
                self.stabilizing = false;
                self.peer_failed(to);
                // Try the next successor at once.
                ctx.set_timer(Duration::ZERO, OvTimer::Stabilize);
                Vec::new()
            }
            Tag::CheckPred | Tag::Oneway => {
                self.peer_failed(to);
                Vec::new()
            }
            Tag::CoursePred | Tag::CourseSetPred | Tag::CourseUpdate(_) => {
                ctx.set_timer(self.cfg.stabilize_every, OvTimer::Join);
                Vec::new()
            }
        }
    }

    /// `to` did not answer: forget it (robust mode; the course's ring has
    /// no failures).
    pub(crate) fn peer_failed(&mut self, to: SocketAddr) {
        if self.cfg.mode == Mode::Robust {
            self.routing.evict(to);
        }
    }

    /// Leaves the ring: tells the successor and the predecessor, then
    /// answers nothing more.
    pub fn leave(&mut self, ctx: &mut OvCtx<'_>) {
        if self.phase == Phase::Left {
            return;
        }
        let r = &self.routing;
        let (me, pred, succ) = (r.me(), r.pred(), r.successor());
        let succs = r.succs().to_vec();
        if succ != me {
            self.call(
                ctx,
                succ.addr(),
                RingReq::Leaving {
                    pred,
                    succs: Vec::new(),
                },
                Tag::Oneway,
            );
        }
        if let Some(p) = pred.filter(|p| *p != succ) {
            self.call(
                ctx,
                p.addr(),
                RingReq::Leaving { pred: None, succs },
                Tag::Oneway,
            );
        }
        self.phase = Phase::Left;
        self.lookups = Vec::new();
        for t in [
            OvTimer::Stabilize,
            OvTimer::FixFingers,
            OvTimer::CheckPredecessor,
            OvTimer::Merge,
            OvTimer::Join,
        ] {
            ctx.cancel_timer(t);
        }
        ctx.observe(OvObs::Left { id: me.id() });
    }

    /// A neighbour announced it leaves.
    fn neighbour_leaving(&mut self, from: SocketAddr, pred: Option<Peer>, succs: Vec<Peer>) {
        let r = &mut self.routing;
        if r.successor().addr() == from && !succs.is_empty() {
            let rest: Vec<Peer> = r.succs().iter().skip(1).copied().collect();
            r.set_succs(succs.into_iter().chain(rest), self.cfg.r);
        }
        if r.pred().is_some_and(|p| p.addr() == from) {
            r.set_pred(pred);
        }
        r.evict(from);
    }
}

/// The overlay has no observations of the RPC layer to map.
pub(crate) fn never(n: Infallible) -> OvObs {
    match n {}
}
