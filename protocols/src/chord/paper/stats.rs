//! Counting histograms and the summaries the paper plots: mean, 1st and
//! 99th percentiles, extremes. Percentiles are nearest-rank (the smallest
//! value with at least p% of the samples at or below it), in integers.

use serde::Serialize;

/// Counts of small non-negative integer samples: `counts[v]` samples of `v`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Histogram {
    counts: Vec<u64>,
}

impl Histogram {
    /// Adds one sample.
    pub fn add(&mut self, value: u64) {
        self.add_n(value, 1);
    }

    /// Adds `n` samples of `value`.
    pub fn add_n(&mut self, value: u64, n: u64) {
        let Ok(i) = usize::try_from(value) else {
            return;
        };
        if i >= self.counts.len() {
            self.counts.resize(i + 1, 0);
        }
        self.counts[i] += n;
    }

    /// Adds every sample of `other`.
    pub fn merge(&mut self, other: &Histogram) {
        for (v, &n) in other.counts.iter().enumerate() {
            if n > 0 {
                self.add_n(v as u64, n);
            }
        }
    }

    /// `counts[v]`: how many samples equal `v`, for `v` from 0 to the largest.
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// How many samples.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The nearest-rank `pct`-th percentile (`pct` in 1..=100), or 0 when empty.
    pub fn percentile(&self, pct: u64) -> u64 {
        let total = self.total();
        if total == 0 {
            return 0;
        }
        let rank = (pct.min(100) * total).div_ceil(100).max(1);
        let mut seen = 0;
        for (v, &n) in self.counts.iter().enumerate() {
            seen += n;
            if seen >= rank {
                return v as u64;
            }
        }
        self.max()
    }

    /// The largest sample (0 when empty).
    pub fn max(&self) -> u64 {
        self.counts.iter().rposition(|&n| n > 0).unwrap_or(0) as u64
    }

    /// The smallest sample (0 when empty).
    pub fn min(&self) -> u64 {
        self.counts.iter().position(|&n| n > 0).unwrap_or(0) as u64
    }

    /// The mean (0 when empty).
    pub fn mean(&self) -> f64 {
        let total = self.total();
        if total == 0 {
            return 0.0;
        }
        let sum: u128 = self
            .counts
            .iter()
            .enumerate()
            .map(|(v, &n)| v as u128 * u128::from(n))
            .sum();
        sum as f64 / total as f64
    }

    /// The summary of the samples.
    pub fn summary(&self) -> Summary {
        Summary {
            samples: self.total(),
            mean: self.mean(),
            min: self.min(),
            p1: self.percentile(1),
            p99: self.percentile(99),
            max: self.max(),
        }
    }
}

/// What the paper's figures show of a distribution.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// How many samples.
    pub samples: u64,
    /// Their mean.
    pub mean: f64,
    /// The smallest.
    pub min: u64,
    /// 1st percentile (nearest rank).
    pub p1: u64,
    /// 99th percentile (nearest rank).
    pub p99: u64,
    /// The largest.
    pub max: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut h = Histogram::default();
        for v in 1..=100 {
            h.add(v);
        }
        assert_eq!(
            (h.percentile(1), h.percentile(99), h.percentile(100)),
            (1, 99, 100)
        );
        assert_eq!(h.mean(), 50.5);
        let mut g = Histogram::default();
        g.add_n(0, 3);
        g.add(7);
        assert_eq!(g.summary().p1, 0);
        assert_eq!(g.summary().p99, 7);
        assert_eq!((g.min(), g.max(), g.total()), (0, 7, 4));
        h.merge(&g);
        assert_eq!(h.total(), 104);
        assert_eq!(Histogram::default().summary().mean, 0.0);
    }
}
