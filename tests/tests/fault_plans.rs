//! `scenarios::proptest_support` in use: generated fault plans find the
//! planted bug of primary-backup, shrink it to the two faults it needs, and
//! never break the correct variant.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};
use scenarios::proptest_support::{check, check_scenario, fault_plans, FaultPlan, FaultSpace};
use scenarios::runner;
use sim::AnyProtocol;
use sim::{BuildSpec, Dur, Fate, SimConfig};

fn primary_backup(buggy: bool, plan: &FaultPlan) -> Result<(), TestCaseError> {
    let mut config = SimConfig::default();
    config.stop.duration = Some(Dur::secs(3));
    plan.apply(&mut config);
    let params = serde_json::json!({ "updates": 20, "buggy": buggy });
    let mut sim = protocols::primary_backup::PrimaryBackupProtocol
        .build_sim(&BuildSpec {
            nodes: Some(3),
            params: &params,
            config,
            properties: None,
            wire_check: false,
        })
        .map_err(TestCaseError::fail)?;
    check(sim.as_mut(), plan).map(|_| ())
}

fn space() -> FaultSpace {
    FaultSpace::new(3, Dur::secs(2))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_correct_variant_applies_each_update_once_under_any_plan(plan in fault_plans(space())) {
        primary_backup(false, &plan)?;
    }

    #[test]
    // A restarted hot-potato node starts its tokens again, and a duplicate
    // retires a token twice: with pauses, partitions and drops it never does.
    fn hot_potato_retires_each_token_once_under_pauses_partitions_and_drops(
        plan in fault_plans(FaultSpace {
            crashes: false,
            duplicates: false,
            ..FaultSpace::new(4, Dur::ms(500))
        })
    ) {
        let scenario = scenarios::scenario::Scenario::parse(
            "inline",
            r#"{"protocol": "hot-potato", "nodes": 4, "params": {"tokens": 2, "hops": 30}}"#,
        )
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
        check_scenario(&scenario, 1, &plan)?;
    }
}

#[test]
fn proptest_finds_and_shrinks_the_planted_bug_to_its_two_faults() {
    let config = Config {
        cases: 512,
        failure_persistence: None,
        ..Config::default()
    };
    let rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let result = runner.run(&fault_plans(space()), |plan| primary_backup(true, &plan));
    let Err(TestError::Fail(why, minimal)) = result else {
        panic!("the planted bug was not found: {result:?}");
    };
    assert!(why.message().contains("applied-once"), "{why}");
    assert!(minimal.faults.is_empty(), "{minimal:?}");
    let mut two = minimal.decisions.clone();
    two.sort_by_key(|d| d.fate != Fate::Drop);
    let [lost, dup] = two[..] else {
        panic!("expected a loss and a duplicate: {minimal:?}");
    };
    assert_eq!(lost.fate, Fate::Drop, "{minimal:?}");
    assert!(matches!(dup.fate, Fate::Duplicate { .. }), "{minimal:?}");
    assert_eq!(lost.msg.from, 0);
    assert_eq!((lost.msg.from, lost.msg.to), (dup.msg.from, dup.msg.to));
    assert!(lost.msg.n < dup.msg.n);
    // It is minimal: each fault alone passes.
    for one in [lost, dup] {
        let plan = FaultPlan {
            faults: vec![],
            decisions: vec![one],
        };
        assert!(primary_backup(true, &plan).is_ok());
    }
    // The named scenario's protocol agrees.
    assert!(runner::resolve("primary-backup-bug").is_ok());
}
