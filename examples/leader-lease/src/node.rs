//! The lease server (node 0) and the clients (every other node).

use crate::msg::{Event, Msg, Timer};
use rand::Rng;
use sim::{Ctx, Machine, Time};
use std::net::SocketAddr;
use std::time::Duration;

/// Settings every node shares.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// How long a grant lasts.
    pub lease: Duration,
    /// How often a client without the lease asks for it (plus jitter).
    pub retry_every: Duration,
    /// The planted bug: a client counts its lease from when the grant
    /// *arrived* rather than from when it *asked*, so a slow grant makes it
    /// believe it holds the lease after the server has given it to another.
    pub bug: bool,
}

/// A node of the lease protocol.
#[derive(Clone, Debug)]
pub enum LeaseNode {
    /// Grants the lease to one client at a time.
    Server {
        /// Shared settings.
        settings: Settings,
        /// When the current grant runs out (server's clock).
        busy_until: Time,
    },
    /// Asks for the lease, holds it, lets it expire, asks again.
    Client {
        /// Shared settings.
        settings: Settings,
        /// The server's address.
        server: SocketAddr,
        /// When we last asked.
        asked_at: Time,
        /// Whether we hold the lease.
        holding: bool,
    },
}

impl LeaseNode {
    fn retry(ctx: &mut Ctx<'_, Self>, every: Duration) {
        let jitter = ctx.rng().random_range(0..=every.as_millis() as u64);
        ctx.set_timer(every + Duration::from_millis(jitter), Timer::Retry);
    }
}

impl Machine for LeaseNode {
    type Msg = Msg;
    type Timer = Timer;
    type Obs = Event;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        if let LeaseNode::Client { settings, .. } = self {
            Self::retry(ctx, settings.retry_every);
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: SocketAddr, msg: Msg) {
        match (self, msg) {
            (
                LeaseNode::Server {
                    settings,
                    busy_until,
                },
                Msg::Request,
            ) => {
                if ctx.now() >= *busy_until {
                    *busy_until = ctx.now() + settings.lease;
                    ctx.send(from, Msg::Grant);
                } else {
                    ctx.send(from, Msg::Busy);
                }
            }
            (
                LeaseNode::Client {
                    settings,
                    asked_at,
                    holding,
                    ..
                },
                Msg::Grant,
            ) if !*holding => {
                // The server counts the lease from when it granted, which is
                // after we asked: counting from `asked_at` is safe.
                let from_time = if settings.bug { ctx.now() } else { *asked_at };
                let left = (from_time + settings.lease).saturating_since(ctx.now());
                if left > Duration::ZERO {
                    *holding = true;
                    ctx.observe(Event::Acquired);
                    ctx.set_timer(left, Timer::Expire);
                    ctx.cancel_timer(Timer::Retry);
                }
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        let LeaseNode::Client {
            settings,
            server,
            asked_at,
            holding,
        } = self
        else {
            return;
        };
        match timer {
            Timer::Retry => {
                *asked_at = ctx.now();
                ctx.send(*server, Msg::Request);
                Self::retry(ctx, settings.retry_every);
            }
            Timer::Expire => {
                *holding = false;
                ctx.observe(Event::Released);
                Self::retry(ctx, settings.retry_every);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::testing::Harness;

    fn client(bug: bool) -> Harness<LeaseNode> {
        let settings = Settings {
            lease: Duration::from_millis(500),
            retry_every: Duration::from_millis(200),
            bug,
        };
        Harness::new(LeaseNode::Client {
            settings,
            server: sim::virtual_addr(0, 9000),
            asked_at: Time(0),
            holding: false,
        })
    }

    /// Asks, then gets the grant 100 ms later; returns when the lease ends.
    fn lease_ends_at(bug: bool) -> Time {
        let mut h = client(bug);
        h.start();
        let (retry_at, timer) = h.pending_timers()[0];
        assert_eq!(timer, Timer::Retry);
        h.advance(retry_at.saturating_since(h.now()));
        let (server, msg) = h.take_sent().pop().expect("a request");
        assert_eq!(msg, Msg::Request);
        let asked = h.now();
        h.advance(Duration::from_millis(100));
        h.deliver(server, Msg::Grant);
        assert_eq!(h.take_observations(), vec![Event::Acquired]);
        assert!(!h.has_timer(&Timer::Retry), "holding: no more requests");
        let (at, timer) = h.pending_timers()[0];
        assert_eq!(timer, Timer::Expire);
        Time(at.as_nanos() - asked.as_nanos())
    }

    #[test]
    fn a_lease_counts_from_the_request_and_the_bug_from_the_grant() {
        let lease = Duration::from_millis(500).as_nanos() as u64;
        let late = Duration::from_millis(100).as_nanos() as u64;
        // `pending_timers` gives absolute due times: subtracting the ask time
        // leaves how long after asking the lease ends.
        assert_eq!(lease_ends_at(false).as_nanos(), lease);
        assert_eq!(lease_ends_at(true).as_nanos(), lease + late);
    }
}
