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

/// How a provider behaves.
#[derive(Clone, Debug)]
pub struct ProviderConfig {
    /// Record layout of its datagrams.
    pub layout: Layout,
    /// How long a subscription lasts without renewal.
    pub lease: Duration,
    /// Time between datagrams.
    pub publish_every: Duration,
}

impl Default for ProviderConfig {
    fn default() -> Self {
        ProviderConfig {
            layout: Layout::A,
            lease: Duration::from_secs(600),
            publish_every: Duration::from_secs(1),
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
}

impl Provider {
    /// A provider with no subscribers.
    pub fn new(config: ProviderConfig) -> Self {
        Provider {
            model: PriceModel::new(config.layout),
            config,
            leases: BTreeMap::new(),
            publishing: false,
        }
    }

    /// Whether `subscriber` holds a lease (that has not been found expired).
    pub fn has_lease(&self, subscriber: &SocketAddr) -> bool {
        self.leases.contains_key(subscriber)
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, ForexNode>, msg: Msg) {
        match msg {
            Msg::Subscribe(addr) if addr.ip().is_unspecified() || addr.port() == 0 => {
                ctx.observe(Event::Rejected {
                    reason: Rejection::Unexpected("subscription for 0.0.0.0 or port 0"),
                })
            }
            Msg::Subscribe(addr) => {
                let subscriber = SocketAddr::V4(addr);
                let now = ctx.now();
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
