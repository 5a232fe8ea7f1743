//! The provider and subscriber machines driven by hand, one entry point at a
//! time, with the clocks set by the test.

use super::*;
use sim::Time;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::time::Duration;

const EPOCH_US: i64 = 1_700_000_000_000_000;

/// A forex node driven through `sim::testing::Harness`, one entry point at
/// a time, with what each call did returned as an [`Out`].
struct Harness {
    h: sim::testing::Harness<ForexNode>,
}

/// What one entry point did.
#[derive(Default)]
struct Out {
    sent: Vec<(SocketAddr, Msg)>,
    timers: Vec<(Duration, ForexTimer)>,
    events: Vec<Event>,
}

impl Harness {
    fn new(node: ForexNode, me: SocketAddr) -> Self {
        Harness {
            h: sim::testing::Harness::at(node, me, 1),
        }
    }

    fn wall_us(&self) -> i64 {
        self.h.wall_clock().as_micros()
    }

    fn out(&mut self) -> Out {
        Out {
            sent: self.h.take_sent(),
            timers: self.h.take_timers_set(),
            events: self.h.take_observations(),
        }
    }

    fn at(&mut self, secs: f64) -> &mut Self {
        self.h
            .set_time(Time::from_duration(Duration::from_secs_f64(secs)));
        self
    }

    fn skew_us(&mut self, skew_us: i64) -> &mut Self {
        self.h.set_wall_skew(skew_us * 1000);
        self
    }

    fn start(&mut self) -> Out {
        self.h.start();
        self.out()
    }

    /// Delivers `msg` from where it would come: a subscription from the
    /// address it names, quotes from the provider.
    fn deliver(&mut self, msg: Msg) -> Out {
        let from = match &msg {
            Msg::Subscribe(a) => SocketAddr::V4(*a),
            Msg::Quotes(_) => provider_addr(),
        };
        self.deliver_from(from, msg)
    }

    fn deliver_from(&mut self, from: SocketAddr, msg: Msg) -> Out {
        self.h.deliver(from, msg);
        self.out()
    }

    fn fire(&mut self, timer: ForexTimer) -> Out {
        self.h.fire(timer);
        self.out()
    }

    fn subscriber(&self) -> &Subscriber {
        self.h.machine().as_subscriber().unwrap()
    }
}

fn provider_addr() -> SocketAddr {
    SocketAddr::from(([10, 0, 0, 1], 50403))
}

fn subscriber(bug: Bug) -> Harness {
    let mut config = SubscriberConfig::new(provider_addr(), Duration::from_secs(600));
    config.bug = bug;
    let me = SocketAddr::from(([10, 0, 0, 2], 50404));
    Harness::new(ForexNode::Subscriber(Subscriber::new(config)), me)
}

/// A quote stamped `age` seconds before the harness's wall clock.
fn quote(h: &Harness, market: (Currency, Currency), rate: f64, age: f64) -> Quote {
    Quote {
        market: Market::new(market.0, market.1),
        rate,
        timestamp_us: (h.wall_us() - (age * 1e6) as i64) as u64,
    }
}

const EUR_USD: (Currency, Currency) = (Currency::EUR, Currency::USD);
const USD_GBP: (Currency, Currency) = (Currency::USD, Currency::GBP);
const EUR_GBP: (Currency, Currency) = (Currency::EUR, Currency::GBP);

fn accepted(out: &Out) -> Vec<bool> {
    out.events
        .iter()
        .filter_map(|e| match e {
            Event::Quote { accepted, .. } => Some(*accepted),
            _ => None,
        })
        .collect()
}

fn arbitrage(out: &Out) -> Option<&arbitrage::Route> {
    out.events.iter().find_map(|e| match e {
        Event::Arbitrage { route } => Some(route),
        _ => None,
    })
}

#[test]
fn subscriber_subscribes_with_its_own_address_and_renews() {
    let mut h = subscriber(Bug::None);
    let out = h.start();
    let me = SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 2), 50404);
    assert_eq!(out.sent, vec![(provider_addr(), Msg::Subscribe(me))]);
    assert!(out
        .timers
        .contains(&(Duration::from_secs(30), ForexTimer::Renew)));
    let out = h.at(30.0).fire(ForexTimer::Renew);
    assert_eq!(out.sent, vec![(provider_addr(), Msg::Subscribe(me))]);
    assert_eq!(h.subscriber().counters().subscriptions, 2);
}

#[test]
fn watchdog_resubscribes_until_served_then_only_after_silence() {
    let mut h = subscriber(Bug::None);
    h.start();
    assert_eq!(h.at(1.0).fire(ForexTimer::Watchdog).sent.len(), 1);
    let q = quote(&h, EUR_USD, 1.1, 0.0);
    h.deliver(Msg::Quotes(vec![q]));
    assert!(h.at(2.0).fire(ForexTimer::Watchdog).sent.is_empty());
    assert!(h.at(3.9).fire(ForexTimer::Watchdog).sent.is_empty());
    assert_eq!(h.at(4.0).fire(ForexTimer::Watchdog).sent.len(), 1);
}

#[test]
fn sequence_is_checked_per_market() {
    let mut h = subscriber(Bug::None);
    h.at(10.0);
    let newer = quote(&h, EUR_USD, 1.1, 0.2);
    let out = h.deliver(Msg::Quotes(vec![newer]));
    assert_eq!(accepted(&out), [true]);
    // An older EUR/USD is out of sequence; a GBP quote just as old is not.
    let older = quote(&h, EUR_USD, 1.2, 0.4);
    let gbp = quote(&h, USD_GBP, 0.8, 0.4);
    let out = h.deliver(Msg::Quotes(vec![older, gbp]));
    assert_eq!(accepted(&out), [false, true]);
    assert_eq!(h.subscriber().fresh_quotes()[&newer.market], newer);
    assert_eq!(h.subscriber().counters().out_of_sequence, 1);
    assert!(render(&out.events[0], true).ends_with("\nignoring out-of-sequence message"));
    assert_eq!(render(&out.events[0], false), "");
}

#[test]
fn the_planted_per_datagram_check_drops_fresh_quotes_with_old_ones() {
    let mut h = subscriber(Bug::SequencePerDatagram);
    h.at(10.0);
    h.deliver(Msg::Quotes(vec![quote(&h, EUR_USD, 1.1, 0.2)]));
    let out = h.deliver(Msg::Quotes(vec![
        quote(&h, EUR_USD, 1.2, 0.4),
        quote(&h, USD_GBP, 0.8, 0.0),
    ]));
    assert_eq!(accepted(&out), [false, false]);
}

#[test]
fn quotes_expire_after_1_5_seconds_by_the_subscribers_clock() {
    let mut h = subscriber(Bug::None);
    h.at(10.0);
    let q = quote(&h, EUR_USD, 1.1, 0.0);
    h.deliver(Msg::Quotes(vec![q]));
    h.at(11.5);
    let out = h.deliver(Msg::Quotes(vec![quote(&h, USD_GBP, 0.8, 0.0)]));
    assert!(!out
        .events
        .iter()
        .any(|e| matches!(e, Event::StaleRemoved { .. })));
    h.at(11.6);
    let out = h.deliver(Msg::Quotes(vec![quote(&h, USD_GBP, 0.8, 0.0)]));
    let removed: Vec<String> = out
        .events
        .iter()
        .filter(|e| matches!(e, Event::StaleRemoved { .. }))
        .map(|e| render(e, true))
        .collect();
    assert_eq!(removed, ["removing stale quote for ('EUR', 'USD')"]);
    assert!(!h.subscriber().fresh_quotes().contains_key(&q.market));
    // A quote priced at 10 s arrives at 10.6 s: fresh by a true clock,
    // stale by a clock running a second fast.
    let priced = Quote {
        timestamp_us: (EPOCH_US + 10_000_000) as u64,
        ..q
    };
    for (skew_us, stale) in [(0, false), (1_000_000, true)] {
        let mut h = subscriber(Bug::None);
        h.at(10.6).skew_us(skew_us);
        let out = h.deliver(Msg::Quotes(vec![priced]));
        let removed = out
            .events
            .iter()
            .any(|e| matches!(e, Event::StaleRemoved { .. }));
        assert_eq!(removed, stale, "skew {skew_us} µs");
    }
}

#[test]
fn a_three_way_cross_is_reported_in_the_course_format() {
    let mut h = subscriber(Bug::None);
    h.at(10.0);
    let out = h.deliver(Msg::Quotes(vec![
        quote(&h, EUR_USD, 2.0, 0.0),
        quote(&h, USD_GBP, 0.25, 0.0),
        quote(&h, EUR_GBP, 0.55, 0.0),
    ]));
    let route = arbitrage(&out).expect("an arbitrage");
    let text = events::arbitrage_lines(route);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "ARBITRAGE:");
    assert_eq!(lines[1], "\tstart with USD 100");
    assert_eq!(lines[2], "\texchange USD for EUR at 0.5 --> EUR 50");
    assert_eq!(
        lines[3],
        "\texchange EUR for GBP at 0.55 --> GBP 27.500000000000004"
    );
    assert!(
        lines[4].starts_with("\texchange GBP for USD at 4 --> USD 110.0000"),
        "{}",
        lines[4]
    );
    assert!(lines[5].starts_with("\tprofit USD 10.0000"), "{}", lines[5]);
    assert_eq!(h.subscriber().counters().arbitrages, 1);
}

#[test]
fn datagrams_from_far_in_the_future_are_rejected_and_counted() {
    let mut h = subscriber(Bug::None);
    h.at(10.0);
    let out = h.deliver(Msg::Quotes(vec![
        quote(&h, EUR_USD, 2.0, 0.0),
        quote(&h, USD_GBP, 0.5, -61.0),
    ]));
    assert!(accepted(&out).is_empty());
    let Some(Event::Rejected { reason }) = out.events.first() else {
        panic!("{:?}", out.events)
    };
    assert_eq!(reason.kind(), "future-timestamp");
    assert!(render(&out.events[0], false).contains("61.000 s in the future"));
    assert_eq!(h.subscriber().counters().rejected["future-timestamp"], 1);
    assert_eq!(h.subscriber().counters().datagrams, 0);
    // The largest timestamp the wire can carry is rejected too, and printable.
    let mut last = quote(&h, EUR_USD, 2.0, 0.0);
    last.timestamp_us = u64::MAX;
    let out = h.deliver(Msg::Quotes(vec![last]));
    assert!(render(&out.events[0], false).starts_with("rejected datagram: quote stamped 586524-"));
    assert_eq!(h.subscriber().counters().rejected["future-timestamp"], 2);
    // A second ahead (a skewed provider) is fine.
    let out = h.deliver(Msg::Quotes(vec![quote(&h, USD_GBP, 0.5, -1.0)]));
    assert_eq!(accepted(&out), [true]);
}

fn provider(lease: u64) -> Harness {
    let config = ProviderConfig {
        lease: Duration::from_secs(lease),
        ..ProviderConfig::default()
    };
    Harness::new(ForexNode::Provider(Provider::new(config)), provider_addr())
}

#[test]
fn provider_publishes_to_the_address_in_the_subscription() {
    let mut p = provider(19);
    assert!(p.start().sent.is_empty());
    let target = SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 7), 4242);
    let out = p.deliver(Msg::Subscribe(target));
    assert_eq!(out.sent.len(), 1);
    assert_eq!(out.sent[0].0, SocketAddr::V4(target));
    let Msg::Quotes(quotes) = &out.sent[0].1 else {
        panic!("{:?}", out.sent)
    };
    assert!((1..=records::MAX_RECORDS).contains(&quotes.len()));
    assert_eq!(out.timers, [(Duration::from_secs(1), ForexTimer::Publish)]);
    assert_eq!(
        render(&out.events[0], false),
        "registering subscription for ('10.0.0.7', 4242)"
    );
    // 0.0.0.0 cannot be published to.
    let out = p.deliver(Msg::Subscribe(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 9)));
    assert!(out.sent.is_empty());
    assert!(matches!(out.events[..], [Event::Rejected { .. }]));
}

#[test]
fn leases_expire_unless_renewed_and_publishing_stops() {
    let mut p = provider(19);
    let a = SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 2), 1);
    let b = SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 3), 1);
    p.deliver(Msg::Subscribe(a));
    p.deliver(Msg::Subscribe(b));
    let out = p.at(10.0).deliver(Msg::Subscribe(b));
    assert_eq!(
        out.events,
        [Event::Subscribed {
            subscriber: SocketAddr::V4(b),
            renewal: true
        }]
    );
    let out = p.at(18.9).fire(ForexTimer::Publish);
    assert_eq!(out.sent.len(), 2);
    let out = p.at(19.0).fire(ForexTimer::Publish);
    assert_eq!(out.sent.len(), 1, "a's lease ended");
    assert_eq!(out.sent[0].0, SocketAddr::V4(b));
    assert!(out.events.contains(&Event::LeaseExpired {
        subscriber: SocketAddr::V4(a)
    }));
    let out = p.at(29.0).fire(ForexTimer::Publish);
    assert!(out.sent.is_empty() && out.timers.is_empty());
    assert!(out.events.contains(&Event::NoSubscribers));
    // A new subscription starts publishing again at once.
    assert_eq!(p.at(40.0).deliver(Msg::Subscribe(a)).sent.len(), 1);
}

fn rejected(out: &Out) -> Vec<&'static str> {
    out.events
        .iter()
        .filter_map(|e| match e {
            Event::Rejected { reason } => Some(reason.kind()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_forged_quote_from_another_port_is_ignored() {
    let mut h = subscriber(Bug::None);
    h.start();
    // The forgery: USD/USD at 2.0 (an "arbitrage" of its own), from
    // the provider's host but another port.
    let forged = Quote {
        market: Market::new(Currency::USD, Currency::USD),
        rate: 2.0,
        timestamp_us: h.wall_us() as u64,
    };
    let forger = SocketAddr::from(([10, 0, 0, 1], 50999));
    let out = h.deliver_from(forger, Msg::Quotes(vec![forged]));
    assert_eq!(rejected(&out), ["foreign-source"]);
    assert!(accepted(&out).is_empty() && arbitrage(&out).is_none());
    assert!(h.subscriber().fresh_quotes().is_empty());
    assert_eq!(h.subscriber().counters().rejected["foreign-source"], 1);
    // The real provider's quotes are taken.
    let out = h.deliver(Msg::Quotes(vec![quote(&h, EUR_USD, 1.1, 0.0)]));
    assert_eq!(accepted(&out), [true]);
    // Relaxed (NAT): anyone's quotes are taken.
    let mut config = SubscriberConfig::new(provider_addr(), Duration::from_secs(600));
    config.quotes_from_any = true;
    let mut h = Harness::new(
        ForexNode::Subscriber(Subscriber::new(config)),
        SocketAddr::from(([10, 0, 0, 2], 50404)),
    );
    let out = h.deliver_from(forger, Msg::Quotes(vec![quote(&h, EUR_USD, 1.1, 0.0)]));
    assert_eq!(accepted(&out), [true]);
}

#[test]
fn a_subscription_is_registered_at_its_source_not_at_the_address_it_names() {
    let mut p = provider(600);
    let victim = SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 7), 53);
    let sender = SocketAddr::from(([10, 0, 0, 9], 4000));
    let out = p.deliver_from(sender, Msg::Subscribe(victim));
    assert_eq!(out.sent.len(), 1);
    assert_eq!(
        out.sent[0].0, sender,
        "quotes go to the sender, never to the victim"
    );
    // Told otherwise (the course's protocol), the named address is used.
    let config = ProviderConfig {
        register: Register::Named,
        ..ProviderConfig::default()
    };
    let mut p = Harness::new(ForexNode::Provider(Provider::new(config)), provider_addr());
    let out = p.deliver_from(sender, Msg::Subscribe(victim));
    assert_eq!(out.sent[0].0, SocketAddr::V4(victim));
}

fn subscribed(out: &Out) -> usize {
    out.events
        .iter()
        .filter(|e| matches!(e, Event::Subscribed { .. }))
        .count()
}

#[test]
fn a_subscription_flood_is_capped() {
    let limits = SubscriptionLimits::default();
    // The flood: 4,000 datagrams in a second from one host, each
    // from another port.
    let mut p = provider(600);
    let mut registered = 0;
    for port in 0..4000u16 {
        let from = SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 9), 10_000 + port);
        p.at(f64::from(port) / 4000.0);
        registered += subscribed(&p.deliver(Msg::Subscribe(from)));
    }
    assert_eq!(
        registered, limits.per_host,
        "one host gets at most per_host"
    );
    // From 4,000 hosts in a second: the rate limit (a burst of one second's worth).
    let mut p = provider(600);
    let mut registered = 0;
    for i in 0..4000u32 {
        let [_, b, c, d] = (i + 1).to_be_bytes();
        let from = SocketAddrV4::new(Ipv4Addr::new(10, b, c, d), 4000);
        p.at(f64::from(i) / 4000.0);
        registered += subscribed(&p.deliver(Msg::Subscribe(from)));
    }
    let rate = limits.new_per_second as usize;
    assert!((rate..=2 * rate).contains(&registered), "{registered}");
    // Over minutes, the total: never more than max_subscribers.
    let mut p = provider(600);
    let mut registered = 0;
    for i in 0..3000u32 {
        let [_, b, c, d] = (i + 1).to_be_bytes();
        let from = SocketAddrV4::new(Ipv4Addr::new(10, b, c, d), 4000);
        p.at(f64::from(i) * 0.05);
        registered += subscribed(&p.deliver(Msg::Subscribe(from)));
    }
    assert_eq!(registered, limits.max_subscribers);
    // A renewal is never refused.
    let first = SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 1), 4000);
    assert_eq!(subscribed(&p.at(150.0).deliver(Msg::Subscribe(first))), 1);
}
