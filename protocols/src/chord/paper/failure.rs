//! Figure 11: lookups after a simultaneous failure of a fraction `p` of the
//! nodes, in the **stabilized-ring model**: the failed nodes leave, the
//! survivors form an ideal ring with ideal fingers (stabilization has
//! finished), and keys are not replicated. A lookup fails when its key was
//! held by a failed node; routing itself always reaches the right survivor.

use super::stats::Histogram;
use super::{stream, Experiment};
use crate::chord::id::IdSpace;
use crate::chord::lookup::find_successor;
use crate::chord::ring::{Ring, RingError};
use rand::Rng;
use serde::Serialize;

/// Lookup failures for one fraction of failed nodes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FailureRow {
    /// Failed nodes, percent of all.
    pub failed_percent: u32,
    /// Nodes before the failure.
    pub nodes: u64,
    /// Keys stored before the failure.
    pub keys: u64,
    /// Lookups per trial.
    pub lookups: u64,
    /// Trials pooled.
    pub trials: u32,
    /// Fraction of lookups whose key was lost with its node (all trials).
    pub failed_lookups: f64,
    /// Smallest and largest per-trial fraction of failed lookups.
    pub trial_range: (f64, f64),
    /// Fraction of all stored keys lost (all trials).
    pub lost_keys: f64,
    /// Lookups that reached a node other than the survivors' successor of
    /// the key (0 in an ideal ring).
    pub misrouted: u64,
    /// Hops of the lookups on the surviving ring.
    pub hops: Histogram,
}

/// Runs the experiment for each percentage.
pub fn run(
    seed: u64,
    nodes: u64,
    keys: u64,
    lookups: u64,
    percents: &[u32],
    trials: u32,
) -> Result<Vec<FailureRow>, RingError> {
    let space = IdSpace::sha1();
    percents
        .iter()
        .map(|&pct| {
            let (mut failed, mut lost, mut misrouted) = (0u64, 0u64, 0u64);
            let mut range = (f64::INFINITY, 0.0f64);
            let mut hops = Histogram::default();
            for trial in 0..trials {
                let part = u64::from(pct) << 32 | u64::from(trial);
                let mut rng = stream(seed, Experiment::Failures, part);
                let ring = Ring::from_ids(space, (0..nodes).map(|_| space.random(&mut rng)))?;
                let n = ring.len();
                let dead_count = (n * pct.min(100) as usize + 50) / 100;
                let mut dead = vec![false; n];
                for i in rand::seq::index::sample(&mut rng, n, dead_count.min(n.saturating_sub(1)))
                {
                    dead[i] = true;
                }
                let survivors =
                    Ring::from_ids(space, (0..n).filter(|&i| !dead[i]).map(|i| ring.id(i)))?;
                let stored: Vec<_> = (0..keys).map(|_| space.random(&mut rng)).collect();
                lost += stored
                    .iter()
                    .filter(|&&k| dead[ring.successor_index(k)])
                    .count() as u64;
                let mut trial_failed = 0u64;
                for _ in 0..lookups {
                    let Some(&key) = stored.get(rng.random_range(0..stored.len().max(1))) else {
                        break;
                    };
                    let from = rng.random_range(0..survivors.len());
                    let l = find_successor(&survivors, from, key);
                    hops.add(u64::from(l.hops));
                    if l.owner != survivors.successor_index(key) {
                        misrouted += 1;
                    }
                    if dead[ring.successor_index(key)] {
                        trial_failed += 1;
                    }
                }
                failed += trial_failed;
                let frac = trial_failed as f64 / lookups.max(1) as f64;
                range = (range.0.min(frac), range.1.max(frac));
            }
            let all = (lookups * u64::from(trials)).max(1);
            Ok(FailureRow {
                failed_percent: pct,
                nodes,
                keys,
                lookups,
                trials,
                failed_lookups: failed as f64 / all as f64,
                trial_range: range,
                lost_keys: lost as f64 / (keys * u64::from(trials)).max(1) as f64,
                misrouted,
                hops,
            })
        })
        .collect()
}
