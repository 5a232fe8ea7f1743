//! The scenario file: a protocol, its parameters, the cluster, the network,
//! faults and stop conditions, as JSON. Unknown fields are rejected.

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
    /// Number of nodes (default: the protocol's).
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

impl Scenario {
    /// Parses scenario JSON; `origin` (a file name) prefixes every error,
    /// which also names the line, column and field.
    pub fn parse(origin: &str, text: &str) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario = serde_json::from_str(text).map_err(|e| {
            ScenarioError(format!(
                "{origin}:{}:{}: {}",
                e.line(),
                e.column(),
                strip_position(&e.to_string())
            ))
        })?;
        if !scenario.params.is_object() {
            return Err(ScenarioError(format!(
                "{origin}: `params` must be a JSON object"
            )));
        }
        Ok(scenario)
    }

    /// Reads and parses a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ScenarioError(format!("{}: cannot read: {e}", path.display())))?;
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
}
