//! `hot-potato`: the hello-world and benchmark protocol.
//!
//! N nodes; at start each sends K tokens to uniformly random other nodes. A node
//! receiving a token with `hops_left > 0` forwards it to a uniformly random
//! other node with one hop less; a token with 0 hops left retires. Every token
//! is delivered `H + 1` times, so a run without faults delivers `N·K·(H+1)`.

use serde::{Deserialize, Serialize};
use sim::{Context, Machine, TimerId};
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
        let n = self.params.peers.len();
        if n < 2 {
            return None;
        }
        let mut pick = ctx.rng().random_range(0..n - 1);
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
