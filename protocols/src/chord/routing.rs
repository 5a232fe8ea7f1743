//! One node's routing state: predecessor, successor list and finger table.
//!
//! The finger table of `M` entries is stored as *runs*: `(first exponent,
//! node)` pairs in increasing exponent order, each run covering the
//! exponents up to the next run's first. In a ring of `N` nodes only about
//! `log2 N` entries differ, so a million-node ring with `M = 160` keeps ~20
//! runs per node instead of 160 entries. Entry `k` of the paper (1-based)
//! is exponent `k - 1` here: it starts at `n + 2^(k-1)`.

use super::id::{Id, IdSpace};
use super::interval::Interval;
use super::peer::Peer;
use super::ring::Ring;
use std::net::SocketAddr;

/// Predecessor, successors and fingers of node `me`.
#[derive(Clone, Debug)]
pub struct Routing {
    me: Peer,
    bits: u8,
    pred: Option<Peer>,
    /// The successor list, nearest first; never contains `me`. Empty: `me`
    /// is its own successor (alone, or not joined yet).
    succs: Vec<Peer>,
    /// Finger runs: `(first exponent, node)`, the first at exponent 0.
    fingers: Vec<(u8, Peer)>,
}

impl Routing {
    /// A node alone on the ring: every pointer is itself.
    pub fn alone(space: IdSpace, me: Peer) -> Routing {
        Routing {
            me,
            // IdSpace guarantees 1..=160.
            bits: space.bits() as u8,
            pred: None,
            succs: Vec::new(),
            fingers: vec![(0, me)],
        }
    }

    /// A node's state in a stabilized ring: its predecessor, successor
    /// list and finger table as `ring` (holding the node) says.
    pub fn ideal(ring: &Ring<Peer>, me: Peer, r: usize) -> Routing {
        let space = ring.space();
        let n = ring.len();
        let k = ring.successor_index(me.id());
        let mut out = Routing::alone(space, me);
        if n < 2 {
            return out;
        }
        out.pred = Some(*ring.addr((k + n - 1) % n));
        let succs = (1..n.min(r + 1)).map(|j| *ring.addr((k + j) % n));
        out.set_succs(succs, r);
        // Fingers up to the successor's distance are the successor; above,
        // one binary search per exponent.
        let succ = out.successor();
        let d = space.sub(succ.id(), me.id());
        let first = d.bit_len().saturating_sub(1) as u8;
        let mut runs: Vec<(u8, Peer)> = vec![(0, succ)];
        for e in first..space.bits() as u8 {
            let start = space.add_pow2(me.id(), u32::from(e));
            let node = *ring.addr(ring.successor_index(start));
            if runs.last().is_none_or(|r| r.1 != node) {
                runs.push((e, node));
            }
        }
        runs.shrink_to_fit();
        out.fingers = runs;
        out
    }

    /// The identifier space.
    pub fn space(&self) -> IdSpace {
        IdSpace::new(u32::from(self.bits)).unwrap_or_else(|_| IdSpace::sha1())
    }

    /// This node.
    pub fn me(&self) -> Peer {
        self.me
    }

    /// The predecessor, if known.
    pub fn pred(&self) -> Option<Peer> {
        self.pred
    }

    /// Sets (or forgets) the predecessor.
    pub fn set_pred(&mut self, pred: Option<Peer>) {
        self.pred = pred.filter(|p| *p != self.me);
    }

    /// The successor (`me` when alone).
    pub fn successor(&self) -> Peer {
        self.succs.first().copied().unwrap_or(self.me)
    }

    /// The successor list, nearest first.
    pub fn succs(&self) -> &[Peer] {
        &self.succs
    }

    /// Replaces the successor list (dropping `me` and repeats, keeping at
    /// most `r`), and points finger 1 at the new successor.
    pub fn set_succs(&mut self, list: impl IntoIterator<Item = Peer>, r: usize) {
        let me = self.me;
        let mut out: Vec<Peer> = Vec::with_capacity(r);
        for p in list {
            if out.len() == r {
                break;
            }
            if p != me && !out.contains(&p) {
                out.push(p);
            }
        }
        out.shrink_to_fit();
        self.succs = out;
        let s = self.successor();
        self.set_fingers(0, 0, s);
    }

    /// Finger entry `k` of the paper (`k` in `1..=M`), i.e. exponent `k - 1`.
    pub fn finger(&self, k: u32) -> Option<Peer> {
        let e = k.checked_sub(1).filter(|&e| e < u32::from(self.bits))?;
        self.fingers
            .iter()
            .rev()
            .find(|(first, _)| u32::from(*first) <= e)
            .map(|(_, p)| *p)
    }

    /// `start(k) = me + 2^(k-1)`.
    pub fn finger_start(&self, k: u32) -> Id {
        self.space().add_pow2(self.me.id(), k.saturating_sub(1))
    }

    /// Points the entries of exponents `lo..=hi` at `node` (the paper's
    /// `finger[k].node = node` for `k` in `lo+1..=hi+1`).
    pub fn set_fingers(&mut self, lo: u8, hi: u8, node: Peer) {
        let top = self.bits - 1;
        let hi = hi.min(top);
        if lo > hi {
            return;
        }
        // Segments (first, last, node), clipped around lo..=hi.
        let mut segs: Vec<(u8, u8, Peer)> = Vec::with_capacity(self.fingers.len() + 2);
        for (i, &(first, p)) in self.fingers.iter().enumerate() {
            let last = self.fingers.get(i + 1).map_or(top, |n| n.0 - 1);
            if last < lo || first > hi {
                segs.push((first, last, p));
                continue;
            }
            if first < lo {
                segs.push((first, lo - 1, p));
            }
            if last > hi {
                segs.push((hi + 1, last, p));
            }
        }
        let at = segs.partition_point(|s| s.0 < lo);
        segs.insert(at, (lo, hi, node));
        let mut runs: Vec<(u8, Peer)> = Vec::with_capacity(segs.len());
        for (first, _, p) in segs {
            if runs.last().is_none_or(|r| r.1 != p) {
                runs.push((first, p));
            }
        }
        runs.shrink_to_fit();
        self.fingers = runs;
    }

    /// The distinct finger runs: `(first exponent, node)`.
    pub fn finger_runs(&self) -> &[(u8, Peer)] {
        &self.fingers
    }

    /// Whether `id` lies in `(pred, me]` (true while the predecessor is
    /// unknown: the node cannot tell).
    pub fn owns(&self, id: Id) -> bool {
        self.pred
            .is_none_or(|p| Interval::open_closed(p.id(), self.me.id()).contains(id))
    }

    /// Whether `id` lies in `(me, successor]`.
    pub fn successor_owns(&self, id: Id) -> bool {
        Interval::open_closed(self.me.id(), self.successor().id()).contains(id)
    }

    /// The first successor that is not at `avoid` (`me` if none).
    pub fn successor_avoiding(&self, avoid: Option<SocketAddr>) -> Peer {
        self.succs
            .iter()
            .find(|p| Some(p.addr()) != avoid)
            .copied()
            .unwrap_or(self.me)
    }

    /// The paper's `closest_preceding_finger(id)`: of the fingers (and,
    /// with `with_succs`, the successor list) in `(me, id)`, the one
    /// farthest from `me`; `me` itself if none.
    pub fn closest_preceding(&self, id: Id, with_succs: bool) -> Peer {
        self.closest_preceding_avoiding(id, with_succs, None)
    }

    /// [`Routing::closest_preceding`], ignoring the node at `avoid`.
    pub fn closest_preceding_avoiding(
        &self,
        id: Id,
        with_succs: bool,
        avoid: Option<SocketAddr>,
    ) -> Peer {
        let me = self.me.id();
        let space = self.space();
        let between = Interval::open(me, id);
        let mut best: Option<(Id, Peer)> = None;
        let extra: &[Peer] = if with_succs { &self.succs } else { &[] };
        let candidates = self.fingers.iter().map(|(_, p)| p).chain(extra);
        for p in candidates {
            if Some(p.addr()) != avoid && between.contains(p.id()) {
                let d = space.sub(p.id(), me);
                if best.is_none_or(|(bd, _)| d > bd) {
                    best = Some((d, *p));
                }
            }
        }
        best.map_or(self.me, |(_, p)| p)
    }

    /// Forgets `addr` everywhere (it failed or left): its finger runs merge
    /// into the runs below them, it leaves the successor list, and it is no
    /// longer the predecessor.
    pub fn evict(&mut self, addr: SocketAddr) {
        if self.pred.is_some_and(|p| p.addr() == addr) {
            self.pred = None;
        }
        self.succs.retain(|p| p.addr() != addr);
        let succ = self.successor();
        let mut runs: Vec<(u8, Peer)> = Vec::with_capacity(self.fingers.len());
        for &(first, p) in &self.fingers {
            let p = if p.addr() == addr {
                match runs.last() {
                    Some(&(_, below)) => below,
                    None => succ,
                }
            } else {
                p
            };
            if runs.last().is_none_or(|r| r.1 != p) {
                runs.push((first, p));
            }
        }
        runs.shrink_to_fit();
        self.fingers = runs;
    }

    /// Whether `addr` appears anywhere in the routing state.
    pub fn knows(&self, addr: SocketAddr) -> bool {
        self.pred.is_some_and(|p| p.addr() == addr)
            || self.succs.iter().any(|p| p.addr() == addr)
            || self.fingers.iter().any(|(_, p)| p.addr() == addr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    fn peer(v: u128) -> Peer {
        let addr: SocketAddr = format!("127.0.0.1:{}", 43544 + v).parse().unwrap();
        Peer::new(Id::from_u128(v), addr).unwrap()
    }

    fn table(r: &Routing) -> Vec<u128> {
        (1..=3)
            .map(|k| r.finger(k).unwrap().id().to_u128().unwrap())
            .collect()
    }

    #[test]
    fn runs_split_and_merge() {
        let s = IdSpace::new(3).unwrap();
        let mut r = Routing::alone(s, peer(6));
        assert_eq!(table(&r), [6, 6, 6]);
        r.set_fingers(1, 1, peer(0));
        assert_eq!(table(&r), [6, 0, 6]);
        assert_eq!(r.finger_runs().len(), 3);
        r.set_fingers(2, 2, peer(0));
        assert_eq!(table(&r), [6, 0, 0]);
        assert_eq!(r.finger_runs().len(), 2);
        r.set_succs([peer(0), peer(1)], 2);
        assert_eq!(table(&r), [0, 0, 0]);
        assert_eq!(r.finger_runs().len(), 1);
        assert_eq!(r.finger(0), None);
        assert_eq!(r.finger(4), None);
        assert_eq!(r.finger_start(3), Id::from_u128(2));
    }

    #[test]
    fn ideal_state_matches_the_papers_figure() {
        let s = IdSpace::new(3).unwrap();
        let ring = Ring::new(s, [0, 1, 3, 6].map(|v| (Id::from_u128(v), peer(v)))).unwrap();
        for (v, want, pred) in [
            (0, [1, 3, 6], 6),
            (1, [3, 3, 6], 0),
            (3, [6, 6, 0], 1),
            (6, [0, 0, 3], 3),
        ] {
            let r = Routing::ideal(&ring, peer(v), 2);
            assert_eq!(table(&r), want, "node {v}");
            assert_eq!(r.pred(), Some(peer(pred)));
            assert_eq!(r.succs().len(), 2);
        }
    }

    #[test]
    fn closest_preceding_and_evict() {
        let s = IdSpace::new(3).unwrap();
        let mut r = Routing::alone(s, peer(0));
        r.set_succs([peer(1), peer(3)], 2);
        r.set_fingers(1, 1, peer(3));
        r.set_fingers(2, 2, peer(6));
        assert_eq!(table(&r), [1, 3, 6]);
        assert_eq!(r.closest_preceding(Id::from_u128(7), false), peer(6));
        assert_eq!(r.closest_preceding(Id::from_u128(5), false), peer(3));
        assert_eq!(r.closest_preceding(Id::from_u128(1), true), peer(0));
        r.set_pred(Some(peer(6)));
        assert!(r.owns(Id::from_u128(7)) && r.owns(Id::ZERO) && !r.owns(Id::from_u128(1)));
        r.evict(peer(6).addr());
        assert_eq!(r.pred(), None);
        assert_eq!(table(&r), [1, 3, 3]);
        r.evict(peer(1).addr());
        assert_eq!(r.successor(), peer(3));
        assert_eq!(table(&r), [3, 3, 3]);
        assert!(!r.knows(peer(1).addr()) && r.knows(peer(3).addr()));
    }
}
