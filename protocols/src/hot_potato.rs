//! `hot-potato`: the hello-world and benchmark protocol.
//!
//! N nodes; at start each sends K tokens to uniformly random other nodes. A node
//! receiving a token with `hops_left > 0` forwards it to a uniformly random
//! other node with one hop less; a token with 0 hops left retires. Every token
//! is delivered `H + 1` times, so a run without faults delivers `N·K·(H+1)`.

use serde::{Deserialize, Serialize};
use sim::{
    virtual_addr, AnySimulation, BuildSpec, Context, Erased, JsonCodec, Liveness, Machine, Safety,
    Simulation, TimerId,
};
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;

/// The one message: a token and how many more hops it makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Token {
    /// Unique per token: `node_index * K + k`.
    pub token_id: u64,
    /// Forwards left.
    pub hops_left: u32,
}

/// What a hot-potato node reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    /// A token reached 0 hops here and left the game.
    Retired {
        /// The token.
        token_id: u64,
    },
}

/// Parameters shared by all nodes of a run.
#[derive(Clone, Debug)]
pub struct Params {
    /// Every node's address, in node order.
    pub peers: Arc<[SocketAddr]>,
    /// Tokens each node starts (K).
    pub tokens: u32,
    /// Hops each token makes (H).
    pub hops: u32,
}

/// One hot-potato node.
#[derive(Clone, Debug)]
pub struct HotPotato {
    index: usize,
    params: Params,
    /// Tokens this node has received.
    pub received: u64,
}

impl HotPotato {
    /// Node `index` of `params.peers`.
    pub fn new(index: usize, params: Params) -> Self {
        HotPotato {
            index,
            params,
            received: 0,
        }
    }

    fn random_other(&self, ctx: &mut Context<'_, Self>) -> Option<SocketAddr> {
        use rand::Rng;
        let n = self.params.peers.len() as u32;
        if n < 2 {
            return None;
        }
        // A u32 draw: one word from the RNG (node counts fit in 32 bits).
        let mut pick = ctx.rng().random_range(0..n - 1) as usize;
        if pick >= self.index {
            pick += 1;
        }
        Some(self.params.peers[pick])
    }
}

impl Machine for HotPotato {
    type Msg = Token;
    type Timer = ();
    type Obs = Event;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        for k in 0..self.params.tokens {
            let token = Token {
                token_id: self.index as u64 * self.params.tokens as u64 + k as u64,
                hops_left: self.params.hops,
            };
            if let Some(to) = self.random_other(ctx) {
                ctx.send(to, token);
            }
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, _from: SocketAddr, token: Token) {
        self.received += 1;
        if token.hops_left == 0 {
            ctx.observe(Event::Retired {
                token_id: token.token_id,
            });
            return;
        }
        if let Some(to) = self.random_other(ctx) {
            ctx.send(
                to,
                Token {
                    hops_left: token.hops_left - 1,
                    ..token
                },
            );
        }
    }

    fn on_timer(&mut self, _ctx: &mut Context<'_, Self>, _id: TimerId, _timer: ()) {}
}

/// Scenario parameters of hot-potato (`params` in a scenario file).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioParams {
    /// Tokens each node starts (K).
    #[serde(default = "default_tokens")]
    pub tokens: u32,
    /// Hops each token makes (H).
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

/// Nodes in a hot-potato scenario that does not say.
pub const DEFAULT_NODES: usize = 10;

/// The UDP/TCP port simulated hot-potato nodes listen on.
pub const PORT: u16 = 7000;

/// The node count of a scenario asking for `requested` (default
/// [`DEFAULT_NODES`]); hot-potato needs at least 2.
pub fn node_count(requested: Option<usize>) -> Result<usize, String> {
    match requested.unwrap_or(DEFAULT_NODES) {
        nodes @ 0..=1 => Err(format!(
            "nodes: hot-potato needs at least 2 nodes, got {nodes}"
        )),
        nodes => Ok(nodes),
    }
}

/// Builds a hot-potato simulation. Properties: `retire-once` (safety: no token
/// retires twice — network duplication breaks it) and `all-retire` (liveness:
/// without loss, crashes or partitions, all `N·K` tokens retire).
pub fn build(spec: BuildSpec<'_>) -> Result<Box<dyn AnySimulation>, String> {
    let params: ScenarioParams = spec.params()?;
    let nodes = node_count(spec.nodes)?;
    let peers: Arc<[SocketAddr]> = (0..nodes).map(|i| virtual_addr(i, PORT)).collect();
    let shared = Params {
        peers: peers.clone(),
        tokens: params.tokens,
        hops: params.hops,
    };
    let mut sim = Simulation::new(spec.config.clone());
    for (i, addr) in peers.iter().enumerate() {
        let p = shared.clone();
        sim.add_node(*addr, move || HotPotato::new(i, p.clone()));
    }
    if spec.wire_check {
        sim.set_wire_check(JsonCodec::<Token>::new());
    }
    if spec.wants("retire-once") {
        let mut seen = BTreeSet::new();
        let mut checked = 0;
        sim.add_safety(Safety::new(
            "retire-once",
            move |s: &Simulation<HotPotato>| {
                for o in &s.observations()[checked..] {
                    let Event::Retired { token_id } = o.obs;
                    if !seen.insert(token_id) {
                        return Err(format!(
                            "token {token_id} retired twice (at node {})",
                            o.node
                        ));
                    }
                }
                checked = s.observations().len();
                Ok(())
            },
        ));
    }
    if spec.wants("all-retire") {
        let expected = nodes as u64 * params.tokens as u64;
        sim.add_liveness(Liveness::new(
            "all-retire",
            params.retire_within.0,
            move |s: &Simulation<HotPotato>| {
                let c = s.counters();
                let lost = c.dropped.total();
                let retired = s.observations().len() as u64;
                if lost == 0 && retired < expected {
                    Err(format!(
                        "{retired} of {expected} tokens retired and none was dropped"
                    ))
                } else {
                    Ok(())
                }
            },
        ));
    }
    Ok(Box::new(Erased::new(sim, render)))
}

/// How a person reads a hot-potato observation (in simulation and live).
pub fn render(e: &Event) -> String {
    match e {
        Event::Retired { token_id } => format!("token {token_id} retired"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::{virtual_addr, SimConfig, Simulation};

    fn run(nodes: usize, tokens: u32, hops: u32, seed: u64) -> sim::Report {
        let peers: Arc<[SocketAddr]> = (0..nodes).map(|i| virtual_addr(i, 7000)).collect();
        let params = Params {
            peers: peers.clone(),
            tokens,
            hops,
        };
        let mut sim = Simulation::new(SimConfig {
            seed,
            ..SimConfig::default()
        });
        for (i, addr) in peers.iter().enumerate() {
            let p = params.clone();
            sim.add_node(*addr, move || HotPotato::new(i, p.clone()));
        }
        sim.run().unwrap()
    }

    #[test]
    fn delivers_n_k_h_plus_one() {
        let r = run(10, 3, 20, 1);
        assert_eq!(r.counters.delivered, 10 * 3 * 21);
        assert_eq!(r.counters.observations, 30);
        assert_eq!(r.stop, sim::StopReason::Quiescent);
        assert!(r.conserves_messages());
    }

    #[test]
    fn same_seed_same_digest_different_seed_different_digest() {
        let a = run(20, 2, 50, 42);
        assert_eq!(a.digest, run(20, 2, 50, 42).digest);
        assert_eq!(a.digest, run(20, 2, 50, 42).digest);
        assert_ne!(a.digest, run(20, 2, 50, 43).digest);
    }
}
