//! `dsim run <scenario> --net udp|tcp`: any protocol's scenario on real
//! sockets, built from the same description the simulator uses, with the
//! same properties evaluated on the observation stream.
//!
//! The scenario maps onto a [`ClusterConfig`]: node count on loopback,
//! `stop.duration`, the default link model as injected faults, the scripted
//! fault schedule and the seed. Observations are rendered as in simulation
//! and fed to the protocol's stream properties; properties that read node
//! state are listed as skipped, with the reason.

use crate::scenario::Scenario;
use net_real::{run_cluster, ClusterConfig, Flow, LiveEvent, LiveFaults, LiveReport, Transport};
use sim::property::{select, Checker, Settle};
use sim::{Counters, DropCause, Env, Machine, Observed, Protocol, RenderedObservation, Time};
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

impl<P> LiveProtocol for P
where
    P: Protocol,
    <P::Machine as Machine>::Msg: Send,
    <P::Machine as Machine>::Obs: Send,
{
    fn run_live(&self, spec: LiveSpec<'_>) -> Result<LiveOutcome, String> {
        run_protocol(self, spec)
    }
}

/// The simulator's counters from the live driver's (same meaning, by cause).
pub fn sim_counters(report: &LiveReport) -> Counters {
    let c = &report.counters;
    let mut counters = Counters {
        events: 0,
        sent: c.sent,
        delivered: c.delivered,
        duplicated: c.duplicated,
        timers_fired: c.timers_fired,
        observations: c.observations,
        faults: c.faults,
        ..Counters::default()
    };
    for _ in 0..c.dropped.loss {
        counters.dropped.add(DropCause::Loss);
    }
    for _ in 0..c.dropped.partition {
        counters.dropped.add(DropCause::Partition);
    }
    for _ in 0..c.dropped.encode_error {
        counters.dropped.add(DropCause::WireCheck);
    }
    for _ in 0..c.dropped.send_error {
        counters.dropped.add(DropCause::Unroutable);
    }
    counters
}

/// Runs `protocol`'s scenario live: its nodes (from the description) on
/// loopback, its stream properties checked as observations arrive; the run
/// stops at the duration, on `spec.stop`, at the first violation, or when
/// the protocol says it is done.
pub fn run_protocol<P>(protocol: &P, spec: LiveSpec<'_>) -> Result<LiveOutcome, String>
where
    P: Protocol,
    <P::Machine as Machine>::Msg: Send,
    <P::Machine as Machine>::Obs: Send,
{
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
    config.faults = LiveFaults::from_link(&scenario.network.default);
    config.schedule = scenario.faults.clone();
    config.seed = spec.seed;
    config.stop = spec.stop.clone();
    let mut schedule = scenario.faults.clone();
    schedule.sort_by_key(|f| f.at);
    let faults_end = Time::from_duration(schedule.last().map_or(Duration::ZERO, |f| f.at.0));
    let makers: Vec<sim::NodeFactory<P::Machine>> = nodes.iter().map(|n| n.make.clone()).collect();
    let codec = LiveCodec(protocol.codec(&params));
    let mut done = protocol.done(&params, count);
    let on_line = spec.on_line;
    let no_counters = Counters::default();
    let mut finished = false;
    let report = run_cluster(
        config,
        move |i, book| (makers[i])(i, book),
        codec,
        |event| match event {
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
                    counters: &no_counters,
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
        },
    )
    .map_err(|e| e.to_string())?;
    let counters = sim_counters(&report);
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

/// A protocol's boxed codec, as the live driver takes it.
struct LiveCodec<Msg>(sim::BoxedCodec<Msg>);

impl<Msg> sim::Codec for LiveCodec<Msg> {
    type Msg = Msg;
    fn encode(&self, msg: &Msg, out: &mut Vec<u8>) -> Result<(), sim::CodecError> {
        self.0.encode(msg, out)
    }
    fn decode(&self, bytes: &[u8]) -> Result<Msg, sim::CodecError> {
        self.0.decode(bytes)
    }
    fn max_frame_len(&self) -> usize {
        self.0.max_frame_len()
    }
    fn encode_frame(&self, msg: &Msg, out: &mut Vec<u8>) -> Result<(), sim::CodecError> {
        self.0.encode_frame(msg, out)
    }
    fn frame_len(&self, buf: &[u8]) -> Result<Option<usize>, sim::CodecError> {
        self.0.frame_len(buf)
    }
    fn decode_frame(&self, frame: &[u8]) -> Result<Msg, sim::CodecError> {
        self.0.decode_frame(frame)
    }
}
