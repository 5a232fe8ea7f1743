//! Lookups over an ideal [`Ring`] by the paper's Figure 4 routing:
//! `find_successor(id)` is `find_predecessor(id).successor`, and
//! `find_predecessor` moves to `closest_preceding_finger(id)` until `id` lies
//! in `(n', n'.successor]`.
//!
//! Fingers are not stored: finger `k` of node `n` is `successor(n + 2^(k-1))`,
//! a binary search over the ring. `closest_preceding_finger` scans entries
//! from the top like the paper, but starts at the highest entry whose start
//! lies in `(n, id)`; the entries above it cannot qualify (their nodes lie in
//! `[id, n]`), so the answer is the paper's.
//!
//! **Path length** ([`Lookup::hops`]) counts the moves `find_predecessor`
//! makes from node to node: 0 when the first node's successor owns the key.

use super::id::{Id, IdSpace};
use super::interval::Interval;
use super::ring::Ring;

/// Where a lookup ended and how long it took.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lookup {
    /// Index of the node that owns the key (`successor(id)`).
    pub owner: usize,
    /// Index of the node `find_predecessor` stopped at.
    pub predecessor: usize,
    /// Moves from node to node (the path length).
    pub hops: u32,
}

/// The highest finger exponent `e` (finger `e + 1`) with `2^e` below the
/// clockwise distance `d` from `n` to `id` (`d = 0` meaning a full turn).
fn top_exponent(space: IdSpace, d: Id) -> Option<u32> {
    if d == Id::ZERO {
        return Some(space.bits() - 1);
    }
    // 2^e < d  <=>  2^e <= d - 1  <=>  e < bit_len(d - 1).
    space.sub(d, Id::from_u128(1)).bit_len().checked_sub(1)
}

/// Node `i`'s `closest_preceding_finger(id)` in the ideal ring: the index of
/// the highest finger whose node lies in `(n, id)`, else `i` itself.
pub fn closest_preceding_finger<A>(ring: &Ring<A>, i: usize, id: Id) -> usize {
    let space = ring.space();
    let n = ring.id(i);
    let between = Interval::open(n, id);
    let Some(top) = top_exponent(space, space.sub(id, n)) else {
        return i;
    };
    for e in (0..=top).rev() {
        let f = ring.successor_index(space.add_pow2(n, e));
        if between.contains(ring.id(f)) {
            return f;
        }
    }
    i
}

/// `find_successor(id)` started at node `from`.
pub fn find_successor<A>(ring: &Ring<A>, from: usize, id: Id) -> Lookup {
    let mut cur = from;
    let mut hops = 0;
    loop {
        let succ = ring.next_index(cur);
        if Interval::open_closed(ring.id(cur), ring.id(succ)).contains(id) {
            return Lookup {
                owner: succ,
                predecessor: cur,
                hops,
            };
        }
        let next = closest_preceding_finger(ring, cur, id);
        if next == cur {
            // Unreachable in an ideal ring (the successor is in (n, id));
            // answer the successor rather than loop.
            return Lookup {
                owner: succ,
                predecessor: cur,
                hops,
            };
        }
        cur = next;
        hops += 1;
    }
}

/// The nodes a lookup visits: `from`, each node `find_predecessor` moves
/// to, and finally the owner.
pub fn path<A>(ring: &Ring<A>, from: usize, id: Id) -> Vec<usize> {
    let mut out = vec![from];
    let mut cur = from;
    loop {
        let succ = ring.next_index(cur);
        let next = closest_preceding_finger(ring, cur, id);
        if Interval::open_closed(ring.id(cur), ring.id(succ)).contains(id) || next == cur {
            out.push(succ);
            return out;
        }
        out.push(next);
        cur = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;

    fn n(v: u128) -> Id {
        Id::from_u128(v)
    }

    fn ids(ring: &Ring, path: &[usize]) -> Vec<u128> {
        path.iter().filter_map(|&i| ring.id(i).to_u128()).collect()
    }

    #[test]
    fn the_papers_lookup_of_key_1_from_node_3() {
        // Section 4.3: node 3 asks for successor(1); its third finger (node
        // 0) precedes 1, and node 0's successor, 1, is the answer.
        let ring = Ring::from_ids(IdSpace::new(3).unwrap(), [n(0), n(1), n(3)]).unwrap();
        let from = ring.successor_index(n(3));
        assert_eq!(ids(&ring, &path(&ring, from, n(1))), [3, 0, 1]);
        let l = find_successor(&ring, from, n(1));
        assert_eq!(
            (ring.id(l.owner), ring.id(l.predecessor), l.hops),
            (n(1), n(0), 1)
        );
        // A key the first node's successor holds: no moves.
        let l = find_successor(&ring, from, n(6));
        assert_eq!((ring.id(l.owner), l.hops), (n(0), 0));
    }

    #[test]
    fn a_lone_node_answers_itself() {
        let ring = Ring::from_ids(IdSpace::sha1(), [n(42)]).unwrap();
        let l = find_successor(&ring, 0, n(7));
        assert_eq!((l.owner, l.hops), (0, 0));
        assert_eq!(path(&ring, 0, n(7)), [0, 0]);
    }

    #[test]
    fn lookups_in_a_big_ring_are_short_and_right() {
        let s = IdSpace::sha1();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let ring = Ring::from_ids(s, (0..1024).map(|_| s.random(&mut rng))).unwrap();
        for k in 0..500 {
            let key = s.random(&mut rng);
            let l = find_successor(&ring, k % ring.len(), key);
            assert_eq!(l.owner, ring.successor_index(key));
            assert!(l.hops <= 2 * 10, "{} hops", l.hops);
        }
    }

    proptest! {
        #[test]
        fn every_lookup_finds_the_owner(
            bits in 1u32..=10,
            raw in proptest::collection::btree_set(any::<u16>(), 1..60),
            key in any::<u16>(),
            from in any::<prop::sample::Index>(),
        ) {
            let s = IdSpace::new(bits).unwrap();
            let set: std::collections::BTreeSet<Id> =
                raw.iter().map(|&v| s.from_u128(u128::from(v))).collect();
            let ring = Ring::from_ids(s, set).unwrap();
            let key = s.from_u128(u128::from(key));
            let from = from.index(ring.len());
            let l = find_successor(&ring, from, key);
            prop_assert_eq!(l.owner, ring.successor_index(key));
            prop_assert_eq!(l.predecessor, ring.predecessor_index(key));
            let p = path(&ring, from, key);
            prop_assert_eq!(p.len() as u32, l.hops + 2);
            prop_assert!(l.hops <= bits);
        }
    }
}
