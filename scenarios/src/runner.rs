//! Turns a scenario and a seed into a run, and a violation into a report with
//! the events that led to it.

use crate::registry;
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

/// Finds a named scenario, or loads a file if `name_or_path` is a path. The
/// scenario is built once, so bad protocol parameters are reported here, at
/// their place in the file.
pub fn resolve(name_or_path: &str) -> Result<Resolved, ScenarioError> {
    let named = registry::named();
    let (name, origin, text) = match named.iter().find(|(n, _)| *n == name_or_path) {
        Some((name, text)) => (name.to_string(), format!("{name}.json"), text.to_string()),
        None if Path::new(name_or_path).exists() => {
            let text = crate::scenario::read_file(Path::new(name_or_path))?;
            (name_or_path.to_string(), name_or_path.to_string(), text)
        }
        None => {
            let known: Vec<&str> = named.iter().map(|(n, _)| *n).collect();
            return Err(ScenarioError(format!(
                "`{name_or_path}` is neither a named scenario nor a file{} (named scenarios: {}; see `{} list`)",
                sim::suggest::did_you_mean(name_or_path, known.iter().copied()),
                known.join(", "),
                crate::commands::program()
            )));
        }
    };
    let scenario = Scenario::parse(&origin, &text)?;
    check_builds(&scenario, scenario.seed, &origin, &text, "")?;
    Ok(Resolved { name, scenario })
}

/// Builds `scenario` once and returns its node count; an error is placed in
/// `text` (the scenario's JSON, at `prefix` inside it).
pub fn check_builds(
    scenario: &Scenario,
    seed: u64,
    origin: &str,
    text: &str,
    prefix: &str,
) -> Result<usize, ScenarioError> {
    build(scenario, seed)
        .map(|sim| sim.node_count())
        .map_err(|e| ScenarioError::at_field(origin, text, prefix, &e))
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
    let mut sim = protocol.build_sim(&spec)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_on_missing_nodes_are_named_with_their_place() {
        let dir = std::env::temp_dir().join(format!("dsim-runner-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bad-node.json");
        std::fs::write(
            &path,
            "{\"protocol\": \"hot-potato\", \"nodes\": 3,\n \"faults\": [{\"at\": \"1s\", \"fault\": {\"kind\": \"crash\", \"node\": 9}}]}",
        )
        .unwrap();
        let err = resolve(path.to_str().unwrap()).unwrap_err().0;
        assert!(err.contains("bad-node.json:2:13:"), "{err}");
        assert!(err.contains("field `faults[0]`"), "{err}");
        assert!(
            err.contains("node 9 does not exist (there are 3 nodes"),
            "{err}"
        );
    }
}
