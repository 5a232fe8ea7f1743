//! Figure 8: keys per node. A ring of `nodes` random ids stores `K` random
//! keys (each on its successor), for each `K` in the list, repeated over
//! independent trials; the node counts of all trials are pooled.

use super::stats::{Histogram, Summary};
use super::{stream, Experiment};
use crate::chord::id::IdSpace;
use crate::chord::ring::{Ring, RingError};
use rand::RngCore;
use serde::Serialize;

/// Keys per node for one number of keys.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LoadRow {
    /// Keys stored (`K`).
    pub keys: u64,
    /// Nodes in the ring.
    pub nodes: u64,
    /// Trials pooled.
    pub trials: u32,
    /// Summary of the keys each node holds (one sample per node per trial).
    pub per_node: Summary,
    /// The most loaded node's keys, averaged over the trials (the paper's
    /// maximum is from one ring; `per_node.max` is over all trials).
    pub mean_max: f64,
    /// Samples (node, trial) holding no key, as a fraction.
    pub empty_fraction: f64,
    /// `per_node.counts()[c]`: node-trials holding `c` keys (Figure 8(b)).
    pub pdf: Histogram,
}

/// Keys per node in one ring with `keys` random keys; `owner` maps a ring
/// index to the counted node (the identity, or a virtual node's host).
pub(super) fn count_keys<A>(
    ring: &Ring<A>,
    keys: u64,
    counted: usize,
    owner: impl Fn(usize) -> usize,
    rng: &mut impl RngCore,
) -> Vec<u64> {
    let space = ring.space();
    let mut counts = vec![0u64; counted];
    for _ in 0..keys {
        let key = space.random(rng);
        counts[owner(ring.successor_index(key))] += 1;
    }
    counts
}

/// Runs the experiment.
pub fn run(seed: u64, nodes: u64, keys: &[u64], trials: u32) -> Result<Vec<LoadRow>, RingError> {
    let space = IdSpace::sha1();
    keys.iter()
        .enumerate()
        .map(|(row, &k)| {
            let mut pdf = Histogram::default();
            let mut max_sum = 0u64;
            for trial in 0..trials {
                let mut rng = stream(
                    seed,
                    Experiment::Load,
                    (row as u64) << 32 | u64::from(trial),
                );
                let ring = Ring::from_ids(space, (0..nodes).map(|_| space.random(&mut rng)))?;
                let counts = count_keys(&ring, k, ring.len(), |i| i, &mut rng);
                max_sum += counts.iter().copied().max().unwrap_or(0);
                for c in counts {
                    pdf.add(c);
                }
            }
            let empty = pdf.counts().first().copied().unwrap_or(0);
            Ok(LoadRow {
                keys: k,
                nodes,
                trials,
                per_node: pdf.summary(),
                mean_max: max_sum as f64 / f64::from(trials.max(1)),
                empty_fraction: empty as f64 / pdf.total().max(1) as f64,
                pdf,
            })
        })
        .collect()
}
