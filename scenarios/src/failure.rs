//! Failure files: a failing run written down so that it reproduces even after
//! the code changes.
//!
//! A failure file holds the scenario, the seed, and every fault decision the
//! run actually made, keyed by identities that do not depend on the order of
//! random draws:
//!
//! - node faults (crash, restart, pause, resume, partition, heal, skew) as an
//!   explicit schedule at virtual times — the nemesis's random plan is written
//!   out and the nemesis itself removed;
//! - network decisions per message, keyed by link and per-link message number
//!   (`{"from": 0, "to": 1, "n": 7}` is the eighth message node 0 sent to node
//!   1): dropped, duplicated, or delivered after a given latency.
//!
//! A replay runs the scenario with exactly these decisions
//! ([`sim::DecisionMode::Explicit`]). A message without a decision is
//! delivered after its link's nominal latency (the smallest latency of the
//! distribution, or the mean of a normal one) — never drawn at random — so a
//! replay does not depend on the network's random stream at all, and a
//! decision that is deleted (by hand or by `dsim shrink`) means "this message
//! was delivered normally". Deliveries at exactly the nominal latency are
//! therefore not written down.
//!
//! The nodes' own random streams still come from the seed; protocol
//! randomness is part of the code, and what the file pins is the environment.

use crate::runner;
use crate::scenario::{Scenario, ScenarioError};
use serde::{Deserialize, Serialize};
use sim::{AnySimulation, Decision, DecisionMode, Fate, LinkMsg, NetworkConfig, Report, TraceSink};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

/// Most network decisions a failure file may hold.
pub const MAX_DECISIONS: usize = 1_000_000;
/// Longest latency a decision may give a message (10^9 s, like any duration).
pub const MAX_LATENCY_NS: u64 = 1_000_000_000 * 1_000_000_000;

/// The fields a decision may have, and the fates.
const DECISION_FIELDS: [&str; 6] = ["from", "to", "n", "fate", "latency_ns", "second_ns"];

/// The first decision in `value` (a failure file as JSON) whose shape is
/// wrong, as "decisions[i].field: what is wrong".
fn decision_shape_error(value: &serde_json::Value) -> Option<String> {
    let decisions = value.get("decisions")?.as_array()?;
    for (i, d) in decisions.iter().enumerate() {
        let Some(map) = d.as_object() else {
            return Some(format!(
                "decisions[{i}]: must be an object such as {{\"from\": 0, \"to\": 1, \"n\": 3, \"fate\": \"drop\"}}"
            ));
        };
        if let Some(key) = map.keys().find(|k| !DECISION_FIELDS.contains(&k.as_str())) {
            return Some(format!(
                "decisions[{i}].{key}: unknown field (a decision has {})",
                DECISION_FIELDS.join(", ")
            ));
        }
        let fate = map.get("fate").and_then(|f| f.as_str());
        let needs: &[&str] = match fate {
            Some("drop") => &[],
            Some("deliver") => &["latency_ns"],
            Some("duplicate") => &["latency_ns", "second_ns"],
            Some(other) => {
                return Some(format!(
                    "decisions[{i}].fate: `{other}` is not a fate (drop, deliver or duplicate)"
                ))
            }
            None => {
                return Some(format!(
                    "decisions[{i}].fate: missing or not a string (drop, deliver or duplicate)"
                ))
            }
        };
        for field in ["from", "to", "n"].iter().chain(needs) {
            if map.get(*field).and_then(|v| v.as_u64()).is_none() {
                return Some(format!(
                    "decisions[{i}].{field}: missing or not a whole number from 0 to 2^64-1"
                ));
            }
        }
        for field in ["latency_ns", "second_ns"] {
            if map.contains_key(field) && !needs.contains(&field) {
                return Some(format!(
                    "decisions[{i}].{field}: a `{}` decision has no {field}",
                    fate.unwrap_or_default()
                ));
            }
        }
    }
    None
}

/// The `format` field of every failure file this version writes.
pub const FORMAT: &str = "dsim-failure/1";

/// A failing run, written down.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FailureFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// The scenario name or path the failure was found with.
    pub origin: String,
    /// The run seed (it still seeds the nodes' random streams).
    pub seed: u64,
    /// The property that failed.
    pub property: String,
    /// What the property said.
    pub message: String,
    /// Virtual time of the violation, nanoseconds.
    pub time_ns: u64,
    /// The run's digest; a replay on the same build must match it.
    pub digest: String,
    /// The build that wrote the file (see [`build_id`]).
    pub build: String,
    /// The scenario with its fault schedule made explicit (no nemesis).
    pub scenario: Scenario,
    /// Every network decision that differs from a nominal delivery (at most
    /// [`MAX_DECISIONS`], one per message, between existing distinct nodes).
    pub decisions: Vec<Decision>,
    /// Under swarm testing (`dsim sweep --swarm`), what the seed drew; the
    /// scenario above already has it applied. For people: replay ignores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub swarm: Option<crate::swarm::Draw>,
}

/// Counts of what a failure file pins down.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DecisionCounts {
    /// Messages dropped.
    pub drops: usize,
    /// Messages duplicated.
    pub duplicates: usize,
    /// Messages delivered with a latency other than the nominal one.
    pub delays: usize,
}

impl FailureFile {
    /// Parses a failure file as strictly as a scenario file; errors name the
    /// file, line, column and field. Besides the scenario's own checks: at
    /// most [`MAX_DECISIONS`] decisions, each on a link between two existing,
    /// distinct nodes, at most one per message, latencies of at most 10^9 s;
    /// a property the scenario checks; a violation time within the run.
    pub fn parse(origin: &str, text: &str) -> Result<FailureFile, ScenarioError> {
        let file: FailureFile = crate::scenario::parse_json(origin, text).map_err(|e| {
            // A decision's fields are flattened, so serde reports their
            // errors at the decision's end: name the field itself instead.
            serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|v| decision_shape_error(&v))
                .map_or(e, |m| ScenarioError::at_field(origin, text, "", &m))
        })?;
        let at = |m: String| ScenarioError::at_field(origin, text, "", &m);
        if file.format != FORMAT {
            return Err(at(format!("format: `{}` is not `{FORMAT}`", file.format)));
        }
        file.scenario
            .check()
            .map_err(|m| ScenarioError::at_field(origin, text, "scenario.", &m))?;
        let nodes = runner::check_builds(&file.scenario, file.seed, origin, text, "scenario.")?;
        file.check(nodes).map_err(at)?;
        Ok(file)
    }

    /// What serde cannot check, for a scenario of `nodes` nodes; the error
    /// starts with the field's path.
    fn check(&self, nodes: usize) -> Result<(), String> {
        if self.decisions.len() > MAX_DECISIONS {
            return Err(format!(
                "decisions: {} decisions, at most {MAX_DECISIONS} are allowed",
                self.decisions.len()
            ));
        }
        let mut seen = BTreeMap::new();
        for (i, d) in self.decisions.iter().enumerate() {
            let LinkMsg { from, to, n } = d.msg;
            for (field, node) in [("from", from), ("to", to)] {
                if node >= nodes {
                    return Err(format!(
                        "decisions[{i}].{field}: node {node} does not exist (there are {nodes} nodes, numbered from 0)"
                    ));
                }
            }
            if from == to {
                return Err(format!(
                    "decisions[{i}]: node {from} sends no message to itself over the network"
                ));
            }
            if let Some(first) = seen.insert(d.msg, i) {
                return Err(format!(
                    "decisions[{i}]: a second decision for message {n} from node {from} to node {to} (the first is decisions[{first}])"
                ));
            }
            let latencies = match d.fate {
                Fate::Drop => vec![],
                Fate::Deliver { latency_ns } => vec![("latency_ns", latency_ns)],
                Fate::Duplicate {
                    latency_ns,
                    second_ns,
                } => vec![("latency_ns", latency_ns), ("second_ns", second_ns)],
            };
            for (field, ns) in latencies {
                if ns > MAX_LATENCY_NS {
                    return Err(format!(
                        "decisions[{i}].{field}: {ns} ns is longer than the longest latency allowed, 10^9 s"
                    ));
                }
            }
        }
        let known = self.property_names(nodes)?;
        if !known.contains(&self.property) {
            return Err(format!(
                "property: `{}` is not a property this scenario checks (it checks: {})",
                self.property,
                known.join(", ")
            ));
        }
        if let Some(stop) = self.scenario.stop.duration {
            if self.time_ns > stop.nanos() {
                return Err(format!(
                    "time_ns: the violation at {} is after the run stops (scenario.stop.duration {stop})",
                    sim::Time(self.time_ns)
                ));
            }
        }
        Ok(())
    }

    /// The properties the file's scenario checks (the protocol's, or those
    /// the scenario selects, and `wire-check` when it is on).
    fn property_names(&self, nodes: usize) -> Result<Vec<String>, String> {
        let protocol = crate::registry::protocol(&self.scenario.protocol)
            .map_err(|e| format!("scenario.protocol: {e}"))?;
        let mut names: Vec<String> = protocol
            .property_list(&self.scenario.params, Some(nodes))
            .map_err(|e| format!("scenario.{e}"))?
            .into_iter()
            .map(|p| p.name)
            .filter(|name| {
                self.scenario
                    .properties
                    .as_ref()
                    .is_none_or(|selected| selected.contains(name))
            })
            .collect();
        if self.scenario.wire_check {
            names.push("wire-check".to_string());
        }
        Ok(names)
    }

    /// Reads and parses a failure file.
    pub fn load(path: &Path) -> Result<FailureFile, ScenarioError> {
        let text = crate::scenario::read_file(path)?;
        FailureFile::parse(&path.display().to_string(), &text)
    }

    /// Pretty JSON, one decision per line.
    pub fn to_json(&self) -> String {
        let mut head = self.clone();
        head.decisions.clear();
        let text = serde_json::to_string_pretty(&head).unwrap_or_default();
        let lines: Vec<String> = self
            .decisions
            .iter()
            .map(|d| format!("    {}", serde_json::to_string(d).unwrap_or_default()))
            .collect();
        let block = if lines.is_empty() {
            "[]".to_string()
        } else {
            format!("[\n{}\n  ]", lines.join(",\n"))
        };
        text.replacen("\"decisions\": []", &format!("\"decisions\": {block}"), 1)
    }

    /// Writes the file atomically (see [`write_atomically`]).
    pub fn save(&self, path: &Path) -> Result<(), String> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
        }
        write_atomically(path, (self.to_json() + "\n").as_bytes())
    }

    /// Drops, duplicates and delays among the decisions.
    pub fn counts(&self) -> DecisionCounts {
        let mut c = DecisionCounts::default();
        for d in &self.decisions {
            match d.fate {
                Fate::Drop => c.drops += 1,
                Fate::Duplicate { .. } => c.duplicates += 1,
                Fate::Deliver { .. } => c.delays += 1,
            }
        }
        c
    }
}

/// Writes `bytes` to `path` so that a reader (or a crash) never sees a
/// partial file: a temporary file beside it, then renamed over `path` (a
/// rename within a directory is atomic; a killed process leaves at most a
/// hidden `.NAME.*.tmp`). The error names the path and what failed.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let temp = path.with_file_name(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let written = std::fs::File::create(&temp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.flush()
    });
    let renamed = written.and_then(|()| std::fs::rename(&temp, path));
    renamed.map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        format!("{}: cannot write: {e}", path.display())
    })
}

/// The command line that replays a failure file.
pub fn replay_command(path: &Path) -> String {
    format!("{} replay {}", crate::commands::program(), path.display())
}

/// Identifies the running build: the package version and the size and
/// modification time of the executable. Two runs of the same binary agree;
/// a rebuilt binary almost surely does not.
pub fn build_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        use std::hash::{DefaultHasher, Hash, Hasher};
        let mut h = DefaultHasher::new();
        if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
            meta.len().hash(&mut h);
            if let Ok(modified) = meta.modified() {
                modified.hash(&mut h);
            }
        }
        format!("{}+{:016x}", env!("CARGO_PKG_VERSION"), h.finish())
    })
}

/// Whether a decision is what a message without one gets anyway.
pub fn is_nominal(d: &Decision, network: &NetworkConfig) -> bool {
    matches!(d.fate, Fate::Deliver { latency_ns }
        if latency_ns == network.link(d.msg.from, d.msg.to).nominal_latency_ns())
}

fn keep_non_nominal(decisions: Vec<Decision>, network: &NetworkConfig) -> Vec<Decision> {
    let mut decisions: Vec<Decision> = decisions
        .into_iter()
        .filter(|d| !is_nominal(d, network))
        .collect();
    decisions.sort_by_key(|d| d.msg);
    decisions
}

/// Runs `scenario` with `seed`, recording every decision; if a property
/// fails, returns the failure written down (`origin` names the scenario).
pub fn capture(
    origin: &str,
    scenario: &Scenario,
    seed: u64,
) -> Result<Option<FailureFile>, String> {
    let mut sim = runner::build(scenario, seed)?;
    sim.set_decision_mode(DecisionMode::Record);
    let report = sim.run()?;
    let Some(violation) = &report.violation else {
        return Ok(None);
    };
    let mut explicit = scenario.clone();
    explicit.seed = seed;
    explicit.nemesis = None;
    explicit.faults = sim.fault_schedule();
    let decisions = keep_non_nominal(sim.recorded_decisions(), &explicit.network);
    Ok(Some(FailureFile {
        format: FORMAT.to_string(),
        origin: origin.to_string(),
        seed,
        property: violation.property.clone(),
        message: violation.message.clone(),
        time_ns: violation.time.as_nanos(),
        digest: report.digest.clone(),
        build: build_id().to_string(),
        scenario: explicit,
        decisions,
        swarm: None,
    }))
}

/// A failure file run again.
pub struct Replayed {
    /// The run's report.
    pub report: Report,
    /// The decisions the run used that differ from a nominal delivery.
    pub used: Vec<Decision>,
    /// The simulation after the run (observations, fault schedule, trace).
    pub sim: Box<dyn AnySimulation>,
}

impl Replayed {
    /// Whether `property` failed in this run.
    pub fn violates(&self, property: &str) -> bool {
        self.report
            .violation
            .as_ref()
            .is_some_and(|v| v.property == property)
    }
}

/// Runs a failure file with its explicit decisions (and `trace`, if given).
pub fn replay(file: &FailureFile, trace: Option<TraceSink>) -> Result<Replayed, String> {
    let mut sim = runner::build(&file.scenario, file.seed)?;
    let table: BTreeMap<_, _> = file.decisions.iter().map(|d| (d.msg, d.fate)).collect();
    sim.set_decision_mode(DecisionMode::Explicit(table));
    if let Some(sink) = trace {
        sim.set_trace(sink);
    }
    let report = sim.run()?;
    let used = keep_non_nominal(sim.recorded_decisions(), &file.scenario.network);
    Ok(Replayed { report, used, sim })
}

/// What replaying a failure file showed.
#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    /// The property the file says fails.
    pub expected_property: String,
    /// The property that failed in the replay, if any.
    pub failed_property: Option<String>,
    /// The replay's violation message.
    pub message: Option<String>,
    /// Virtual time of the replay's violation, nanoseconds.
    pub time_ns: Option<u64>,
    /// The replay's digest.
    pub digest: String,
    /// Whether this build wrote the file.
    pub same_build: bool,
    /// Whether the digest equals the recorded one.
    pub digest_matches: bool,
}

impl Verdict {
    /// Judges a replay of `file`.
    pub fn of(file: &FailureFile, replayed: &Replayed) -> Verdict {
        let v = replayed.report.violation.as_ref();
        Verdict {
            expected_property: file.property.clone(),
            failed_property: v.map(|v| v.property.clone()),
            message: v.map(|v| v.message.clone()),
            time_ns: v.map(|v| v.time.as_nanos()),
            digest: replayed.report.digest.clone(),
            same_build: file.build == build_id(),
            digest_matches: replayed.report.digest == file.digest,
        }
    }

    /// The same property failed, and, on the same build, with the same digest.
    pub fn reproduced(&self) -> bool {
        self.failed_property.as_deref() == Some(self.expected_property.as_str())
            && (self.digest_matches || !self.same_build)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::LinkMsg;

    #[test]
    fn decisions_round_trip_and_unknown_fields_are_rejected() {
        let d = Decision {
            msg: LinkMsg {
                from: 1,
                to: 2,
                n: 3,
            },
            fate: Fate::Duplicate {
                latency_ns: 5,
                second_ns: 7,
            },
        };
        let text = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<Decision>(&text).unwrap(), d);
        let drop = r#"{"from": 0, "to": 1, "n": 4, "fate": "drop"}"#;
        assert_eq!(
            serde_json::from_str::<Decision>(drop).unwrap().fate,
            Fate::Drop
        );
    }
}
