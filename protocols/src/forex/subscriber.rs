//! The subscriber: subscribes and renews, keeps the latest fresh quote per
//! market, and looks for arbitrage with Bellman-Ford after every datagram.

use super::arbitrage::RateGraph;
use super::codec::Msg;
use super::events::{Event, Rejection};
use super::node::{ForexNode, ForexTimer};
use super::records::{Currency, Market, Quote};
use serde::{Deserialize, Serialize};
use sim::{Ctx, Time};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

/// A deliberately wrong subscriber, to show the properties catch it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bug {
    /// The correct subscriber.
    #[default]
    None,
    /// Sequence check per datagram (by its first quote's timestamp) instead
    /// of per market: a datagram older than the last one is dropped whole,
    /// fresh quotes and all.
    SequencePerDatagram,
    /// Quotes never expire.
    NoStaleness,
}

/// Renewals sent per lease by default: a lease only lapses if all of them
/// are lost (at 45% loss, one chance in ten million).
pub const RENEWALS_PER_LEASE: u32 = 20;

/// How a subscriber behaves.
#[derive(Clone, Debug)]
pub struct SubscriberConfig {
    /// Where to subscribe.
    pub provider: SocketAddr,
    /// Time between renewals (well inside the provider's lease).
    pub renew_every: Duration,
    /// Resubscribe when no datagram arrived for this long (e.g. the provider
    /// restarted); until the first datagram, resubscribe every third of it.
    pub silence: Duration,
    /// A quote expires this long after its timestamp (by this node's clock).
    pub expiry: Duration,
    /// Bellman-Ford's tolerance.
    pub tolerance: f64,
    /// Datagrams stamped further ahead of this node's clock are rejected.
    pub future_limit: Duration,
    /// A planted bug, or none.
    pub bug: Bug,
    /// Take quotes from any source address, not only from `provider` (for a
    /// provider behind a NAT or with several addresses). Off by default: a
    /// forged datagram from elsewhere is rejected as
    /// [`Rejection::ForeignSource`].
    pub quotes_from_any: bool,
}

impl SubscriberConfig {
    /// The course's settings for a provider at `provider` with leases of `lease`.
    pub fn new(provider: SocketAddr, lease: Duration) -> Self {
        SubscriberConfig {
            provider,
            renew_every: (lease / RENEWALS_PER_LEASE).max(Duration::from_millis(100)),
            silence: Duration::from_secs(3),
            expiry: Duration::from_millis(1500),
            tolerance: 1e-9,
            future_limit: Duration::from_secs(60),
            bug: Bug::None,
            quotes_from_any: false,
        }
    }
}

/// What a subscriber counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SubscriberCounters {
    /// Quote datagrams taken in.
    pub datagrams: u64,
    /// Quotes accepted.
    pub accepted: u64,
    /// Quotes ignored as out of sequence.
    pub out_of_sequence: u64,
    /// Quotes expired.
    pub stale: u64,
    /// Datagrams rejected, by kind of reason.
    pub rejected: BTreeMap<&'static str, u64>,
    /// Arbitrages reported.
    pub arbitrages: u64,
    /// Subscriptions and renewals sent.
    pub subscriptions: u64,
}

/// The forex subscriber.
#[derive(Clone, Debug)]
pub struct Subscriber {
    config: SubscriberConfig,
    /// Latest timestamp seen per market (kept after the quote expires).
    latest: BTreeMap<Market, u64>,
    /// The quotes in force.
    fresh: BTreeMap<Market, Quote>,
    /// First timestamp of the last datagram taken (only the planted bug uses it).
    last_datagram_ts: Option<u64>,
    last_datagram_at: Option<Time>,
    counters: SubscriberCounters,
}

impl Subscriber {
    /// A subscriber that has not subscribed yet.
    pub fn new(config: SubscriberConfig) -> Self {
        Subscriber {
            config,
            latest: BTreeMap::new(),
            fresh: BTreeMap::new(),
            last_datagram_ts: None,
            last_datagram_at: None,
            counters: SubscriberCounters::default(),
        }
    }

    /// The quotes in force, by market.
    pub fn fresh_quotes(&self) -> &BTreeMap<Market, Quote> {
        &self.fresh
    }

    /// When the last quote datagram arrived.
    pub fn last_datagram_at(&self) -> Option<Time> {
        self.last_datagram_at
    }

    /// What it counted.
    pub fn counters(&self) -> &SubscriberCounters {
        &self.counters
    }

    /// How often the silence watchdog looks (a third of the silence timeout).
    fn watchdog_every(&self) -> Duration {
        (self.config.silence / 3).max(Duration::from_millis(100))
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, ForexNode>) {
        ctx.observe(Event::Started);
        self.subscribe(ctx);
        ctx.set_timer(self.config.renew_every, ForexTimer::Renew);
        ctx.set_timer(self.watchdog_every(), ForexTimer::Watchdog);
    }

    pub(super) fn on_renew(&mut self, ctx: &mut Ctx<'_, ForexNode>) {
        self.subscribe(ctx);
        ctx.set_timer(self.config.renew_every, ForexTimer::Renew);
    }

    pub(super) fn on_watchdog(&mut self, ctx: &mut Ctx<'_, ForexNode>) {
        // Until the first datagram, every look resubscribes (the first
        // subscription may have been lost); after that, only a silence does.
        let quiet = self
            .last_datagram_at
            .is_none_or(|t| ctx.now() - t >= self.config.silence);
        if quiet {
            self.subscribe(ctx);
        }
        ctx.set_timer(self.watchdog_every(), ForexTimer::Watchdog);
    }

    fn subscribe(&mut self, ctx: &mut Ctx<'_, ForexNode>) {
        match ctx.me() {
            SocketAddr::V4(me) => {
                self.counters.subscriptions += 1;
                ctx.send(self.config.provider, Msg::Subscribe(me));
                ctx.observe(Event::SubscriptionSent {
                    provider: self.config.provider,
                });
            }
            me => self.reject(ctx, Rejection::CannotSubscribe(me)),
        }
    }

    fn reject(&mut self, ctx: &mut Ctx<'_, ForexNode>, reason: Rejection) {
        *self.counters.rejected.entry(reason.kind()).or_default() += 1;
        ctx.observe(Event::Rejected { reason });
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, ForexNode>, from: SocketAddr, msg: Msg) {
        let provider = self.config.provider;
        match msg {
            Msg::Quotes(_) if from != provider && !self.config.quotes_from_any => {
                self.reject(ctx, Rejection::ForeignSource { from, provider })
            }
            Msg::Quotes(quotes) => self.on_quotes(ctx, quotes),
            Msg::Subscribe(_) => self.reject(
                ctx,
                Rejection::Unexpected("subscription sent to a subscriber"),
            ),
        }
    }

    fn on_quotes(&mut self, ctx: &mut Ctx<'_, ForexNode>, quotes: Vec<Quote>) {
        let now_us = ctx.wall_clock().as_micros();
        let limit_us = now_us.saturating_add(self.config.future_limit.as_micros() as i64);
        if let Some(q) = quotes
            .iter()
            .find(|q| i128::from(q.timestamp_us) > i128::from(limit_us))
        {
            let reason = Rejection::FutureTimestamp {
                timestamp_us: q.timestamp_us,
                now_us,
            };
            return self.reject(ctx, reason);
        }
        self.counters.datagrams += 1;
        self.last_datagram_at = Some(ctx.now());
        let take_all = match self.config.bug {
            Bug::SequencePerDatagram => {
                let first = quotes.first().map_or(0, |q| q.timestamp_us);
                let newer = self.last_datagram_ts.is_none_or(|last| first >= last);
                if newer {
                    self.last_datagram_ts = Some(first);
                }
                Some(newer)
            }
            _ => None,
        };
        for q in quotes {
            let accepted = take_all.unwrap_or_else(|| {
                self.latest
                    .get(&q.market)
                    .is_none_or(|&latest| q.timestamp_us > latest)
            });
            if accepted {
                self.latest.insert(q.market, q.timestamp_us);
                self.fresh.insert(q.market, q);
                self.counters.accepted += 1;
            } else {
                self.counters.out_of_sequence += 1;
            }
            ctx.observe(Event::Quote { quote: q, accepted });
        }
        if self.config.bug != Bug::NoStaleness {
            self.remove_stale(ctx, now_us);
        }
        let graph = RateGraph::new(self.fresh.values());
        if let Some(route) = graph.find_arbitrage(Currency::USD, self.config.tolerance) {
            self.counters.arbitrages += 1;
            ctx.observe(Event::Arbitrage { route });
        }
    }

    fn remove_stale(&mut self, ctx: &mut Ctx<'_, ForexNode>, now_us: i64) {
        let expiry_us = self.config.expiry.as_micros() as i64;
        let stale: Vec<Market> = self
            .fresh
            .values()
            .filter(|q| is_stale(q, now_us, expiry_us))
            .map(|q| q.market)
            .collect();
        for market in stale {
            self.fresh.remove(&market);
            self.counters.stale += 1;
            ctx.observe(Event::StaleRemoved { market });
        }
    }
}

/// Whether `q` has expired at `now_us`: more than `expiry_us` after its timestamp.
pub fn is_stale(q: &Quote, now_us: i64, expiry_us: i64) -> bool {
    i128::from(now_us) - i128::from(q.timestamp_us) > i128::from(expiry_us)
}
