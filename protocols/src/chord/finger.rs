//! Finger tables: entry `k` (1-based, `k` in `1..=M`) of node `n` starts at
//! `(n + 2^(k-1)) mod 2^M`, covers `[start(k), start(k+1))` (with
//! `start(M+1) = n`), and names the first node at or after its start.
//! Entries carry the node's address as well as its id, so a node can reach
//! its fingers without reversing a hash.

use super::id::{Id, IdSpace};
use super::interval::Interval;
use super::ring::Ring;

/// A node as a finger names it: its id and how to reach it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NodeRef<A> {
    /// The node's id.
    pub id: Id,
    /// The node's address.
    pub addr: A,
}

/// One finger-table entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Finger<A> {
    /// `(n + 2^(k-1)) mod 2^M`.
    pub start: Id,
    /// The node this entry points to (ideally `successor(start)`).
    pub node: NodeRef<A>,
}

/// `start(k) = (n + 2^(k-1)) mod 2^M` for `k` in `1..=M`; `None` outside.
pub fn finger_start(space: IdSpace, n: Id, k: u32) -> Option<Id> {
    (1..=space.bits())
        .contains(&k)
        .then(|| space.add_pow2(n, k - 1))
}

/// Node `owner`'s `M` fingers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FingerTable<A> {
    space: IdSpace,
    owner: NodeRef<A>,
    fingers: Vec<Finger<A>>,
}

impl<A: Clone> FingerTable<A> {
    /// The table of a node alone on the ring: every finger points to itself.
    pub fn alone(space: IdSpace, owner: NodeRef<A>) -> FingerTable<A> {
        let fingers = (0..space.bits())
            .map(|e| Finger {
                start: space.add_pow2(owner.id, e),
                node: owner.clone(),
            })
            .collect();
        FingerTable {
            space,
            owner,
            fingers,
        }
    }

    /// Node `i`'s ideal table in a stabilized ring: finger `k` is
    /// `successor(start(k))`.
    pub fn ideal(ring: &Ring<A>, i: usize) -> FingerTable<A> {
        let space = ring.space();
        let owner = ring.node(i);
        let fingers = (0..space.bits())
            .map(|e| {
                let start = space.add_pow2(owner.id, e);
                Finger {
                    start,
                    node: ring.node(ring.successor_index(start)),
                }
            })
            .collect();
        FingerTable {
            space,
            owner,
            fingers,
        }
    }
}

impl<A> FingerTable<A> {
    /// The node that owns this table.
    pub fn owner(&self) -> &NodeRef<A> {
        &self.owner
    }

    /// The identifier space (`M` entries).
    pub fn space(&self) -> IdSpace {
        self.space
    }

    /// Entry `k`, for `k` in `1..=M`.
    pub fn get(&self, k: u32) -> Option<&Finger<A>> {
        let index = usize::try_from(k.checked_sub(1)?).ok()?;
        self.fingers.get(index)
    }

    /// Points entry `k` (in `1..=M`) at `node`; false if there is no entry `k`.
    pub fn set(&mut self, k: u32, node: NodeRef<A>) -> bool {
        let slot = k
            .checked_sub(1)
            .and_then(|e| usize::try_from(e).ok())
            .and_then(|e| self.fingers.get_mut(e));
        match slot {
            Some(finger) => {
                finger.node = node;
                true
            }
            None => false,
        }
    }

    /// The successor: entry 1.
    pub fn successor(&self) -> &NodeRef<A> {
        // `IdSpace` guarantees M >= 1, so entry 1 exists.
        &self.fingers[0].node
    }

    /// Entry `k`'s interval `[start(k), start(k+1))`, where `start(M+1)` is
    /// the owner's id (the course's `FingerEntry.interval`).
    pub fn interval(&self, k: u32) -> Option<Interval> {
        let start = self.get(k)?.start;
        let end = self.get(k + 1).map_or(self.owner.id, |f| f.start);
        Some(Interval::closed_open(start, end))
    }

    /// The entries, 1 to `M`.
    pub fn iter(&self) -> impl Iterator<Item = &Finger<A>> {
        self.fingers.iter()
    }

    /// The paper's `closest_preceding_finger(id)`: the highest entry whose
    /// node lies in `(n, id)`, else the owner itself.
    pub fn closest_preceding(&self, id: Id) -> &NodeRef<A> {
        let between = Interval::open(self.owner.id, id);
        self.fingers
            .iter()
            .rev()
            .map(|f| &f.node)
            .find(|node| between.contains(node.id))
            .unwrap_or(&self.owner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chord::lookup::closest_preceding_finger;
    use proptest::prelude::*;
    use std::net::SocketAddr;

    fn n(v: u128) -> Id {
        Id::from_u128(v)
    }

    /// The M = 3 test ring, each node at `localhost:TEST_BASE + id`.
    fn m3(ids: &[u128]) -> Ring<SocketAddr> {
        let space = IdSpace::new(3).unwrap();
        Ring::new(
            space,
            ids.iter()
                .map(|&v| (n(v), SocketAddr::from(([127, 0, 0, 1], 43544 + v as u16)))),
        )
        .unwrap()
    }

    /// (starts, successor ids) of the node with id `who`.
    fn table(ring: &Ring<SocketAddr>, who: u128) -> (Vec<u128>, Vec<u128>) {
        let i = ring.successor_index(n(who));
        let t = FingerTable::ideal(ring, i);
        let starts = t.iter().filter_map(|f| f.start.to_u128()).collect();
        let nodes = t.iter().filter_map(|f| f.node.id.to_u128()).collect();
        (starts, nodes)
    }

    #[test]
    fn paper_figure_3_nodes_0_1_3() {
        let ring = m3(&[0, 1, 3]);
        assert_eq!(table(&ring, 0), (vec![1, 2, 4], vec![1, 3, 0]));
        assert_eq!(table(&ring, 1), (vec![2, 3, 5], vec![3, 3, 0]));
        assert_eq!(table(&ring, 3), (vec![4, 5, 7], vec![0, 0, 0]));
    }

    #[test]
    fn paper_figure_5a_after_node_6_joins() {
        let ring = m3(&[0, 1, 3, 6]);
        assert_eq!(table(&ring, 6), (vec![7, 0, 2], vec![0, 0, 3]));
        assert_eq!(table(&ring, 1), (vec![2, 3, 5], vec![3, 3, 6]));
        assert_eq!(table(&ring, 3), (vec![4, 5, 7], vec![6, 6, 0]));
        assert_eq!(table(&ring, 0), (vec![1, 2, 4], vec![1, 3, 6]));
    }

    #[test]
    fn entries_carry_addresses() {
        let ring = m3(&[0, 1, 3]);
        let t = FingerTable::ideal(&ring, 1);
        assert_eq!(t.successor().addr, "127.0.0.1:43547".parse().unwrap());
        assert_eq!(t.owner().id, n(1));
    }

    #[test]
    fn intervals_and_starts() {
        let s = IdSpace::new(3).unwrap();
        assert_eq!(finger_start(s, n(3), 3), Some(n(7)));
        assert_eq!(finger_start(s, n(3), 0), None);
        assert_eq!(finger_start(s, n(3), 4), None);
        let t = FingerTable::ideal(&m3(&[0, 1, 3]), 2); // node 3
        assert_eq!(t.interval(1), Some(Interval::closed_open(n(4), n(5))));
        assert_eq!(t.interval(3), Some(Interval::closed_open(n(7), n(3))));
        assert_eq!(t.interval(4), None);
    }

    #[test]
    fn alone_then_set() {
        let s = IdSpace::new(3).unwrap();
        let me = NodeRef {
            id: n(6),
            addr: 1u8,
        };
        let mut t = FingerTable::alone(s, me);
        assert!(t.iter().all(|f| f.node == me));
        assert_eq!(t.closest_preceding(n(2)), &me);
        assert!(t.set(2, NodeRef { id: n(0), addr: 2 }));
        assert!(!t.set(0, me));
        assert!(!t.set(4, me));
        assert_eq!(t.get(2).map(|f| f.node.id), Some(n(0)));
        assert_eq!(t.closest_preceding(n(2)).id, n(0));
        assert_eq!(t.space(), s);
    }

    proptest! {
        /// The table's scan from entry M down and the ring's shortcut agree.
        #[test]
        fn closest_preceding_matches_the_ring(
            bits in 1u32..=8,
            ids in proptest::collection::btree_set(any::<u8>(), 1..30),
            target in any::<u8>(),
        ) {
            let s = IdSpace::new(bits).unwrap();
            let ids: std::collections::BTreeSet<Id> =
                ids.iter().map(|&v| s.from_u128(u128::from(v))).collect();
            let ring = Ring::from_ids(s, ids).unwrap();
            let target = s.from_u128(u128::from(target));
            for i in 0..ring.len() {
                let table = FingerTable::ideal(&ring, i);
                let expect = table.closest_preceding(target).id;
                prop_assert_eq!(ring.id(closest_preceding_finger(&ring, i, target)), expect);
            }
        }
    }
}
