//! Every named scenario of every registered protocol: its properties hold
//! (planted-bug scenarios excepted) with every liveness property checked,
//! the same seed gives the same digest, and one seed of each gives a pinned
//! golden digest, so any change of behaviour shows up here with the digest
//! to update.

use scenarios::{registry, runner};

/// Seeds every named scenario is run with.
const SEEDS: std::ops::Range<u64> = 0..3;

/// Golden digests: (scenario, seed 0 digest). Regenerate a line by running
/// `dsim run NAME --seed 0 --json` and copying `digest`, after checking that
/// the change of behaviour is intended.
const GOLDEN: &str = include_str!("golden_digests.txt");

fn golden(name: &str) -> Option<&'static str> {
    GOLDEN
        .lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            l.split_once(' ')
                .filter(|(n, _)| *n == name)
                .map(|(_, d)| d.trim())
        })
}

#[test]
fn every_named_scenario_holds_replays_and_matches_its_golden_digest() {
    let mut missing = Vec::new();
    let mut changed = Vec::new();
    for (name, _) in registry::named() {
        let scenario = runner::resolve(name).unwrap().scenario;
        assert!(
            !scenario.description.is_empty(),
            "{name} has no description"
        );
        for seed in SEEDS {
            let (report, _) = runner::run(&scenario, seed, None).unwrap();
            if !name.ends_with("-bug") {
                assert!(
                    report.violation.is_none(),
                    "{name} seed {seed}: {:?}",
                    report.violation
                );
                assert!(
                    report.liveness_unchecked.is_empty(),
                    "{name} seed {seed}: liveness never checked: {:?}",
                    report.liveness_unchecked
                );
            }
            let (again, _) = runner::run(&scenario, seed, None).unwrap();
            assert_eq!(report.digest, again.digest, "{name} seed {seed}");
            if seed == 0 {
                match golden(name) {
                    None => missing.push(format!("{name} {}", report.digest)),
                    Some(d) if d != report.digest => {
                        changed.push(format!("{name}: golden {d}, now {}", report.digest))
                    }
                    Some(_) => {}
                }
            }
        }
    }
    assert!(
        missing.is_empty() && changed.is_empty(),
        "golden digests to add to tests/tests/golden_digests.txt:\n{}\nchanged behaviour:\n{}",
        missing.join("\n"),
        changed.join("\n")
    );
}

#[test]
fn golden_digests_name_only_existing_scenarios() {
    let named: Vec<&str> = registry::named().iter().map(|(n, _)| *n).collect();
    for line in GOLDEN
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (name, digest) = line.split_once(' ').expect("`name digest` lines");
        assert!(
            named.contains(&name),
            "golden digest for unknown scenario {name}"
        );
        assert_eq!(digest.trim().len(), 16, "{name}: a digest is 16 hex digits");
    }
}
