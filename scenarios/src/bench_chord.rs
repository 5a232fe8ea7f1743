//! `dsim bench chord`: a stabilizing Chord ring at scale in the simulator.
//!
//! N nodes start on a stabilized ring (`bootstrap: ideal`: successor lists
//! of length r, fingers, predecessors) with M = 160, then run stabilize,
//! fix_fingers and check_predecessor on timers while every node looks a
//! random id up periodically, for a stretch of virtual time. Reported: wall
//! time, events, peak RSS and bytes per node, lookups and their mean path
//! length, and whether the ring is still one ordered cycle at the end.

use protocols::chord::{ChordNode, ChordProtocol};
use serde::Serialize;
use sim::{simulate, BuildSpec, SimConfig, StopConfig};
use std::time::Instant;

/// The workload.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct ChordWorkload {
    /// Nodes.
    pub nodes: usize,
    /// Virtual seconds to run.
    pub secs: u64,
    /// Successor-list length.
    pub r: usize,
    /// Seconds between stabilize rounds (fix_fingers runs at the same
    /// period, check_predecessor at twice it).
    pub stabilize_s: u64,
    /// Seconds between a node's lookups.
    pub lookup_s: u64,
    /// Run seed.
    pub seed: u64,
}

/// What the bench measured.
#[derive(Clone, Debug, Serialize)]
pub struct ChordBenchResult {
    /// The workload.
    pub workload: ChordWorkload,
    /// Seconds to build the nodes and the ideal ring.
    pub build_s: f64,
    /// Seconds the simulation ran.
    pub run_s: f64,
    /// Events processed.
    pub events: u64,
    /// Messages delivered.
    pub delivered: u64,
    /// Lookups completed.
    pub lookups: u64,
    /// Lookups that gave up.
    pub lookups_failed: u64,
    /// Mean remote steps per lookup.
    pub mean_hops: f64,
    /// Whether every node's successor is the next node by id at the end.
    pub ring_correct: bool,
    /// Peak resident memory of the process, bytes (Linux only).
    pub peak_rss_bytes: Option<u64>,
    /// Peak RSS over the node count.
    pub bytes_per_node: Option<f64>,
}

/// Runs the workload once.
pub fn chord(w: ChordWorkload) -> Result<ChordBenchResult, String> {
    let params = serde_json::json!({
        "bootstrap": "ideal",
        "r": w.r,
        "stabilize_every": format!("{}s", w.stabilize_s),
        "fix_every": format!("{}s", w.stabilize_s),
        "check_every": format!("{}s", 2 * w.stabilize_s),
        "merge_every": "0s",
        "replicate_every": "0s",
        "lookup_every": format!("{}s", w.lookup_s),
        "rpc_timeout": "500ms",
        "observe_lookups": false,
    });
    let config = SimConfig {
        seed: w.seed,
        stop: StopConfig {
            duration: Some(sim::Dur::secs(w.secs)),
            max_events: None,
        },
        ..SimConfig::default()
    };
    let started = Instant::now();
    let spec = BuildSpec {
        nodes: Some(w.nodes),
        params: &params,
        config,
        properties: Some(&[]),
        wire_check: false,
    };
    let mut sim = simulate(&ChordProtocol, &spec)?;
    let build_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let report = sim.run()?;
    let run_s = started.elapsed().as_secs_f64();
    let (mut lookups, mut failed, mut hops) = (0, 0, 0);
    for i in 0..sim.node_count() {
        if let Some(n) = sim.node(i) {
            let s = n.stats();
            lookups += s.lookups;
            failed += s.failed;
            hops += s.hops;
        }
    }
    let peak = crate::bench::peak_rss();
    Ok(ChordBenchResult {
        workload: w,
        build_s,
        run_s,
        events: report.counters.events,
        delivered: report.counters.delivered,
        lookups,
        lookups_failed: failed,
        mean_hops: hops as f64 / lookups.max(1) as f64,
        ring_correct: ring_correct(&sim),
        peak_rss_bytes: peak,
        bytes_per_node: peak.map(|b| b as f64 / w.nodes as f64),
    })
}

/// Every live node's successor is the next live node by id.
fn ring_correct(sim: &sim::Simulation<ChordNode>) -> bool {
    let mut ring: Vec<(protocols::chord::Id, usize)> = (0..sim.node_count())
        .filter_map(|i| Some((sim.node(i)?.overlay().routing().me().id(), i)))
        .collect();
    ring.sort_unstable();
    (0..ring.len()).all(|k| {
        let next = ring[(k + 1) % ring.len()].0;
        sim.node(ring[k].1)
            .is_some_and(|n| n.overlay().routing().successor().id() == next)
    })
}
