//! `hot-potato`: the hello-world and benchmark protocol.
//!
//! N nodes; at start each sends K tokens to uniformly random other nodes. A node
//! receiving a token with `hops_left > 0` forwards it to a uniformly random
//! other node with one hop less; a token with 0 hops left retires. Every token
//! is delivered `H + 1` times, so a run without faults delivers `N·K·(H+1)`.
//! Wire format: JSON (the default codec).

mod msg;
mod node;
mod properties;
#[cfg(test)]
mod tests;

pub use msg::{render, Event, Token};
pub use node::{HotPotato, Params};

use serde::Deserialize;
use sim::{ClusterInfo, Codec, JsonCodec, NodeSpec, Property, Protocol};
use std::sync::Arc;

/// Scenario parameters of hot-potato (`params` in a scenario file).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioParams {
    /// Tokens each node starts (K); all nodes together start at most
    /// [`MAX_TOKENS`] (N·K, every one an event pending from the start).
    #[serde(default = "default_tokens")]
    pub tokens: u32,
    /// Hops each token makes (H); a run makes N·K·(H+1) deliveries, at most
    /// [`MAX_DELIVERIES`] (a simulated run also stops at its event budget).
    #[serde(default = "default_hops")]
    pub hops: u32,
    /// How long after the last fault every surviving token must have retired.
    #[serde(default = "default_within")]
    pub retire_within: sim::Dur,
}

fn default_tokens() -> u32 {
    10
}
fn default_hops() -> u32 {
    99
}
fn default_within() -> sim::Dur {
    sim::Dur::secs(30)
}

/// Most tokens a run starts (nodes × tokens): each is a pending event from
/// the first instant, so this bounds the queue (about 1 GB at the bound).
pub const MAX_TOKENS: u64 = 10_000_000;
/// Most deliveries a workload may ask for (N·K·(H+1)).
pub const MAX_DELIVERIES: u64 = 100_000_000_000_000;

/// Checks a workload of `nodes` nodes starting `tokens` tokens each for
/// `hops` hops against [`MAX_TOKENS`] and [`MAX_DELIVERIES`]; the error names
/// the parameter and the limit.
pub fn check_workload(nodes: usize, tokens: u32, hops: u32) -> Result<(), String> {
    let started = (nodes as u64).saturating_mul(u64::from(tokens));
    if started > MAX_TOKENS {
        return Err(format!(
            "params.tokens: {nodes} nodes x {tokens} tokens = {started} tokens, at most {MAX_TOKENS} are allowed"
        ));
    }
    let deliveries = started.saturating_mul(u64::from(hops) + 1);
    if deliveries > MAX_DELIVERIES {
        return Err(format!(
            "params.hops: {started} tokens x {} deliveries each = {deliveries} deliveries, at most {MAX_DELIVERIES} are allowed",
            u64::from(hops) + 1
        ));
    }
    Ok(())
}

/// Nodes in a hot-potato scenario that does not say.
pub const DEFAULT_NODES: usize = 10;

/// The port hot-potato nodes listen on in simulation.
pub const PORT: u16 = 7000;

/// The hot-potato description.
#[derive(Clone, Copy, Debug, Default)]
pub struct HotPotatoProtocol;

impl Protocol for HotPotatoProtocol {
    type Machine = HotPotato;
    type Params = ScenarioParams;

    fn name(&self) -> &'static str {
        "hot-potato"
    }
    fn about(&self) -> &'static str {
        "tokens passed between random nodes; the benchmark and hello-world"
    }
    fn nodes(
        &self,
        p: &ScenarioParams,
        nodes: Option<usize>,
    ) -> Result<Vec<NodeSpec<HotPotato>>, String> {
        let nodes = match nodes.unwrap_or(DEFAULT_NODES) {
            n @ 0..=1 => return Err(format!("nodes: hot-potato needs at least 2 nodes, got {n}")),
            n => n,
        };
        check_workload(nodes, p.tokens, p.hops)?;
        let (tokens, hops) = (p.tokens, p.hops);
        Ok((0..nodes)
            .map(|i| {
                NodeSpec::new(format!("node {i}"), PORT, move |i, book| {
                    HotPotato::new(
                        i,
                        Params {
                            peers: Arc::from(book),
                            tokens,
                            hops,
                        },
                    )
                })
            })
            .collect())
    }
    fn codec(&self, _: &ScenarioParams) -> Box<dyn Codec<Msg = Token> + Send + Sync> {
        Box::new(JsonCodec::<Token>::new())
    }
    fn properties(
        &self,
        p: &ScenarioParams,
        cluster: &ClusterInfo<'_>,
    ) -> Vec<Property<HotPotato>> {
        let started = cluster.nodes as u64 * u64::from(p.tokens);
        vec![
            properties::retire_once(),
            properties::all_retire(started, p.retire_within.0),
        ]
    }
    fn render(&self, _: &ScenarioParams, obs: &Event) -> String {
        render(obs)
    }
    fn scenarios(&self) -> &'static [sim::NamedScenario] {
        crate::named::named("hot_potato")
    }
    fn done(&self, p: &ScenarioParams, nodes: usize) -> Box<dyn FnMut(&Event) -> bool> {
        let expected = nodes as u64 * u64::from(p.tokens);
        let mut retired = 0u64;
        Box::new(move |_| {
            retired += 1;
            retired >= expected
        })
    }
}
