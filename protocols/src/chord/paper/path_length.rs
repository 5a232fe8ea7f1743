//! Figure 10: path length against the number of nodes. For each `N = 2^k`,
//! a ring of `N` random ids and `lookups_per_node · N` lookups, each for a
//! random key from a random node.

use super::stats::{Histogram, Summary};
use super::{stream, Experiment};
use crate::chord::id::IdSpace;
use crate::chord::lookup::find_successor;
use crate::chord::ring::{Ring, RingError};
use rand::Rng;
use serde::Serialize;

/// Path lengths at one ring size.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PathRow {
    /// `k`, with `N = 2^k` nodes.
    pub log2_nodes: u32,
    /// `N`.
    pub nodes: u64,
    /// Summary of the hop counts.
    pub hops: Summary,
    /// The paper's mean, `½·log2 N`.
    pub paper_mean: f64,
    /// `hops.counts()[h]`: lookups that took `h` hops (the PDF, Figure 10(b)).
    pub pdf: Histogram,
}

/// Runs the experiment for `k` in `exponents`.
pub fn run(
    seed: u64,
    exponents: std::ops::RangeInclusive<u32>,
    lookups_per_node: u64,
) -> Result<Vec<PathRow>, RingError> {
    let space = IdSpace::sha1();
    exponents
        .map(|k| {
            let mut rng = stream(seed, Experiment::PathLength, u64::from(k));
            let nodes = 1u64 << k;
            let ring = Ring::from_ids(space, (0..nodes).map(|_| space.random(&mut rng)))?;
            let mut pdf = Histogram::default();
            for _ in 0..nodes * lookups_per_node {
                let from = rng.random_range(0..ring.len());
                let key = space.random(&mut rng);
                pdf.add(u64::from(find_successor(&ring, from, key).hops));
            }
            Ok(PathRow {
                log2_nodes: k,
                nodes,
                hops: pdf.summary(),
                paper_mean: f64::from(k) / 2.0,
                pdf,
            })
        })
        .collect()
}
