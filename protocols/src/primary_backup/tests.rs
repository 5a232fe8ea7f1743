use super::*;
use sim::{
    AnyProtocol, AnySimulation, BuildSpec, Decision, DecisionMode, Fate, LinkMsg, SimConfig,
};
use std::collections::BTreeMap;

fn sim(buggy: bool, decisions: &[Decision]) -> Box<dyn AnySimulation> {
    let params = serde_json::json!({ "buggy": buggy, "updates": 10 });
    let mut s = PrimaryBackupProtocol
        .build_sim(&BuildSpec {
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
