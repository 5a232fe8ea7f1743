//! The course's join (course mode): the paper's Section 4, Figure 6, as an
//! asynchronous state machine, with the two corrections the lectures gave.
//!
//! ```text
//! n.join(n'):            init_finger_table(n'); update_others()
//! init_finger_table(n'): finger[1].node = n'.find_successor(finger[1].start)
//!                        predecessor = successor.predecessor
//!                        successor.predecessor = n
//!                        for i = 1 .. m-1:
//!                          if finger[i+1].start in [n, finger[i].node)
//!                            finger[i+1].node = finger[i].node
//!                          else finger[i+1].node = n'.find_successor(finger[i+1].start)
//! update_others():       for i = 1 .. m:
//!                          p = find_predecessor(n - 2^(i-1) + 1)      <- correction 1: "+ 1"
//!                          p.update_finger_table(n, i)
//! update_finger_table(s, i):
//!                        if finger[i].start != finger[i].node         <- correction 2
//!                           and s in [finger[i].start, finger[i].node):
//!                          finger[i].node = s
//!                          predecessor.update_finger_table(s, i)
//! ```
//!
//! The paper tests `s in [n, finger[i].node)`; the lectures test from the
//! entry's start and skip an entry whose start is its node.

use super::interval::Interval;
use super::msg::{RingReq, RingResp};
use super::overlay::{OvCtx, OvEvent, Overlay, Purpose, Tag};
use super::peer::Peer;

impl Overlay {
    /// Sets finger `k` (1-based); finger 1 is the successor.
    fn set_course_finger(&mut self, k: u8, node: Peer) {
        if k == 1 {
            self.routing.set_succs([node], 1);
        } else {
            self.routing.set_fingers(k - 1, k - 1, node);
        }
    }

    /// Where `n'.find_successor` starts: the contact of this join attempt.
    fn course_via(&self) -> Option<Peer> {
        let me = self.routing.me().addr();
        let others: Vec<_> = self
            .cfg
            .contacts
            .iter()
            .copied()
            .filter(|c| *c != me)
            .collect();
        if others.is_empty() {
            return None;
        }
        let i = usize::from(self.join_tries.wrapping_sub(1)) % others.len();
        let c = others[i];
        Peer::new(self.cfg.space.node_id(c), c).ok()
    }

    /// `n'.find_successor(finger[k].start)` answered.
    pub(crate) fn course_finger_found(
        &mut self,
        ctx: &mut OvCtx<'_>,
        k: u8,
        owner: Peer,
    ) -> Vec<OvEvent> {
        self.set_course_finger(k, owner);
        if k == 1 {
            // predecessor = successor.predecessor
            self.call(ctx, owner.addr(), RingReq::Neighbours, Tag::CoursePred);
            return Vec::new();
        }
        self.course_k = k;
        self.course_init_next(ctx)
    }

    /// `successor.predecessor` answered; then `successor.predecessor = n`.
    pub(crate) fn course_pred_reply(
        &mut self,
        ctx: &mut OvCtx<'_>,
        body: RingResp,
    ) -> Vec<OvEvent> {
        let RingResp::Neighbours { pred, .. } = body else {
            return Vec::new();
        };
        let succ = self.routing.successor();
        self.routing.set_pred(Some(pred.unwrap_or(succ)));
        let me = self.routing.me();
        self.call(
            ctx,
            succ.addr(),
            RingReq::SetPredecessor { pred: me },
            Tag::CourseSetPred,
        );
        self.course_k = 1;
        Vec::new()
    }

    /// The loop of `init_finger_table` from entry `course_k`, then
    /// `update_others`.
    pub(crate) fn course_init_next(&mut self, ctx: &mut OvCtx<'_>) -> Vec<OvEvent> {
        let m = self.cfg.space.bits() as u8;
        let me = self.routing.me();
        let mut i = self.course_k;
        while i < m {
            let start = self.routing.finger_start(u32::from(i) + 1);
            let Some(fi) = self.routing.finger(u32::from(i)) else {
                break;
            };
            if Interval::closed_open(me.id(), fi.id()).contains(start) {
                self.set_course_finger(i + 1, fi);
                i += 1;
                continue;
            }
            let via = self.course_via();
            return self.lookup_from(ctx, start, Purpose::CourseFinger(i + 1), via);
        }
        self.update_others(ctx, 1)
    }

    /// `update_others`, entry `i`: find the predecessor of `n - 2^(i-1) + 1`.
    fn update_others(&mut self, ctx: &mut OvCtx<'_>, i: u8) -> Vec<OvEvent> {
        let space = self.cfg.space;
        let me = self.routing.me().id();
        let one = space.from_u128(1);
        let target = space.add(space.sub(me, space.pow2(u32::from(i) - 1)), one);
        self.lookup_from(ctx, target, Purpose::CourseOthers(i), None)
    }

    /// `p = find_predecessor(...)` answered: `p.update_finger_table(n, i)`.
    pub(crate) fn course_others_found(
        &mut self,
        ctx: &mut OvCtx<'_>,
        i: u8,
        p: Peer,
    ) -> Vec<OvEvent> {
        let me = self.routing.me();
        if p == me {
            // Our own table already says so.
            return self.course_update_done(ctx, i);
        }
        self.call(
            ctx,
            p.addr(),
            RingReq::UpdateFinger { s: me, i },
            Tag::CourseUpdate(i),
        );
        Vec::new()
    }

    /// Entry `i` of `update_others` is done.
    pub(crate) fn course_update_done(&mut self, ctx: &mut OvCtx<'_>, i: u8) -> Vec<OvEvent> {
        if i < self.cfg.space.bits() as u8 {
            return self.update_others(ctx, i + 1);
        }
        self.joined(ctx)
    }

    /// `update_finger_table(s, i)`, with the lectures' test.
    pub(crate) fn update_finger_table(&mut self, ctx: &mut OvCtx<'_>, s: Peer, i: u8) {
        let me = self.routing.me();
        if s == me || i == 0 || u32::from(i) > self.cfg.space.bits() {
            return;
        }
        let Some(f) = self.routing.finger(u32::from(i)) else {
            return;
        };
        let start = self.routing.finger_start(u32::from(i));
        if start == f.id() || !Interval::closed_open(start, f.id()).contains(s.id()) {
            return;
        }
        self.set_course_finger(i, s);
        if let Some(p) = self.routing.pred().filter(|p| *p != s && *p != me) {
            self.call(ctx, p.addr(), RingReq::UpdateFinger { s, i }, Tag::Oneway);
        }
    }
}
