//! The planted bug of `primary-backup` goes through the whole failure
//! workflow: a sweep finds it, the failure file replays it, shrinking keeps
//! exactly the two faults it needs, and the file survives a code change that
//! shifts the random streams while the bare seed does not.

use scenarios::failure::{self, FailureFile, Verdict};
use scenarios::runner;
use scenarios::shard::{SeedRange, Shard};
use scenarios::shrink;
use scenarios::sweep::{self, Progress, SweepOptions};
use sim::Fate;
use std::time::Duration;

/// The failures a sweep reports (all with keep-going, else the first), as
/// the files it handed over.
fn sweep_seeds(jobs: usize, keep_going: bool) -> Vec<FailureFile> {
    let resolved = runner::resolve("primary-backup-bug").unwrap();
    let files = std::sync::Mutex::new(Vec::new());
    let outcome = sweep::sweep(
        &resolved,
        SeedRange { start: 0, end: 100 },
        Shard::ALL,
        SweepOptions {
            jobs,
            keep_going,
            ..SweepOptions::default()
        },
        &Progress::default(),
        Duration::from_millis(5),
        &mut |_| {},
        &|f| {
            files.lock().unwrap().push(f.clone());
            Ok(())
        },
    )
    .unwrap();
    if !keep_going {
        assert!(outcome.runs < 100, "the sweep stops at the first failure");
    }
    let mut files = files.into_inner().unwrap();
    files.sort_by_key(|f| f.seed);
    assert_eq!(
        outcome.failures,
        files.len() as u64,
        "every failure is handed over"
    );
    let reported: Vec<u64> = outcome
        .shown
        .iter()
        .take(if keep_going { usize::MAX } else { 1 })
        .map(|f| f.seed)
        .collect();
    files.retain(|f| reported.contains(&f.seed));
    files
}

fn first_failure() -> FailureFile {
    let found = sweep_seeds(2, false);
    assert_eq!(
        found.len(),
        1,
        "without --keep-going one failure is reported"
    );
    found.into_iter().next().unwrap()
}

#[test]
fn the_first_failure_does_not_depend_on_threads() {
    let all = sweep_seeds(2, true);
    assert!(all.len() >= 2, "the planted bug fails several seeds of 100");
    assert!(all.windows(2).all(|w| w[0].seed < w[1].seed));
    let seeds = |files: &[FailureFile]| files.iter().map(|f| f.seed).collect::<Vec<_>>();
    assert_eq!(seeds(&sweep_seeds(1, true)), seeds(&all));
    assert_eq!(sweep_seeds(1, false)[0].seed, all[0].seed);
    assert_eq!(sweep_seeds(2, false)[0], all[0]);
}

#[test]
fn sweep_finds_replay_reproduces_shrink_keeps_exactly_the_needed_faults() {
    let found = first_failure();
    assert_eq!(found.property, "applied-once");
    assert!(
        found.scenario.nemesis.is_none(),
        "the nemesis is written out"
    );
    assert!(
        found.scenario.faults.len() > 2,
        "scripted and nemesis faults"
    );

    let replayed = failure::replay(&found, None).unwrap();
    let verdict = Verdict::of(&found, &replayed);
    assert!(verdict.same_build && verdict.digest_matches, "{verdict:?}");
    assert!(verdict.reproduced());

    let shrunk = shrink::shrink(&found, 2000).unwrap();
    let min = &shrunk.file;
    assert!(min.decisions.len() < found.decisions.len());
    assert!(shrunk.after.bytes < shrunk.before.bytes);
    assert!(min.scenario.faults.is_empty(), "{:?}", min.scenario.faults);
    assert_eq!(shrunk.after.nodes, 2, "one backup is enough");
    // Exactly a loss and, later on the same link, a duplicate.
    let [lost, dup] = min.decisions[..] else {
        panic!("expected two decisions: {:?}", min.decisions)
    };
    assert_eq!(lost.fate, Fate::Drop);
    assert!(matches!(dup.fate, Fate::Duplicate { .. }), "{dup:?}");
    assert_eq!((lost.msg.from, lost.msg.to), (0, 1));
    assert_eq!((dup.msg.from, dup.msg.to), (0, 1));
    assert!(lost.msg.n < dup.msg.n);
    assert!(failure::replay(min, None).unwrap().violates("applied-once"));
    // Both are needed.
    for keep in [lost, dup] {
        let mut fewer = min.clone();
        fewer.decisions = vec![keep];
        assert!(!failure::replay(&fewer, None)
            .unwrap()
            .violates("applied-once"));
    }
    // The shrunk file survives a round trip through its text.
    let text = min.to_json();
    assert_eq!(&FailureFile::parse("min.json", &text).unwrap(), min);
}

#[test]
fn failure_files_survive_a_change_that_shifts_the_random_stream() {
    let found = first_failure();
    let mut changed = found.clone();
    changed.scenario.params["extra_draw"] = serde_json::json!(true);

    let replayed = failure::replay(&changed, None).unwrap();
    assert!(
        replayed.violates("applied-once"),
        "the failure file still fails"
    );

    let mut bare = runner::resolve("primary-backup-bug").unwrap().scenario;
    bare.params["extra_draw"] = serde_json::json!(true);
    let report = runner::build(&bare, found.seed).unwrap().run().unwrap();
    assert!(
        report.violation.is_none(),
        "the bare seed no longer finds the bug: {:?}",
        report.violation
    );
    // Without the change, the bare seed does fail, in the very run the file
    // recorded.
    let plain = runner::resolve("primary-backup-bug").unwrap().scenario;
    let report = runner::build(&plain, found.seed).unwrap().run().unwrap();
    assert!(report.violation.is_some());
    assert_eq!(report.digest, found.digest);
}
