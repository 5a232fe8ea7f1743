//! Figure 9: virtual nodes. Each of `nodes` real nodes runs `r` virtual
//! nodes (`r` random ids); `keys` random keys go to their successor virtual
//! node, and each real node's load is the sum over its virtual nodes.

use super::load::count_keys;
use super::stats::{Histogram, Summary};
use super::{stream, Experiment};
use crate::chord::id::IdSpace;
use crate::chord::ring::{Ring, RingError};
use serde::Serialize;

/// Keys per real node for one `r`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VirtualRow {
    /// Virtual nodes per real node.
    pub r: u32,
    /// Real nodes.
    pub nodes: u64,
    /// Keys stored.
    pub keys: u64,
    /// Trials pooled.
    pub trials: u32,
    /// Summary of keys per real node.
    pub per_node: Summary,
    /// `per_node.p1 / mean`.
    pub p1_over_mean: f64,
    /// `per_node.p99 / mean`.
    pub p99_over_mean: f64,
}

/// Runs the experiment for each `r`.
pub fn run(
    seed: u64,
    nodes: u64,
    keys: u64,
    rs: &[u32],
    trials: u32,
) -> Result<Vec<VirtualRow>, RingError> {
    let space = IdSpace::sha1();
    rs.iter()
        .map(|&r| {
            let mut pooled = Histogram::default();
            for trial in 0..trials {
                let part = u64::from(r) << 32 | u64::from(trial);
                let mut rng = stream(seed, Experiment::VirtualNodes, part);
                let vnodes = (0..nodes).flat_map(|real| (0..r).map(move |_| real as usize));
                let entries: Vec<_> = vnodes.map(|real| (space.random(&mut rng), real)).collect();
                let ring = Ring::new(space, entries)?;
                let counts = count_keys(&ring, keys, nodes as usize, |v| *ring.addr(v), &mut rng);
                for c in counts {
                    pooled.add(c);
                }
            }
            let per_node = pooled.summary();
            let mean = per_node.mean.max(f64::MIN_POSITIVE);
            Ok(VirtualRow {
                r,
                nodes,
                keys,
                trials,
                per_node,
                p1_over_mean: per_node.p1 as f64 / mean,
                p99_over_mean: per_node.p99 as f64 / mean,
            })
        })
        .collect()
}
