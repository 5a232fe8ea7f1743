//! The data that configures a simulated run: network model, faults, nemesis,
//! stop conditions. Everything here is serde data so scenario files can hold it;
//! unknown fields are rejected and [`SimConfig::validate`] names bad values.

use crate::time::parse_duration;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::time::Duration;

/// A non-negative duration written as text in scenario files: `"1.5s"`, `"10ms"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dur(pub Duration);

impl From<Duration> for Dur {
    fn from(d: Duration) -> Dur {
        Dur(d)
    }
}

impl From<Dur> for Duration {
    fn from(d: Dur) -> Duration {
        d.0
    }
}

impl Dur {
    /// `n` milliseconds.
    pub fn ms(n: u64) -> Dur {
        Dur(Duration::from_millis(n))
    }
    /// `n` seconds.
    pub fn secs(n: u64) -> Dur {
        Dur(Duration::from_secs(n))
    }
    /// Nanoseconds.
    pub fn nanos(self) -> u64 {
        u64::try_from(self.0.as_nanos()).unwrap_or(u64::MAX)
    }
}

impl fmt::Display for Dur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ns = self.nanos();
        match ns {
            0 => write!(f, "0s"),
            _ if ns.is_multiple_of(1_000_000_000) => write!(f, "{}s", ns / 1_000_000_000),
            _ if ns.is_multiple_of(1_000_000) => write!(f, "{}ms", ns / 1_000_000),
            _ if ns.is_multiple_of(1_000) => write!(f, "{}us", ns / 1_000),
            _ => write!(f, "{ns}ns"),
        }
    }
}

impl Serialize for Dur {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_duration(&text)
            .map(Dur)
            .map_err(serde::de::Error::custom)
    }
}

/// A signed duration (clock skew), written `"-1s"` or `"250ms"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SignedDur(pub i64);

impl Serialize for SignedDur {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = Dur(Duration::from_nanos(self.0.unsigned_abs()));
        if self.0 < 0 {
            s.collect_str(&format_args!("-{d}"))
        } else {
            s.collect_str(&d)
        }
    }
}

impl<'de> Deserialize<'de> for SignedDur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let (neg, body) = match text.trim().strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.trim()),
        };
        let dur = parse_duration(body).map_err(serde::de::Error::custom)?;
        let ns = i64::try_from(dur.as_nanos()).map_err(serde::de::Error::custom)?;
        Ok(SignedDur(if neg { -ns } else { ns }))
    }
}

/// How long a message spends on the wire. Samples are clamped at zero; message
/// reordering falls out of random latency.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Latency {
    /// Always the same.
    Constant {
        /// The latency.
        value: Dur,
    },
    /// Uniform in `[min, max]`.
    Uniform {
        /// Lower bound.
        min: Dur,
        /// Upper bound.
        max: Dur,
    },
    /// Normal (Gaussian), clamped at zero.
    Normal {
        /// Mean.
        mean: Dur,
        /// Standard deviation.
        std_dev: Dur,
    },
    /// Pareto (heavy-tailed): at least `min`, tail index `shape` (smaller = heavier),
    /// capped at `cap`.
    Pareto {
        /// Scale: the smallest latency.
        min: Dur,
        /// Shape (alpha) > 0.
        shape: f64,
        /// Largest latency returned.
        cap: Dur,
    },
}

impl Default for Latency {
    fn default() -> Self {
        Latency::Uniform {
            min: Dur::ms(1),
            max: Dur::ms(10),
        }
    }
}

/// The behaviour of one directed link (or the default for all links).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkModel {
    /// Latency distribution (default uniform 1–10 ms).
    #[serde(default)]
    pub latency: Latency,
    /// Probability a message is lost, in `[0, 1]`.
    #[serde(default, deserialize_with = "probability")]
    pub loss: f64,
    /// Probability a message is delivered twice, in `[0, 1]`.
    #[serde(default, deserialize_with = "probability")]
    pub duplicate: f64,
    /// Deliver messages on this link in send order (stream-like, TCP).
    #[serde(default)]
    pub fifo: bool,
}

impl Default for LinkModel {
    fn default() -> Self {
        LinkModel {
            latency: Latency::default(),
            loss: 0.0,
            duplicate: 0.0,
            fifo: false,
        }
    }
}

/// A per-link override of the default model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkOverride {
    /// Sending node index.
    pub from: usize,
    /// Receiving node index.
    pub to: usize,
    /// The model for `from -> to` (add a second override for the reverse).
    pub model: LinkModel,
}

/// The network: a default link model plus overrides.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkConfig {
    /// Applies to every link without an override.
    #[serde(default)]
    pub default: LinkModel,
    /// Per-link overrides (at most [`MAX_OVERRIDES`]).
    #[serde(default)]
    pub links: Vec<LinkOverride>,
    /// Datagrams or stream connections (default: the protocol's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport: Option<crate::protocol::Transport>,
}

impl NetworkConfig {
    /// The model of the link `from -> to` (its override, or the default).
    pub fn link(&self, from: usize, to: usize) -> &LinkModel {
        self.links
            .iter()
            .rev()
            .find(|l| l.from == from && l.to == to)
            .map_or(&self.default, |l| &l.model)
    }
}

/// A fault the simulator can inject. Nodes are numbered from 0 in the order
/// they were added.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// Stop the node: state dropped, timers cancelled, messages to it lost.
    Crash {
        /// Node index.
        node: usize,
    },
    /// Start a fresh node from the protocol's constructor (crashing it first if up).
    Restart {
        /// Node index.
        node: usize,
    },
    /// Freeze the node (a GC pause): its events wait until it resumes.
    Pause {
        /// Node index.
        node: usize,
    },
    /// Unfreeze a paused node.
    Resume {
        /// Node index.
        node: usize,
    },
    /// Cut links between two groups (both directions, or only `a -> b` if `one_way`).
    Partition {
        /// One side.
        a: Vec<usize>,
        /// The other side.
        b: Vec<usize>,
        /// Block only messages from `a` to `b`.
        #[serde(default)]
        one_way: bool,
    },
    /// Remove every partition.
    Heal,
    /// Set the node's wall-clock offset (never affects `now()`).
    Skew {
        /// Node index.
        node: usize,
        /// Offset added to the wall clock.
        offset: SignedDur,
    },
    /// Set the node's wall-clock drift, in parts per million of elapsed time.
    Drift {
        /// Node index.
        node: usize,
        /// Parts per million (may be negative).
        ppm: f64,
    },
}

impl Fault {
    /// Node indices this fault names.
    pub fn nodes(&self) -> Vec<usize> {
        match self {
            Fault::Crash { node }
            | Fault::Restart { node }
            | Fault::Pause { node }
            | Fault::Resume { node }
            | Fault::Skew { node, .. }
            | Fault::Drift { node, .. } => vec![*node],
            Fault::Partition { a, b, .. } => a.iter().chain(b).copied().collect(),
            Fault::Heal => Vec::new(),
        }
    }

    /// A short lowercase name of the fault kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Fault::Crash { .. } => "crash",
            Fault::Restart { .. } => "restart",
            Fault::Pause { .. } => "pause",
            Fault::Resume { .. } => "resume",
            Fault::Partition { .. } => "partition",
            Fault::Heal => "heal",
            Fault::Skew { .. } => "skew",
            Fault::Drift { .. } => "drift",
        }
    }
}

/// A fault at a virtual time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledFault {
    /// When (virtual time since start).
    pub at: Dur,
    /// What.
    pub fault: Fault,
}

/// A range of durations, drawn uniformly.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DurRange {
    /// Lower bound.
    pub min: Dur,
    /// Upper bound.
    pub max: Dur,
}

/// A seeded random fault injector. Rates are events per second of virtual
/// time across the whole cluster; before the run, the nemesis is turned into
/// an explicit fault schedule (see [`crate::nemesis::plan`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NemesisConfig {
    /// Crashes per second; each crashed node restarts after `restart_after`.
    /// Each rate is at most [`MAX_NEMESIS_RATE`] (1000/s, 1 ms apart on
    /// average), and all rates together may plan at most [`MAX_FAULTS`] faults.
    #[serde(default)]
    pub crash_rate: f64,
    /// Down time of a crashed node.
    #[serde(default = "default_outage")]
    pub restart_after: DurRange,
    /// Pauses per second; each lasts `pause_for`.
    #[serde(default)]
    pub pause_rate: f64,
    /// Length of a pause.
    #[serde(default = "default_outage")]
    pub pause_for: DurRange,
    /// Partitions per second (a random split in two); each heals after `partition_for`.
    #[serde(default)]
    pub partition_rate: f64,
    /// Length of a partition.
    #[serde(default = "default_outage")]
    pub partition_for: DurRange,
    /// No random fault before this time.
    #[serde(default)]
    pub start: Dur,
    /// No random fault after this time; every outage has ended by then. Not
    /// after `stop.duration`.
    pub until: Dur,
    /// Most nodes down (crashed or paused) at once because of the nemesis.
    #[serde(default = "one")]
    pub max_down: usize,
    /// Nodes the nemesis may touch (default: all).
    #[serde(default)]
    pub nodes: Option<Vec<usize>>,
}

fn default_outage() -> DurRange {
    DurRange {
        min: Dur::ms(500),
        max: Dur::secs(3),
    }
}

fn one() -> usize {
    1
}

/// When a run stops (it also stops when no event is left, or at a violation).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StopConfig {
    /// Virtual-time limit (a duration, at most 10^9 s like every duration).
    #[serde(default)]
    pub duration: Option<Dur>,
    /// Most events processed.
    #[serde(default)]
    pub max_events: Option<u64>,
}

impl Default for StopConfig {
    fn default() -> Self {
        StopConfig {
            duration: Some(Dur::secs(60)),
            max_events: None,
        }
    }
}

/// What one run may consume before it is stopped with an error saying
/// "budget exceeded" (rather than taking the machine). Checked every
/// [`Budget::CHECK_EVERY`] events, so a run overshoots by at most that many.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    /// Most events one run may process (default [`Budget::DEFAULT_EVENTS`],
    /// 500 million: minutes of wall time). A stop condition
    /// (`stop.max_events`) ends a run normally; this ends it with an error.
    #[serde(default = "Budget::default_events")]
    pub events: u64,
    /// Most bytes the run's growing state may take (default
    /// [`Budget::DEFAULT_MEMORY_BYTES`], 4 GiB), estimated from what the engine
    /// keeps: pending events, observations, recorded network decisions and
    /// an in-memory trace. Node state inside a protocol is not counted.
    #[serde(default = "Budget::default_memory")]
    pub memory_bytes: u64,
}

impl Budget {
    /// Default event budget.
    pub const DEFAULT_EVENTS: u64 = 500_000_000;
    /// Default memory budget.
    pub const DEFAULT_MEMORY_BYTES: u64 = 4 << 30;
    /// How often (in events) the budget is checked.
    pub const CHECK_EVERY: u64 = 1024;

    fn default_events() -> u64 {
        Budget::DEFAULT_EVENTS
    }
    fn default_memory() -> u64 {
        Budget::DEFAULT_MEMORY_BYTES
    }

    /// Whether this is the default budget (not written to files).
    pub fn is_default(&self) -> bool {
        *self == Budget::default()
    }
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            events: Budget::DEFAULT_EVENTS,
            memory_bytes: Budget::DEFAULT_MEMORY_BYTES,
        }
    }
}

/// Everything the engine needs besides the nodes and properties.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimConfig {
    /// The run seed: the only source of randomness.
    #[serde(default)]
    pub seed: u64,
    /// The network model.
    #[serde(default)]
    pub network: NetworkConfig,
    /// Scripted faults: at most [`MAX_FAULTS`], none after `stop.duration`.
    #[serde(default)]
    pub faults: Vec<ScheduledFault>,
    /// Random faults.
    #[serde(default)]
    pub nemesis: Option<NemesisConfig>,
    /// Stop conditions.
    #[serde(default)]
    pub stop: StopConfig,
    /// Unix time (seconds) that every node's wall clock reads at virtual time zero.
    #[serde(default = "default_epoch")]
    pub wall_clock_start: i64,
    /// Nodes that start later than the protocol says (late joins).
    #[serde(default)]
    pub starts: Vec<NodeStart>,
    /// What the run may consume (events, memory) before it is stopped.
    #[serde(default)]
    pub budget: Budget,
}

/// A node that starts at a given time (a late join).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeStart {
    /// Node index.
    pub node: usize,
    /// When it starts, from the start of the run.
    pub at: Dur,
}

fn default_epoch() -> i64 {
    1_700_000_000
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 0,
            network: NetworkConfig::default(),
            faults: Vec::new(),
            nemesis: None,
            stop: StopConfig::default(),
            wall_clock_start: default_epoch(),
            starts: Vec::new(),
            budget: Budget::default(),
        }
    }
}

/// Reads a probability, rejecting values outside `[0, 1]` where they are
/// written (so a scenario file's error carries their line and column).
fn probability<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let p = f64::deserialize(d)?;
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(serde::de::Error::custom(format!(
            "probability {p} is not between 0 and 1"
        )))
    }
}

fn check_probability(place: &str, p: f64) -> Result<(), String> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(format!("{place}: probability {p} is not between 0 and 1"))
    }
}

fn check_range(place: &str, r: &DurRange) -> Result<(), String> {
    if r.min <= r.max {
        Ok(())
    } else {
        Err(format!(
            "{place}: min {} is greater than max {}",
            r.min, r.max
        ))
    }
}

impl LinkModel {
    /// The latency of a message that has no explicit decision in a replay:
    /// the distribution's smallest value (constant, uniform, Pareto) or its
    /// mean (normal, clamped at zero), in nanoseconds.
    pub fn nominal_latency_ns(&self) -> u64 {
        match &self.latency {
            Latency::Constant { value } => value.nanos(),
            Latency::Uniform { min, .. } | Latency::Pareto { min, .. } => min.nanos(),
            Latency::Normal { mean, .. } => mean.nanos(),
        }
    }

    /// Checks probabilities and latency parameters; `place` prefixes the message.
    pub fn validate(&self, place: &str) -> Result<(), String> {
        check_probability(&format!("{place}.loss"), self.loss)?;
        check_probability(&format!("{place}.duplicate"), self.duplicate)?;
        match &self.latency {
            Latency::Constant { .. } | Latency::Normal { .. } => Ok(()),
            Latency::Uniform { min, max } => check_range(
                &format!("{place}.latency"),
                &DurRange {
                    min: *min,
                    max: *max,
                },
            ),
            Latency::Pareto { min, shape, cap } => {
                if !(shape.is_finite() && *shape > 0.0) {
                    Err(format!(
                        "{place}.latency.shape: {shape} must be a positive number"
                    ))
                } else if cap < min {
                    Err(format!(
                        "{place}.latency: cap {cap} is smaller than min {min}"
                    ))
                } else {
                    Ok(())
                }
            }
        }
    }
}

/// Most scripted faults in a scenario (`faults`), and most faults a nemesis
/// may plan for one run.
pub const MAX_FAULTS: usize = 100_000;
/// Most per-link overrides (`network.links`) and late starts (`starts`).
pub const MAX_OVERRIDES: usize = 100_000;
/// Highest nemesis rate, per second of virtual time: faults of one kind are
/// at least 1 ms apart on average (the minimum interval); a drawn interval
/// is never below 1 ns.
pub const MAX_NEMESIS_RATE: f64 = 1_000.0;

fn check_count(place: &str, n: usize, max: usize) -> Result<(), String> {
    if n <= max {
        Ok(())
    } else {
        Err(format!("{place}: {n} entries, at most {max} are allowed"))
    }
}

impl SimConfig {
    /// Checks every value against `nodes` nodes; the error names the field.
    /// Bounds: at most [`MAX_FAULTS`] faults, [`MAX_OVERRIDES`] link
    /// overrides and late starts, nemesis rates up to [`MAX_NEMESIS_RATE`]
    /// per second and at most [`MAX_FAULTS`] planned faults; no fault (and no
    /// nemesis window) after `stop.duration`.
    pub fn validate(&self, nodes: usize) -> Result<(), String> {
        check_count("faults", self.faults.len(), MAX_FAULTS)?;
        check_count("network.links", self.network.links.len(), MAX_OVERRIDES)?;
        check_count("starts", self.starts.len(), MAX_OVERRIDES)?;
        let stop = self.stop.duration;
        let after_stop = |place: &str, at: Dur| match stop {
            Some(stop) if at > stop => Err(format!(
                "{place}: {at} is after the run stops (stop.duration {stop}); it would never happen"
            )),
            _ => Ok(()),
        };
        for (i, f) in self.faults.iter().enumerate() {
            after_stop(&format!("faults[{i}].at"), f.at)?;
            if let Fault::Partition { a, b, .. } = &f.fault {
                check_count(
                    &format!("faults[{i}].fault"),
                    a.len() + b.len(),
                    nodes.saturating_mul(2),
                )?;
            }
        }
        for (i, s) in self.starts.iter().enumerate() {
            after_stop(&format!("starts[{i}].at"), s.at)?;
        }
        let node_ok = |place: &str, n: usize| {
            if n < nodes {
                Ok(())
            } else {
                Err(format!(
                    "{place}: node {n} does not exist (there are {nodes} nodes, numbered from 0)"
                ))
            }
        };
        self.network.default.validate("network.default")?;
        for (i, l) in self.network.links.iter().enumerate() {
            let place = format!("network.links[{i}]");
            node_ok(&format!("{place}.from"), l.from)?;
            node_ok(&format!("{place}.to"), l.to)?;
            l.model.validate(&format!("{place}.model"))?;
        }
        for (i, s) in self.starts.iter().enumerate() {
            node_ok(&format!("starts[{i}].node"), s.node)?;
        }
        for (i, f) in self.faults.iter().enumerate() {
            for n in f.fault.nodes() {
                node_ok(&format!("faults[{i}] ({})", f.fault.kind()), n)?;
            }
            if let Fault::Drift { ppm, .. } = f.fault {
                if !ppm.is_finite() || ppm.abs() > 1e6 {
                    return Err(format!("faults[{i}].ppm: {ppm} is out of range"));
                }
            }
        }
        if let Some(n) = &self.nemesis {
            for (name, rate) in [
                ("crash_rate", n.crash_rate),
                ("pause_rate", n.pause_rate),
                ("partition_rate", n.partition_rate),
            ] {
                if !(rate.is_finite() && (0.0..=MAX_NEMESIS_RATE).contains(&rate)) {
                    return Err(format!(
                        "nemesis.{name}: {rate} must be a rate per second from 0 to {MAX_NEMESIS_RATE} (faults at least 1ms apart on average)"
                    ));
                }
            }
            after_stop("nemesis.until", n.until)?;
            let window_s = n.until.0.saturating_sub(n.start.0).as_secs_f64();
            let planned = (n.crash_rate + n.pause_rate + n.partition_rate) * window_s * 2.0;
            if planned > MAX_FAULTS as f64 {
                return Err(format!(
                    "nemesis: these rates over {} would plan about {planned:.0} faults, at most {MAX_FAULTS} are allowed (lower the rates or the window)",
                    Dur(n.until.0.saturating_sub(n.start.0))
                ));
            }
            if let Some(list) = &n.nodes {
                check_count("nemesis.nodes", list.len(), nodes)?;
            }
            check_range("nemesis.restart_after", &n.restart_after)?;
            check_range("nemesis.pause_for", &n.pause_for)?;
            check_range("nemesis.partition_for", &n.partition_for)?;
            if n.start > n.until {
                return Err(format!(
                    "nemesis: start {} is after until {}",
                    n.start, n.until
                ));
            }
            for &node in n.nodes.iter().flatten() {
                node_ok("nemesis.nodes", node)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_round_trip_as_text() {
        for text in ["0s", "1500ms", "3s", "7ns", "20us"] {
            let d: Dur = serde_json::from_str(&format!("\"{text}\"")).unwrap();
            assert_eq!(serde_json::to_string(&d).unwrap(), format!("\"{text}\""));
        }
        let s: SignedDur = serde_json::from_str("\"-1s\"").unwrap();
        assert_eq!(s.0, -1_000_000_000);
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"-1s\"");
    }

    #[test]
    fn unknown_fields_and_bad_values_are_named() {
        let err = serde_json::from_str::<LinkModel>(r#"{"los": 0.1}"#).unwrap_err();
        assert!(err.to_string().contains("los"), "{err}");
        let err = serde_json::from_str::<SimConfig>(r#"{"network": {"default": {"loss": 1.5}}}"#)
            .unwrap_err();
        assert!(err.to_string().contains("probability 1.5"), "{err}");
        let mut cfg = SimConfig::default();
        cfg.network.default.loss = 1.5;
        let err = cfg.validate(3).unwrap_err();
        assert!(err.contains("network.default.loss"), "{err}");
        let err = serde_json::from_str::<Dur>("\"-5ms\"").unwrap_err();
        assert!(err.to_string().contains("-5ms"), "{err}");
    }

    #[test]
    fn faults_naming_missing_nodes_are_rejected() {
        let cfg: SimConfig = serde_json::from_str(
            r#"{"faults": [{"at": "1s", "fault": {"kind": "crash", "node": 9}}]}"#,
        )
        .unwrap();
        let err = cfg.validate(3).unwrap_err();
        assert!(err.contains("faults[0]") && err.contains("node 9"), "{err}");
    }

    #[test]
    fn bounds_are_enforced_with_the_limit_in_the_message() {
        let cfg = SimConfig {
            faults: vec![
                ScheduledFault {
                    at: Dur::secs(1),
                    fault: Fault::Heal,
                };
                MAX_FAULTS + 1
            ],
            ..SimConfig::default()
        };
        let err = cfg.validate(3).unwrap_err();
        assert!(err.contains("faults") && err.contains("100000"), "{err}");

        let mut cfg = SimConfig::default();
        cfg.stop.duration = Some(Dur::secs(1));
        cfg.faults = vec![ScheduledFault {
            at: Dur::secs(100),
            fault: Fault::Heal,
        }];
        let err = cfg.validate(3).unwrap_err();
        assert!(
            err.contains("faults[0].at") && err.contains("after the run stops"),
            "{err}"
        );

        for (rate, what) in [
            (1e7, "from 0 to 1000"),
            (1e12, "from 0 to 1000"),
            (900.0, "at most 100000"),
        ] {
            let cfg: SimConfig = serde_json::from_str(&format!(
                r#"{{"nemesis": {{"crash_rate": {rate}, "until": "60s"}}}}"#
            ))
            .unwrap();
            let err = cfg.validate(3).unwrap_err();
            assert!(err.contains(what), "{rate}: {err}");
        }
    }
}
