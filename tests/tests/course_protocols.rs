//! The course protocols (`gcd`, `bully`) through the scenario runner: the
//! planted bug caught by a seed sweep that the correct version passes.
//! (Every named scenario is run by `named_scenarios.rs`.)

mod sweep_support;

use scenarios::runner;
use scenarios::scenario::Scenario;

fn named(name: &str) -> Scenario {
    runner::resolve(name).expect(name).scenario
}

fn with_bug(mut scenario: Scenario) -> Scenario {
    scenario.params["bug"] = "no-coordinator-retry".into();
    scenario
}

#[test]
fn planted_bug_is_found_within_1000_seeds_and_the_correct_version_passes_them() {
    let mut correct = named("bully-leader-crash");
    // 2,000 runs: skip the codec round trip (the named-scenario test covers it).
    correct.wire_check = false;
    let (seed, property, why) = sweep_support::first_failure(&with_bug(correct.clone()), 1000)
        .expect("the sweep finds the planted bug");
    assert_eq!(property, "leader-agreement", "seed {seed}: {why}");
    assert_eq!(sweep_support::first_failure(&correct, 1000), None);
}
