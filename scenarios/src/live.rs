//! `dsim run <scenario> --net udp|tcp`: any protocol's scenario on real
//! sockets, built from the same description the simulator uses, with the
//! same properties evaluated on the observation stream.
//!
//! The scenario maps onto a [`ClusterConfig`]: node count on loopback,
//! `stop.duration`, the whole network model (defaults, per-link overrides,
//! partitions), the scripted faults, the nemesis, late starts and the seed,
//! all interpreted by the simulator's own code. Observations are rendered as
//! in simulation and fed to the protocol's stream properties with the run's
//! real counters; properties that read node state are listed as skipped,
//! with the reason.

use crate::scenario::Scenario;
use net_real::{run_nodes, ClusterConfig, Flow, LiveEvent, LiveReport, Stop, Transport};
use sim::property::{select, Checker, Settle};
use sim::{Counters, Env, Observed, Protocol, RenderedObservation, Time};
use std::time::Duration;

/// How long a live run lasts when its scenario sets no `stop.duration`.
pub const DEFAULT_DURATION: Duration = Duration::from_secs(30);

/// What a live run of a scenario needs besides the protocol.
pub struct LiveSpec<'a> {
    /// The scenario (its `nodes`, `params`, `network.default`, `faults`, `stop`).
    pub scenario: &'a Scenario,
    /// UDP or TCP.
    pub transport: Transport,
    /// Seed for the nodes' RNGs, the network's draws and the nemesis
    /// (`None`: from the OS).
    pub seed: Option<u64>,
    /// Ends the run early (Ctrl-C, SIGTERM).
    pub stop: Stop,
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
    /// Every node's socket is bound: the address book as bound.
    Listening(Vec<std::net::SocketAddr>),
}

/// The end of a live run: the driver's report plus the properties' verdict.
#[derive(Clone, Debug)]
pub struct LiveOutcome {
    /// Counters, addresses, why it stopped.
    pub report: LiveReport,
    /// The violated property and what was wrong, if any.
    pub violation: Option<(String, String)>,
    /// Properties checked on the observation stream.
    pub checked: Vec<String>,
    /// Properties not checked, with the reason.
    pub skipped: Vec<(String, String)>,
}

/// A protocol that can run live: every [`Protocol`] whose messages and
/// observations can cross threads.
pub trait LiveProtocol {
    /// Runs a scenario of this protocol on real sockets.
    fn run_live(&self, spec: LiveSpec<'_>) -> Result<LiveOutcome, String>;
}

impl<P: Protocol> LiveProtocol for P {
    fn run_live(&self, spec: LiveSpec<'_>) -> Result<LiveOutcome, String> {
        run_protocol(self, spec)
    }
}

/// The simulator's counters of a live run (same meaning, by cause).
pub fn sim_counters(report: &LiveReport) -> Counters {
    report.counters.sim.clone()
}

/// Runs `protocol`'s scenario live: its nodes (from the description) on
/// loopback, its stream properties checked as observations arrive; the run
/// stops at the duration, on `spec.stop`, at the first violation, or when
/// the protocol says it is done.
pub fn run_protocol<P: Protocol>(protocol: &P, spec: LiveSpec<'_>) -> Result<LiveOutcome, String> {
    let scenario = spec.scenario;
    let params: P::Params = sim::parse_params(&scenario.params)?;
    let nodes = protocol.nodes(&params, scenario.nodes)?;
    let count = nodes.len();
    scenario.sim_config(0).validate(count)?;
    let cluster = sim::ClusterInfo {
        nodes: count,
        network: &scenario.network,
    };
    let all = select(
        protocol.properties(&params, &cluster),
        scenario.properties.as_deref(),
    )?;
    let (stream, state): (Vec<_>, Vec<_>) =
        all.into_iter().partition(|p| p.live_limitation().is_none());
    let skipped = state
        .iter()
        .map(|p| {
            let why = p.live_limitation().unwrap_or_default().to_string();
            (p.name().to_string(), why)
        })
        .collect();
    let checked = stream.iter().map(|p| p.name().to_string()).collect();
    let mut checker = Checker::new(stream);
    let mut config = ClusterConfig::loopback(spec.transport, count);
    config.duration = scenario.stop.duration.map_or(DEFAULT_DURATION, |d| d.0);
    config.network = scenario.network.clone();
    config.schedule = scenario.faults.clone();
    config.nemesis = scenario.nemesis.clone();
    config.starts = scenario.starts.clone();
    let seed = spec.seed.unwrap_or_else(net_real::os_seed);
    config.seed = Some(seed);
    config.stop = spec.stop.clone();
    // The schedule the properties see is the one the run applies (the
    // nemesis's plan depends on the seed): known once the run is set up,
    // so it is planned here exactly as net-real plans it.
    let mut schedule = scenario.faults.clone();
    if let Some(nemesis) = &scenario.nemesis {
        let mut rng = sim::seeding::stream(seed, b"nemesis");
        schedule.extend(sim::nemesis::plan(nemesis, count, &mut rng));
    }
    schedule.sort_by_key(|f| f.at);
    let faults_end = Time::from_duration(schedule.last().map_or(Duration::ZERO, |f| f.at.0));
    let codec = protocol.codec(&params);
    let mut done = protocol.done(&params, count);
    let on_line = spec.on_line;
    let mut finished = false;
    let report = run_nodes(config, &nodes, codec, |event| match event {
        LiveEvent::Observed(o) => {
            on_line(LiveLine::Observation(RenderedObservation {
                time: o.time,
                node: o.node,
                addr: o.addr,
                text: protocol.render(&params, &o.obs),
            }));
            let observed = Observed {
                time: o.time,
                node: o.node,
                obs: o.obs,
            };
            let env = Env {
                now: o.time,
                counters: &o.counters,
                nodes: count,
                faults_end,
                faults: &schedule,
            };
            checker.observe(&observed, &env);
            finished = done(&observed.obs);
            if finished || checker.violation().is_some() {
                Flow::Stop
            } else {
                Flow::Continue
            }
        }
        LiveEvent::Log(entry) => {
            on_line(LiveLine::Log(entry.to_string()));
            Flow::Continue
        }
        LiveEvent::Listening { addrs, .. } => {
            on_line(LiveLine::Listening(addrs));
            Flow::Continue
        }
    })
    .map_err(|e| e.to_string())?;
    let counters = sim_counters(&report);
    let schedule = report.schedule.clone();
    let faults_end = Time::from_duration(schedule.last().map_or(Duration::ZERO, |f| f.at.0));
    let env = Env {
        now: Time::from_duration(report.wall_time),
        counters: &counters,
        nodes: count,
        faults_end,
        faults: &schedule,
    };
    let when = if finished {
        Settle::Quiescent
    } else {
        Settle::Cut
    };
    checker.settle(&env, None, when);
    Ok(LiveOutcome {
        report,
        violation: checker.violation().cloned(),
        checked,
        skipped,
    })
}
