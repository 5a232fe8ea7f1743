//! The Bitcoin block fetcher through the sweep (its named scenarios run in
//! `named_scenarios.rs`): the nemesis scenario over 300 seeds with no
//! violation, and the planted bug (a client that skips the merkle check)
//! found by a sweep that the correct client passes.

mod sweep_support;

use scenarios::runner;
use scenarios::scenario::Scenario;

fn named(name: &str) -> Scenario {
    runner::resolve(name).expect(name).scenario
}

#[test]
fn the_nemesis_sweep_finds_no_violation() {
    let mut scenario = named("bitcoin-nemesis");
    // The named-scenario test runs the codec round trip; 300 runs here.
    scenario.wire_check = false;
    assert_eq!(sweep_support::first_failure(&scenario, 300), None);
}

#[test]
fn a_sweep_finds_the_planted_skipped_merkle_check() {
    let buggy = named("bitcoin-skip-merkle-bug");
    let (seed, property, why) =
        sweep_support::first_failure(&buggy, 100).expect("the sweep finds the planted bug");
    assert_eq!(property, "accepts-only-valid", "seed {seed}: {why}");
    assert!(why.contains("accepted an invalid block 438"), "{why}");
    let mut correct = buggy;
    correct.params["skip_merkle"] = false.into();
    assert_eq!(sweep_support::first_failure(&correct, 100), None);
}
