//! `chord`: the course's Lab 4 Chord DHT (Stoica et al., SIGCOMM 2001) as a
//! sans-IO protocol, and the paper's evaluation on an ideal ring.
//!
//! **The protocol** ([`ChordProtocol`]). Each node ([`ChordNode`]) embeds two
//! reusable components with `ctx.scoped`: the [`overlay`] (ring upkeep and
//! lookup routing; itself built on the [`rpc`] layer of request ids,
//! timeouts and retries) and a second [`rpc`] layer for data. Two modes:
//! - `course`: the lab's ring: joins by the paper's Section 4
//!   (`init_finger_table`, `update_others`, `update_finger_table`, with the
//!   lectures' two corrections), keys moved to a new node on join,
//!   populate from the CSV, query by key; no failures.
//! - `robust`: stabilize / notify / fix_fingers / check_predecessor on
//!   timers, successor lists of length `r`, each key replicated to `r`
//!   successors, lookups with timeouts and retries, voluntary leave and
//!   crash, joins at any time.
//!
//! Nodes are `10.x.y.z:43544` in simulation; with `params.ids` node `n` is
//! at port `TEST_BASE + n` with id `n` (the course's test set-up).
//! Wire format: JSON in an envelope carrying `M` ([`codec`]).
//!
//! - [`id`]: identifiers, SHA-1 of `host:port` or of a key, reduced to `M`
//!   bits (`M` in `1..=160`: 3 in the course's tests, 160 for real), and
//!   arithmetic mod `2^M`.
//! - [`interval`]: `(a, b]`, `(a, b)`, `[a, b)` on the circle, wrapping.
//! - [`finger`]: finger tables whose entries carry (id, address).
//! - [`ring`]: a stabilized ring as sorted ids: successors, key owners.
//! - [`lookup`]: the paper's closest-preceding-finger routing over a ring.
//! - [`csv`]: the course's NFL statistics file, keyed `PlayerId + Year`.
//! - [`paper`]: the paper's Section 6 experiments, with text and SVG output.
//!
//! Everything here is deterministic: no clocks, no I/O except the CSV
//! loader's reader, and randomness only from seeded ChaCha streams.

pub mod codec;
mod course_join;
pub mod csv;
pub mod finger;
pub mod id;
pub mod interval;
pub mod lookup;
pub mod msg;
pub mod node;
pub mod overlay;
pub mod paper;
pub mod params;
pub mod peer;
mod properties;
pub mod ring;
pub mod routing;
pub mod rpc;
mod stabilize;
pub mod store;
#[cfg(test)]
mod tests;

pub use finger::{finger_start, Finger, FingerTable, NodeRef};
pub use id::{BadBits, Id, IdSpace};
pub use interval::{Bounds, Interval};
pub use lookup::{closest_preceding_finger, find_successor, Lookup};
pub use ring::{Ring, RingError};

pub use codec::ChordCodec;
pub use msg::{render, Event, Msg};
pub use node::ChordNode;
pub use overlay::{Bug, Mode};
pub use params::ScenarioParams;
pub use peer::Peer;

use sim::{ClusterInfo, Codec, NodeSpec, Property, Protocol};
use std::sync::{Arc, OnceLock};

/// The stabilized ring the nodes that start at once begin on
/// (`bootstrap: ideal`), built once per run; each node takes its state from
/// it the first time it starts (a restarted node joins like any other).
struct IdealStart {
    at_once: Vec<bool>,
    ring: OnceLock<Option<Ring<Peer>>>,
    started: Vec<std::sync::atomic::AtomicBool>,
}

impl IdealStart {
    fn new(at_once: Vec<bool>) -> IdealStart {
        let started = at_once.iter().map(|_| Default::default()).collect();
        IdealStart {
            at_once,
            ring: OnceLock::new(),
            started,
        }
    }

    /// Node `i`'s first-start routing state, if it begins on the ring.
    fn routing(
        &self,
        cfg: &overlay::Config,
        p: &ScenarioParams,
        i: usize,
        book: &[std::net::SocketAddr],
        me: Peer,
    ) -> Option<routing::Routing> {
        use std::sync::atomic::Ordering;
        if !self.at_once.get(i).copied().unwrap_or(false)
            || self.started.get(i)?.swap(true, Ordering::Relaxed)
        {
            return None;
        }
        let ring = self.ring.get_or_init(|| {
            let nodes = (0..book.len())
                .filter(|&j| self.at_once[j])
                .filter_map(|j| {
                    let id = p.node_id(cfg.space, j, book[j]);
                    Some((id, Peer::new(id, book[j]).ok()?))
                });
            Ring::new(cfg.space, nodes).ok()
        });
        Some(routing::Routing::ideal(ring.as_ref()?, me, cfg.r))
    }
}

/// The chord description.
#[derive(Clone, Copy, Debug, Default)]
pub struct ChordProtocol;

impl Protocol for ChordProtocol {
    type Machine = ChordNode;
    type Params = ScenarioParams;

    fn name(&self) -> &'static str {
        "chord"
    }
    fn about(&self) -> &'static str {
        "Chord DHT (course Lab 4): Section-4 joins or a stabilizing ring with replication"
    }
    fn nodes(
        &self,
        p: &ScenarioParams,
        nodes: Option<usize>,
    ) -> Result<Vec<NodeSpec<ChordNode>>, String> {
        let n = nodes.unwrap_or(params::DEFAULT_NODES);
        p.check(n)?;
        let work = Arc::new(p.workload()?);
        let starts = p.starts(n);
        let leaves = p.leaves(n);
        // Built once per run from the address book, shared by every node.
        let shared: Arc<OnceLock<Arc<overlay::Config>>> = Arc::new(OnceLock::new());
        let ideal = (p.bootstrap == params::Bootstrap::Ideal).then(|| {
            let at_once: Vec<bool> = starts.iter().map(|s| s.is_zero()).collect();
            Arc::new(IdealStart::new(at_once))
        });
        let p = Arc::new(p.clone());
        Ok((0..n)
            .map(|i| {
                let (p, work, shared, ideal) =
                    (p.clone(), work.clone(), shared.clone(), ideal.clone());
                let role = p.role(i, n, leaves[i]);
                NodeSpec::new(format!("node {i}"), p.port(i), move |i, book| {
                    let cfg = shared
                        .get_or_init(|| {
                            Arc::new(p.config(book).unwrap_or_else(|_| {
                                unreachable!("params were checked when the nodes were listed")
                            }))
                        })
                        .clone();
                    let id = p.node_id(cfg.space, i, book[i]);
                    let me = Peer::new(id, book[i]).unwrap_or_else(|e| panic!("{e}"));
                    match ideal
                        .as_ref()
                        .and_then(|s| s.routing(&cfg, &p, i, book, me))
                    {
                        Some(routing) => ChordNode::bootstrapped(cfg, work.clone(), role, routing),
                        None => ChordNode::new(cfg, work.clone(), role, me),
                    }
                })
                .starting_at(starts[i])
            })
            .collect())
    }
    fn codec(&self, p: &ScenarioParams) -> Box<dyn Codec<Msg = Msg> + Send + Sync> {
        Box::new(ChordCodec::new(
            p.space().unwrap_or_else(|_| IdSpace::sha1()),
        ))
    }
    fn properties(
        &self,
        p: &ScenarioParams,
        cluster: &ClusterInfo<'_>,
    ) -> Vec<Property<ChordNode>> {
        properties::all(p, cluster.nodes)
    }
    fn render(&self, _: &ScenarioParams, obs: &Event) -> String {
        render(obs)
    }
    fn scenarios(&self) -> &'static [sim::NamedScenario] {
        crate::named::named("chord")
    }
    /// A live run is done when the querying node found every key.
    fn done(&self, p: &ScenarioParams, _nodes: usize) -> sim::protocol::DoneFn<Event> {
        let want = match (&p.query_at, p.items()) {
            (Some(_), Ok(items)) if !items.is_empty() => items.len(),
            _ => return Box::new(|_| false),
        };
        let mut found = std::collections::BTreeSet::new();
        Box::new(move |e| {
            if let Event::Found { key, .. } = e {
                found.insert(key.clone());
            }
            found.len() >= want
        })
    }
}
