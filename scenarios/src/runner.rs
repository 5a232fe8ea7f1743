//! Turns a scenario and a seed into a run, and a violation into a report with
//! the events that led to it.

use crate::registry::{self, NAMED};
use crate::scenario::{Scenario, ScenarioError};
use sim::{AnySimulation, BuildSpec, DecisionMode, Report, TraceSink};
use std::path::Path;

/// Events shown before a violation.
pub const TAIL_EVENTS: usize = 20;

/// A scenario and the name a person used for it.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// What to pass to `dsim run` to get it again (a name or a path).
    pub name: String,
    /// The scenario.
    pub scenario: Scenario,
}

/// Finds a named scenario, or loads a file if `name_or_path` is a path.
pub fn resolve(name_or_path: &str) -> Result<Resolved, ScenarioError> {
    if let Some((name, text)) = NAMED.iter().find(|(n, _)| *n == name_or_path) {
        let scenario = Scenario::parse(&format!("scenarios/named/{name}.json"), text)?;
        return Ok(Resolved {
            name: name.to_string(),
            scenario,
        });
    }
    let path = Path::new(name_or_path);
    if path.exists() {
        return Ok(Resolved {
            name: name_or_path.to_string(),
            scenario: Scenario::load(path)?,
        });
    }
    let known: Vec<&str> = NAMED.iter().map(|(n, _)| *n).collect();
    Err(ScenarioError(format!(
        "`{name_or_path}` is neither a named scenario nor a file (named scenarios: {}; see `dsim list`)",
        known.join(", ")
    )))
}

/// Builds the scenario's simulation for `seed`; errors name what is wrong.
pub fn build(scenario: &Scenario, seed: u64) -> Result<Box<dyn AnySimulation>, String> {
    let protocol = registry::protocol(&scenario.protocol).map_err(|e| format!("protocol: {e}"))?;
    let spec = BuildSpec {
        nodes: scenario.nodes,
        params: &scenario.params,
        config: scenario.sim_config(seed),
        properties: scenario.properties.as_deref(),
        wire_check: scenario.wire_check,
    };
    let mut sim = (protocol.build)(spec)?;
    let nodes = sim.node_count();
    scenario.sim_config(seed).validate(nodes)?;
    sim.set_decision_mode(DecisionMode::Random);
    Ok(sim)
}

/// Runs `scenario` with `seed`; on a violation, runs it again with a tail of
/// events recorded so the report shows what led to it (same seed, same run).
pub fn run(
    scenario: &Scenario,
    seed: u64,
    trace: Option<TraceSink>,
) -> Result<(Report, Box<dyn AnySimulation>), String> {
    let mut sim = build(scenario, seed)?;
    if let Some(sink) = trace {
        sim.set_trace(sink);
    }
    let report = sim.run()?;
    match &report.violation {
        Some(v) if v.last_events.is_empty() => {
            let mut again = scenario.clone();
            again.stop.max_events = Some(v.event);
            let mut replay = build(&again, seed)?;
            replay.set_trace(TraceSink::Tail(TAIL_EVENTS, Default::default()));
            let tail = replay.run()?;
            let mut report = report;
            if let (Some(v), Some(t)) = (report.violation.as_mut(), tail.violation) {
                v.last_events = t.last_events;
            }
            Ok((report, sim))
        }
        _ => Ok((report, sim)),
    }
}
