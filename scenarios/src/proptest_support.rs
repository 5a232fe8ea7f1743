//! Property-based testing of any protocol under generated faults (feature
//! `proptest`).
//!
//! [`fault_plans`] generates a [`FaultPlan`]: node outages (crash then
//! restart, pause then resume, one node partitioned away then healed) at
//! virtual times, plus network decisions for individual messages (drop or
//! duplicate the `n`-th message of a link). [`check`] runs a simulation under
//! a plan and turns a violated property into a failed test case, so
//! proptest's shrinking removes outages and decisions and moves them earlier
//! until only what the failure needs is left: a minimal fault schedule.
//!
//! In a plan's run every message without a decision is delivered after its
//! link's nominal latency (see [`crate::failure`]): the network adds no
//! randomness of its own, the plan is the whole environment. The seed still
//! drives the nodes' random streams.
//!
//! Copy into your crate's tests (with `scenarios` and `proptest` as
//! dev-dependencies, `scenarios` with its `proptest` feature), replacing the
//! build with your own protocol's:
//!
//! ```
//! use proptest::prelude::*;
//! use scenarios::proptest_support::{check, fault_plans, FaultSpace};
//! use sim::{AnyProtocol, BuildSpec, Dur, SimConfig};
//!
//! proptest! {
//!     #![proptest_config(ProptestConfig::with_cases(16))]
//!     // In your crate's tests, mark this function #[test].
//!     fn backups_apply_each_update_once(plan in fault_plans(FaultSpace::new(3, Dur::secs(2)))) {
//!         let mut config = SimConfig::default();
//!         config.stop.duration = Some(Dur::secs(3));
//!         plan.apply(&mut config);
//!         let params = serde_json::json!({ "updates": 20 });
//!         let mut sim = protocols::primary_backup::PrimaryBackupProtocol
//!             .build_sim(&BuildSpec {
//!                 nodes: Some(3),
//!                 params: &params,
//!                 config,
//!                 properties: None,
//!                 wire_check: false,
//!             })
//!             .map_err(TestCaseError::fail)?;
//!         check(sim.as_mut(), &plan)?;
//!     }
//! }
//! # backups_apply_each_update_once();
//! ```
//!
//! For a protocol that `dsim` knows by name, [`check_scenario`] does the
//! build from a [`Scenario`].

use crate::runner;
use crate::scenario::Scenario;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use sim::{
    AnySimulation, Decision, DecisionMode, Dur, Fate, Fault, LinkMsg, Report, ScheduledFault,
    SimConfig,
};
use std::collections::BTreeMap;
use std::time::Duration;

/// What plans may contain.
#[derive(Clone, Debug)]
pub struct FaultSpace {
    /// Nodes of the cluster (faults name nodes `0..nodes`).
    pub nodes: usize,
    /// Outages start before this time.
    pub horizon: Dur,
    /// Longest outage.
    pub max_outage: Dur,
    /// Most outages in a plan.
    pub max_outages: usize,
    /// Outage kinds allowed: crash/restart, pause/resume, partition/heal.
    pub crashes: bool,
    /// See `crashes`.
    pub pauses: bool,
    /// See `crashes`.
    pub partitions: bool,
    /// Links network decisions may name (default: every ordered pair).
    pub links: Vec<(usize, usize)>,
    /// Decisions name per-link message numbers below this.
    pub messages_per_link: u64,
    /// Most network decisions in a plan.
    pub max_decisions: usize,
    /// Allow drops.
    pub drops: bool,
    /// Allow duplicates.
    pub duplicates: bool,
    /// Time on the wire of each copy of a duplicated message.
    pub duplicate_latency: Dur,
}

impl FaultSpace {
    /// Every fault kind on `nodes` nodes, outages starting before `horizon`.
    pub fn new(nodes: usize, horizon: Dur) -> FaultSpace {
        FaultSpace {
            nodes,
            horizon,
            max_outage: Dur::secs(1),
            max_outages: 4,
            crashes: true,
            pauses: true,
            partitions: true,
            links: (0..nodes)
                .flat_map(|a| (0..nodes).filter(move |&b| b != a).map(move |b| (a, b)))
                .collect(),
            messages_per_link: 32,
            max_decisions: 6,
            drops: true,
            duplicates: true,
            duplicate_latency: Dur::ms(1),
        }
    }
}

/// Generated faults: scheduled node faults and per-message network decisions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultPlan {
    /// Node faults at virtual times.
    pub faults: Vec<ScheduledFault>,
    /// Network decisions for individual messages.
    pub decisions: Vec<Decision>,
}

impl FaultPlan {
    /// Adds the plan's node faults to `config` (build the simulation after this).
    pub fn apply(&self, config: &mut SimConfig) {
        config.faults.extend(self.faults.iter().cloned());
    }

    /// The network decision mode that carries out the plan's decisions.
    pub fn decision_mode(&self) -> DecisionMode {
        let table: BTreeMap<LinkMsg, Fate> =
            self.decisions.iter().map(|d| (d.msg, d.fate)).collect();
        DecisionMode::Explicit(table)
    }
}

#[derive(Clone, Copy, Debug)]
enum Outage {
    Crash,
    Pause,
    Partition,
}

fn outage_kinds(space: &FaultSpace) -> Vec<Outage> {
    let mut kinds = Vec::new();
    if space.crashes {
        kinds.push(Outage::Crash);
    }
    if space.pauses {
        kinds.push(Outage::Pause);
    }
    if space.partitions && space.nodes >= 2 {
        kinds.push(Outage::Partition);
    }
    kinds
}

fn at(ns: u64) -> Dur {
    Dur(Duration::from_nanos(ns))
}

/// Node outages: each is a fault and its end (restart, resume, heal).
pub fn outages(space: &FaultSpace) -> BoxedStrategy<Vec<ScheduledFault>> {
    let kinds = outage_kinds(space);
    if kinds.is_empty() || space.nodes == 0 || space.max_outages == 0 {
        return Just(Vec::new()).boxed();
    }
    let nodes = space.nodes;
    let one = (
        0..kinds.len(),
        0..nodes,
        0..space.horizon.nanos().max(1),
        0..=space.max_outage.nanos(),
    );
    proptest::collection::vec(one, 0..=space.max_outages)
        .prop_map(move |list| {
            let mut faults = Vec::new();
            for (kind, node, start, length) in list {
                let (begin, end) = match kinds[kind] {
                    Outage::Crash => (Fault::Crash { node }, Fault::Restart { node }),
                    Outage::Pause => (Fault::Pause { node }, Fault::Resume { node }),
                    Outage::Partition => (
                        Fault::Partition {
                            a: vec![node],
                            b: (0..nodes).filter(|&n| n != node).collect(),
                            one_way: false,
                        },
                        Fault::Heal,
                    ),
                };
                faults.push(ScheduledFault {
                    at: at(start),
                    fault: begin,
                });
                faults.push(ScheduledFault {
                    at: at(start.saturating_add(length)),
                    fault: end,
                });
            }
            faults.sort_by_key(|f| f.at);
            faults
        })
        .boxed()
}

/// Network decisions: drop or duplicate the `n`-th message of a link.
pub fn decisions(space: &FaultSpace) -> BoxedStrategy<Vec<Decision>> {
    let mut fates = Vec::new();
    if space.drops {
        fates.push(Fate::Drop);
    }
    if space.duplicates {
        let l = space.duplicate_latency.nanos();
        fates.push(Fate::Duplicate {
            latency_ns: l,
            second_ns: l,
        });
    }
    if fates.is_empty() || space.links.is_empty() || space.max_decisions == 0 {
        return Just(Vec::new()).boxed();
    }
    let links = space.links.clone();
    let one = (
        0..links.len(),
        0..space.messages_per_link.max(1),
        0..fates.len(),
    );
    proptest::collection::vec(one, 0..=space.max_decisions)
        .prop_map(move |list| {
            list.into_iter()
                .map(|(link, n, fate)| Decision {
                    msg: LinkMsg {
                        from: links[link].0,
                        to: links[link].1,
                        n,
                    },
                    fate: fates[fate],
                })
                .collect()
        })
        .boxed()
}

/// Plans of outages and network decisions drawn from `space`.
pub fn fault_plans(space: FaultSpace) -> impl Strategy<Value = FaultPlan> {
    (outages(&space), decisions(&space))
        .prop_map(|(faults, decisions)| FaultPlan { faults, decisions })
}

/// Runs `sim` (built with the plan applied to its configuration, see
/// [`FaultPlan::apply`]) with the plan's network decisions; a violated
/// property fails the test case, naming it and the plan.
pub fn check(sim: &mut dyn AnySimulation, plan: &FaultPlan) -> Result<Report, TestCaseError> {
    sim.set_decision_mode(plan.decision_mode());
    let report = sim.run().map_err(TestCaseError::fail)?;
    match &report.violation {
        None => Ok(report),
        Some(v) => Err(TestCaseError::fail(format!(
            "{} violated at {}: {}\nfaults: {:?}\ndecisions: {:?}",
            v.property, v.time, v.message, plan.faults, plan.decisions
        ))),
    }
}

/// Runs `scenario` (its own faults plus the plan's) with `seed` under the
/// plan, checking its properties as [`check`] does.
pub fn check_scenario(
    scenario: &Scenario,
    seed: u64,
    plan: &FaultPlan,
) -> Result<Report, TestCaseError> {
    let mut s = scenario.clone();
    s.faults.extend(plan.faults.iter().cloned());
    let mut sim = runner::build(&s, seed).map_err(TestCaseError::fail)?;
    check(sim.as_mut(), plan)
}
