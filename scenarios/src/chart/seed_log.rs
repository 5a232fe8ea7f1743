//! What a sweep chart needs of each seed, kept in bounded memory whatever the
//! number of seeds: wall times folded into at most [`MAX_BINS`] bins, and the
//! [`MAX_MARKS`] failures with the smallest positions.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

/// Most bars of run time (one per seed up to this many seeds).
pub const MAX_BINS: u64 = 500;

/// Most failing seeds marked (the first ones); the rest are counted.
pub const MAX_MARKS: usize = 2000;

/// Longest property name or message kept for a mark.
const MAX_TEXT: usize = 200;

/// Runs of neighbouring seeds (positions in the sweep's order).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bin {
    /// Seeds run.
    pub runs: u64,
    /// Their wall time added up, nanoseconds.
    pub total_ns: u128,
    /// The slowest, nanoseconds.
    pub max_ns: u64,
    /// How many failed.
    pub failed: u64,
}

/// A failing seed.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// The seed.
    pub seed: u64,
    /// The property that failed.
    pub property: String,
    /// What it said (cut to a few hundred bytes).
    pub message: String,
}

/// Everything recorded, at the end of a sweep.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    /// Seeds in the sweep (positions `0..total`).
    pub total: u64,
    /// Wall time bins over the positions, `min(total, MAX_BINS)` of them.
    pub bins: Vec<Bin>,
    /// Failing seeds by position (the first [`MAX_MARKS`]).
    pub marks: BTreeMap<u64, Mark>,
    /// Failures in all (marked or not).
    pub failures: u64,
}

impl Summary {
    /// The bin of position `i`.
    pub fn bin_of(&self, i: u64) -> usize {
        let bins = self.bins.len() as u128;
        (u128::from(i) * bins / u128::from(self.total.max(1))) as usize
    }

    /// Seeds run.
    pub fn runs(&self) -> u64 {
        self.bins.iter().map(|b| b.runs).sum()
    }
}

/// Collects each seed's outcome from the sweep's worker threads.
#[derive(Debug, Default)]
pub struct SeedLog {
    inner: Mutex<Summary>,
}

impl SeedLog {
    /// A log for a sweep of `total` seeds.
    pub fn new(total: u64) -> Self {
        let bins = total.min(MAX_BINS) as usize;
        SeedLog {
            inner: Mutex::new(Summary {
                total,
                bins: vec![Bin::default(); bins],
                ..Summary::default()
            }),
        }
    }

    /// Seed `seed`, at position `i` of the sweep, ran in `wall`; `failed` is
    /// the property it failed and what it said, if it failed.
    pub fn record(&self, i: u64, seed: u64, wall: Duration, failed: Option<(&str, &str)>) {
        let mut s = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let ns = u64::try_from(wall.as_nanos()).unwrap_or(u64::MAX);
        let b = s.bin_of(i);
        if let Some(bin) = s.bins.get_mut(b) {
            bin.runs += 1;
            bin.total_ns += u128::from(ns);
            bin.max_ns = bin.max_ns.max(ns);
            bin.failed += u64::from(failed.is_some());
        }
        if let Some((property, message)) = failed {
            s.failures += 1;
            s.marks.insert(
                i,
                Mark {
                    seed,
                    property: cut(property),
                    message: cut(message),
                },
            );
            if s.marks.len() > MAX_MARKS {
                s.marks.pop_last();
            }
        }
    }

    /// What was recorded.
    pub fn summary(&self) -> Summary {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

fn cut(text: &str) -> String {
    if text.len() <= MAX_TEXT {
        return text.to_string();
    }
    let mut end = MAX_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_sweep_folds_into_bins_and_keeps_the_first_failures() {
        let total = 10_000_000;
        let log = SeedLog::new(total);
        for i in (0..total).step_by(1000) {
            let failed = (i % 3000 == 0).then_some(("p", "m"));
            log.record(i, i + 5, Duration::from_micros(i / 1000), failed);
        }
        let s = log.summary();
        assert_eq!(s.bins.len() as u64, MAX_BINS);
        assert_eq!(s.runs(), total / 1000);
        assert_eq!(s.failures, 3334);
        assert_eq!(s.marks.len(), MAX_MARKS);
        assert_eq!(
            s.marks.keys().next_back(),
            Some(&((MAX_MARKS as u64 - 1) * 3000))
        );
        assert_eq!(s.bins[0].runs, 20);
        assert_eq!(s.bins[MAX_BINS as usize - 1].max_ns, 9_999_000);
    }
}
