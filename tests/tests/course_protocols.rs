//! The course protocols (`gcd`, `bully`) through the scenario runner: every
//! named scenario on a handful of seeds, same seed same digest, and the
//! planted bug caught by a seed sweep that the correct version passes.

mod sweep_support;

use scenarios::runner;
use scenarios::scenario::Scenario;

const NAMED: [&str; 8] = [
    "gcd-hello",
    "gcd-member-down",
    "bully-startup",
    "bully-leader-crash",
    "bully-partition-heal",
    "bully-feign",
    "bully-lossy",
    "bully-churn",
];

fn named(name: &str) -> Scenario {
    runner::resolve(name).expect(name).scenario
}

#[test]
fn every_named_course_scenario_holds_its_properties_and_replays() {
    for name in NAMED {
        let scenario = named(name);
        assert!(
            !scenario.description.is_empty(),
            "{name} has no description"
        );
        for seed in 0..8 {
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
