//! The forex properties. Each keeps its own model of what every subscriber
//! was sent since it (re)started (from the `Started` and `Quote`
//! observations it makes as it starts and as datagrams arrive, before any of
//! its own checks), so a subscriber's bookkeeping is judged against an
//! independent account of the same quotes.

use super::arbitrage::{RateGraph, Route};
use super::events::Event;
use super::node::ForexNode;
use super::oracle::detectable_cycle;
use super::records::{Currency, Market, Quote};
use super::subscriber::is_stale;
use sim::property::StateMonitor;
use sim::{Fault, Kind, Observed, Property, Simulation, Time, Verdict};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// What the properties need to know of the run's settings.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// A quote expires this long after its timestamp.
    pub expiry: Duration,
    /// Bellman-Ford's tolerance.
    pub tolerance: f64,
    /// Node index of the provider.
    pub provider: usize,
    /// The provider's lease.
    pub lease: Duration,
    /// A subscriber resubscribes after this long without a datagram; it
    /// counts as served if one arrived within twice this long.
    pub silence: Duration,
}

/// Per subscriber, the latest quote per market it was sent (a later
/// timestamp replaces an earlier one; an equal or older one does not).
#[derive(Default)]
struct QuoteModel {
    latest: BTreeMap<usize, BTreeMap<Market, Quote>>,
}

impl QuoteModel {
    fn record(&mut self, node: usize, q: Quote) {
        let markets = self.latest.entry(node).or_default();
        if markets
            .get(&q.market)
            .is_none_or(|old| q.timestamp_us > old.timestamp_us)
        {
            markets.insert(q.market, q);
        }
    }

    /// A node (re)started: it was sent nothing yet.
    fn forget(&mut self, node: usize) {
        self.latest.remove(&node);
    }

    fn latest(&self, node: usize, market: &Market) -> Option<&Quote> {
        self.latest.get(&node).and_then(|m| m.get(market))
    }

    fn fresh(&self, node: usize, now_us: i64, expiry_us: i64) -> Vec<Quote> {
        self.latest
            .get(&node)
            .into_iter()
            .flat_map(|m| m.values())
            .filter(|q| !is_stale(q, now_us, expiry_us))
            .copied()
            .collect()
    }
}

fn expiry_us(s: &Settings) -> i64 {
    s.expiry.as_micros() as i64
}

fn where_(s: &Simulation<ForexNode>, node: usize) -> String {
    format!("subscriber {node} ({}) at {}", s.addr(node), s.now())
}

/// Checks one reported route against the model: a closed chain from USD to
/// USD, each step priced by the latest, fresh quote of its market in the
/// right direction, and a gain above `1 + tolerance`.
fn check_route(
    route: &Route,
    model: &QuoteModel,
    node: usize,
    now_us: i64,
    settings: &Settings,
) -> Result<(), String> {
    let (Some(first), Some(last)) = (route.hops.first(), route.hops.last()) else {
        return Err("reported an empty arbitrage".into());
    };
    if first.from != Currency::USD || last.to != Currency::USD {
        return Err(format!(
            "route runs from {} to {}, not USD to USD",
            first.from, last.to
        ));
    }
    for pair in route.hops.windows(2) {
        if pair[0].to != pair[1].from {
            return Err(format!(
                "route is broken: {} then {}",
                pair[0].to, pair[1].from
            ));
        }
    }
    for hop in &route.hops {
        let q = hop.quote;
        let Some(latest) = model.latest(node, &q.market) else {
            return Err(format!("uses {} which it was never sent", q.market));
        };
        if q.timestamp_us != latest.timestamp_us || q.rate.to_bits() != latest.rate.to_bits() {
            return Err(format!(
                "uses {} at {} stamped {}, but the latest quote it was sent is {} stamped {} (out of sequence)",
                q.market, q.rate, q.timestamp_us, latest.rate, latest.timestamp_us
            ));
        }
        if is_stale(&q, now_us, expiry_us(settings)) {
            return Err(format!(
                "uses a stale quote: {} stamped {}, {:.3} s old",
                q.market,
                q.timestamp_us,
                (now_us as f64 - q.timestamp_us as f64) / 1e6
            ));
        }
        let forward = (hop.from, hop.to) == (q.market.base, q.market.quote);
        let backward = (hop.from, hop.to) == (q.market.quote, q.market.base);
        let right_rate = (forward && hop.rate == q.rate) || (backward && hop.rate == 1.0 / q.rate);
        if !right_rate {
            return Err(format!(
                "step {} → {} at {} does not follow from {} at {}",
                hop.from, hop.to, hop.rate, q.market, q.rate
            ));
        }
    }
    let gain = route.gain();
    if gain <= 1.0 + settings.tolerance {
        return Err(format!(
            "reported a route that gains {gain} (not above 1 + {})",
            settings.tolerance
        ));
    }
    Ok(())
}

/// `arbitrage-sound`: every arbitrage a subscriber reports follows, hop by
/// hop, from the latest fresh quotes it was sent, runs USD to USD and gains
/// more than the tolerance. Cost: a map update per quote, a route check per
/// arbitrage.
pub fn soundness(settings: Settings) -> Property<ForexNode> {
    Property::state(
        "arbitrage-sound",
        Kind::Always,
        Soundness {
            settings,
            model: QuoteModel::default(),
        },
    )
}

struct Soundness {
    settings: Settings,
    model: QuoteModel,
}

impl StateMonitor<ForexNode> for Soundness {
    fn observe(&mut self, o: &Observed<Event>, s: &Simulation<ForexNode>) -> Verdict {
        match &o.obs {
            Event::Started => self.model.forget(o.node),
            Event::Quote { quote, .. } => self.model.record(o.node, *quote),
            Event::Arbitrage { route } => {
                let now_us = s.wall_clock(o.node).as_micros();
                check_route(route, &self.model, o.node, now_us, &self.settings)
                    .map_err(|e| format!("{}: {e}", where_(s, o.node)))?;
            }
            _ => {}
        }
        Ok(())
    }
}

/// `arbitrage-complete`: after each datagram a subscriber takes in, if the
/// brute-force oracle finds a cycle in its fresh quotes (as the model has
/// them) that Bellman-Ford with the tolerance must detect, it reported one.
/// Every injected arbitrage that arrived, fresh and not superseded, is such
/// a cycle. Cost: the oracle runs once per event in which a subscriber took
/// quotes and reported nothing.
pub fn completeness(settings: Settings) -> Property<ForexNode> {
    Property::state(
        "arbitrage-complete",
        Kind::Always,
        Completeness {
            settings,
            model: QuoteModel::default(),
            took: BTreeSet::new(),
            reported: BTreeSet::new(),
        },
    )
}

struct Completeness {
    settings: Settings,
    model: QuoteModel,
    /// Subscribers that took quotes in the current event.
    took: BTreeSet<usize>,
    /// Subscribers that reported an arbitrage in the current event.
    reported: BTreeSet<usize>,
}

impl StateMonitor<ForexNode> for Completeness {
    fn observe(&mut self, o: &Observed<Event>, _: &Simulation<ForexNode>) -> Verdict {
        match &o.obs {
            Event::Started => self.model.forget(o.node),
            Event::Quote { quote, .. } => {
                self.model.record(o.node, *quote);
                self.took.insert(o.node);
            }
            Event::Arbitrage { .. } => {
                self.reported.insert(o.node);
            }
            _ => {}
        }
        Ok(())
    }

    fn after_event(&mut self, s: &Simulation<ForexNode>) -> Verdict {
        if self.took.is_empty() {
            return Ok(());
        }
        let took = std::mem::take(&mut self.took);
        let reported = std::mem::take(&mut self.reported);
        for node in took.difference(&reported) {
            let now_us = s.wall_clock(*node).as_micros();
            let fresh = self.model.fresh(*node, now_us, expiry_us(&self.settings));
            let graph = RateGraph::new(&fresh);
            if let Some(found) = detectable_cycle(&graph, Currency::USD, self.settings.tolerance)? {
                let path: Vec<&str> = found.currencies.iter().map(|c| c.as_str()).collect();
                return Err(format!(
                    "{}: missed the arbitrage {} (gain {})",
                    where_(s, *node),
                    path.join(" → "),
                    libm::exp(-found.weight)
                ));
            }
        }
        Ok(())
    }
}

/// When a fault last touched `node` or the provider (a heal touches everyone).
fn last_disturbed(s: &Simulation<ForexNode>, node: usize, provider: usize) -> Option<Time> {
    let now = s.now();
    s.fault_schedule()
        .iter()
        .filter(|f| Time::from_duration(f.at.0) <= now)
        .filter(|f| {
            let touched = f.fault.nodes();
            matches!(f.fault, Fault::Heal) || touched.contains(&node) || touched.contains(&provider)
        })
        .map(|f| Time::from_duration(f.at.0))
        .max()
}

/// `lease-kept`: a subscriber's lease never expires at the provider while
/// both have run undisturbed by faults for a whole lease (it renews 20 times
/// per lease, so this holds at any loss rate below 50%).
pub fn lease_kept(settings: Settings) -> Property<ForexNode> {
    Property::state("lease-kept", Kind::Always, LeaseKept(settings))
}

struct LeaseKept(Settings);

impl StateMonitor<ForexNode> for LeaseKept {
    fn observe(&mut self, o: &Observed<Event>, s: &Simulation<ForexNode>) -> Verdict {
        let Event::LeaseExpired { subscriber } = o.obs else {
            return Ok(());
        };
        let Some(i) = s.index_of(&subscriber).filter(|&i| s.is_up(i)) else {
            return Ok(());
        };
        let undisturbed =
            last_disturbed(s, i, self.0.provider).is_none_or(|t| s.now() - t >= self.0.lease);
        if undisturbed {
            return Err(format!(
                "the lease of subscriber {i} ({subscriber}) expired at {} although it ran undisturbed",
                s.now()
            ));
        }
        Ok(())
    }
}

/// `subscribers-served`: `within` after the last fault, every running
/// subscriber holds a lease at the provider and has had a datagram within
/// twice its silence timeout.
pub fn subscribers_served(settings: Settings, within: Duration) -> Property<ForexNode> {
    Property::on_state(
        "subscribers-served",
        Kind::Eventually { within },
        |_| Ok(()),
        move |s: &Simulation<ForexNode>| {
            let provider = s
                .node(settings.provider)
                .and_then(ForexNode::as_provider)
                .ok_or("the provider is down")?;
            let gap = 2 * settings.silence;
            for i in 0..s.node_count() {
                let Some(sub) = s.node(i).and_then(ForexNode::as_subscriber) else {
                    continue;
                };
                if !provider.has_lease(&s.addr(i)) {
                    return Err(format!("subscriber {i} ({}) holds no lease", s.addr(i)));
                }
                let recent = sub.last_datagram_at().is_some_and(|t| s.now() - t <= gap);
                if !recent {
                    return Err(format!(
                        "subscriber {i} ({}) has had no datagram for {:?}",
                        s.addr(i),
                        gap
                    ));
                }
            }
            Ok(())
        },
    )
}
