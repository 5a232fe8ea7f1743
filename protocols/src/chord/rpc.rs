//! A reusable RPC layer: request ids, a timeout per call (a value-keyed
//! timer named by the call's id), and retries.
//!
//! Written against its own types (`RpcMsg<Q, A>`, [`RpcTimer`], no
//! observations) and embedded in a machine with [`sim::Context::scoped`].
//! A call is sent, re-sent after each timeout while retries remain, and
//! reported as [`RpcEvent::Failed`] when they run out; a reply cancels the
//! timer and is reported once (late and duplicated replies are dropped, as
//! are replies from anyone but the callee). Retries reuse the request id, so
//! handlers should be idempotent.

use rand::RngCore;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

/// A request or a reply on the wire.
#[derive(Clone, Debug, Hash, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RpcMsg<Q, A> {
    /// A request; answer with [`Rpc::reply`] and the same id.
    Call {
        /// Request id (chosen by the caller).
        id: u64,
        /// The request.
        body: Q,
    },
    /// The answer to request `id`.
    Reply {
        /// The request id.
        id: u64,
        /// The answer.
        body: A,
    },
}

/// The timeout of call `.0`.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct RpcTimer(pub u64);

/// The RPC layer's context.
pub type RpcCtx<'a, Q, A> = sim::Context<'a, RpcMsg<Q, A>, RpcTimer, Infallible>;

/// What the layer hands its owner.
#[derive(Debug)]
pub enum RpcEvent<Q, A, T> {
    /// A request arrived.
    Call {
        /// From whom.
        from: SocketAddr,
        /// Its id (pass it to [`Rpc::reply`]).
        id: u64,
        /// The request.
        body: Q,
    },
    /// The answer to a call made with `tag`.
    Reply {
        /// The callee.
        from: SocketAddr,
        /// The caller's tag.
        tag: T,
        /// The answer.
        body: A,
    },
    /// A call got no answer after all its tries.
    Failed {
        /// The callee.
        to: SocketAddr,
        /// The caller's tag.
        tag: T,
    },
}

struct Pending<Q, T> {
    id: u64,
    to: SocketAddr,
    body: Q,
    tag: T,
    tries_left: u8,
}

/// Calls in flight, with their timeouts. A node has a handful in flight,
/// so they live in a small vector (freed when empty), not a map.
pub struct Rpc<Q, T> {
    next: u64,
    timeout_us: u32,
    retries: u8,
    pending: Vec<Pending<Q, T>>,
}

impl<Q: Clone, T> Rpc<Q, T> {
    /// A layer whose calls time out after `timeout` and are re-sent up to
    /// `retries` times. Call [`Rpc::reseed`] when the node starts.
    pub fn new(timeout: Duration, retries: u8) -> Self {
        Rpc {
            next: 0,
            timeout_us: u32::try_from(timeout.as_micros()).unwrap_or(u32::MAX),
            retries,
            pending: Vec::new(),
        }
    }

    /// Starts request ids at a random value from `rng` (the node's), so a
    /// restarted node does not take replies meant for its former self.
    pub fn reseed(&mut self, rng: &mut impl RngCore) {
        self.next = rng.next_u64() >> 1;
    }

    fn timeout(&self) -> Duration {
        Duration::from_micros(u64::from(self.timeout_us))
    }

    /// Calls `to` with `body`; `tag` comes back with the reply or failure.
    pub fn call<A>(&mut self, ctx: &mut RpcCtx<'_, Q, A>, to: SocketAddr, body: Q, tag: T) -> u64 {
        let id = self.next;
        self.next = self.next.wrapping_add(1);
        ctx.send(
            to,
            RpcMsg::Call {
                id,
                body: body.clone(),
            },
        );
        ctx.set_timer(self.timeout(), RpcTimer(id));
        self.pending.push(Pending {
            id,
            to,
            body,
            tag,
            tries_left: self.retries,
        });
        id
    }

    /// Answers request `id` from `to`.
    pub fn reply<A>(&self, ctx: &mut RpcCtx<'_, Q, A>, to: SocketAddr, id: u64, body: A) {
        ctx.send(to, RpcMsg::Reply { id, body });
    }

    /// Handles an incoming RPC message.
    pub fn on_message<A>(
        &mut self,
        ctx: &mut RpcCtx<'_, Q, A>,
        from: SocketAddr,
        msg: RpcMsg<Q, A>,
    ) -> Option<RpcEvent<Q, A, T>> {
        match msg {
            RpcMsg::Call { id, body } => Some(RpcEvent::Call { from, id, body }),
            RpcMsg::Reply { id, body } => {
                let at = self
                    .pending
                    .iter()
                    .position(|p| p.id == id && p.to == from)?;
                let p = self.take(at);
                ctx.cancel_timer(RpcTimer(id));
                Some(RpcEvent::Reply {
                    from,
                    tag: p.tag,
                    body,
                })
            }
        }
    }

    /// Handles a timeout: re-sends, or reports the failure.
    pub fn on_timer<A>(
        &mut self,
        ctx: &mut RpcCtx<'_, Q, A>,
        timer: RpcTimer,
    ) -> Option<RpcEvent<Q, A, T>> {
        let timeout = self.timeout();
        let at = self.pending.iter().position(|p| p.id == timer.0)?;
        let p = &mut self.pending[at];
        if p.tries_left > 0 {
            p.tries_left -= 1;
            ctx.send(
                p.to,
                RpcMsg::Call {
                    id: timer.0,
                    body: p.body.clone(),
                },
            );
            ctx.set_timer(timeout, timer);
            return None;
        }
        let p = self.take(at);
        Some(RpcEvent::Failed {
            to: p.to,
            tag: p.tag,
        })
    }

    fn take(&mut self, at: usize) -> Pending<Q, T> {
        let p = self.pending.swap_remove(at);
        if self.pending.is_empty() {
            self.pending = Vec::new();
        }
        p
    }

    /// Calls in flight.
    pub fn in_flight(&self) -> usize {
        self.pending.len()
    }

    /// Forgets every call in flight (their timers still fire, and are ignored).
    pub fn clear(&mut self) {
        self.pending = Vec::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use sim::{Effect, NodeRng, Time, WallTime};

    type Eff = Effect<RpcMsg<u8, u8>, RpcTimer, Infallible>;

    fn with_ctx<R>(out: &mut Vec<Eff>, f: impl FnOnce(&mut RpcCtx<'_, u8, u8>) -> R) -> R {
        let mut rng = NodeRng::seed_from_u64(1);
        let me = sim::virtual_addr(0, 1);
        let mut ctx = sim::Context::new(Time(0), WallTime(0), me, &mut rng, out);
        f(&mut ctx)
    }

    #[test]
    fn retries_then_fails_and_ignores_strangers_and_late_replies() {
        let mut rng = NodeRng::seed_from_u64(2);
        let mut rpc: Rpc<u8, &str> = Rpc::new(Duration::from_millis(100), 2);
        rpc.reseed(&mut rng);
        let peer = sim::virtual_addr(1, 1);
        let stranger = sim::virtual_addr(2, 1);
        let mut out = Vec::new();
        let id = with_ctx(&mut out, |c| rpc.call(c, peer, 7, "a"));
        assert!(
            matches!(out[0], Effect::Send { to, msg: RpcMsg::Call { body: 7, .. } } if to == peer)
        );
        // Two retries re-send, the third timeout fails.
        for _ in 0..2 {
            assert!(with_ctx(&mut out, |c| rpc.on_timer(c, RpcTimer(id))).is_none());
        }
        let sends = out
            .iter()
            .filter(|e| matches!(e, Effect::Send { .. }))
            .count();
        assert_eq!(sends, 3);
        // A reply from a stranger is not the answer.
        let strange = RpcMsg::Reply { id, body: 1 };
        assert!(with_ctx(&mut out, |c| rpc.on_message(c, stranger, strange)).is_none());
        let failed = with_ctx(&mut out, |c| rpc.on_timer(c, RpcTimer(id)));
        assert!(matches!(failed, Some(RpcEvent::Failed { tag: "a", .. })));
        // A late reply is dropped.
        let late = RpcMsg::Reply { id, body: 1 };
        assert!(with_ctx(&mut out, |c| rpc.on_message(c, peer, late)).is_none());
        assert_eq!(rpc.in_flight(), 0);
    }

    #[test]
    fn a_reply_cancels_the_timer_once() {
        let mut rpc: Rpc<u8, u32> = Rpc::new(Duration::from_millis(100), 1);
        let peer = sim::virtual_addr(1, 1);
        let mut out = Vec::new();
        let id = with_ctx(&mut out, |c| rpc.call(c, peer, 1, 42));
        let got = with_ctx(&mut out, |c| {
            rpc.on_message(c, peer, RpcMsg::Reply { id, body: 9 })
        });
        assert!(matches!(
            got,
            Some(RpcEvent::Reply {
                tag: 42,
                body: 9,
                ..
            })
        ));
        assert!(matches!(out.last(), Some(Effect::CancelTimer(RpcTimer(i))) if *i == id));
        let again = with_ctx(&mut out, |c| {
            rpc.on_message(c, peer, RpcMsg::Reply { id, body: 9 })
        });
        assert!(again.is_none());
        assert!(with_ctx(&mut out, |c| rpc.on_timer(c, RpcTimer(id))).is_none());
    }
}
