//! The random fault injector, turned into an explicit schedule before the run.
//!
//! Planning ahead (rather than drawing faults as the run goes) means every
//! random fault is written down: a failing run's faults can be saved, edited
//! and shrunk one by one, and they never depend on what the protocol does.

use crate::config::{Dur, DurRange, Fault, NemesisConfig, ScheduledFault};
use crate::machine::NodeRng;
use rand::seq::SliceRandom;
use rand::Rng;
use std::time::Duration;

fn exp_interval(rng: &mut NodeRng, rate: f64) -> Option<u64> {
    if rate <= 0.0 {
        return None;
    }
    let u: f64 = 1.0 - rng.random::<f64>();
    // At least 1 ns: a huge rate must never plan two faults at one instant
    // forever (validation caps rates, this keeps the loop finite regardless).
    Some(((-libm::log(u) / rate * 1e9) as u64).max(1))
}

fn draw(rng: &mut NodeRng, range: &DurRange) -> u64 {
    rng.random_range(range.min.nanos()..=range.max.nanos())
}

fn at(ns: u64) -> Dur {
    Dur(Duration::from_nanos(ns))
}

/// Turns the nemesis into explicit faults for `nodes` nodes, drawing from `rng`.
/// Every outage it starts also ends (restart, resume, heal) no later than `until`.
pub fn plan(config: &NemesisConfig, nodes: usize, rng: &mut NodeRng) -> Vec<ScheduledFault> {
    let eligible: Vec<usize> = match &config.nodes {
        Some(list) => list.clone(),
        None => (0..nodes).collect(),
    };
    let (start, until) = (config.start.nanos(), config.until.nanos());
    let rates = [config.crash_rate, config.pause_rate, config.partition_rate];
    let mut next: Vec<Option<u64>> = rates
        .iter()
        .map(|&r| exp_interval(rng, r).map(|d| start.saturating_add(d)))
        .collect();
    let mut out = Vec::new();
    // (end time, node) of nodes the nemesis has taken down.
    let mut down: Vec<(u64, usize)> = Vec::new();
    let mut partition_until = 0u64;
    while let Some((which, t)) = next
        .iter()
        .enumerate()
        .filter_map(|(i, t)| t.map(|t| (i, t)))
        .min_by_key(|&(i, t)| (t, i))
    {
        if t >= until {
            break;
        }
        next[which] = exp_interval(rng, rates[which]).map(|d| t.saturating_add(d));
        down.retain(|&(end, _)| end > t);
        match which {
            0 | 1 => {
                let candidates: Vec<usize> = eligible
                    .iter()
                    .copied()
                    .filter(|n| !down.iter().any(|&(_, d)| d == *n))
                    .collect();
                if down.len() >= config.max_down || candidates.is_empty() {
                    continue;
                }
                let node = candidates[rng.random_range(0..candidates.len())];
                let range = if which == 0 {
                    &config.restart_after
                } else {
                    &config.pause_for
                };
                let end = t.saturating_add(draw(rng, range)).min(until);
                down.push((end, node));
                let (begin, finish) = if which == 0 {
                    (Fault::Crash { node }, Fault::Restart { node })
                } else {
                    (Fault::Pause { node }, Fault::Resume { node })
                };
                out.push(ScheduledFault {
                    at: at(t),
                    fault: begin,
                });
                out.push(ScheduledFault {
                    at: at(end),
                    fault: finish,
                });
            }
            _ => {
                if t < partition_until || eligible.len() < 2 {
                    continue;
                }
                let mut shuffled = eligible.clone();
                shuffled.shuffle(rng);
                let cut = rng.random_range(1..shuffled.len());
                let (a, b) = shuffled.split_at(cut);
                let (mut a, mut b) = (a.to_vec(), b.to_vec());
                a.sort_unstable();
                b.sort_unstable();
                let end = t
                    .saturating_add(draw(rng, &config.partition_for))
                    .min(until);
                partition_until = end;
                out.push(ScheduledFault {
                    at: at(t),
                    fault: Fault::Partition {
                        a,
                        b,
                        one_way: false,
                    },
                });
                out.push(ScheduledFault {
                    at: at(end),
                    fault: Fault::Heal,
                });
            }
        }
    }
    out.sort_by_key(|f| f.at);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seeding::stream;

    fn config() -> NemesisConfig {
        serde_json::from_str(
            r#"{"crash_rate": 2.0, "pause_rate": 1.0, "partition_rate": 0.5, "until": "30s", "max_down": 2}"#,
        )
        .unwrap()
    }

    #[test]
    fn plans_are_seeded_and_bounded() {
        let a = plan(&config(), 5, &mut stream(3, b"nemesis"));
        let b = plan(&config(), 5, &mut stream(3, b"nemesis"));
        let c = plan(&config(), 5, &mut stream(4, b"nemesis"));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.len() > 10, "a 30 s plan at these rates has many faults");
        assert!(a.iter().all(|f| f.at <= Dur::secs(30)));
        let crashes = a
            .iter()
            .filter(|f| matches!(f.fault, Fault::Crash { .. }))
            .count();
        let restarts = a
            .iter()
            .filter(|f| matches!(f.fault, Fault::Restart { .. }))
            .count();
        assert_eq!(crashes, restarts, "every crash is followed by a restart");
    }

    #[test]
    fn never_more_than_max_down() {
        let faults = plan(&config(), 5, &mut stream(9, b"nemesis"));
        let mut down = 0i32;
        for f in &faults {
            match f.fault {
                Fault::Crash { .. } | Fault::Pause { .. } => down += 1,
                Fault::Restart { .. } | Fault::Resume { .. } => down -= 1,
                _ => {}
            }
            assert!(down <= 2, "at {}: {down} nodes down", f.at);
        }
    }
}
