//! Intervals on the identifier circle, as the paper and the course use them:
//! `(a, b]`, `(a, b)` and `[a, b)`, wrapping past zero.
//!
//! **Definition.** Walk clockwise from `a` to `b`; when `a == b` the walk goes
//! once round the whole circle. The interval holds the identifiers met on
//! the walk, with or without its two ends as the brackets say. So:
//!
//! - `(a, b]` with `a == b` is the whole ring (a lone node is the successor of
//!   every key);
//! - `[a, b)` with `a == b` is the whole ring (the course's `ModRange` with
//!   `start == stop`);
//! - `(a, b)` with `a == b` is every identifier except `a`.
//!
//! Membership needs no modulus: endpoints and the tested identifier are
//! already reduced, and at most two comparisons decide it.

use super::id::Id;

/// Which ends an [`Interval`] includes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bounds {
    /// `(a, b)`: neither end.
    Open,
    /// `(a, b]`: the end but not the start.
    OpenClosed,
    /// `[a, b)`: the start but not the end.
    ClosedOpen,
}

/// An interval on the identifier circle (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval {
    /// Where the clockwise walk starts (`a`).
    pub start: Id,
    /// Where it ends (`b`).
    pub end: Id,
    /// Which ends are included.
    pub bounds: Bounds,
}

impl Interval {
    /// `(a, b)`.
    pub fn open(a: Id, b: Id) -> Interval {
        Interval {
            start: a,
            end: b,
            bounds: Bounds::Open,
        }
    }

    /// `(a, b]`.
    pub fn open_closed(a: Id, b: Id) -> Interval {
        Interval {
            start: a,
            end: b,
            bounds: Bounds::OpenClosed,
        }
    }

    /// `[a, b)`.
    pub fn closed_open(a: Id, b: Id) -> Interval {
        Interval {
            start: a,
            end: b,
            bounds: Bounds::ClosedOpen,
        }
    }

    /// Whether `x` lies in the interval.
    #[inline]
    pub fn contains(&self, x: Id) -> bool {
        let (a, b) = (self.start, self.end);
        // When a >= b the walk passes zero (a == b: the whole circle), and the
        // interval is the union of the part above `a` and the part below `b`.
        match self.bounds {
            Bounds::Open if a < b => a < x && x < b,
            Bounds::Open => a < x || x < b,
            Bounds::OpenClosed if a < b => a < x && x <= b,
            Bounds::OpenClosed => a < x || x <= b,
            Bounds::ClosedOpen if a < b => a <= x && x < b,
            Bounds::ClosedOpen => a <= x || x < b,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chord::id::IdSpace;
    use proptest::prelude::*;

    fn n(v: u128) -> Id {
        Id::from_u128(v)
    }

    fn members(i: Interval) -> Vec<u128> {
        (0..8).filter(|&x| i.contains(n(x))).collect()
    }

    #[test]
    fn m3_intervals_without_wrap() {
        assert_eq!(members(Interval::open_closed(n(1), n(3))), [2, 3]);
        assert_eq!(members(Interval::open(n(1), n(3))), [2]);
        assert_eq!(members(Interval::closed_open(n(1), n(3))), [1, 2]);
    }

    #[test]
    fn m3_intervals_wrapping_past_zero() {
        // Node 3's third finger in the paper's Figure 3: interval [7, 3).
        assert_eq!(members(Interval::closed_open(n(7), n(3))), [0, 1, 2, 7]);
        // Keys node 0 holds in the ring {0, 1, 3}: (3, 0].
        assert_eq!(members(Interval::open_closed(n(3), n(0))), [0, 4, 5, 6, 7]);
        assert_eq!(members(Interval::open(n(6), n(1))), [0, 7]);
    }

    #[test]
    fn degenerate_intervals() {
        assert_eq!(members(Interval::open_closed(n(5), n(5))).len(), 8);
        assert_eq!(members(Interval::closed_open(n(5), n(5))).len(), 8);
        assert_eq!(members(Interval::open(n(5), n(5))), [0, 1, 2, 3, 4, 6, 7]);
        // Adjacent ends.
        assert_eq!(members(Interval::open(n(5), n(6))), Vec::<u128>::new());
        assert_eq!(members(Interval::open_closed(n(7), n(0))), [0]);
        assert_eq!(members(Interval::closed_open(n(7), n(0))), [7]);
    }

    /// The definition, literally: walk clockwise from `a` to `b` (once round
    /// when `a == b`) and collect what the brackets include.
    fn brute(bits: u32, a: u128, b: u128, bounds: Bounds) -> Vec<u128> {
        let size = 1u128 << bits;
        let steps = if a == b { size } else { (b + size - a) % size };
        let mut out: Vec<u128> = (0..=steps).map(|k| (a + k) % size).collect();
        // `out` is a, ..., b (b == a again when a == b).
        if matches!(bounds, Bounds::Open | Bounds::ClosedOpen) {
            out.pop();
        }
        if matches!(bounds, Bounds::Open | Bounds::OpenClosed) {
            out.remove(0);
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    fn arb_bounds() -> impl Strategy<Value = Bounds> {
        prop_oneof![
            Just(Bounds::Open),
            Just(Bounds::OpenClosed),
            Just(Bounds::ClosedOpen)
        ]
    }

    proptest! {
        #[test]
        fn contains_matches_the_walk(
            bits in 1u32..=7, a in any::<u128>(), b in any::<u128>(), bounds in arb_bounds(),
        ) {
            let size = 1u128 << bits;
            let (a, b) = (a % size, b % size);
            let i = Interval { start: n(a), end: n(b), bounds };
            let got: Vec<u128> = (0..size).filter(|&x| i.contains(n(x))).collect();
            prop_assert_eq!(got, brute(bits, a, b, bounds));
        }

        /// At 160 bits: `x` is in `(a, b]` iff its clockwise distance from
        /// `a` is positive and at most `b`'s (a full turn when `a == b`).
        #[test]
        fn contains_matches_distances_at_160_bits(
            a in proptest::array::uniform20(any::<u8>()),
            b in proptest::array::uniform20(any::<u8>()),
            x in proptest::array::uniform20(any::<u8>()),
            same in any::<bool>(), at_end in any::<bool>(),
        ) {
            let s = IdSpace::sha1();
            let a = Id::from_be_bytes(a);
            let b = if same { a } else { Id::from_be_bytes(b) };
            let x = if at_end { b } else { Id::from_be_bytes(x) };
            let dx = s.sub(x, a);
            let db = s.sub(b, a);
            let full = a == b;
            let open_closed = dx != Id::ZERO && (full || dx <= db) || (full && x == a);
            let open = dx != Id::ZERO && (full || dx < db);
            let closed_open = full || dx < db;
            prop_assert_eq!(Interval::open_closed(a, b).contains(x), open_closed);
            prop_assert_eq!(Interval::open(a, b).contains(x), open);
            prop_assert_eq!(Interval::closed_open(a, b).contains(x), closed_open);
        }
    }
}
