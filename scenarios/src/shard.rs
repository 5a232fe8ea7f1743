//! Seed ranges and shards: `--seeds A..B` and `--shard K/N`.
//!
//! Shard `K/N` (K from 1 to N) takes every N-th seed of the range, starting
//! with the K-th: the N shards are disjoint and together cover the range, and
//! each gets an even share of early and late seeds. Any batch scheduler can
//! split a sweep this way (a CI matrix, Kubernetes indexed jobs with
//! `K = JOB_COMPLETION_INDEX + 1`, Slurm arrays with `K = SLURM_ARRAY_TASK_ID`
//! over `--array=1-N`).

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// Seeds `start..end` (end excluded).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SeedRange {
    /// First seed.
    pub start: u64,
    /// One past the last seed.
    pub end: u64,
}

impl SeedRange {
    /// Number of seeds.
    pub fn len(&self) -> u64 {
        self.end - self.start
    }

    /// Whether the range is empty.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

impl FromStr for SeedRange {
    type Err = String;

    /// `A..B` (B excluded), `A..=B` (B included), or a single seed `A`.
    fn from_str(text: &str) -> Result<SeedRange, String> {
        let number = |s: &str| {
            s.trim()
                .parse::<u64>()
                .map_err(|_| format!("`{s}` in `{text}` is not a seed (a number from 0 to 2^64-1)"))
        };
        let (start, end) = if let Some((a, b)) = text.split_once("..=") {
            let end = number(b)?
                .checked_add(1)
                .ok_or_else(|| format!("`{text}`: the range ends past the last seed"))?;
            (number(a)?, end)
        } else if let Some((a, b)) = text.split_once("..") {
            (number(a)?, number(b)?)
        } else {
            let a = number(text)?;
            (a, a.saturating_add(1))
        };
        if start >= end {
            return Err(format!(
                "`{text}` is empty (write A..B for seeds A to B-1, or A..=B)"
            ));
        }
        Ok(SeedRange { start, end })
    }
}

impl fmt::Display for SeedRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// Shard `index` of `count` (1-based), written `K/N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Shard {
    /// Which shard, from 1 to `count`.
    pub index: u64,
    /// How many shards.
    pub count: u64,
}

impl Shard {
    /// The whole range as one shard.
    pub const ALL: Shard = Shard { index: 1, count: 1 };

    /// Whether `seed` of `range` belongs to this shard.
    pub fn contains(&self, range: SeedRange, seed: u64) -> bool {
        range.start <= seed
            && seed < range.end
            && (seed - range.start) % self.count == self.index - 1
    }

    /// This shard's seeds of `range`, in increasing order.
    pub fn seeds(&self, range: SeedRange) -> impl Iterator<Item = u64> {
        let shard = *self;
        (0..self.len(range)).map(move |i| shard.seed(range, i))
    }

    /// The `i`-th seed of this shard of `range` (`i` below [`Shard::len`]).
    pub fn seed(&self, range: SeedRange, i: u64) -> u64 {
        range.start + (self.index - 1) + i * self.count
    }

    /// Number of this shard's seeds of `range`.
    pub fn len(&self, range: SeedRange) -> u64 {
        let offset = self.index - 1;
        if offset >= range.len() {
            0
        } else {
            (range.len() - offset).div_ceil(self.count)
        }
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let bad = || format!("`{text}` is not a shard: write K/N with 1 <= K <= N, e.g. 2/8");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let index: u64 = k.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ranges_and_shards() {
        assert_eq!("3..7".parse(), Ok(SeedRange { start: 3, end: 7 }));
        assert_eq!("3..=7".parse(), Ok(SeedRange { start: 3, end: 8 }));
        assert_eq!("5".parse(), Ok(SeedRange { start: 5, end: 6 }));
        assert!("7..3".parse::<SeedRange>().is_err());
        assert!("a..3".parse::<SeedRange>().is_err());
        assert!("0..=18446744073709551615".parse::<SeedRange>().is_err());
        assert_eq!("2/8".parse(), Ok(Shard { index: 2, count: 8 }));
        for bad in ["0/3", "4/3", "1/0", "x/2", "3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_shard_past_the_range_is_empty() {
        let r = SeedRange { start: 10, end: 12 };
        let s = Shard { index: 3, count: 5 };
        assert_eq!(s.seeds(r).count(), 0);
        assert_eq!(s.len(r), 0);
        let big = SeedRange {
            start: u64::MAX - 3,
            end: u64::MAX,
        };
        assert_eq!(
            Shard { index: 2, count: 2 }.seeds(big).collect::<Vec<_>>(),
            vec![u64::MAX - 2]
        );
    }
}
