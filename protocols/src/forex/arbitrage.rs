//! The rate graph (petgraph) and Bellman-Ford with a tolerance: a quote on
//! `c1/c2` at rate `r` is an edge `c1 → c2` of weight `−ln r` and an edge
//! `c2 → c1` of weight `+ln r`; a negative cycle is an arbitrage.
//!
//! Deterministic by construction: currencies and edges are inserted in the
//! order of the (sorted) quotes given, and every pass scans edges in index order.

use super::records::{Currency, Quote};
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use std::collections::{BTreeMap, VecDeque};
use std::hash::{Hash, Hasher};

/// The amount an arbitrage report starts with.
pub const START_AMOUNT: f64 = 100.0;

/// The smallest tolerance Bellman-Ford uses, whatever it is asked for: below
/// it, rounding in the distance sums can close a "cycle" that gains nothing
/// (the course's tolerance-0 noise).
pub const MIN_TOLERANCE: f64 = 1e-12;

/// One directed exchange a quote allows.
#[derive(Clone, Copy, Debug)]
pub struct Exchange {
    /// `−ln(rate)`.
    pub weight: f64,
    /// Units of the target one unit of the source buys.
    pub rate: f64,
    /// The quote behind it.
    pub quote: Quote,
}

/// One step of an arbitrage.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hop {
    /// Currency given.
    pub from: Currency,
    /// Currency received.
    pub to: Currency,
    /// Units of `to` per unit of `from`.
    pub rate: f64,
    /// The quote that prices this step.
    pub quote: Quote,
}

impl Hash for Hop {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.from.hash(state);
        self.to.hash(state);
        self.rate.to_bits().hash(state);
        self.quote.hash(state);
    }
}

/// A round trip of exchanges from a currency back to it.
#[derive(Clone, Debug, PartialEq, Hash)]
pub struct Route {
    /// The exchanges, in order; the last one ends where the first starts.
    pub hops: Vec<Hop>,
}

impl Route {
    /// Where it starts (and ends).
    pub fn start(&self) -> Currency {
        self.hops.first().map_or(Currency::USD, |h| h.from)
    }

    /// The product of the rates: what one unit becomes.
    pub fn gain(&self) -> f64 {
        self.hops.iter().map(|h| h.rate).product()
    }
}

/// Currencies and the exchanges between them.
pub struct RateGraph {
    graph: DiGraph<Currency, Exchange>,
    nodes: BTreeMap<Currency, NodeIndex>,
}

impl RateGraph {
    /// The graph of `quotes`: two edges per quote, forward then reverse, so
    /// the reverse of edge `e` is `e ^ 1`.
    pub fn new<'a>(quotes: impl IntoIterator<Item = &'a Quote>) -> Self {
        let mut g = RateGraph {
            graph: DiGraph::new(),
            nodes: BTreeMap::new(),
        };
        for q in quotes {
            let a = g.node(q.market.base);
            let b = g.node(q.market.quote);
            let ln = libm::log(q.rate);
            g.graph.add_edge(
                a,
                b,
                Exchange {
                    weight: -ln,
                    rate: q.rate,
                    quote: *q,
                },
            );
            g.graph.add_edge(
                b,
                a,
                Exchange {
                    weight: ln,
                    rate: 1.0 / q.rate,
                    quote: *q,
                },
            );
        }
        g
    }

    fn node(&mut self, c: Currency) -> NodeIndex {
        if let Some(&i) = self.nodes.get(&c) {
            return i;
        }
        let i = self.graph.add_node(c);
        self.nodes.insert(c, i);
        i
    }

    /// The underlying graph.
    pub fn graph(&self) -> &DiGraph<Currency, Exchange> {
        &self.graph
    }

    /// The node of currency `c`, if it is in the graph.
    pub fn index(&self, c: Currency) -> Option<NodeIndex> {
        self.nodes.get(&c).copied()
    }

    fn hop(&self, e: EdgeIndex) -> Hop {
        let (a, b) = self.graph.edge_endpoints(e).unwrap_or_default();
        let x = &self.graph[e];
        Hop {
            from: self.graph[a],
            to: self.graph[b],
            rate: x.rate,
            quote: x.quote,
        }
    }

    /// Runs Bellman-Ford from `start`; a relaxation counts only if it improves
    /// a distance by more than `tolerance` (at least [`MIN_TOLERANCE`]).
    /// Returns the first negative cycle found, as a route from `start`
    /// through the cycle and back, whose gain exceeds `1 + tolerance`.
    pub fn find_arbitrage(&self, start: Currency, tolerance: f64) -> Option<Route> {
        let tolerance = tolerance.max(MIN_TOLERANCE);
        let s = self.index(start)?;
        let n = self.graph.node_count();
        let mut dist = vec![f64::INFINITY; n];
        let mut pred: Vec<Option<EdgeIndex>> = vec![None; n];
        dist[s.index()] = 0.0;
        let mut last_relaxed = None;
        for _pass in 0..n {
            last_relaxed = None;
            for e in self.graph.edge_references() {
                let (u, v) = (e.source().index(), e.target().index());
                if dist[u] == f64::INFINITY {
                    continue;
                }
                let candidate = dist[u] + e.weight().weight;
                if candidate < dist[v] - tolerance {
                    dist[v] = candidate;
                    pred[v] = Some(e.id());
                    last_relaxed = Some(v);
                }
            }
            // A pass that changed nothing: no negative cycle.
            last_relaxed?;
        }
        // Something still relaxed in pass n: walking back n steps from it
        // lands on a cycle of the predecessor graph, and such a cycle is negative.
        let mut v = last_relaxed?;
        for _ in 0..n {
            v = self.graph.edge_endpoints(pred[v]?)?.0.index();
        }
        let mut cycle = Vec::new();
        let mut x = v;
        while cycle.is_empty() || x != v {
            if cycle.len() >= n {
                return None;
            }
            let e = pred[x]?;
            cycle.push(e);
            x = self.graph.edge_endpoints(e)?.0.index();
        }
        cycle.reverse();
        let route = self.route_through(s, &cycle);
        (route.gain() > 1.0 + tolerance).then_some(route)
    }

    /// `start` → the cycle (by a fewest-hops path) → round the cycle → back.
    fn route_through(&self, s: NodeIndex, cycle: &[EdgeIndex]) -> Route {
        let on_cycle: Vec<NodeIndex> = cycle
            .iter()
            .filter_map(|&e| self.graph.edge_endpoints(e).map(|(a, _)| a))
            .collect();
        let path = self.path_to_any(s, &on_cycle);
        let entry = path
            .last()
            .and_then(|&e| self.graph.edge_endpoints(e).map(|(_, b)| b))
            .unwrap_or(s);
        let at = on_cycle.iter().position(|&a| a == entry).unwrap_or(0);
        let mut edges: Vec<EdgeIndex> = path.clone();
        edges.extend(cycle[at..].iter().chain(&cycle[..at]));
        edges.extend(path.iter().rev().map(|e| EdgeIndex::new(e.index() ^ 1)));
        Route {
            hops: edges.into_iter().map(|e| self.hop(e)).collect(),
        }
    }

    /// Edges of a fewest-hops path from `s` to the first of `targets` reached.
    fn path_to_any(&self, s: NodeIndex, targets: &[NodeIndex]) -> Vec<EdgeIndex> {
        let mut via: Vec<Option<EdgeIndex>> = vec![None; self.graph.node_count()];
        let mut seen = vec![false; self.graph.node_count()];
        let mut queue = VecDeque::from([s]);
        seen[s.index()] = true;
        while let Some(u) = queue.pop_front() {
            if targets.contains(&u) {
                let mut path = Vec::new();
                let mut x = u;
                while let Some(e) = via[x.index()] {
                    path.push(e);
                    x = self.graph.edge_endpoints(e).map_or(s, |(a, _)| a);
                }
                path.reverse();
                return path;
            }
            let mut out: Vec<_> = self.graph.edges(u).map(|e| (e.id(), e.target())).collect();
            out.sort();
            for (e, v) in out {
                if !seen[v.index()] {
                    seen[v.index()] = true;
                    via[v.index()] = Some(e);
                    queue.push_back(v);
                }
            }
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forex::oracle::detectable_cycle;
    use crate::forex::records::Market;
    use proptest::prelude::*;

    const ALL: [Currency; 7] = [
        Currency::USD,
        Currency::GBP,
        Currency::JPY,
        Currency::EUR,
        Currency::CHF,
        Currency::AUD,
        Currency::CAD,
    ];

    fn q(base: Currency, quote: Currency, rate: f64) -> Quote {
        Quote {
            market: Market::new(base, quote),
            rate,
            timestamp_us: 1,
        }
    }

    /// USD/EUR 0.5, USD/GBP 0.25: consistent crosses are EUR/GBP 0.5.
    fn reference() -> Vec<Quote> {
        vec![
            q(Currency::USD, Currency::EUR, 0.5),
            q(Currency::USD, Currency::GBP, 0.25),
        ]
    }

    #[test]
    fn consistent_rates_have_no_arbitrage() {
        let mut quotes = reference();
        quotes.push(q(Currency::EUR, Currency::GBP, 0.5));
        let g = RateGraph::new(&quotes);
        assert_eq!(g.find_arbitrage(Currency::USD, 1e-9), None);
        assert_eq!(detectable_cycle(&g, Currency::USD, 1e-9).unwrap(), None);
    }

    #[test]
    fn a_three_way_cross_is_found_from_usd_to_usd() {
        let mut quotes = reference();
        quotes.push(q(Currency::EUR, Currency::GBP, 0.55));
        let route = RateGraph::new(&quotes)
            .find_arbitrage(Currency::USD, 1e-9)
            .unwrap();
        let path: Vec<_> = route.hops.iter().map(|h| (h.from, h.to)).collect();
        assert_eq!(
            path,
            [
                (Currency::USD, Currency::EUR),
                (Currency::EUR, Currency::GBP),
                (Currency::GBP, Currency::USD)
            ]
        );
        assert_eq!(route.hops[2].rate, 4.0);
        assert!((route.gain() - 1.1).abs() < 1e-12, "{}", route.gain());
    }

    #[test]
    fn an_underpriced_cross_is_found_the_other_way_round() {
        let mut quotes = reference();
        quotes.push(q(Currency::EUR, Currency::GBP, 0.4));
        let route = RateGraph::new(&quotes)
            .find_arbitrage(Currency::USD, 1e-9)
            .unwrap();
        assert_eq!(route.hops[0].to, Currency::GBP);
        assert!((route.gain() - 1.25).abs() < 1e-12, "{}", route.gain());
    }

    #[test]
    fn a_cycle_away_from_usd_is_reached_and_left_by_the_same_path() {
        // USD–EUR only; the cycle EUR → GBP → CAD → EUR gains 1.2.
        let quotes = vec![
            q(Currency::USD, Currency::EUR, 0.5),
            q(Currency::EUR, Currency::GBP, 2.0),
            q(Currency::GBP, Currency::CAD, 3.0),
            q(Currency::CAD, Currency::EUR, 0.2),
        ];
        let route = RateGraph::new(&quotes)
            .find_arbitrage(Currency::USD, 1e-9)
            .unwrap();
        assert_eq!(route.hops.len(), 5);
        assert_eq!(route.start(), Currency::USD);
        assert_eq!(route.hops[0].to, Currency::EUR);
        assert_eq!(route.hops[4].from, Currency::EUR);
        assert_eq!(route.hops[4].to, Currency::USD);
        assert!((route.gain() - 1.2).abs() < 1e-12, "{}", route.gain());
    }

    #[test]
    fn gains_within_the_tolerance_are_not_reported() {
        let mut quotes = reference();
        quotes.push(q(Currency::EUR, Currency::GBP, 0.5 * (1.0 + 1e-6)));
        let g = RateGraph::new(&quotes);
        assert!(g.find_arbitrage(Currency::USD, 1e-9).is_some());
        assert_eq!(g.find_arbitrage(Currency::USD, 1e-3), None);
        assert_eq!(detectable_cycle(&g, Currency::USD, 1e-3).unwrap(), None);
    }

    #[test]
    fn a_cycle_unreachable_from_usd_is_not_reported() {
        let quotes = vec![
            q(Currency::USD, Currency::EUR, 0.5),
            q(Currency::GBP, Currency::CAD, 3.0),
            q(Currency::CAD, Currency::JPY, 3.0),
            q(Currency::JPY, Currency::GBP, 3.0),
        ];
        let g = RateGraph::new(&quotes);
        assert_eq!(g.find_arbitrage(Currency::USD, 1e-9), None);
        assert_eq!(detectable_cycle(&g, Currency::USD, 1e-9).unwrap(), None);
        assert!(detectable_cycle(&g, Currency::GBP, 1e-9).unwrap().is_some());
    }

    fn arb_quotes() -> impl Strategy<Value = Vec<Quote>> {
        prop::collection::vec((0..7usize, 0..7usize, 0.2f64..5.0), 1..12).prop_map(|v| {
            v.into_iter()
                .filter(|(a, b, _)| a != b)
                .map(|(a, b, r)| q(ALL[a], ALL[b], r))
                .collect()
        })
    }

    proptest! {
        /// Bellman-Ford and the brute-force oracle agree: whatever the oracle
        /// says is detectable is found, and whatever is found is profitable,
        /// a closed chain from USD, priced by the graph's own quotes.
        #[test]
        fn bellman_ford_agrees_with_brute_force(quotes in arb_quotes(), tol in prop::sample::select(vec![0.0, 1e-9, 1e-3])) {
            let g = RateGraph::new(&quotes);
            let found = g.find_arbitrage(Currency::USD, tol);
            if detectable_cycle(&g, Currency::USD, tol).unwrap().is_some() {
                prop_assert!(found.is_some());
            }
            if let Some(route) = found {
                prop_assert!(route.gain() > 1.0 + tol, "gain {}", route.gain());
                prop_assert_eq!(route.start(), Currency::USD);
                prop_assert_eq!(route.hops.last().unwrap().to, Currency::USD);
                for w in route.hops.windows(2) {
                    prop_assert_eq!(w[0].to, w[1].from);
                }
                for h in &route.hops {
                    prop_assert!(quotes.contains(&h.quote));
                }
            }
        }
    }
}
