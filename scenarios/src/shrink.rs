//! Shrinking a failure file: delta debugging over its faults, network
//! decisions, duration and nodes, keeping only changes after which the same
//! property still fails.
//!
//! The passes, repeated until none makes progress (or the run budget is spent):
//!
//! 1. cut the duration to the time of the violation, and drop faults after it;
//! 2. remove scheduled faults (chunks first, then one by one);
//! 3. remove network decisions — a removed decision is a nominal delivery, so
//!    this also shortens delays to the link's nominal latency;
//! 4. give the remaining duplicates nominal latencies;
//! 5. round fault times down to whole seconds, 100 ms, 10 ms or 1 ms (the
//!    coarsest that still fails), so the schedule reads easily;
//! 6. remove nodes (highest first; the others are renumbered), where the
//!    protocol still builds with fewer.
//!
//! Each candidate is judged by replaying it; the result is the last file that
//! failed, with its decisions cut to those its run actually used.

use crate::failure::{self, FailureFile};
use crate::runner;
use serde::Serialize;
use sim::{Decision, Dur, Fate, Fault, ScheduledFault};
use std::time::Duration;

/// How big a failure file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Size {
    /// Nodes.
    pub nodes: usize,
    /// Scheduled faults.
    pub faults: usize,
    /// Network decisions.
    pub decisions: usize,
    /// Drops, duplicates and delays among them.
    pub counts: failure::DecisionCounts,
    /// Duration limit, nanoseconds (`None`: unlimited).
    pub duration_ns: Option<u64>,
    /// Bytes of the file's JSON.
    pub bytes: usize,
}

impl Size {
    /// Measures `file` (`nodes` is its node count).
    pub fn of(file: &FailureFile, nodes: usize) -> Size {
        Size {
            nodes,
            faults: file.scenario.faults.len(),
            decisions: file.decisions.len(),
            counts: file.counts(),
            duration_ns: file.scenario.stop.duration.map(|d| d.nanos()),
            bytes: file.to_json().len() + 1,
        }
    }
}

/// The result of a shrink.
#[derive(Clone, Debug)]
pub struct Shrunk {
    /// The smallest failing file found.
    pub file: FailureFile,
    /// Size before.
    pub before: Size,
    /// Size after.
    pub after: Size,
    /// Replays made.
    pub runs: usize,
    /// Whether the run budget ran out before the passes converged.
    pub budget_exhausted: bool,
}

/// Shrinks `file`, replaying at most `max_runs` candidates. Fails if the file
/// does not fail as it says (there is nothing to shrink).
pub fn shrink(file: &FailureFile, max_runs: usize) -> Result<Shrunk, String> {
    let first = failure::replay(file, None)?;
    if !first.violates(&file.property) {
        return Err(format!(
            "the file does not fail `{}` when replayed (it {}); nothing to shrink",
            file.property,
            match &first.report.violation {
                Some(v) => format!("fails `{}` instead", v.property),
                None => "passes".to_string(),
            }
        ));
    }
    let nodes = first.sim.node_count();
    let before = Size::of(file, nodes);
    let mut s = Shrinker {
        best: file.clone(),
        nodes,
        runs: 1,
        max_runs,
    };
    s.best.scenario.nodes = Some(nodes);
    s.adopt(s.best.clone(), &first);
    loop {
        let size = (
            s.best.scenario.faults.len(),
            s.best.decisions.len(),
            s.nodes,
        );
        s.cut_duration();
        s.remove_faults();
        s.remove_decisions();
        s.nominal_duplicates();
        s.round_fault_times();
        s.remove_nodes();
        let now = (
            s.best.scenario.faults.len(),
            s.best.decisions.len(),
            s.nodes,
        );
        if now == size || s.exhausted() {
            break;
        }
    }
    let after = Size::of(&s.best, s.nodes);
    Ok(Shrunk {
        budget_exhausted: s.exhausted(),
        file: s.best,
        before,
        after,
        runs: s.runs,
    })
}

struct Shrinker {
    best: FailureFile,
    nodes: usize,
    runs: usize,
    max_runs: usize,
}

impl Shrinker {
    fn exhausted(&self) -> bool {
        self.runs >= self.max_runs
    }

    /// Replays `candidate`; if it still fails the same way, it becomes the best.
    fn try_adopt(&mut self, candidate: FailureFile) -> bool {
        if self.exhausted() {
            return false;
        }
        self.runs += 1;
        match failure::replay(&candidate, None) {
            Ok(r) if r.violates(&self.best.property) => {
                self.nodes = r.sim.node_count();
                self.adopt(candidate, &r);
                true
            }
            _ => false,
        }
    }

    fn adopt(&mut self, mut candidate: FailureFile, r: &failure::Replayed) {
        if let Some(v) = &r.report.violation {
            candidate.message = v.message.clone();
            candidate.time_ns = v.time.as_nanos();
        }
        candidate.digest = r.report.digest.clone();
        candidate.build = failure::build_id().to_string();
        candidate.decisions = r.used.clone();
        candidate.resign();
        // The engine applies faults in time order (stable); keep the file so.
        candidate.scenario.faults.sort_by_key(|f| f.at);
        self.best = candidate;
    }

    fn cut_duration(&mut self) {
        let at = self.best.time_ns;
        let ms = Duration::from_millis(at.div_ceil(1_000_000));
        if self.best.scenario.stop.duration.is_some_and(|d| d.0 <= ms) {
            return;
        }
        let mut c = self.best.clone();
        c.scenario.stop.duration = Some(Dur(ms));
        c.scenario.faults.retain(|f| f.at.0 <= ms);
        self.try_adopt(c);
    }

    fn remove_faults(&mut self) {
        let faults = self.best.scenario.faults.clone();
        minimize(&faults, |keep| {
            let mut c = self.best.clone();
            c.scenario.faults = keep.to_vec();
            self.try_adopt(c)
        });
    }

    fn remove_decisions(&mut self) {
        let decisions = self.best.decisions.clone();
        minimize(&decisions, |keep| {
            let mut c = self.best.clone();
            c.decisions = keep.to_vec();
            self.try_adopt(c)
        });
    }

    fn nominal_duplicates(&mut self) {
        for i in 0..self.best.decisions.len() {
            let Some(d) = self.best.decisions.get(i).copied() else {
                break;
            };
            let nominal = self
                .best
                .scenario
                .network
                .link(d.msg.from, d.msg.to)
                .nominal_latency_ns();
            let simpler = Fate::Duplicate {
                latency_ns: nominal,
                second_ns: nominal,
            };
            if matches!(d.fate, Fate::Duplicate { .. }) && d.fate != simpler {
                let mut c = self.best.clone();
                c.decisions[i].fate = simpler;
                self.try_adopt(c);
            }
        }
    }

    fn round_fault_times(&mut self) {
        const STEPS_NS: [u64; 4] = [1_000_000_000, 100_000_000, 10_000_000, 1_000_000];
        for i in 0..self.best.scenario.faults.len() {
            for step in STEPS_NS {
                let Some(f) = self.best.scenario.faults.get(i) else {
                    return;
                };
                let at = f.at.nanos();
                let rounded = at / step * step;
                if rounded == at {
                    break;
                }
                let mut c = self.best.clone();
                c.scenario.faults[i].at = Dur(Duration::from_nanos(rounded));
                if self.try_adopt(c) {
                    break;
                }
            }
        }
    }

    fn remove_nodes(&mut self) {
        let mut node = self.nodes;
        while node > 0 && self.nodes > 1 {
            node -= 1;
            let c = without_node(&self.best, node, self.nodes);
            if runner::build(&c.scenario, c.seed).is_ok() {
                self.try_adopt(c);
            }
            node = node.min(self.nodes);
        }
    }
}

/// Removes chunks of `items` while `test` accepts what is left, halving the
/// chunk size down to single items; returns what is left. `test` is told the
/// kept items and says whether they still fail (and adopts them if so).
fn minimize<T: Clone>(items: &[T], mut test: impl FnMut(&[T]) -> bool) -> Vec<T> {
    let mut items = items.to_vec();
    if items.is_empty() || test(&[]) {
        return Vec::new();
    }
    let mut chunk = items.len().div_ceil(2);
    loop {
        let mut start = 0;
        while start < items.len() {
            let end = (start + chunk).min(items.len());
            let mut rest = items[..start].to_vec();
            rest.extend_from_slice(&items[end..]);
            if test(&rest) {
                items = rest;
            } else {
                start = end;
            }
        }
        if chunk == 1 {
            return items;
        }
        chunk = chunk.div_ceil(2);
    }
}

/// `file` with node `gone` removed: faults and decisions naming it dropped,
/// higher nodes renumbered down by one.
fn without_node(file: &FailureFile, gone: usize, nodes: usize) -> FailureFile {
    let renumber = |n: usize| if n > gone { n - 1 } else { n };
    let mut c = file.clone();
    c.scenario.nodes = Some(nodes - 1);
    c.decisions = file
        .decisions
        .iter()
        .filter(|d| d.msg.from != gone && d.msg.to != gone)
        .map(|d| {
            let mut d: Decision = *d;
            d.msg.from = renumber(d.msg.from);
            d.msg.to = renumber(d.msg.to);
            d
        })
        .collect();
    c.scenario.network.links = file
        .scenario
        .network
        .links
        .iter()
        .filter(|l| l.from != gone && l.to != gone)
        .map(|l| {
            let mut l = l.clone();
            l.from = renumber(l.from);
            l.to = renumber(l.to);
            l
        })
        .collect();
    c.scenario.faults = file
        .scenario
        .faults
        .iter()
        .filter_map(|f| {
            let fault = match &f.fault {
                Fault::Partition { a, b, one_way } => {
                    let side = |v: &Vec<usize>| -> Vec<usize> {
                        v.iter()
                            .filter(|&&n| n != gone)
                            .map(|&n| renumber(n))
                            .collect()
                    };
                    let (a, b) = (side(a), side(b));
                    if a.is_empty() || b.is_empty() {
                        return None;
                    }
                    Fault::Partition {
                        a,
                        b,
                        one_way: *one_way,
                    }
                }
                other if other.nodes().contains(&gone) => return None,
                other => renumbered(other, renumber),
            };
            Some(ScheduledFault { at: f.at, fault })
        })
        .collect();
    c
}

fn renumbered(fault: &Fault, renumber: impl Fn(usize) -> usize) -> Fault {
    let mut f = fault.clone();
    match &mut f {
        Fault::Crash { node }
        | Fault::Restart { node }
        | Fault::Pause { node }
        | Fault::Resume { node }
        | Fault::Skew { node, .. }
        | Fault::Drift { node, .. } => *node = renumber(*node),
        Fault::Partition { .. } | Fault::Heal => {}
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimize_finds_the_needed_items() {
        let items: Vec<u32> = (0..100).collect();
        let mut calls = 0;
        let kept = minimize(&items, |k| {
            calls += 1;
            k.contains(&17) && k.contains(&62)
        });
        assert_eq!(kept, vec![17, 62]);
        assert!(calls < 60, "{calls} tests");
        assert_eq!(minimize(&items, |_| true), Vec::<u32>::new());
    }

    #[test]
    fn removing_a_node_drops_what_names_it_and_renumbers_the_rest() {
        let text = r#"{
            "format": "dsim-failure/1", "origin": "x", "seed": 1, "property": "p",
            "message": "m", "time_ns": 0, "digest": "0", "build": "b",
            "scenario": {"protocol": "hot-potato", "nodes": 4, "faults": [
                {"at": "1s", "fault": {"kind": "crash", "node": 1}},
                {"at": "2s", "fault": {"kind": "pause", "node": 3}},
                {"at": "3s", "fault": {"kind": "partition", "a": [0, 1], "b": [2, 3]}},
                {"at": "4s", "fault": {"kind": "partition", "a": [1], "b": [2]}}
            ], "network": {"links": [{"from": 3, "to": 0, "model": {}}]}},
            "decisions": [
                {"from": 1, "to": 2, "n": 0, "fate": "drop"},
                {"from": 3, "to": 2, "n": 5, "fate": "drop"}
            ]
        }"#;
        let file: FailureFile = serde_json::from_str(text).unwrap();
        let c = without_node(&file, 1, 4);
        assert_eq!(c.scenario.nodes, Some(3));
        let faults: Vec<Fault> = c.scenario.faults.iter().map(|f| f.fault.clone()).collect();
        assert_eq!(
            faults,
            vec![
                Fault::Pause { node: 2 },
                Fault::Partition {
                    a: vec![0],
                    b: vec![1, 2],
                    one_way: false
                },
            ]
        );
        assert_eq!(c.decisions.len(), 1);
        assert_eq!((c.decisions[0].msg.from, c.decisions[0].msg.to), (2, 1));
        assert_eq!(
            (
                c.scenario.network.links[0].from,
                c.scenario.network.links[0].to
            ),
            (2, 0)
        );
    }
}
