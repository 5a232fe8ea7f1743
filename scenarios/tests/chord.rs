//! Chord's planted bug is found by a sweep while the correct version passes
//! the same seeds. (Every named scenario, chord's included, runs under
//! three seeds with every property, twice to the same digest, in
//! `tests/tests/named_scenarios.rs`.)

use scenarios::runner;
use scenarios::shard::{SeedRange, Shard};
use scenarios::sweep::{self, Progress, SweepOptions};
use std::time::Duration;

fn sweep_of(name: &str, seeds: SeedRange, keep_going: bool) -> sweep::SweepOutcome {
    let resolved = runner::resolve(name).unwrap();
    sweep::sweep(
        &resolved,
        seeds,
        Shard::ALL,
        SweepOptions {
            jobs: 2,
            keep_going,
            ..SweepOptions::default()
        },
        &Progress::default(),
        Duration::from_millis(50),
        &mut |_| {},
        &|_| Ok(()),
    )
    .unwrap()
}

#[test]
fn a_sweep_finds_the_stale_successor_list_and_the_correct_ring_passes_those_seeds() {
    let found = sweep_of(
        "chord-churn-bug",
        SeedRange {
            start: 0,
            end: 1000,
        },
        false,
    );
    let failure = found
        .shown
        .first()
        .expect("the sweep finds the planted bug");
    assert!(failure.seed < 1000);
    let clean = sweep_of(
        "chord-churn",
        SeedRange {
            start: 0,
            end: failure.seed + 1,
        },
        true,
    );
    assert_eq!(
        clean.failures,
        0,
        "the correct ring fails seed {:?}",
        clean.shown.first().map(|f| f.seed)
    );
    assert_eq!(clean.runs, failure.seed + 1);
}
