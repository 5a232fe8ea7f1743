//! `forex`: the course's publish/subscribe forex feed and arbitrage finder
//! (Lab 3), over UDP.
//!
//! A [`Provider`] takes 6-byte subscriptions (an IPv4 address and a
//! big-endian port), keeps a lease per
//! subscriber, and every second sends each one a datagram of 1–50 quote
//! records in layout A or B ([`records`]). Its prices follow the course's
//! model ([`price_model`]): reference rates on a random walk, ~10% of
//! datagrams with an old timestamp, 0–3 quotes left out and the rest
//! shuffled, and most of the time an injected arbitrage.
//!
//! A [`Subscriber`] subscribes and renews, keeps the latest quote per market
//! (ignoring older ones, per market), drops quotes 1.5 s after their
//! timestamp by its own clock, and runs Bellman-Ford from USD over the rate
//! graph ([`arbitrage`]) after every datagram, reporting a negative cycle as
//! the course printed it ([`events::render`]).
//!
//! UDP trust: by default a provider publishes to a subscription datagram's
//! own source address, not to the address written in it ([`Register`]: a
//! forged subscription cannot aim the feed at a third party), and limits
//! subscriptions in number, per host and per second ([`SubscriptionLimits`]);
//! a subscriber takes quotes only from the provider it subscribed to
//! (`quotes_from_any` relaxes that for NAT set-ups). Scenario parameters
//! `register_named`, `max_subscribers`, `max_per_host`, `subscribe_rate`
//! and `quotes_from_any` set these.
//!
//! Properties ([`properties`]) judge the subscriber against an independent
//! model of the quotes it was sent and a brute-force oracle ([`oracle`]):
//!
//! - `arbitrage-sound`: every reported route runs USD → … → USD, each step
//!   priced by the latest, fresh quote of its market, gaining more than
//!   `1 + tolerance`;
//! - `arbitrage-complete`: after every datagram, if the oracle finds a cycle
//!   reachable from USD that Bellman-Ford must detect (every injected
//!   arbitrage that arrived fresh and not superseded is one), one was reported;
//! - `lease-kept`: no lease lapses while its subscriber and the provider run
//!   undisturbed by faults (it renews 20 times per lease);
//! - `subscribers-served` (liveness): after the last fault every subscriber
//!   holds a lease and receives datagrams.
//!
//! Scenario parameters are [`ScenarioParams`] (node 0 is the provider, the
//! others subscribe); `bug` plants `sequence-per-datagram` or `no-staleness`
//! in the subscribers, which a seed sweep catches. On real sockets:
//! `dsim forex provider` and `dsim forex subscribe --provider HOST:PORT`.

pub mod arbitrage;
mod build;
pub mod codec;
pub mod events;
mod node;
pub mod oracle;
pub mod price_model;
pub mod properties;
mod provider;
pub mod records;
mod subscriber;

pub use build::{
    node_count, ForexProtocol, ScenarioParams, DEFAULT_NODES, MIN_PERIOD, PROVIDER_PORT,
    SUBSCRIBER_PORT,
};
pub use codec::{ForexCodec, Msg};
pub use events::{render, Event, Rejection};
pub use node::{ForexNode, ForexTimer};
pub use provider::{Provider, ProviderConfig, Register, SubscriptionLimits};
pub use records::{Currency, Layout, Market, Quote};
pub use subscriber::{
    is_stale, Bug, Subscriber, SubscriberConfig, SubscriberCounters, RENEWALS_PER_LEASE,
};

#[cfg(test)]
mod tests;
