//! The stabilizer (robust mode), as in the journal version of the Chord
//! paper: on timers, `stabilize` asks the successor for its predecessor and
//! successor list, adopts a closer successor and refreshes the list, then
//! `notify`s the successor; `fix_fingers` refreshes one finger per tick;
//! `check_predecessor` forgets a predecessor that stopped answering. A
//! failed successor is dropped from the list and the next one takes over
//! at once. A periodic merge check looks the node's own id up through a
//! contact, so rings split by a partition join again when it heals.

use super::interval::Interval;
use super::msg::{RingReq, RingResp};
use super::overlay::{Bug, OvCtx, OvEvent, OvTimer, Overlay, Phase, Purpose, Tag};
use super::peer::Peer;
use std::net::SocketAddr;
use std::time::Duration;

/// A random delay in `[0, period)`, so nodes do not tick in lock step.
fn jitter(ctx: &mut OvCtx<'_>, period: Duration) -> Duration {
    let nanos = u64::try_from(period.as_nanos()).unwrap_or(u64::MAX).max(1);
    Duration::from_nanos(rand::RngCore::next_u64(ctx.rng()) % nanos)
}

impl Overlay {
    /// Arms the periodic timers (robust mode), each at a random phase.
    pub(crate) fn start_timers(&mut self, ctx: &mut OvCtx<'_>) {
        let c = self.cfg.clone();
        // A node that just joined stabilizes at once; a node of a
        // bootstrapped ring at a random phase like the other timers.
        let t = jitter(ctx, c.stabilize_every);
        let t = if self.list_filled {
            t
        } else {
            t.min(Duration::from_millis(1))
        };
        ctx.set_timer(t, OvTimer::Stabilize);
        let t = jitter(ctx, c.fix_every);
        ctx.set_timer(t, OvTimer::FixFingers);
        let t = jitter(ctx, c.check_every);
        ctx.set_timer(t, OvTimer::CheckPredecessor);
        if !c.merge_every.is_zero() {
            let t = jitter(ctx, c.merge_every);
            ctx.set_timer(c.merge_every + t, OvTimer::Merge);
        }
    }

    /// Robust join: the lookup of the node's own id found its successor.
    pub(crate) fn join_found(&mut self, ctx: &mut OvCtx<'_>, owner: Peer) -> Vec<OvEvent> {
        let me = self.routing.me();
        if owner == me || owner.id() == me.id() {
            // Our id is taken (or the ring answered with ourselves): retry.
            ctx.set_timer(self.cfg.stabilize_every, OvTimer::Join);
            return Vec::new();
        }
        self.routing.set_succs([owner], self.cfg.r);
        self.joined(ctx)
    }

    /// `stabilize`: ask the successor for its neighbours.
    pub(crate) fn stabilize(&mut self, ctx: &mut OvCtx<'_>) -> Vec<OvEvent> {
        if self.phase != Phase::Joined {
            return Vec::new();
        }
        let r = &mut self.routing;
        let me = r.me();
        if r.successor() == me {
            // Alone: a predecessor, if any, is our successor too.
            if let Some(p) = r.pred() {
                r.set_succs([p], self.cfg.r);
            }
        }
        let succ = self.routing.successor();
        if succ == me || self.stabilizing {
            ctx.set_timer(self.cfg.stabilize_every, OvTimer::Stabilize);
            return Vec::new();
        }
        self.stabilizing = true;
        self.call(ctx, succ.addr(), RingReq::Neighbours, Tag::Stabilize);
        ctx.set_timer(self.cfg.stabilize_every, OvTimer::Stabilize);
        Vec::new()
    }

    /// The successor's neighbours arrived: adopt a closer successor, refresh
    /// the list, notify.
    pub(crate) fn stabilize_reply(
        &mut self,
        ctx: &mut OvCtx<'_>,
        from: SocketAddr,
        body: RingResp,
    ) {
        self.stabilizing = false;
        let RingResp::Neighbours { pred, succs } = body else {
            return;
        };
        let r = &mut self.routing;
        let (me, succ) = (r.me(), r.successor());
        if succ.addr() != from {
            return;
        }
        let closer =
            pred.filter(|x| *x != me && Interval::open(me.id(), succ.id()).contains(x.id()));
        let rlen = self.cfg.r;
        if self.cfg.bug == Some(Bug::StaleSuccessorList) && self.list_filled {
            if let Some(x) = closer {
                let old: Vec<Peer> = r.succs().to_vec();
                r.set_succs(std::iter::once(x).chain(old), rlen);
            }
        } else {
            let head = closer.into_iter().chain([succ]);
            if closer.is_some() || succs.is_empty() {
                // The closer node's list is not known yet (or the successor
                // is rejoining and knows none): keep ours behind it.
                let old: Vec<Peer> = r.succs().to_vec();
                r.set_succs(head.chain(old), rlen);
            } else {
                r.set_succs(head.chain(succs), rlen);
            }
            self.list_filled = true;
        }
        let succ = self.routing.successor();
        if succ != me {
            self.call(ctx, succ.addr(), RingReq::Notify { me }, Tag::Oneway);
        }
    }

    /// `notify(x)`: `x` thinks it might be our predecessor.
    pub(crate) fn notified(&mut self, x: Peer) {
        let r = &mut self.routing;
        let me = r.me();
        if x == me || self.phase == Phase::Left {
            return;
        }
        let take = match r.pred() {
            None => true,
            Some(_) if self.cfg.bug == Some(Bug::NotifyIgnoresCloser) => false,
            Some(p) => Interval::open(p.id(), me.id()).contains(x.id()),
        };
        if take {
            r.set_pred(Some(x));
        }
        // A lone node learns its first successor this way too.
        if r.successor() == me {
            r.set_succs([x], self.cfg.r);
        }
    }

    /// `fix_fingers`: refresh the next finger that needs a lookup; fingers
    /// whose start lies before the successor are set without one.
    pub(crate) fn fix_fingers(&mut self, ctx: &mut OvCtx<'_>) {
        ctx.set_timer(self.cfg.fix_every, OvTimer::FixFingers);
        if self.phase != Phase::Joined || self.fixing {
            return;
        }
        let bits = self.cfg.space.bits() as u8;
        let succ = self.routing.successor();
        // Exponents below `near` start at or before the successor: they
        // are the successor, no lookup needed.
        let d = self.cfg.space.sub(succ.id(), self.routing.me().id());
        let near = if succ == self.routing.me() {
            bits
        } else {
            (d.bit_len().saturating_sub(1) as u8).min(bits)
        };
        if near > 0 {
            self.routing.set_fingers(0, near - 1, succ);
        }
        for _ in 0..2 {
            let e = if self.next_finger >= bits {
                0
            } else {
                self.next_finger
            };
            let start = self.routing.finger_start(u32::from(e) + 1);
            if e < near || self.routing.successor_owns(start) {
                self.routing.set_fingers(e, e, succ);
                self.next_finger = near.max(e + 1);
                continue;
            }
            self.fixing = true;
            self.next_finger = e;
            let _ = self.lookup_from(ctx, start, Purpose::Finger(e), None);
            return;
        }
    }

    /// Finger exponent `e` is `owner`; so are the following fingers whose
    /// starts come before `owner`.
    pub(crate) fn finger_found(&mut self, _ctx: &mut OvCtx<'_>, e: u8, owner: Peer) {
        self.fixing = false;
        let bits = self.cfg.space.bits() as u8;
        let me = self.routing.me().id();
        let mut hi = e;
        while hi + 1 < bits {
            let start = self.routing.finger_start(u32::from(hi) + 2);
            if Interval::closed_open(me, owner.id()).contains(start) && start != me {
                hi += 1;
            } else {
                break;
            }
        }
        self.routing.set_fingers(e, hi, owner);
        self.next_finger = hi + 1;
    }

    /// `check_predecessor`: ping it; a failed ping forgets it.
    pub(crate) fn check_predecessor(&mut self, ctx: &mut OvCtx<'_>) {
        ctx.set_timer(self.cfg.check_every, OvTimer::CheckPredecessor);
        if let Some(p) = self.routing.pred() {
            self.call(ctx, p.addr(), RingReq::Ping, Tag::CheckPred);
        }
    }

    /// Ring merge: look our own id up through a contact.
    pub(crate) fn merge_check(&mut self, ctx: &mut OvCtx<'_>) {
        ctx.set_timer(self.cfg.merge_every, OvTimer::Merge);
        if self.phase != Phase::Joined {
            return;
        }
        let Some(contact) = self.contact() else {
            return;
        };
        self.join_tries = self.join_tries.wrapping_add(1);
        let via = Peer::new(self.cfg.space.node_id(contact), contact).ok();
        let me = self.routing.me().id();
        let _ = self.lookup_from(ctx, me, Purpose::Merge, via);
    }

    /// The contact's ring says `owner` follows us: adopt it if it lies
    /// between us and our successor (or we are alone).
    pub(crate) fn merge_found(&mut self, owner: Peer) {
        let r = &mut self.routing;
        let (me, succ) = (r.me(), r.successor());
        if owner == me {
            return;
        }
        if succ == me || Interval::open(me.id(), succ.id()).contains(owner.id()) {
            let old: Vec<Peer> = r.succs().to_vec();
            r.set_succs(std::iter::once(owner).chain(old), self.cfg.r);
        }
    }
}
