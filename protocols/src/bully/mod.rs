//! `bully`: the course's Lab 2 bully election over the Lab 2 GCD.
//!
//! Identities are `(days until a birthday, student id)` compared as a tuple;
//! the higher wins. A peer joins the GCD (retrying until it answers), gets
//! the members, and starts an election; see [`Peer`] for the rules, [`Timing`]
//! for the configurable constants and [`Feign`] for feigned failures.
//! Messages and their wire codec are shared with [`crate::gcd`].

mod node;
mod peer;
pub mod properties;
mod timing;

pub use node::{render, BullyNode, Event};
pub use peer::{Peer, Phase, PlantedBug, Timer};
pub use timing::{Feign, Timing};

#[cfg(test)]
mod tests;

use crate::gcd::server::{DAYS, IDS};
use crate::gcd::{CourseCodec, GcdServer, Msg, Pid, Profile, Wire};
use properties::{leader_agreement, max_latency, one_leader};
use serde::Deserialize;
use sim::{ClusterInfo, Codec, Dur, NodeSpec, Property, Protocol};
use std::collections::BTreeSet;

/// The port simulated bully nodes listen on.
pub const PORT: u16 = 7000;
/// Peers in a scenario that does not say.
pub const DEFAULT_PEERS: usize = 5;

/// Scenario parameters of `bully` (`params` in a scenario file).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioParams {
    /// Message names (for the wire check): f19, f23 or f24.
    #[serde(default)]
    pub profile: Profile,
    /// Encoding for the wire check: json or pickle.
    #[serde(default)]
    pub wire: Wire,
    /// Timeouts and probe intervals.
    #[serde(default)]
    pub timing: Timing,
    /// Feigned failures of every peer (none if absent).
    #[serde(default)]
    pub feign: Option<Feign>,
    /// A planted bug in every peer (`no-coordinator-retry`).
    #[serde(default)]
    pub bug: Option<PlantedBug>,
    /// Identities `[days, id]` of the peers, in node order (default: see [`default_pid`]).
    #[serde(default)]
    pub pids: Option<Vec<(u32, u32)>>,
    /// Deadline after the last fault for `leader-agreement`.
    #[serde(default = "agree_within")]
    pub agree_within: Dur,
    /// Quiet time before `one-leader` is checked (default: the longest probe
    /// interval + 2 × failure timeout + coordinator timeout + 4 × max latency).
    #[serde(default)]
    pub settle: Option<Dur>,
}

fn agree_within() -> Dur {
    Dur::secs(20)
}

/// The identity of peer `k` (1-based) when a scenario gives none: days
/// `1 + 149·k mod 365`, id `1000000 + k`, so node order and identity order differ.
/// With 5 peers the order is node 5 < 3 < 1 < 4 < 2.
pub fn default_pid(k: usize) -> Pid {
    Pid::new(1 + (149 * k as u32) % 365, 1_000_000 + k as u32)
}

/// The `bully` description; `nodes` counts the peers (the GCD is added as
/// node 0). Properties: `one-leader` (always) and `leader-agreement`
/// (eventually), both over node states, see [`properties`].
#[derive(Clone, Copy, Debug, Default)]
pub struct BullyProtocol;

impl Protocol for BullyProtocol {
    type Machine = BullyNode;
    type Params = ScenarioParams;

    fn name(&self) -> &'static str {
        "bully"
    }
    fn about(&self) -> &'static str {
        "course Lab 2: bully leader election over the GCD, with probes and feigned failures"
    }
    fn nodes(
        &self,
        params: &ScenarioParams,
        nodes: Option<usize>,
    ) -> Result<Vec<NodeSpec<BullyNode>>, String> {
        params.check()?;
        let peers = peer_count(nodes)?;
        let pids = params.peer_pids(peers)?;
        let mut specs = vec![NodeSpec::new("gcd", PORT, |_, _| {
            BullyNode::Gcd(GcdServer::default())
        })];
        for (k, pid) in pids.into_iter().enumerate() {
            let (timing, feign, bug) = (params.timing.clone(), params.feign.clone(), params.bug);
            specs.push(NodeSpec::new(
                format!("peer {}", k + 1),
                PORT,
                move |_, book: &[std::net::SocketAddr]| {
                    BullyNode::Peer(Peer::new(pid, book[0], timing.clone(), feign.clone(), bug))
                },
            ));
        }
        Ok(specs)
    }
    fn codec(&self, p: &ScenarioParams) -> Box<dyn Codec<Msg = Msg> + Send + Sync> {
        Box::new(CourseCodec::new(p.wire, p.profile))
    }
    fn properties(
        &self,
        params: &ScenarioParams,
        cluster: &ClusterInfo<'_>,
    ) -> Vec<Property<BullyNode>> {
        let t = &params.timing;
        let settle = params.settle.map_or(
            t.probe_every.max.0
                + t.failure_timeout.0 * 2
                + t.coordinator_timeout.0
                + max_latency(cluster.network) * 4,
            |d| d.0,
        );
        vec![one_leader(settle), leader_agreement(params.agree_within.0)]
    }
    fn render(&self, _: &ScenarioParams, obs: &Event) -> String {
        render(obs)
    }
    fn scenarios(&self) -> &'static [sim::NamedScenario] {
        crate::named::named("bully")
    }
}

/// The peer count of a scenario asking for `requested` (default
/// [`DEFAULT_PEERS`]; the GCD comes on top); bully needs at least one.
pub fn peer_count(requested: Option<usize>) -> Result<usize, String> {
    match requested.unwrap_or(DEFAULT_PEERS) {
        0 => Err("nodes: bully needs at least 1 peer".into()),
        peers => Ok(peers),
    }
}

impl ScenarioParams {
    /// Checks the timings and the feigned-failure settings.
    pub fn check(&self) -> Result<(), String> {
        self.timing
            .validate()
            .map_err(|e| format!("params.timing: {e}"))?;
        if let Some(f) = &self.feign {
            f.validate().map_err(|e| format!("params: {e}"))?;
        }
        Ok(())
    }

    /// The identities of `peers` peers: `pids` if given (checked), else the defaults.
    pub fn peer_pids(&self, peers: usize) -> Result<Vec<Pid>, String> {
        match &self.pids {
            None => Ok((1..=peers).map(default_pid).collect()),
            Some(list) => check_pids(list, peers),
        }
    }
}

fn check_pids(list: &[(u32, u32)], peers: usize) -> Result<Vec<Pid>, String> {
    if list.len() != peers {
        return Err(format!(
            "params.pids: {} identities for {peers} peers",
            list.len()
        ));
    }
    let mut ids = BTreeSet::new();
    list.iter()
        .enumerate()
        .map(|(i, &(days, id))| {
            if !DAYS.contains(&days.into()) || !IDS.contains(&id.into()) {
                return Err(format!(
                    "params.pids[{i}]: ({days}, {id}) needs days 1..=365 and a 7-digit id"
                ));
            }
            if !ids.insert(id) {
                return Err(format!("params.pids[{i}]: id {id} is used twice"));
            }
            Ok(Pid::new(days, id))
        })
        .collect()
}
