//! `dsim run <scenario> --net udp|tcp`: a scenario's machines on real sockets.
//!
//! Each protocol that can run live has a [`LiveFn`] in the registry. It parses
//! its scenario parameters, builds the same machines the simulator runs, and
//! hands them to [`run_machines`], which maps the scenario onto a
//! [`ClusterConfig`] (node count on loopback, `stop.duration`, the default link
//! model as injected faults, the scripted fault schedule, the seed), renders
//! observations exactly as in simulation, and stops early when the protocol's
//! completion predicate holds.

pub mod bully;
pub mod forex;
pub mod hot_potato;

use crate::scenario::Scenario;
use net_real::{run_cluster, ClusterConfig, Flow, LiveEvent, LiveFaults, LiveReport, Transport};
use sim::{Codec, Machine, RenderedObservation};
use std::net::SocketAddr;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

/// How long a live run lasts when its scenario sets no `stop.duration`.
pub const DEFAULT_DURATION: Duration = Duration::from_secs(30);

/// What a live run of a scenario needs besides the protocol.
pub struct LiveSpec<'a> {
    /// The scenario (its `nodes`, `params`, `network.default`, `faults`, `stop`).
    pub scenario: &'a Scenario,
    /// UDP or TCP.
    pub transport: Transport,
    /// Seed for the nodes' RNGs and the injected faults (`None`: from the OS).
    pub seed: Option<u64>,
    /// Set (e.g. by Ctrl-C) to end the run early.
    pub stop: Arc<AtomicBool>,
    /// Receives every observation and log line as it happens.
    pub on_line: &'a mut dyn FnMut(LiveLine),
}

/// Something a live run tells a person while it runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LiveLine {
    /// A node observed something (rendered as in simulation).
    Observation(RenderedObservation),
    /// A decode error, send error or applied fault (already formatted).
    Log(String),
}

/// The end of a live run: the adapter's report plus the protocol's verdict.
#[derive(Clone, Debug)]
pub struct LiveOutcome {
    /// Counters, addresses, why it stopped.
    pub report: LiveReport,
    /// Properties the protocol could check on the observations, violated.
    pub violations: Vec<String>,
}

/// Runs a protocol's scenario live.
pub type LiveFn = fn(LiveSpec<'_>) -> Result<LiveOutcome, String>;

/// Runs `nodes` machines made by `make_node(index, address_book)` live, as
/// configured by `spec`. `render` turns an observation into the text a person
/// reads; `done` sees every observation and returns true when the run has
/// achieved what it set out to do (the run then stops early). Returns the
/// report and every observation, for the protocol's end-of-run checks.
pub fn run_machines<M, C, F>(
    spec: LiveSpec<'_>,
    nodes: usize,
    make_node: F,
    codec: C,
    render: impl Fn(&M::Obs) -> String,
    mut done: impl FnMut(&M::Obs) -> bool,
) -> Result<(LiveReport, Vec<M::Obs>), String>
where
    M: Machine + 'static,
    M::Msg: Send + 'static,
    M::Timer: 'static,
    M::Obs: Send + 'static,
    C: Codec<Msg = M::Msg> + Send + Sync + 'static,
    F: Fn(usize, &[SocketAddr]) -> M + Send + Sync + 'static,
{
    let config = cluster_config(&spec, nodes);
    let on_line = spec.on_line;
    let mut seen = Vec::new();
    let report = run_cluster(config, make_node, codec, |event| match event {
        LiveEvent::Observed(o) => {
            on_line(LiveLine::Observation(RenderedObservation {
                time: o.time,
                node: o.node,
                addr: o.addr,
                text: render(&o.obs),
            }));
            let finished = done(&o.obs);
            seen.push(o.obs);
            if finished {
                Flow::Stop
            } else {
                Flow::Continue
            }
        }
        LiveEvent::Log(entry) => {
            on_line(LiveLine::Log(entry.to_string()));
            Flow::Continue
        }
    })
    .map_err(|e| e.to_string())?;
    Ok((report, seen))
}

/// The cluster a scenario describes: `nodes` nodes on loopback (free ports),
/// its duration, default link model and fault schedule.
fn cluster_config(spec: &LiveSpec<'_>, nodes: usize) -> ClusterConfig {
    let s = spec.scenario;
    let mut config = ClusterConfig::loopback(spec.transport, nodes);
    config.duration = s.stop.duration.map_or(DEFAULT_DURATION, |d| d.0);
    config.faults = LiveFaults::from_link(&s.network.default);
    config.schedule = s.faults.clone();
    config.seed = spec.seed;
    config.stop = spec.stop.clone();
    config
}
