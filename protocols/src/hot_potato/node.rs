//! One hot-potato node.

use super::msg::{Event, Token};
use sim::{Ctx, Machine};
use std::net::SocketAddr;
use std::sync::Arc;

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

    fn random_other(&self, ctx: &mut Ctx<'_, Self>) -> Option<SocketAddr> {
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

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
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

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, _from: SocketAddr, token: Token) {
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

    fn on_timer(&mut self, _ctx: &mut Ctx<'_, Self>, _timer: ()) {}
}
