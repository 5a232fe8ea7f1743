//! Chord's properties.
//!
//! On the observation stream (simulation and live):
//! - `lookup-safety` (always): a lookup that completes returns the key's
//!   current owner, the successor of the key among the nodes on the ring,
//!   once the membership has been quiet for `settle` (a lookup during churn
//!   may legitimately miss a node that joined a moment ago).
//! - `lookup-liveness` (eventually): after churn stops, lookups complete:
//!   none gives up after `settle` past the last fault, and some succeed.
//! - `keys-found` (always): a get never returns a value other than the
//!   last one stored; once membership is quiet, a stored key is never
//!   missing or unreachable.
//! - `every-key-found` (eventually, when the workload queries): every key
//!   stored was found by the queries.
//!
//! On the nodes' states (simulation only), asked once at the deadline so
//! 10,000-node runs stay fast:
//! - `ring-correct` (eventually): the successors of the live nodes on the
//!   ring form exactly one cycle, ordered by identifier, through every
//!   live node (Zave's invariant for corrected Chord).
//! - `no-key-lost` (eventually, robust mode with keys): every stored key is
//!   held by its current owner.
//!
//! Membership on the stream: a node joins with `Joined` and leaves with
//! `Left`, or when the fault schedule crashes or restarts it. Deadlines
//! count from the last fault plus the end of scheduled churn (joins,
//! leaves and queries), see [`ScenarioParams::churn_end`].

use super::id::Id;
use super::msg::{Event, Key};
use super::node::ChordNode;
use super::overlay::{Mode, OvObs};
use super::params::ScenarioParams;
use super::peer::short;
use sim::property::{Monitor, StateMonitor};
use sim::{Env, Fault, Kind, Observed, Property, Simulation, Time, Verdict};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// Every property that applies to a run with these parameters.
pub fn all(p: &ScenarioParams, nodes: usize) -> Vec<Property<ChordNode>> {
    let within = p.churn_end(nodes) + p.within.0;
    let settle = p.settle();
    let has_keys = p.keys.is_some() && p.populate_at.is_some();
    let mut out = vec![
        Property::stream(
            "lookup-safety",
            Kind::Always,
            LookupSafety {
                members: Membership::default(),
                settle,
            },
        ),
        Property::state("ring-correct", Kind::Eventually { within }, RingCorrect),
    ];
    if !p.lookup_every.0.is_zero() {
        out.push(Property::stream(
            "lookup-liveness",
            Kind::Eventually { within },
            LookupLiveness {
                settle,
                last_failure: None,
                last_success: None,
            },
        ));
    }
    if has_keys {
        out.push(Property::stream(
            "keys-found",
            Kind::Always,
            KeysFound {
                members: Membership::default(),
                settle,
                stored: BTreeMap::new(),
            },
        ));
        if p.query_at.is_some() {
            out.push(Property::stream(
                "every-key-found",
                Kind::Eventually { within },
                EveryKeyFound::default(),
            ));
        }
        if p.mode == Mode::Robust {
            out.push(Property::state(
                "no-key-lost",
                Kind::Eventually { within },
                NoKeyLost,
            ));
        }
    }
    out
}

/// Who is on the ring, as the stream and the fault schedule tell.
#[derive(Default)]
struct Membership {
    /// Node index by id, for nodes on the ring.
    members: BTreeMap<Id, usize>,
    /// Id by node index, from `Started`.
    ids: BTreeMap<usize, Id>,
    /// Faults applied so far (a cursor into the schedule).
    faults_seen: usize,
    /// The last membership change or fault.
    last_change: Time,
    /// A partition is in force (the halves form rings of their own).
    partitioned: bool,
    /// Nodes paused now.
    paused: BTreeSet<usize>,
}

impl Membership {
    /// Brings the view up to `obs` (faults first, then the observation).
    fn observe(&mut self, obs: &Observed<Event>, env: &Env<'_>) {
        while let Some(f) = env.faults.get(self.faults_seen) {
            let at = Time::from_duration(f.at.0);
            if at > obs.time {
                break;
            }
            self.faults_seen += 1;
            self.last_change = self.last_change.max(at);
            match f.fault {
                Fault::Crash { node } | Fault::Restart { node } => {
                    if let Some(id) = self.ids.get(&node) {
                        if self.members.get(id) == Some(&node) {
                            self.members.remove(id);
                        }
                    }
                }
                Fault::Partition { .. } => self.partitioned = true,
                Fault::Heal => self.partitioned = false,
                Fault::Pause { node } => {
                    self.paused.insert(node);
                }
                Fault::Resume { node } => {
                    self.paused.remove(&node);
                }
                _ => {}
            }
        }
        if let Event::Ring(o) = &obs.obs {
            self.last_change = obs.time;
            match *o {
                OvObs::Started { id } => {
                    self.ids.insert(obs.node, id);
                }
                OvObs::Joined { id, .. } => {
                    self.ids.insert(obs.node, id);
                    self.members.insert(id, obs.node);
                }
                OvObs::Left { id } => {
                    self.members.remove(&id);
                }
            }
        }
    }

    /// Whether the membership has been quiet for `settle` at `t`, with no
    /// partition or pause in force.
    fn quiet(&self, t: Time, settle: Duration) -> bool {
        !self.partitioned
            && self.paused.is_empty()
            && t.saturating_since(self.last_change) >= settle
    }

    /// The successor of `id` among the members.
    fn owner(&self, id: Id) -> Option<Id> {
        self.members
            .range(id..)
            .next()
            .or_else(|| self.members.iter().next())
            .map(|(id, _)| *id)
    }
}

struct LookupSafety {
    members: Membership,
    settle: Duration,
}

impl Monitor<Event> for LookupSafety {
    fn observe(&mut self, obs: &Observed<Event>, env: &Env<'_>) -> Verdict {
        self.members.observe(obs, env);
        let Event::Lookup { target, owner, .. } = &obs.obs else {
            return Ok(());
        };
        if !self.members.quiet(obs.time, self.settle) {
            return Ok(());
        }
        match self.members.owner(*target) {
            Some(expected) if expected != *owner => Err(format!(
                "node {} looked up {} and got {}, but its owner is {}",
                obs.node,
                short(*target),
                short(*owner),
                short(expected)
            )),
            _ => Ok(()),
        }
    }
}

struct LookupLiveness {
    settle: Duration,
    last_failure: Option<Time>,
    last_success: Option<Time>,
}

impl Monitor<Event> for LookupLiveness {
    fn observe(&mut self, obs: &Observed<Event>, _env: &Env<'_>) -> Verdict {
        match obs.obs {
            Event::Lookup { .. } => self.last_success = Some(obs.time),
            Event::LookupFailed { .. } => self.last_failure = Some(obs.time),
            _ => {}
        }
        Ok(())
    }

    fn verdict(&mut self, env: &Env<'_>) -> Verdict {
        let calm = Time(
            env.faults_end
                .0
                .saturating_add(Time::from_duration(self.settle).0),
        );
        if let Some(t) = self.last_failure.filter(|t| *t > calm) {
            return Err(format!(
                "a lookup gave up at {:?}, after churn stopped",
                t.since_start()
            ));
        }
        match self.last_success {
            Some(t) if t > calm => Ok(()),
            _ => Err("no lookup completed after churn stopped".into()),
        }
    }
}

struct KeysFound {
    members: Membership,
    settle: Duration,
    /// Digest of the last value stored per key.
    stored: BTreeMap<Key, u64>,
}

impl Monitor<Event> for KeysFound {
    fn observe(&mut self, obs: &Observed<Event>, env: &Env<'_>) -> Verdict {
        self.members.observe(obs, env);
        match &obs.obs {
            Event::Stored { key, digest } => {
                self.stored.insert(key.clone(), *digest);
            }
            Event::Found { key, digest } => match self.stored.get(key) {
                Some(d) if d != digest => {
                    return Err(format!("a get of {key} returned a value never stored"))
                }
                _ => {}
            },
            Event::Missing { key } | Event::OpFailed { key }
                if self.stored.contains_key(key) && self.members.quiet(obs.time, self.settle) =>
            {
                let what = if matches!(obs.obs, Event::Missing { .. }) {
                    "its owner does not hold it"
                } else {
                    "no answer"
                };
                return Err(format!(
                    "stored key {key} not found by node {}: {what}",
                    obs.node
                ));
            }
            _ => {}
        }
        Ok(())
    }
}

#[derive(Default)]
struct EveryKeyFound {
    stored: BTreeSet<Key>,
    found: BTreeSet<Key>,
}

impl Monitor<Event> for EveryKeyFound {
    fn observe(&mut self, obs: &Observed<Event>, _env: &Env<'_>) -> Verdict {
        match &obs.obs {
            Event::Stored { key, .. } => {
                self.stored.insert(key.clone());
            }
            Event::Found { key, .. } => {
                self.found.insert(key.clone());
            }
            _ => {}
        }
        Ok(())
    }

    fn verdict(&mut self, _env: &Env<'_>) -> Verdict {
        if self.stored.is_empty() {
            return Err("no key was stored".into());
        }
        let missing: Vec<&Key> = self.stored.difference(&self.found).collect();
        match missing.first() {
            None => Ok(()),
            Some(first) => Err(format!(
                "{} of {} stored keys were not found by the queries (first: {first})",
                missing.len(),
                self.stored.len()
            )),
        }
    }
}

/// The live members of the ring in a simulation: (id, node index), by id.
fn ring_members(sim: &Simulation<ChordNode>) -> Vec<(Id, usize)> {
    let mut m: Vec<(Id, usize)> = (0..sim.node_count())
        .filter_map(|i| {
            let n = sim.node(i)?;
            n.is_member().then(|| (n.overlay().routing().me().id(), i))
        })
        .collect();
    m.sort_unstable();
    m
}

struct RingCorrect;

impl StateMonitor<ChordNode> for RingCorrect {
    fn verdict(&mut self, sim: &Simulation<ChordNode>) -> Verdict {
        let members = ring_members(sim);
        if members.is_empty() {
            return Err("no live node is on the ring".into());
        }
        if let Some(w) = members.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(format!(
                "nodes {} and {} share the id {}",
                w[0].1,
                w[1].1,
                short(w[0].0)
            ));
        }
        let mut wrong = Vec::new();
        for (k, &(id, i)) in members.iter().enumerate() {
            let expected = members[(k + 1) % members.len()].0;
            let succ = sim.node(i).map(|n| n.overlay().routing().successor().id());
            if succ != Some(expected) {
                wrong.push((i, id, succ, expected));
            }
        }
        match wrong.first() {
            None => Ok(()),
            Some(&(i, id, succ, expected)) => Err(format!(
                "{} of {} live nodes have the wrong successor; first: node {i} ({}) points to {}, \
                 the next live id is {}",
                wrong.len(),
                members.len(),
                short(id),
                succ.map_or("nothing".into(), short),
                short(expected)
            )),
        }
    }
}

struct NoKeyLost;

impl StateMonitor<ChordNode> for NoKeyLost {
    fn verdict(&mut self, sim: &Simulation<ChordNode>) -> Verdict {
        let members = ring_members(sim);
        let ids: BTreeMap<Id, usize> = members.iter().copied().collect();
        let Some(space) = members
            .first()
            .and_then(|&(_, i)| sim.node(i))
            .map(|n| n.overlay().config().space)
        else {
            return Err("no live node is on the ring".into());
        };
        let stored: BTreeSet<&Key> = sim
            .observations()
            .iter()
            .filter_map(|o| match &o.obs {
                Event::Stored { key, .. } => Some(key),
                _ => None,
            })
            .collect();
        let mut lost = Vec::new();
        for key in &stored {
            let kid = space.key_id(key);
            let owner = ids.range(kid..).next().or_else(|| ids.iter().next());
            let held = owner
                .and_then(|(_, &i)| sim.node(i))
                .is_some_and(|n| n.store().contains(kid, key));
            if !held {
                lost.push((*key).clone());
            }
        }
        match lost.first() {
            None => Ok(()),
            Some(first) => Err(format!(
                "{} of {} stored keys are not held by their owner (first: {first})",
                lost.len(),
                stored.len()
            )),
        }
    }
}
