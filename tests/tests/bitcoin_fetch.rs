//! The Bitcoin block fetcher through the scenario runner: every named
//! scenario on a few seeds (same seed, same digest), a sweep of the nemesis
//! scenario with no violation, and the planted bug (a client that skips the
//! merkle check) found by a sweep that the correct client passes.

mod sweep_support;

use scenarios::runner;
use scenarios::scenario::Scenario;

const NAMED: [&str; 5] = [
    "bitcoin-fetch",
    "bitcoin-lossy",
    "bitcoin-tamperers",
    "bitcoin-regtest",
    "bitcoin-nemesis",
];

fn named(name: &str) -> Scenario {
    runner::resolve(name).expect(name).scenario
}

#[test]
fn every_named_bitcoin_scenario_holds_its_properties_and_replays() {
    for name in NAMED {
        let scenario = named(name);
        assert!(!scenario.description.is_empty(), "{name}");
        assert!(scenario.wire_check, "{name} exercises the codec");
        for seed in 0..4 {
            let (report, _) = runner::run(&scenario, seed, None).unwrap();
            assert!(
                report.violation.is_none(),
                "{name} seed {seed}: {:?}",
                report.violation
            );
            assert!(
                report.liveness_unchecked.is_empty(),
                "{name} seed {seed}: unchecked {:?}",
                report.liveness_unchecked
            );
            let (again, _) = runner::run(&scenario, seed, None).unwrap();
            assert_eq!(report.digest, again.digest, "{name} seed {seed}");
        }
    }
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
