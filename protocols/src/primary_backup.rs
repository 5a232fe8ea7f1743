//! `primary-backup`: a small replication toy with a planted bug, the test
//! subject of sweeps, failure files and shrinking.
//!
//! Node 0 is the primary: every `interval` it sends the next numbered update
//! to every backup (in a random order), `updates` times. A backup applies each
//! update at most once: it remembers the next sequence number it expects,
//! ignores anything older (a duplicate or a late copy) and skips over a gap (a
//! lost update). It acks every update it receives.
//!
//! The planted bug (`buggy: true`): after a backup has skipped a gap it stops
//! ignoring old sequence numbers. So the property `applied-once` fails exactly
//! when, on one link from the primary, an update is lost and a later update is
//! duplicated — two faults that must coincide.
//!
//! `extra_draw: true` makes the primary take one unrelated draw from its random
//! stream at start. It changes nothing the protocol does except the order in
//! which it fans out updates, which is what an unrelated code change does to a
//! seed: tests use it to show that failure files survive such changes.

use rand::seq::SliceRandom;
use rand::Rng;
use serde::{Deserialize, Serialize};
use sim::{
    virtual_addr, AnySimulation, BuildSpec, Context, Erased, JsonCodec, Machine, Safety,
    Simulation, TimerId,
};
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// Messages between the primary and its backups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Msg {
    /// Primary to backup: apply update `seq`.
    Update {
        /// Sequence number, from 0.
        seq: u64,
    },
    /// Backup to primary: update `seq` arrived.
    Ack {
        /// Sequence number.
        seq: u64,
    },
}

/// The primary's tick: time to send the next update.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tick;

/// What a node reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    /// A backup (re)started with empty state.
    Started,
    /// A backup applied update `seq`.
    Applied {
        /// Sequence number.
        seq: u64,
    },
    /// A backup noticed that updates `from..to` never arrived and skipped them.
    Skipped {
        /// First missing sequence number.
        from: u64,
        /// The sequence number that arrived instead.
        to: u64,
    },
}

/// Parameters shared by all nodes of a run.
#[derive(Clone, Debug)]
pub struct Params {
    /// Every node's address, in node order (node 0 is the primary).
    pub peers: Arc<[SocketAddr]>,
    /// Updates the primary sends.
    pub updates: u64,
    /// Time between updates.
    pub interval: Duration,
    /// Enable the planted bug.
    pub buggy: bool,
    /// Take one unrelated random draw at start.
    pub extra_draw: bool,
}

/// One node: the primary (index 0) or a backup.
#[derive(Clone, Debug)]
pub struct Node {
    index: usize,
    params: Params,
    next_seq: u64,
    expected: Option<u64>,
    skipped_a_gap: bool,
}

impl Node {
    /// Node `index` of `params.peers`.
    pub fn new(index: usize, params: Params) -> Self {
        Node {
            index,
            params,
            next_seq: 0,
            expected: None,
            skipped_a_gap: false,
        }
    }

    fn on_update(&mut self, ctx: &mut Context<'_, Self>, seq: u64) {
        let apply = match self.expected {
            None => true,
            Some(e) if seq == e => true,
            Some(e) if seq > e => {
                ctx.observe(Event::Skipped { from: e, to: seq });
                self.skipped_a_gap = true;
                true
            }
            // Older than expected: a duplicate or a late copy.
            Some(_) => self.params.buggy && self.skipped_a_gap,
        };
        if apply {
            ctx.observe(Event::Applied { seq });
            self.expected = Some(self.expected.map_or(seq + 1, |e| e.max(seq + 1)));
        }
    }
}

impl Machine for Node {
    type Msg = Msg;
    type Timer = Tick;
    type Obs = Event;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        if self.index != 0 {
            ctx.observe(Event::Started);
            return;
        }
        if self.params.extra_draw {
            let _unrelated: u64 = ctx.rng().random();
        }
        ctx.set_timer(self.params.interval, Tick);
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: SocketAddr, msg: Msg) {
        match msg {
            Msg::Update { seq } if self.index != 0 => {
                self.on_update(ctx, seq);
                ctx.send(from, Msg::Ack { seq });
            }
            Msg::Update { .. } | Msg::Ack { .. } => {}
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, _id: TimerId, _tick: Tick) {
        if self.next_seq >= self.params.updates {
            return;
        }
        let mut backups: Vec<SocketAddr> = self.params.peers[1..].to_vec();
        backups.shuffle(ctx.rng());
        for to in backups {
            ctx.send(to, Msg::Update { seq: self.next_seq });
        }
        self.next_seq += 1;
        ctx.set_timer(self.params.interval, Tick);
    }
}

/// Scenario parameters of primary-backup (`params` in a scenario file).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioParams {
    /// Updates the primary sends.
    #[serde(default = "default_updates")]
    pub updates: u64,
    /// Time between updates.
    #[serde(default = "default_interval")]
    pub interval: sim::Dur,
    /// Enable the planted bug (backups stop deduplicating after a gap).
    #[serde(default)]
    pub buggy: bool,
    /// Take one unrelated random draw at start (for tests of failure files).
    #[serde(default)]
    pub extra_draw: bool,
}

fn default_updates() -> u64 {
    30
}
fn default_interval() -> sim::Dur {
    sim::Dur::ms(100)
}

/// Nodes in a primary-backup scenario that does not say.
pub const DEFAULT_NODES: usize = 3;

/// The port simulated primary-backup nodes listen on.
pub const PORT: u16 = 7100;

/// Builds a primary-backup simulation. Property: `applied-once` (safety: no
/// backup applies an update twice between two restarts).
pub fn build(spec: BuildSpec<'_>) -> Result<Box<dyn AnySimulation>, String> {
    let params: ScenarioParams = spec.params()?;
    let nodes = spec.nodes.unwrap_or(DEFAULT_NODES);
    if nodes < 2 {
        return Err(format!(
            "nodes: primary-backup needs a primary and at least one backup, got {nodes} node(s)"
        ));
    }
    if params.interval.0.is_zero() {
        return Err("params.interval: must be greater than zero".to_string());
    }
    let peers: Arc<[SocketAddr]> = (0..nodes).map(|i| virtual_addr(i, PORT)).collect();
    let shared = Params {
        peers: peers.clone(),
        updates: params.updates,
        interval: params.interval.0,
        buggy: params.buggy,
        extra_draw: params.extra_draw,
    };
    let mut sim = Simulation::new(spec.config.clone());
    for (i, addr) in peers.iter().enumerate() {
        let p = shared.clone();
        sim.add_node(*addr, move || Node::new(i, p.clone()));
    }
    if spec.wire_check {
        sim.set_wire_check(JsonCodec::<Msg>::new());
    }
    if spec.wants("applied-once") {
        sim.add_safety(applied_once());
    }
    Ok(Box::new(Erased::new(sim, |e: &Event| match e {
        Event::Started => "backup started (empty state)".to_string(),
        Event::Applied { seq } => format!("applied update {seq}"),
        Event::Skipped { from, to } => format!("updates {from}..{to} missing, skipped"),
    })))
}

/// `applied-once`: no backup applies the same update twice in one incarnation.
fn applied_once() -> Safety<Node> {
    let mut applied: BTreeSet<(usize, u64)> = BTreeSet::new();
    let mut checked = 0;
    Safety::new("applied-once", move |s: &Simulation<Node>| {
        for o in &s.observations()[checked..] {
            match o.obs {
                Event::Started => applied.retain(|&(node, _)| node != o.node),
                Event::Applied { seq } => {
                    if !applied.insert((o.node, seq)) {
                        return Err(format!("backup {} applied update {seq} twice", o.node));
                    }
                }
                Event::Skipped { .. } => {}
            }
        }
        checked = s.observations().len();
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::{Decision, DecisionMode, Fate, LinkMsg, SimConfig};
    use std::collections::BTreeMap;

    fn sim(buggy: bool, decisions: &[Decision]) -> Box<dyn AnySimulation> {
        let params = serde_json::json!({ "buggy": buggy, "updates": 10 });
        let mut s = build(BuildSpec {
            nodes: None,
            params: &params,
            config: SimConfig::default(),
            properties: None,
            wire_check: true,
        })
        .unwrap();
        let table: BTreeMap<LinkMsg, Fate> = decisions.iter().map(|d| (d.msg, d.fate)).collect();
        s.set_decision_mode(DecisionMode::Explicit(table));
        s
    }

    fn decision(n: u64, fate: Fate) -> Decision {
        Decision {
            msg: LinkMsg { from: 0, to: 1, n },
            fate,
        }
    }

    const DUP: Fate = Fate::Duplicate {
        latency_ns: 1_000_000,
        second_ns: 2_000_000,
    };

    #[test]
    fn clean_runs_apply_every_update_once() {
        let report = sim(true, &[]).run().unwrap();
        assert!(report.violation.is_none());
        // Two backups, ten updates each, plus two starts.
        assert_eq!(report.counters.observations, 22);
    }

    #[test]
    fn the_bug_needs_a_loss_then_a_duplicate() {
        let lost_then_dup = [decision(3, Fate::Drop), decision(5, DUP)];
        let v = sim(true, &lost_then_dup).run().unwrap().violation.unwrap();
        assert_eq!(v.property, "applied-once");
        assert!(v.message.contains("update 5 twice"), "{}", v.message);
        assert!(sim(false, &lost_then_dup)
            .run()
            .unwrap()
            .violation
            .is_none());
        let dup_then_lost = [decision(2, DUP), decision(5, Fate::Drop)];
        assert!(sim(true, &dup_then_lost).run().unwrap().violation.is_none());
        assert!(sim(true, &[decision(3, Fate::Drop)])
            .run()
            .unwrap()
            .violation
            .is_none());
    }
}
