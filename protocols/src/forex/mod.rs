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
pub mod codec;
pub mod events;
mod node;
pub mod oracle;
pub mod price_model;
pub mod properties;
mod provider;
pub mod records;
mod subscriber;

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
use properties::Settings;
use serde::Deserialize;
use sim::{ClusterInfo, Codec, Dur, NodeSpec, Property, Protocol};
use std::net::SocketAddr;

/// The port simulated providers listen on (the course's default).
pub const PROVIDER_PORT: u16 = 50403;
/// The port simulated subscribers listen on.
pub const SUBSCRIBER_PORT: u16 = 50404;
/// Shortest period a scenario may give a lease, renewal, silence, expiry or
/// publishing interval (1 ms): shorter ones only burn the event budget.
pub const MIN_PERIOD: std::time::Duration = std::time::Duration::from_millis(1);
/// Nodes in a scenario that does not say: a provider and one subscriber.
pub const DEFAULT_NODES: usize = 2;

/// Scenario parameters of `forex` (`params` in a scenario file).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioParams {
    /// Quote record layout: `"a"` (f19–f22) or `"b"` (f23/f24).
    #[serde(default)]
    pub layout: Layout,
    /// Subscription lease (default 600 s).
    #[serde(default = "default_lease")]
    pub lease: Dur,
    /// Time between renewals (default a twentieth of the lease).
    #[serde(default)]
    pub renew_every: Option<Dur>,
    /// Resubscribe after this long without a datagram (default 3 s).
    #[serde(default = "default_silence")]
    pub silence: Dur,
    /// Time between datagrams (default 1 s).
    #[serde(default = "default_publish_every")]
    pub publish_every: Dur,
    /// A quote expires this long after its timestamp (default 1.5 s).
    #[serde(default = "default_expiry")]
    pub expiry: Dur,
    /// Bellman-Ford's tolerance (default 1e-9).
    #[serde(default = "default_tolerance")]
    pub tolerance: f64,
    /// Datagrams stamped further ahead than this are rejected (default 60 s).
    #[serde(default = "default_future_limit")]
    pub future_limit: Dur,
    /// A planted subscriber bug: `none`, `sequence-per-datagram`, `no-staleness`.
    #[serde(default)]
    pub bug: Bug,
    /// Render every quote, out-of-sequence and stale line (default: only
    /// subscriptions, leases, arbitrages and rejections).
    #[serde(default)]
    pub print_quotes: bool,
    /// How long after the last fault every subscriber must be served (default 10 s).
    #[serde(default = "default_served_within")]
    pub served_within: Dur,
    /// Provider: publish to the address written in a subscription, not to
    /// its source (the course's protocol; trusted networks only).
    #[serde(default)]
    pub register_named: bool,
    /// Provider: most subscribers at once (default 1024, at most 1,000,000).
    #[serde(default = "default_max_subscribers")]
    pub max_subscribers: usize,
    /// Provider: most subscribers on one host (default 16).
    #[serde(default = "default_max_per_host")]
    pub max_per_host: usize,
    /// Provider: new subscriptions per second (default 64, at least 1).
    #[serde(default = "default_subscribe_rate")]
    pub subscribe_rate: u32,
    /// Subscribers: take quotes from any address, not only the provider's.
    #[serde(default)]
    pub quotes_from_any: bool,
}

fn default_max_subscribers() -> usize {
    SubscriptionLimits::default().max_subscribers
}
fn default_max_per_host() -> usize {
    SubscriptionLimits::default().per_host
}
fn default_subscribe_rate() -> u32 {
    SubscriptionLimits::default().new_per_second
}

fn default_lease() -> Dur {
    Dur::secs(600)
}
fn default_silence() -> Dur {
    Dur::secs(3)
}
fn default_publish_every() -> Dur {
    Dur::secs(1)
}
fn default_expiry() -> Dur {
    Dur::ms(1500)
}
fn default_tolerance() -> f64 {
    1e-9
}
fn default_future_limit() -> Dur {
    Dur::secs(60)
}
fn default_served_within() -> Dur {
    Dur::secs(10)
}

impl ScenarioParams {
    /// Checks values a type cannot; the error names the parameter.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.tolerance.is_finite() && self.tolerance >= 0.0) {
            return Err(format!(
                "params.tolerance: {} must be a non-negative number",
                self.tolerance
            ));
        }
        for (name, d) in [
            ("lease", self.lease),
            ("silence", self.silence),
            ("publish_every", self.publish_every),
            ("expiry", self.expiry),
        ] {
            if d.0 < MIN_PERIOD {
                return Err(format!(
                    "params.{name}: {d} is shorter than the shortest allowed, {}",
                    Dur(MIN_PERIOD)
                ));
            }
        }
        if self.subscribe_rate == 0 || self.max_subscribers > 1_000_000 {
            return Err(
                "params.subscribe_rate/max_subscribers: the rate must be at least 1 per second and at most 1000000 subscribers"
                    .to_string(),
            );
        }
        if let Some(r) = self.renew_every {
            if r.0 < MIN_PERIOD || r >= self.lease {
                return Err(format!(
                    "params.renew_every: {r} must be above 0s and shorter than the lease ({})",
                    self.lease
                ));
            }
        }
        Ok(())
    }

    /// The provider's configuration.
    pub fn provider(&self) -> ProviderConfig {
        ProviderConfig {
            layout: self.layout,
            lease: self.lease.0,
            publish_every: self.publish_every.0,
            register: if self.register_named {
                Register::Named
            } else {
                Register::Source
            },
            limits: SubscriptionLimits {
                max_subscribers: self.max_subscribers,
                per_host: self.max_per_host,
                new_per_second: self.subscribe_rate,
            },
        }
    }

    /// A subscriber's configuration, subscribing to `provider`.
    pub fn subscriber(&self, provider: SocketAddr) -> SubscriberConfig {
        let mut c = SubscriberConfig::new(provider, self.lease.0);
        if let Some(r) = self.renew_every {
            c.renew_every = r.0;
        }
        c.silence = self.silence.0;
        c.expiry = self.expiry.0;
        c.tolerance = self.tolerance;
        c.future_limit = self.future_limit.0;
        c.bug = self.bug;
        c.quotes_from_any = self.quotes_from_any;
        c
    }
}

/// The node count of a scenario asking for `requested` (default
/// [`DEFAULT_NODES`]): a provider and at least one subscriber.
pub fn node_count(requested: Option<usize>) -> Result<usize, String> {
    match requested.unwrap_or(DEFAULT_NODES) {
        nodes @ 0..=1 => Err(format!(
            "nodes: forex needs a provider and at least one subscriber (2 nodes), got {nodes}"
        )),
        nodes => Ok(nodes),
    }
}

/// The forex description: node 0 is the provider, nodes 1.. subscribers.
/// Properties: `arbitrage-sound`, `arbitrage-complete`, `lease-kept`
/// (always) and `subscribers-served` (eventually), all over node states.
#[derive(Clone, Copy, Debug, Default)]
pub struct ForexProtocol;

impl Protocol for ForexProtocol {
    type Machine = ForexNode;
    type Params = ScenarioParams;

    fn name(&self) -> &'static str {
        "forex"
    }
    fn about(&self) -> &'static str {
        "forex quotes published over UDP; subscribers look for arbitrage (node 0 provides)"
    }
    fn nodes(
        &self,
        params: &ScenarioParams,
        nodes: Option<usize>,
    ) -> Result<Vec<NodeSpec<ForexNode>>, String> {
        params.validate()?;
        let nodes = node_count(nodes)?;
        let provider = params.provider();
        let mut specs = vec![NodeSpec::new("provider", PROVIDER_PORT, move |_, _| {
            ForexNode::Provider(Provider::new(provider.clone()))
        })];
        for i in 1..nodes {
            let params = params.clone();
            specs.push(NodeSpec::new(
                format!("subscriber {i}"),
                SUBSCRIBER_PORT,
                move |_, book: &[SocketAddr]| {
                    ForexNode::Subscriber(Subscriber::new(params.subscriber(book[0])))
                },
            ));
        }
        Ok(specs)
    }
    fn codec(&self, params: &ScenarioParams) -> Box<dyn Codec<Msg = Msg> + Send + Sync> {
        Box::new(ForexCodec::new(params.layout))
    }
    fn properties(&self, params: &ScenarioParams, _: &ClusterInfo<'_>) -> Vec<Property<ForexNode>> {
        let settings = Settings {
            expiry: params.expiry.0,
            tolerance: params.tolerance,
            provider: 0,
            lease: params.lease.0,
            silence: params.silence.0,
        };
        vec![
            properties::soundness(settings),
            properties::completeness(settings),
            properties::lease_kept(settings),
            properties::subscribers_served(settings, params.served_within.0),
        ]
    }
    fn render(&self, params: &ScenarioParams, obs: &Event) -> String {
        render(obs, params.print_quotes)
    }
    fn scenarios(&self) -> &'static [sim::NamedScenario] {
        crate::named::named("forex")
    }
}
