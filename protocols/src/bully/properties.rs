//! The bully properties: one leader once things have settled (safety), and
//! agreement on the highest live identity after the last fault (liveness).

use super::node::{BullyNode, Event};
use super::peer::Peer;
use crate::gcd::Pid;
use sim::property::StateMonitor;
use sim::{Kind, Latency, NetworkConfig, Observed, Property, Simulation, Time, Verdict};
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
/// (if `drops` is set) a dropped message. Fed every observation as it is
/// made and the counters after every event: O(1) per observation and event.
struct Disturbances {
    drops: bool,
    faults_seen: u64,
    drops_seen: u64,
    last: Time,
    /// A disturbance happened since the last [`Disturbances::settle`].
    fresh: bool,
}

impl Disturbances {
    fn new(drops: bool) -> Self {
        Disturbances {
            drops,
            faults_seen: 0,
            drops_seen: 0,
            last: Time(0),
            fresh: false,
        }
    }

    /// Notes a feigned failure or recovery.
    fn observe(&mut self, o: &Observed<Event>) {
        if feign_event(&o.obs) {
            self.last = o.time;
            self.fresh = true;
        }
    }

    /// Notes faults and drops from the counters; true if anything disturbed
    /// the run since the last call.
    fn settle(&mut self, s: &Simulation<BullyNode>) -> bool {
        let c = s.counters();
        if c.faults != self.faults_seen || (self.drops && c.dropped.total() != self.drops_seen) {
            self.faults_seen = c.faults;
            self.drops_seen = c.dropped.total();
            self.last = s.now();
            self.fresh = true;
        }
        std::mem::take(&mut self.fresh)
    }
}

/// Safety `one-leader`: once an election has completed (anywhere, any
/// time) and nothing was disturbed (no fault, drop or feigned failure) for
/// `settle`, at most one live peer considers itself leader, and every live
/// peer connected to it that names a leader names it. Cost: O(peers²) per
/// event once settled.
pub fn one_leader(settle: Duration) -> Property<BullyNode> {
    Property::state(
        "one-leader",
        Kind::Always,
        OneLeader {
            settle,
            record: Disturbances::new(true),
            elected: false,
        },
    )
}

struct OneLeader {
    settle: Duration,
    record: Disturbances,
    elected: bool,
}

impl StateMonitor<BullyNode> for OneLeader {
    fn observe(&mut self, o: &Observed<Event>, _: &Simulation<BullyNode>) -> Verdict {
        self.record.observe(o);
        self.elected |= matches!(o.obs, Event::Victory { .. });
        Ok(())
    }

    fn after_event(&mut self, s: &Simulation<BullyNode>) -> Verdict {
        self.record.settle(s);
        let quiet_until = self
            .record
            .last
            .as_nanos()
            .saturating_add(self.settle.as_nanos() as u64);
        if !self.elected || s.now().as_nanos() < quiet_until {
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
/// live identity as leader. Cost: O(peers) per event until agreement.
pub fn leader_agreement(within: Duration) -> Property<BullyNode> {
    Property::state(
        "leader-agreement",
        Kind::Eventually { within },
        LeaderAgreement {
            record: Disturbances::new(false),
            agreed: None,
        },
    )
}

struct LeaderAgreement {
    record: Disturbances,
    /// When and on whom the peers last agreed, since the last disturbance.
    agreed: Option<(Time, Pid)>,
}

impl StateMonitor<BullyNode> for LeaderAgreement {
    fn observe(&mut self, o: &Observed<Event>, _: &Simulation<BullyNode>) -> Verdict {
        self.record.observe(o);
        Ok(())
    }

    fn after_event(&mut self, s: &Simulation<BullyNode>) -> Verdict {
        if self.record.settle(s) {
            self.agreed = None;
        }
        if self.agreed.is_none() {
            self.agreed = agreement(s).map(|pid| (s.now(), pid));
        }
        Ok(())
    }

    fn verdict(&mut self, s: &Simulation<BullyNode>) -> Verdict {
        match self.agreed {
            Some(_) => Ok(()),
            None => Err(format!(
                "live members never all agreed on the highest live identity; views: {}",
                views(s)
            )),
        }
    }
}
