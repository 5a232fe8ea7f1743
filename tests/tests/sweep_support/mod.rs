//! Planted-bug tests sweep seeds exactly as `dsim sweep` does.

use scenarios::runner::Resolved;
use scenarios::scenario::Scenario;
use scenarios::shard::{SeedRange, Shard};
use scenarios::sweep::{sweep, Progress, SweepOptions};
use std::time::Duration;

/// `dsim sweep <scenario> --seeds 0..seeds --jobs 2`: the first failing seed
/// with its property and message, or `None` when every seed passes.
pub fn first_failure(scenario: &Scenario, seeds: u64) -> Option<(u64, String, String)> {
    let resolved = Resolved {
        name: "planted-bug-test".into(),
        scenario: scenario.clone(),
    };
    let range: SeedRange = format!("0..{seeds}").parse().unwrap();
    let shard: Shard = "1/1".parse().unwrap();
    let options = SweepOptions {
        jobs: 2,
        ..SweepOptions::default()
    };
    let outcome = sweep(
        &resolved,
        range,
        shard,
        options,
        &Progress::default(),
        Duration::from_secs(3600),
        &mut |_| {},
        &|_| Ok(()),
    )
    .unwrap();
    if outcome.failures == 0 {
        assert_eq!(outcome.runs, seeds, "a passing sweep runs every seed");
    }
    outcome
        .shown
        .into_iter()
        .next()
        .map(|f| (f.seed, f.property, f.message))
}
