//! The scenario file: a protocol, its parameters, the cluster, the network,
//! faults and stop conditions, as JSON. Unknown fields are rejected.

use crate::json_place;
use serde::{Deserialize, Serialize};
use sim::{NemesisConfig, NetworkConfig, ScheduledFault, SimConfig, StopConfig};
use std::path::Path;

/// A scenario: everything a run needs except (optionally) the seed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// One line saying what this scenario shows.
    #[serde(default)]
    pub description: String,
    /// Protocol name (see `dsim list`).
    pub protocol: String,
    /// Number of nodes (default: the protocol's), at most [`MAX_NODES`].
    #[serde(default)]
    pub nodes: Option<usize>,
    /// Default seed (overridden by `--seed`).
    #[serde(default)]
    pub seed: u64,
    /// Protocol parameters (see the protocol's documentation).
    #[serde(default = "empty_object")]
    pub params: serde_json::Value,
    /// Network model.
    #[serde(default)]
    pub network: NetworkConfig,
    /// Scripted faults.
    #[serde(default)]
    pub faults: Vec<ScheduledFault>,
    /// Random faults.
    #[serde(default)]
    pub nemesis: Option<NemesisConfig>,
    /// Stop conditions.
    #[serde(default)]
    pub stop: StopConfig,
    /// Properties to check (default: all the protocol ships).
    #[serde(default)]
    pub properties: Option<Vec<String>>,
    /// Send every message through the wire codec.
    #[serde(default)]
    pub wire_check: bool,
    /// Nodes that start later than the protocol says (late joins):
    /// `[{"node": 3, "at": "5s"}]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub starts: Vec<sim::NodeStart>,
    /// What one run may consume before it stops with "budget exceeded":
    /// `{"events": 1000000, "memory_bytes": 1073741824}` (default
    /// [`sim::Budget`]: 500 million events, 4 GiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<sim::Budget>,
}

/// Most nodes a scenario may ask for (the simulator itself holds up to
/// [`sim::MAX_NODES`], where virtual addresses would wrap).
pub const MAX_NODES: usize = 1_000_000;
/// Largest scenario or failure file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 64 << 20;
/// Deepest nesting of arrays and objects in a scenario or failure file.
pub const MAX_DEPTH: usize = 64;

/// Reads a scenario or failure file of at most [`MAX_FILE_BYTES`].
pub fn read_file(path: &Path) -> Result<String, ScenarioError> {
    use std::io::Read;
    let shown = path.display();
    let file = std::fs::File::open(path)
        .map_err(|e| ScenarioError(format!("{shown}: cannot read: {e}")))?;
    let mut text = String::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| ScenarioError(format!("{shown}: cannot read: {e}")))?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(ScenarioError(format!(
            "{shown}: larger than {} MB, the most a scenario or failure file may be",
            MAX_FILE_BYTES >> 20
        )));
    }
    Ok(text)
}

/// Parses JSON text of a scenario or failure file into `T`: nesting deeper
/// than [`MAX_DEPTH`] is refused first (in linear time, with its place),
/// then serde's error is placed by file, line, column and field.
pub fn parse_json<T: serde::de::DeserializeOwned>(
    origin: &str,
    text: &str,
) -> Result<T, ScenarioError> {
    if let Err(offset) = json_place::check_depth(text, MAX_DEPTH) {
        let (line, column) = json_place::line_col(text, offset);
        return Err(ScenarioError(format!(
            "{origin}:{line}:{column}: arrays and objects nest deeper than {MAX_DEPTH} levels, the most allowed"
        )));
    }
    serde_json::from_str(text).map_err(|e| ScenarioError::from_serde(origin, text, &e))
}

fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(Default::default())
}

/// A scenario that could not be loaded: where and why.
#[derive(Debug)]
pub struct ScenarioError(pub String);

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScenarioError {}

impl ScenarioError {
    /// A serde_json error in `text` from `origin`: file, line, column, the
    /// field it is in, and what is wrong.
    pub fn from_serde(origin: &str, text: &str, e: &serde_json::Error) -> ScenarioError {
        let (mut line, mut column) = (e.line(), e.column());
        let message = strip_position(&e.to_string()).to_string();
        let mut field = json_place::path_at(text, json_place::offset_of(text, line, column));
        if e.classify() == serde_json::error::Category::Data {
            // serde reports some value errors at the end of the enclosing
            // object, where the walk still knows the field; point at the field
            // itself (or, for a missing field, at the object that lacks it).
            if message.starts_with("missing field") {
                let cut = field.rfind(['.', '[']).unwrap_or(0);
                field.truncate(cut);
            }
            if let Some((l, c)) = json_place::locate(text, &field) {
                (line, column) = (l, c);
            }
        }
        ScenarioError(if field.is_empty() {
            format!("{origin}:{line}:{column}: {message}")
        } else {
            format!("{origin}:{line}:{column}: field `{field}`: {message}")
        })
    }

    /// An error whose message starts with a field path (`faults[0].at: ...`,
    /// relative to `prefix`, e.g. `scenario.` inside a failure file): the
    /// field is looked up in `text` so the error names its line and column.
    pub fn at_field(origin: &str, text: &str, prefix: &str, message: &str) -> ScenarioError {
        let path_end = message.find([':', ' ']).unwrap_or(message.len());
        let (path, rest) = message.split_at(path_end);
        let rest = match rest.strip_prefix(':') {
            Some(r) => format!(": {}", r.trim_start()),
            None => format!(" {}", rest.trim_start()),
        };
        let full = format!("{prefix}{path}");
        match json_place::locate_prefix(text, &full).filter(|_| !path.is_empty()) {
            Some((_, line, column)) => {
                ScenarioError(format!("{origin}:{line}:{column}: field `{full}`{rest}"))
            }
            None => ScenarioError(format!("{origin}: {message}")),
        }
    }
}

impl Scenario {
    /// Parses scenario JSON and checks its values; `origin` (a file name)
    /// prefixes every error, which also names the line, column and field.
    pub fn parse(origin: &str, text: &str) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario = parse_json(origin, text)?;
        scenario
            .check()
            .map_err(|message| ScenarioError::at_field(origin, text, "", &message))?;
        Ok(scenario)
    }

    /// Checks what serde cannot: the protocol exists, `params` is an object,
    /// and the network, faults and nemesis are valid. The error starts with
    /// the path of the offending field (`network.default.loss: ...`). Node
    /// numbers are checked once the protocol has built its nodes (a protocol
    /// may add nodes beside `nodes`, e.g. bully's GCD), see [`crate::runner`].
    pub fn check(&self) -> Result<(), String> {
        crate::registry::protocol(&self.protocol).map_err(|e| format!("protocol: {e}"))?;
        if let Some(n) = self.nodes.filter(|&n| n > MAX_NODES) {
            return Err(format!("nodes: {n} nodes, at most {MAX_NODES} are allowed"));
        }
        if !self.params.is_object() {
            return Err("params: must be a JSON object".to_string());
        }
        self.sim_config(self.seed).validate(usize::MAX)
    }

    /// Reads and parses a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let text = read_file(path)?;
        Scenario::parse(&path.display().to_string(), &text)
    }

    /// The engine configuration for `seed`.
    pub fn sim_config(&self, seed: u64) -> SimConfig {
        SimConfig {
            seed,
            network: self.network.clone(),
            faults: self.faults.clone(),
            nemesis: self.nemesis.clone(),
            stop: self.stop.clone(),
            starts: self.starts.clone(),
            budget: self.budget.unwrap_or_default(),
            ..SimConfig::default()
        }
    }

    /// Serialises back to pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// serde_json appends " at line L column C"; we print the position first instead.
fn strip_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_file_line_column_and_field() {
        let err = Scenario::parse(
            "x.json",
            "{\n  \"protocol\": \"hot-potato\",\n  \"nodez\": 3\n}",
        )
        .unwrap_err()
        .0;
        assert!(err.starts_with("x.json:3:"), "{err}");
        assert!(err.contains("nodez"), "{err}");
        let err = Scenario::parse("y.json", "{\"protocol\": ").unwrap_err().0;
        assert!(err.starts_with("y.json:1:"), "{err}");
    }

    #[test]
    fn the_annotated_example_in_the_readme_is_valid() {
        let readme = include_str!("../README.md");
        let start = readme.find("```json\n").unwrap() + "```json\n".len();
        let text = &readme[start..start + readme[start..].find("```").unwrap()];
        let s = Scenario::parse("README.md", text).unwrap();
        assert_eq!(s.protocol, "primary-backup");
        assert_eq!(s.network.links.len(), 1);
        assert!(s.nemesis.is_some());
    }

    #[test]
    fn bad_values_are_named_with_their_place() {
        let cases = [
            (
                "{\n\"protocol\": \"hot-potato\",\n\"network\": {\"default\": {\"latency\":\n {\"kind\": \"constant\", \"value\": \"-5ms\"}}}}",
                "bad.json:3:25:",
                "network.default.latency",
                "negative",
            ),
            (
                "{\"protocol\": \"hot-potato\",\n \"network\": {\"default\": {\"loss\": 1.5}}}",
                "bad.json:2:",
                "network.default.loss",
                "probability 1.5",
            ),
            (
                "{\n\n  \"protocol\": \"carrier-pigeon\"}",
                "bad.json:3:3:",
                "protocol",
                "carrier-pigeon",
            ),
        ];
        for (text, place, field, what) in cases {
            let err = Scenario::parse("bad.json", text).unwrap_err().0;
            assert!(err.starts_with(place), "{err}");
            assert!(err.contains(&format!("field `{field}`")), "{err}");
            assert!(err.contains(what), "{err}");
        }
    }
}
