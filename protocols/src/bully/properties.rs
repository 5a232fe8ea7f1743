//! The bully properties: one leader once things have settled (safety), and
//! agreement on the highest live identity after the last fault (liveness).

use super::node::{BullyNode, Event};
use super::peer::Peer;
use crate::gcd::Pid;
use sim::{Latency, NetworkConfig, Simulation, Time};
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

/// The largest latency the network model produces (a normal distribution is
/// taken up to six standard deviations).
pub fn max_latency(network: &NetworkConfig) -> Duration {
    std::iter::once(&network.default)
        .chain(network.links.iter().map(|l| &l.model))
        .map(|m| match &m.latency {
            Latency::Constant { value } => value.0,
            Latency::Uniform { max, .. } => max.0,
            Latency::Normal { mean, std_dev } => mean.0 + std_dev.0 * 6,
            Latency::Pareto { cap, .. } => cap.0,
        })
        .max()
        .unwrap_or_default()
}

/// Peers that are up, not paused and not feigning a failure, with their index.
pub fn live_peers(s: &Simulation<BullyNode>) -> Vec<(usize, &Peer)> {
    (0..s.node_count())
        .filter(|&i| !s.is_paused(i))
        .filter_map(|i| s.node(i).and_then(BullyNode::peer).map(|p| (i, p)))
        .filter(|(_, p)| !p.feigning())
        .collect()
}

fn connected(s: &Simulation<BullyNode>, a: usize, b: usize) -> bool {
    !s.blocked(a, b) && !s.blocked(b, a)
}

/// Whether the observation is a disturbance the node made itself.
fn feign_event(e: &Event) -> bool {
    matches!(e, Event::Feigning { .. } | Event::Recovered)
}

/// Tracks the last disturbance: a fault, a feigned failure or recovery, and
/// (if `drops` is set) a dropped message.
struct Disturbances {
    drops: bool,
    faults_seen: u64,
    drops_seen: u64,
    checked: usize,
    last: Time,
}

impl Disturbances {
    fn new(drops: bool) -> Self {
        Disturbances {
            drops,
            faults_seen: 0,
            drops_seen: 0,
            checked: 0,
            last: Time(0),
        }
    }

    /// Brings the record up to date; true if something happened since the last call.
    fn update(&mut self, s: &Simulation<BullyNode>, mut on_obs: impl FnMut(&Event, Time)) -> bool {
        let mut disturbed = false;
        let c = s.counters();
        if c.faults != self.faults_seen || (self.drops && c.dropped.total() != self.drops_seen) {
            self.faults_seen = c.faults;
            self.drops_seen = c.dropped.total();
            self.last = s.now();
            disturbed = true;
        }
        for o in &s.observations()[self.checked..] {
            if feign_event(&o.obs) {
                self.last = o.time;
                disturbed = true;
            }
            on_obs(&o.obs, o.time);
        }
        self.checked = s.observations().len();
        disturbed
    }
}

/// Safety `one-leader`: once an election has completed (anywhere, any
/// time) and nothing was disturbed (no fault, drop or feigned failure) for `settle`, at most one
/// live peer considers itself leader, and every live peer connected to it
/// that names a leader names it.
pub fn one_leader(settle: Duration) -> impl FnMut(&Simulation<BullyNode>) -> sim::Verdict {
    let mut record = Disturbances::new(true);
    let mut elected = false;
    move |s| {
        record.update(s, |e, _| elected |= matches!(e, Event::Victory { .. }));
        let quiet_until = record
            .last
            .as_nanos()
            .saturating_add(settle.as_nanos() as u64);
        if !elected || s.now().as_nanos() < quiet_until {
            return Ok(());
        }
        let live = live_peers(s);
        let leaders: Vec<&(usize, &Peer)> = live.iter().filter(|(_, p)| p.is_leader()).collect();
        for (n, (li, leader)) in leaders.iter().enumerate() {
            if let Some((lj, other)) = leaders[n + 1..]
                .iter()
                .find(|(lj, _)| connected(s, *li, *lj))
            {
                return Err(format!(
                    "connected nodes {li} {} and {lj} {} both consider themselves leader",
                    leader.pid(),
                    other.pid()
                ));
            }
            for (i, p) in &live {
                if let Some(l) = p.leader() {
                    if l != leader.pid() && connected(s, *i, *li) {
                        return Err(format!(
                            "node {i} {} follows {l}, but node {li} {} leads and is reachable",
                            p.pid(),
                            leader.pid()
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// Describes every live peer's view, for failure messages.
fn views(s: &Simulation<BullyNode>) -> String {
    live_peers(s)
        .iter()
        .map(|(i, p)| {
            let leader = p.leader().map_or("none".to_string(), |l| l.to_string());
            format!("node {i} {} leader {leader} ({:?})", p.pid(), p.phase())
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Whether every live peer connected to the highest live peer names it.
fn agreement(s: &Simulation<BullyNode>) -> Option<Pid> {
    let live = live_peers(s);
    let (hi, highest) = live.iter().max_by_key(|(_, p)| p.pid())?;
    let agreed = live
        .iter()
        .filter(|(i, _)| connected(s, *i, *hi))
        .all(|(_, p)| p.leader() == Some(highest.pid()));
    agreed.then_some(highest.pid())
}

/// Liveness `leader-agreement`: after the last fault (or feigned failure),
/// there comes a moment when every live, connected peer names the highest
/// live identity as leader. Returns the tracker (a hook that never fails,
/// to run after every event) and the check due at the deadline.
pub fn leader_agreement() -> (
    impl FnMut(&Simulation<BullyNode>) -> sim::Verdict,
    impl FnMut(&Simulation<BullyNode>) -> sim::Verdict,
) {
    let agreed: Rc<Cell<Option<(Time, Pid)>>> = Rc::new(Cell::new(None));
    let seen = agreed.clone();
    let mut record = Disturbances::new(false);
    let track = move |s: &Simulation<BullyNode>| {
        if record.update(s, |_, _| {}) {
            seen.set(None);
        }
        if seen.get().is_none() {
            if let Some(pid) = agreement(s) {
                seen.set(Some((s.now(), pid)));
            }
        }
        Ok(())
    };
    let check = move |s: &Simulation<BullyNode>| match agreed.get() {
        Some(_) => Ok(()),
        None => Err(format!(
            "live members never all agreed on the highest live identity; views: {}",
            views(s)
        )),
    };
    (track, check)
}
