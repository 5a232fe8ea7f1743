//! The completeness oracle: brute force over every simple cycle of a small
//! rate graph, independent of Bellman-Ford.

use super::arbitrage::{RateGraph, MIN_TOLERANCE};
use super::records::Currency;
use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;

/// Most currencies the oracle enumerates cycles over (it is exponential).
pub const MAX_CURRENCIES: usize = 12;

/// How far past the detection bound a cycle must be, so floating-point
/// rounding in Bellman-Ford's sums cannot decide the matter.
pub const SLACK: f64 = 1e-12;

/// The most profitable simple cycle the oracle found.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    /// Currencies in order (the first is repeated at the end).
    pub currencies: Vec<Currency>,
    /// Sum of `−ln(rate)` around the cycle (negative: profitable).
    pub weight: f64,
}

/// Among the simple cycles in the part of `graph` reachable from `start`,
/// the one with the largest `−weight − len·tolerance`, if that exceeds [`SLACK`]:
/// a cycle Bellman-Ford with this tolerance (at least [`MIN_TOLERANCE`]) is
/// bound to detect. `Err` if the graph is too big to enumerate.
pub fn detectable_cycle(
    graph: &RateGraph,
    start: Currency,
    tolerance: f64,
) -> Result<Option<Found>, String> {
    let tolerance = tolerance.max(MIN_TOLERANCE);
    let g = graph.graph();
    let n = g.node_count();
    if n > MAX_CURRENCIES {
        return Err(format!(
            "{n} currencies: too many to enumerate cycles (limit {MAX_CURRENCIES})"
        ));
    }
    let Some(s) = graph.index(start) else {
        return Ok(None);
    };
    let reachable = reachable_from(graph, s);
    let mut best: Option<(f64, Vec<EdgeIndex>)> = None;
    // Each cycle is enumerated once, from its lowest-index node.
    for root in (0..n).map(NodeIndex::new).filter(|r| reachable[r.index()]) {
        let mut path = Vec::new();
        let mut on_path = vec![false; n];
        on_path[root.index()] = true;
        extend(
            graph,
            root,
            root,
            0.0,
            &mut path,
            &mut on_path,
            tolerance,
            &mut best,
        );
    }
    Ok(best.map(|(_, edges)| {
        let mut currencies: Vec<Currency> = edges
            .iter()
            .filter_map(|&e| g.edge_endpoints(e).map(|(a, _)| g[a]))
            .collect();
        if let Some(&first) = currencies.first() {
            currencies.push(first);
        }
        let weight = edges.iter().map(|&e| g[e].weight).sum();
        Found { currencies, weight }
    }))
}

fn reachable_from(graph: &RateGraph, s: NodeIndex) -> Vec<bool> {
    let g = graph.graph();
    let mut seen = vec![false; g.node_count()];
    let mut stack = vec![s];
    seen[s.index()] = true;
    while let Some(u) = stack.pop() {
        for e in g.edges(u) {
            if !seen[e.target().index()] {
                seen[e.target().index()] = true;
                stack.push(e.target());
            }
        }
    }
    seen
}

#[allow(clippy::too_many_arguments)]
fn extend(
    graph: &RateGraph,
    root: NodeIndex,
    at: NodeIndex,
    weight: f64,
    path: &mut Vec<EdgeIndex>,
    on_path: &mut [bool],
    tolerance: f64,
    best: &mut Option<(f64, Vec<EdgeIndex>)>,
) {
    let g = graph.graph();
    for e in g.edges(at) {
        let v = e.target();
        let w = weight + e.weight().weight;
        if v == root {
            let margin = -w - (path.len() + 1) as f64 * tolerance;
            if margin > SLACK && best.as_ref().is_none_or(|(m, _)| margin > *m) {
                let mut cycle = path.clone();
                cycle.push(e.id());
                *best = Some((margin, cycle));
            }
        } else if v > root && !on_path[v.index()] {
            on_path[v.index()] = true;
            path.push(e.id());
            extend(graph, root, v, w, path, on_path, tolerance, best);
            path.pop();
            on_path[v.index()] = false;
        }
    }
}
