//! An ideal (fully stabilized) ring held in one place: the live node ids in
//! sorted order, each with an address. Successors, key owners and ideal
//! fingers are binary searches over the sorted ids.

use super::finger::NodeRef;
use super::id::{Id, IdSpace};
use std::fmt;

/// Why a set of nodes does not make a ring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RingError {
    /// No nodes.
    Empty,
    /// Two nodes share this id (a hash collision, likely at small `M`).
    Duplicate(Id),
    /// An id is not below `2^M`.
    OutOfSpace(Id),
}

impl fmt::Display for RingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RingError::Empty => write!(f, "a ring needs at least one node"),
            RingError::Duplicate(id) => write!(f, "two nodes have the id {id}"),
            RingError::OutOfSpace(id) => write!(f, "node id {id} is outside the id space"),
        }
    }
}

impl std::error::Error for RingError {}

/// Live nodes in id order, each with an address of type `A` (`()` when only
/// the ids matter). Node `i` is the `i`-th smallest id; node `i + 1` (mod the
/// node count) is its successor.
#[derive(Clone, Debug)]
pub struct Ring<A = ()> {
    space: IdSpace,
    ids: Vec<Id>,
    /// `ids[i].prefix64(M)`: most searches are decided on these alone.
    prefixes: Vec<u64>,
    addrs: Vec<A>,
}

impl Ring<()> {
    /// A ring of bare ids.
    pub fn from_ids(space: IdSpace, ids: impl IntoIterator<Item = Id>) -> Result<Ring, RingError> {
        Ring::new(space, ids.into_iter().map(|id| (id, ())))
    }
}

impl<A> Ring<A> {
    /// The ring of these `(id, address)` nodes, in any order.
    pub fn new(
        space: IdSpace,
        nodes: impl IntoIterator<Item = (Id, A)>,
    ) -> Result<Ring<A>, RingError> {
        let mut nodes: Vec<(Id, A)> = nodes.into_iter().collect();
        if nodes.is_empty() {
            return Err(RingError::Empty);
        }
        if let Some((id, _)) = nodes.iter().find(|(id, _)| !space.contains(*id)) {
            return Err(RingError::OutOfSpace(*id));
        }
        nodes.sort_unstable_by_key(|(id, _)| *id);
        if let Some(w) = nodes.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(RingError::Duplicate(w[0].0));
        }
        let (ids, addrs): (Vec<Id>, Vec<A>) = nodes.into_iter().unzip();
        let prefixes = ids.iter().map(|id| id.prefix64(space.bits())).collect();
        Ok(Ring {
            space,
            ids,
            prefixes,
            addrs,
        })
    }

    /// The identifier space.
    pub fn space(&self) -> IdSpace {
        self.space
    }

    /// How many nodes (at least one).
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Always false: a ring has at least one node.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The ids, ascending.
    pub fn ids(&self) -> &[Id] {
        &self.ids
    }

    /// Node `i`'s id (`i < len()`).
    pub fn id(&self, i: usize) -> Id {
        self.ids[i]
    }

    /// Node `i`'s address (`i < len()`).
    pub fn addr(&self, i: usize) -> &A {
        &self.addrs[i]
    }

    /// Node `i` as an (id, address) pair.
    pub fn node(&self, i: usize) -> NodeRef<A>
    where
        A: Clone,
    {
        NodeRef {
            id: self.ids[i],
            addr: self.addrs[i].clone(),
        }
    }

    /// The index of the node after node `i`.
    pub fn next_index(&self, i: usize) -> usize {
        if i + 1 == self.ids.len() {
            0
        } else {
            i + 1
        }
    }

    /// The index of `successor(id)`: the first node whose id is `>= id`,
    /// wrapping to the smallest. This node owns the key `id`.
    #[inline]
    pub fn successor_index(&self, id: Id) -> usize {
        let q = id.prefix64(self.space.bits());
        let mut i = self.prefixes.partition_point(|&p| p < q);
        if i < self.prefixes.len() && self.prefixes[i] == q && self.space.bits() > 64 {
            // Equal prefixes (rare for random ids): settle on the whole ids.
            i += self.ids[i..].partition_point(|x| *x < id);
        }
        if i == self.ids.len() {
            0
        } else {
            i
        }
    }

    /// The index of the node that precedes `id`: the last node whose id is
    /// `< id`, wrapping to the largest. `id` lies in `(that node, its successor]`.
    pub fn predecessor_index(&self, id: Id) -> usize {
        match self.successor_index(id) {
            0 => self.ids.len() - 1,
            s => s - 1,
        }
    }

    /// The index of node `i`'s `k`-th ideal finger, `successor(n + 2^(k-1))`,
    /// for `k` in `1..=M` (a larger `k` wraps to node `i` itself).
    #[inline]
    pub fn finger_index(&self, i: usize, k: u32) -> usize {
        let start = self.space.add_pow2(self.ids[i], k.saturating_sub(1));
        self.successor_index(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn n(v: u128) -> Id {
        Id::from_u128(v)
    }

    fn m3(ids: &[u128]) -> Ring {
        Ring::from_ids(IdSpace::new(3).unwrap(), ids.iter().map(|&v| n(v))).unwrap()
    }

    #[test]
    fn successors_and_owners_in_the_papers_ring() {
        // Figure 2: nodes 0, 1, 3; keys 1, 2, 6 live on 1, 3, 0.
        let ring = m3(&[3, 0, 1]);
        assert_eq!(ring.ids(), [n(0), n(1), n(3)]);
        let owner = |k| ring.id(ring.successor_index(n(k)));
        assert_eq!([owner(1), owner(2), owner(6)], [n(1), n(3), n(0)]);
        assert_eq!(ring.id(ring.predecessor_index(n(6))), n(3));
        assert_eq!(ring.id(ring.predecessor_index(n(0))), n(3));
        assert_eq!(ring.id(ring.predecessor_index(n(1))), n(0));
    }

    #[test]
    fn bad_node_sets_are_refused() {
        let s = IdSpace::new(3).unwrap();
        assert_eq!(Ring::from_ids(s, []).unwrap_err(), RingError::Empty);
        assert_eq!(
            Ring::from_ids(s, [n(1), n(5), n(1)]).unwrap_err(),
            RingError::Duplicate(n(1))
        );
        assert_eq!(
            Ring::from_ids(s, [n(8)]).unwrap_err(),
            RingError::OutOfSpace(n(8))
        );
    }

    #[test]
    fn a_lone_node_owns_everything() {
        let ring = m3(&[5]);
        for k in 0..8 {
            assert_eq!(ring.successor_index(n(k)), 0);
            assert_eq!(ring.predecessor_index(n(k)), 0);
        }
        assert_eq!(ring.next_index(0), 0);
    }

    proptest! {
        /// Binary search against a scan, in spaces where the 64-bit prefixes
        /// tie (`M > 64`, ids that differ only in low bits) and where they don't.
        #[test]
        fn successor_matches_a_scan(
            bits in prop_oneof![Just(3u32), Just(64), Just(100), Just(160)],
            high in any::<u128>(),
            lows in proptest::collection::btree_set(any::<u16>(), 1..40),
            probes in proptest::collection::vec(any::<u16>(), 1..20),
        ) {
            let s = IdSpace::new(bits).unwrap();
            let mk = |low: u16| s.reduce(s.add(s.from_u128(high & !0xffff), n(u128::from(low))));
            let ids: std::collections::BTreeSet<Id> = lows.iter().map(|&l| mk(l)).collect();
            let ring = Ring::from_ids(s, ids.iter().copied()).unwrap();
            for p in probes {
                let q = mk(p);
                let expect = ids.range(q..).next().or(ids.iter().next()).copied();
                prop_assert_eq!(Some(ring.id(ring.successor_index(q))), expect);
            }
        }
    }
}
