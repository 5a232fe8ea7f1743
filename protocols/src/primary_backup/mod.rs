//! `primary-backup`: a small replication toy with a planted bug, the test
//! subject of sweeps, failure files and shrinking.
//!
//! Node 0 is the primary: every `interval` it sends the next numbered update
//! to every backup (in a random order), `updates` times. A backup applies each
//! update at most once: it remembers the next sequence number it expects,
//! ignores anything older (a duplicate or a late copy) and skips over a gap (a
//! lost update). It acks every update it receives.
//!
//! The planted bug (`buggy: true`): after a backup has skipped a gap it stops
//! ignoring old sequence numbers. So the property `applied-once` fails exactly
//! when, on one link from the primary, an update is lost and a later update is
//! duplicated — two faults that must coincide.
//!
//! `extra_draw: true` makes the primary take one unrelated draw from its random
//! stream at start. It changes nothing the protocol does except the order in
//! which it fans out updates, which is what an unrelated code change does to a
//! seed: tests use it to show that failure files survive such changes.
//! Wire format: JSON (the default codec).

mod msg;
mod node;
mod properties;
#[cfg(test)]
mod tests;

pub use msg::{render, Event, Msg, Tick};
pub use node::{Node, Params};

use serde::Deserialize;
use sim::{ClusterInfo, Codec, JsonCodec, NodeSpec, Property, Protocol};
use std::sync::Arc;

/// Scenario parameters of primary-backup (`params` in a scenario file).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioParams {
    /// Updates the primary sends (at most [`MAX_UPDATES`]).
    #[serde(default = "default_updates")]
    pub updates: u64,
    /// Time between updates (at least [`MIN_INTERVAL`]).
    #[serde(default = "default_interval")]
    pub interval: sim::Dur,
    /// Enable the planted bug (backups stop deduplicating after a gap).
    #[serde(default)]
    pub buggy: bool,
    /// Take one unrelated random draw at start (for tests of failure files).
    #[serde(default)]
    pub extra_draw: bool,
}

fn default_updates() -> u64 {
    30
}
fn default_interval() -> sim::Dur {
    sim::Dur::ms(100)
}

/// Most updates a primary sends.
pub const MAX_UPDATES: u64 = 1_000_000;
/// Shortest time between updates.
pub const MIN_INTERVAL: std::time::Duration = std::time::Duration::from_micros(1);

/// Nodes in a primary-backup scenario that does not say.
pub const DEFAULT_NODES: usize = 3;

/// The port primary-backup nodes listen on in simulation.
pub const PORT: u16 = 7100;

/// The primary-backup description.
#[derive(Clone, Copy, Debug, Default)]
pub struct PrimaryBackupProtocol;

impl Protocol for PrimaryBackupProtocol {
    type Machine = Node;
    type Params = ScenarioParams;

    fn name(&self) -> &'static str {
        "primary-backup"
    }
    fn about(&self) -> &'static str {
        "a primary streams numbered updates to backups; has a planted dedupe bug"
    }
    fn nodes(
        &self,
        p: &ScenarioParams,
        nodes: Option<usize>,
    ) -> Result<Vec<NodeSpec<Node>>, String> {
        let nodes = nodes.unwrap_or(DEFAULT_NODES);
        if nodes < 2 {
            return Err(format!(
                "nodes: primary-backup needs a primary and at least one backup, got {nodes} node(s)"
            ));
        }
        if p.interval.0 < MIN_INTERVAL {
            return Err(format!(
                "params.interval: {} is shorter than the shortest allowed, {}",
                p.interval,
                sim::Dur(MIN_INTERVAL)
            ));
        }
        if p.updates > MAX_UPDATES {
            return Err(format!(
                "params.updates: {} updates, at most {MAX_UPDATES} are allowed",
                p.updates
            ));
        }
        let p = p.clone();
        Ok((0..nodes)
            .map(|i| {
                let p = p.clone();
                let role = if i == 0 {
                    "primary".to_string()
                } else {
                    format!("backup {i}")
                };
                NodeSpec::new(role, PORT, move |i, book| {
                    Node::new(
                        i,
                        Params {
                            peers: Arc::from(book),
                            updates: p.updates,
                            interval: p.interval.0,
                            buggy: p.buggy,
                            extra_draw: p.extra_draw,
                        },
                    )
                })
            })
            .collect())
    }
    fn codec(&self, _: &ScenarioParams) -> Box<dyn Codec<Msg = Msg> + Send + Sync> {
        Box::new(JsonCodec::<Msg>::new())
    }
    fn properties(&self, _: &ScenarioParams, _: &ClusterInfo<'_>) -> Vec<Property<Node>> {
        vec![properties::applied_once()]
    }
    fn render(&self, _: &ScenarioParams, obs: &Event) -> String {
        render(obs)
    }
    fn scenarios(&self) -> &'static [sim::NamedScenario] {
        crate::named::named("primary_backup")
    }
}
