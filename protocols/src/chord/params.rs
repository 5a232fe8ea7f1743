//! Scenario parameters of `chord` and what they build: the shared overlay
//! settings, the workload, node roles and start times (late joins, Poisson
//! arrivals and departures).

use super::csv;
use super::id::{Id, IdSpace};
use super::msg::{Item, Value};
use super::node::{Role, Workload};
use super::overlay::{Bug, Config, Mode};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;
use sim::Dur;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// The course's test base port: test node `n` listens on `TEST_BASE + n`.
pub const TEST_BASE: u16 = 43544;

/// How many of the first nodes a joining node may ask.
pub const CONTACTS: usize = 3;

/// Which keys the workload stores.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Keys {
    /// `"course-csv"`: the course's NFL file (8,296 keys).
    Named(String),
    /// `n` synthetic keys `key-0 .. key-(n-1)`.
    Count(usize),
}

/// A Poisson process of events over some nodes.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Poisson {
    /// How many events.
    pub count: usize,
    /// Events per second.
    pub rate: f64,
    /// The first event comes after this time (plus an exponential gap).
    #[serde(default)]
    pub start: Dur,
}

/// How the nodes that start with the run find the ring.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bootstrap {
    /// Each joins through a contact (the protocol's join).
    #[default]
    Join,
    /// They start on a stabilized ring (robust mode; for large rings):
    /// predecessor, successor list and fingers as the ideal ring says.
    /// Late joiners and restarted nodes still join.
    Ideal,
}

/// Scenario parameters of `chord` (`params` in a scenario file).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioParams {
    /// `course` (Section-4 joins, no failures) or `robust` (stabilization).
    #[serde(default = "robust")]
    pub mode: Mode,
    /// Identifier bits `M`, 1..=160.
    #[serde(default = "bits")]
    pub bits: u32,
    /// `join` (default) or `ideal`: how the nodes that start at once find
    /// the ring.
    #[serde(default)]
    pub bootstrap: Bootstrap,
    /// Node ids in node order, instead of SHA-1 of the address (the
    /// course's test set-up: node `n` at port `TEST_BASE + n`).
    #[serde(default)]
    pub ids: Option<Vec<u128>>,
    /// Successor-list length and replicas per key (robust).
    #[serde(default = "r")]
    pub r: usize,
    /// Period of stabilize.
    #[serde(default = "stabilize_every")]
    pub stabilize_every: Dur,
    /// Period of fix_fingers.
    #[serde(default = "fix_every")]
    pub fix_every: Dur,
    /// Period of check_predecessor.
    #[serde(default = "check_every")]
    pub check_every: Dur,
    /// Period of the ring-merge check (`0s`: never).
    #[serde(default = "merge_every")]
    pub merge_every: Dur,
    /// RPC timeout.
    #[serde(default = "rpc_timeout")]
    pub rpc_timeout: Dur,
    /// RPC retries after the first try.
    #[serde(default = "rpc_retries")]
    pub rpc_retries: u8,
    /// Restarts of a lookup after a failed step.
    #[serde(default = "lookup_retries")]
    pub lookup_retries: u8,
    /// Node `i` starts at `i × join_every` (sequential joins, as the
    /// course's Section-4 join needs); absent: all start at once.
    #[serde(default)]
    pub join_every: Option<Dur>,
    /// The last `count` nodes join late, at Poisson times.
    #[serde(default)]
    pub joins: Option<Poisson>,
    /// `count` nodes (never the first `CONTACTS`) leave voluntarily at
    /// Poisson times.
    #[serde(default)]
    pub leaves: Option<Poisson>,
    /// Seed of the join and leave schedules (a scenario's shape, not the run seed).
    #[serde(default = "schedule_seed")]
    pub schedule_seed: u64,
    /// Keys to store: a count of synthetic keys, or `"course-csv"`.
    #[serde(default)]
    pub keys: Option<Keys>,
    /// When node 0 puts every key.
    #[serde(default)]
    pub populate_at: Option<Dur>,
    /// When the querying node gets every key.
    #[serde(default)]
    pub query_at: Option<Dur>,
    /// The querying node (default: the last).
    #[serde(default)]
    pub querier: Option<usize>,
    /// Every node looks a random id up this often (`0s`: never).
    #[serde(default)]
    pub lookup_every: Dur,
    /// Observe every lookup of `lookup_every` (`false`: only count them in
    /// the node, as the scale benchmark does to keep memory flat).
    #[serde(default = "yes")]
    pub observe_lookups: bool,
    /// Replication and anti-entropy period (robust; `0s`: never).
    #[serde(default = "replicate_every")]
    pub replicate_every: Dur,
    /// Most key operations in flight per node.
    #[serde(default = "window")]
    pub window: usize,
    /// T: how long after churn stops the ring must be correct, lookups
    /// complete and keys be in place.
    #[serde(default = "within")]
    pub within: Dur,
    /// Quiet time after a membership change or fault before a lookup must
    /// return the owner (default: 4 stabilize periods + a lookup's worst
    /// case of timeouts).
    #[serde(default)]
    pub settle: Option<Dur>,
    /// A planted bug: `notify-ignores-closer` or `stale-successor-list`.
    #[serde(default)]
    pub bug: Option<Bug>,
}

fn robust() -> Mode {
    Mode::Robust
}
fn bits() -> u32 {
    160
}
fn r() -> usize {
    4
}
fn stabilize_every() -> Dur {
    Dur::ms(500)
}
fn fix_every() -> Dur {
    Dur::ms(250)
}
fn check_every() -> Dur {
    Dur::secs(1)
}
fn merge_every() -> Dur {
    Dur::secs(5)
}
fn rpc_timeout() -> Dur {
    Dur::ms(200)
}
fn rpc_retries() -> u8 {
    2
}
fn lookup_retries() -> u8 {
    3
}
fn schedule_seed() -> u64 {
    1
}
fn yes() -> bool {
    true
}
fn replicate_every() -> Dur {
    Dur::secs(2)
}
fn window() -> usize {
    64
}
fn within() -> Dur {
    Dur::secs(30)
}

/// Nodes in a chord scenario that does not say.
pub const DEFAULT_NODES: usize = 16;

/// The course's data file, built in.
const COURSE_CSV: &str = include_str!("../../tests/data/chord/Career_Stats_Passing.csv");

/// The course's file, parsed once.
pub fn course_items() -> Result<Arc<Vec<Item>>, String> {
    static ITEMS: OnceLock<Result<Arc<Vec<Item>>, String>> = OnceLock::new();
    ITEMS
        .get_or_init(|| {
            let data = csv::load(COURSE_CSV.as_bytes()).map_err(|e| format!("course csv: {e}"))?;
            Ok(Arc::new(items_of(&data)))
        })
        .clone()
}

/// A loaded CSV as items.
pub fn items_of(data: &csv::Dataset) -> Vec<Item> {
    data.iter()
        .map(|(k, rec)| {
            let row: Vec<(String, String)> = rec
                .iter()
                .map(|(c, v)| (c.to_string(), v.to_string()))
                .collect();
            (Arc::from(k), Value(Arc::from(row)))
        })
        .collect()
}

/// Exponential gaps of a Poisson process: `count` times from `start`.
fn poisson_times(p: &Poisson, rng: &mut ChaCha8Rng) -> Vec<Duration> {
    let mut t = p.start.0.as_secs_f64();
    (0..p.count)
        .map(|_| {
            let u: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
            t += -libm::log(u) / p.rate;
            Duration::from_secs_f64(t)
        })
        .collect()
}

impl ScenarioParams {
    /// The identifier space.
    pub fn space(&self) -> Result<IdSpace, String> {
        IdSpace::new(self.bits).map_err(|e| format!("params.bits: {e}"))
    }

    /// Checks what serde cannot, for a run of `nodes` nodes.
    pub fn check(&self, nodes: usize) -> Result<(), String> {
        let space = self.space()?;
        if nodes == 0 {
            return Err("nodes: chord needs at least 1 node".into());
        }
        if self.r == 0 || self.r > 32 {
            return Err(format!("params.r: {} is outside 1..=32", self.r));
        }
        for (name, d) in [
            ("stabilize_every", self.stabilize_every),
            ("fix_every", self.fix_every),
            ("check_every", self.check_every),
            ("rpc_timeout", self.rpc_timeout),
        ] {
            if d.0.is_zero() {
                return Err(format!("params.{name}: must be more than 0s"));
            }
        }
        if let Some(ids) = &self.ids {
            if ids.len() != nodes {
                return Err(format!("params.ids: {} ids for {nodes} nodes", ids.len()));
            }
            let mut seen = std::collections::BTreeSet::new();
            for (i, &id) in ids.iter().enumerate() {
                if space.from_u128(id) != Id::from_u128(id) {
                    return Err(format!(
                        "params.ids[{i}]: {id} is not below 2^{}",
                        self.bits
                    ));
                }
                if !seen.insert(id) {
                    return Err(format!("params.ids[{i}]: {id} is used twice"));
                }
                if u16::try_from(id)
                    .ok()
                    .and_then(|v| TEST_BASE.checked_add(v))
                    .is_none()
                {
                    return Err(format!(
                        "params.ids[{i}]: {id} + TEST_BASE {TEST_BASE} is not a port"
                    ));
                }
            }
        }
        for (name, p) in [("joins", &self.joins), ("leaves", &self.leaves)] {
            if let Some(p) = p {
                if !(p.rate.is_finite() && p.rate > 0.0) {
                    return Err(format!("params.{name}.rate: must be a positive number"));
                }
            }
        }
        if let Some(j) = &self.joins {
            if j.count >= nodes {
                return Err(format!(
                    "params.joins.count: {} late joiners need more than {nodes} nodes",
                    j.count
                ));
            }
        }
        if let Some(l) = &self.leaves {
            if l.count + CONTACTS > nodes {
                return Err(format!(
                    "params.leaves.count: {} leavers need {} nodes or more",
                    l.count,
                    l.count + CONTACTS
                ));
            }
        }
        if let Some(q) = self.querier {
            if q >= nodes {
                return Err(format!("params.querier: node {q} of {nodes}"));
            }
        }
        if let Some(Keys::Named(name)) = &self.keys {
            if name != "course-csv" {
                return Err(format!(
                    "params.keys: {name:?} is not a key set (a count, or \"course-csv\")"
                ));
            }
        }
        if self.bootstrap == Bootstrap::Ideal && self.mode == Mode::Course {
            return Err("params.bootstrap: `ideal` needs the robust mode".into());
        }
        if self.window == 0 {
            return Err("params.window: must be at least 1".into());
        }
        Ok(())
    }

    /// The sim port of node `i`.
    pub fn port(&self, i: usize) -> u16 {
        match &self.ids {
            Some(ids) => TEST_BASE + u16::try_from(ids[i]).unwrap_or(0),
            None => TEST_BASE,
        }
    }

    /// When each node starts.
    pub fn starts(&self, nodes: usize) -> Vec<Duration> {
        let mut starts: Vec<Duration> = match self.join_every {
            Some(d) => (0..nodes).map(|i| d.0 * i as u32).collect(),
            None => vec![Duration::ZERO; nodes],
        };
        if let Some(j) = &self.joins {
            let mut rng = ChaCha8Rng::seed_from_u64(self.schedule_seed);
            let times = poisson_times(j, &mut rng);
            for (slot, t) in starts[nodes - j.count..].iter_mut().zip(times) {
                *slot = t;
            }
        }
        starts
    }

    /// When each node leaves, if it does.
    pub fn leaves(&self, nodes: usize) -> Vec<Option<Duration>> {
        let mut out = vec![None; nodes];
        if let Some(l) = &self.leaves {
            let mut rng = ChaCha8Rng::seed_from_u64(self.schedule_seed ^ 0x1ea5e);
            let times = poisson_times(l, &mut rng);
            let mut candidates: Vec<usize> = (CONTACTS.min(nodes)..nodes).collect();
            for t in times {
                if candidates.is_empty() {
                    break;
                }
                let k = rng.random_range(0..candidates.len());
                out[candidates.swap_remove(k)] = Some(t);
            }
        }
        out
    }

    /// When churn (joins, leaves, the workload's queries) is over.
    pub fn churn_end(&self, nodes: usize) -> Duration {
        let starts = self.starts(nodes).into_iter().max().unwrap_or_default();
        let leaves = self.leaves(nodes).into_iter().flatten().max();
        let query = self.query_at.map(|d| d.0);
        [Some(starts), leaves, query]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or_default()
    }

    /// The quiet time after a change before lookups must be right.
    pub fn settle(&self) -> Duration {
        self.settle.map_or_else(
            || {
                let lookup_worst = self.rpc_timeout.0
                    * (u32::from(self.rpc_retries) + 1)
                    * (u32::from(self.lookup_retries) + 1);
                self.stabilize_every.0 * 4 + self.check_every.0 + lookup_worst
            },
            |d| d.0,
        )
    }

    /// The items of the workload.
    pub fn items(&self) -> Result<Arc<Vec<Item>>, String> {
        match &self.keys {
            None => Ok(Arc::new(Vec::new())),
            Some(Keys::Named(_)) => course_items(),
            Some(Keys::Count(n)) => Ok(Arc::new(
                (0..*n)
                    .map(|i| {
                        let v = Value(Arc::from(vec![("v".to_string(), i.to_string())]));
                        (Arc::from(format!("key-{i}")), v)
                    })
                    .collect(),
            )),
        }
    }

    /// The workload every node shares.
    pub fn workload(&self) -> Result<Workload, String> {
        Ok(Workload {
            items: self.items()?,
            populate_at: self.populate_at.map(|d| d.0),
            query_at: self.query_at.map(|d| d.0),
            lookup_every: self.lookup_every.0,
            replicate_every: self.replicate_every.0,
            observe_lookups: self.observe_lookups,
            window: self.window,
        })
    }

    /// Node `i`'s role.
    pub fn role(&self, i: usize, nodes: usize, leave_at: Option<Duration>) -> Role {
        Role {
            populates: i == 0,
            queries: i == self.querier.unwrap_or(nodes - 1),
            leave_at,
        }
    }

    /// The overlay settings of a run whose nodes are at `book`.
    pub fn config(&self, book: &[SocketAddr]) -> Result<Config, String> {
        Ok(Config {
            space: self.space()?,
            mode: self.mode,
            r: if self.mode == Mode::Course { 1 } else { self.r },
            stabilize_every: self.stabilize_every.0,
            fix_every: self.fix_every.0,
            check_every: self.check_every.0,
            merge_every: self.merge_every.0,
            rpc_timeout: self.rpc_timeout.0,
            rpc_retries: self.rpc_retries,
            lookup_retries: self.lookup_retries,
            contacts: book.iter().take(CONTACTS).copied().collect(),
            bug: self.bug,
        })
    }

    /// Node `i`'s id when at `addr`.
    pub fn node_id(&self, space: IdSpace, i: usize, addr: SocketAddr) -> Id {
        match &self.ids {
            Some(ids) => space.from_u128(ids[i]),
            None => space.node_id(addr),
        }
    }
}
