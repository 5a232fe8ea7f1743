//! The provider: takes subscriptions, keeps a lease per subscriber, and
//! publishes a datagram of quotes every second while it has subscribers.

use super::codec::Msg;
use super::events::{Event, Rejection};
use super::node::{ForexNode, ForexTimer};
use super::price_model::PriceModel;
use super::records::Layout;
use sim::{Ctx, Time};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

/// Where a provider sends the quotes of a subscription.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Register {
    /// To the subscription datagram's own source address (the default): a
    /// forged subscription can only make the provider publish to the
    /// forger, and a subscriber behind a NAT is reached through it.
    #[default]
    Source,
    /// To the address written in the subscription (the course's protocol;
    /// anyone can then point the provider at a third party: a reflection
    /// amplifier on a public address). Only for trusted networks.
    Named,
}

/// How many subscriptions a provider takes. A renewal of a lease it holds
/// is always taken; a new subscription over a limit is refused (and
/// observed as a [`Rejection::SubscriptionRefused`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubscriptionLimits {
    /// Most subscribers at once (default 1024).
    pub max_subscribers: usize,
    /// Most subscribers at once on one IP address (default 16).
    pub per_host: usize,
    /// New subscriptions per second, with bursts of as many (default 64).
    pub new_per_second: u32,
}

impl Default for SubscriptionLimits {
    fn default() -> Self {
        SubscriptionLimits {
            max_subscribers: 1024,
            per_host: 16,
            new_per_second: 64,
        }
    }
}

/// How a provider behaves.
#[derive(Clone, Debug)]
pub struct ProviderConfig {
    /// Record layout of its datagrams.
    pub layout: Layout,
    /// How long a subscription lasts without renewal.
    pub lease: Duration,
    /// Time between datagrams.
    pub publish_every: Duration,
    /// Where quotes of a subscription go.
    pub register: Register,
    /// How many subscriptions it takes.
    pub limits: SubscriptionLimits,
}

impl Default for ProviderConfig {
    fn default() -> Self {
        ProviderConfig {
            layout: Layout::A,
            lease: Duration::from_secs(600),
            publish_every: Duration::from_secs(1),
            register: Register::default(),
            limits: SubscriptionLimits::default(),
        }
    }
}

/// The forex provider.
#[derive(Clone, Debug)]
pub struct Provider {
    config: ProviderConfig,
    model: PriceModel,
    /// Subscriber → when its lease was last (re)started.
    leases: BTreeMap<SocketAddr, Time>,
    publishing: bool,
    /// Rate limit of new subscriptions: credit in nanoseconds (each new
    /// subscription costs one interval), as of `credit_at`.
    credit_ns: u64,
    credit_at: Time,
}

impl Provider {
    /// A provider with no subscribers.
    pub fn new(config: ProviderConfig) -> Self {
        Provider {
            model: PriceModel::new(config.layout),
            config,
            leases: BTreeMap::new(),
            publishing: false,
            credit_ns: u64::MAX,
            credit_at: Time::ZERO,
        }
    }

    /// Whether `subscriber` holds a lease (that has not been found expired).
    pub fn has_lease(&self, subscriber: &SocketAddr) -> bool {
        self.leases.contains_key(subscriber)
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, ForexNode>, from: SocketAddr, msg: Msg) {
        match msg {
            Msg::Subscribe(addr) if addr.ip().is_unspecified() || addr.port() == 0 => {
                ctx.observe(Event::Rejected {
                    reason: Rejection::Unexpected("subscription for 0.0.0.0 or port 0"),
                })
            }
            Msg::Subscribe(addr) => {
                let subscriber = match self.config.register {
                    Register::Source => from,
                    Register::Named => SocketAddr::V4(addr),
                };
                let now = ctx.now();
                let held = self.leases.contains_key(&subscriber);
                if !held {
                    if let Err(limit) = self.admit(subscriber, now) {
                        return ctx.observe(Event::Rejected {
                            reason: Rejection::SubscriptionRefused { subscriber, limit },
                        });
                    }
                }
                let renewal = self
                    .leases
                    .insert(subscriber, now)
                    .is_some_and(|since| now - since < self.config.lease);
                ctx.observe(Event::Subscribed {
                    subscriber,
                    renewal,
                });
                if !self.publishing {
                    self.publishing = true;
                    self.publish(ctx);
                }
            }
            Msg::Quotes(_) => ctx.observe(Event::Rejected {
                reason: Rejection::Unexpected("quotes sent to a provider"),
            }),
        }
    }

    /// Whether a new subscription for `subscriber` fits the limits (and, if
    /// so, takes its share of the rate); the error names the limit.
    fn admit(&mut self, subscriber: SocketAddr, now: Time) -> Result<(), &'static str> {
        let limits = self.config.limits;
        if self.leases.len() >= limits.max_subscribers {
            return Err("the provider has its most subscribers");
        }
        let same_host = self
            .leases
            .keys()
            .filter(|a| a.ip() == subscriber.ip())
            .count();
        if same_host >= limits.per_host {
            return Err("its host has its most subscriptions");
        }
        let interval = 1_000_000_000 / u64::from(limits.new_per_second.max(1));
        let burst = interval.saturating_mul(u64::from(limits.new_per_second.max(1)));
        let elapsed = (now - self.credit_at).as_nanos();
        self.credit_ns = self
            .credit_ns
            .saturating_add(u64::try_from(elapsed).unwrap_or(u64::MAX))
            .min(burst);
        self.credit_at = now;
        if self.credit_ns < interval {
            return Err("too many new subscriptions per second");
        }
        self.credit_ns -= interval;
        Ok(())
    }

    pub(super) fn on_publish(&mut self, ctx: &mut Ctx<'_, ForexNode>) {
        self.publish(ctx);
    }

    fn publish(&mut self, ctx: &mut Ctx<'_, ForexNode>) {
        let now = ctx.now();
        let lease = self.config.lease;
        let expired: Vec<SocketAddr> = self
            .leases
            .iter()
            .filter(|(_, &since)| now - since >= lease)
            .map(|(a, _)| *a)
            .collect();
        for subscriber in expired {
            self.leases.remove(&subscriber);
            ctx.observe(Event::LeaseExpired { subscriber });
        }
        if self.leases.is_empty() {
            self.publishing = false;
            ctx.observe(Event::NoSubscribers);
            return;
        }
        let now_us = u64::try_from(ctx.wall_clock().as_micros()).unwrap_or(0);
        let tick = self.model.tick(ctx.rng(), now_us);
        for &subscriber in self.leases.keys() {
            ctx.send(subscriber, Msg::Quotes(tick.quotes.clone()));
        }
        ctx.observe(Event::Published {
            subscribers: self.leases.len(),
            quotes: tick.quotes.len(),
            out_of_order: tick.out_of_order,
            injected: tick.injected,
        });
        ctx.set_timer(self.config.publish_every, ForexTimer::Publish);
    }
}
