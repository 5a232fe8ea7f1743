//! Seed sweeps: run one scenario under many seeds on several threads and
//! write every failure down.
//!
//! Each run is single-threaded and deterministic; threads only take seeds
//! from a shared counter, in increasing order. Without `keep_going` the sweep
//! stops issuing seeds after the first failure, finishes the runs in flight,
//! and reports the failure with the smallest seed — so the result does not
//! depend on the number of threads or on their timing.

use crate::failure::{self, FailureFile};
use crate::runner::{self, Resolved};
use crate::scenario::Scenario;
use crate::shard::{SeedRange, Shard};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::Duration;

/// How to sweep.
#[derive(Clone, Copy, Debug)]
pub struct SweepOptions {
    /// Worker threads (at least 1).
    pub jobs: usize,
    /// Run every seed even after a failure.
    pub keep_going: bool,
}

/// Counters a progress display reads while a sweep runs.
#[derive(Debug, Default)]
pub struct Progress {
    /// Runs finished.
    pub done: AtomicU64,
    /// Failures found so far.
    pub failures: AtomicU64,
    /// Each seed's outcome and wall time, for a chart, if one is wanted.
    pub seeds: Option<crate::chart::SeedLog>,
}

/// What a sweep found.
#[derive(Debug)]
pub struct SweepOutcome {
    /// Runs made.
    pub runs: u64,
    /// The failures written down, by increasing seed (at most one without `keep_going`).
    pub failures: Vec<FailureFile>,
}

/// Runs `scenario` under each seed of `shard` of `seeds`; `tick` is called
/// on the calling thread about every `tick_every` while the sweep runs (to
/// draw progress). Fails if the scenario cannot be built.
pub fn sweep(
    scenario: &Resolved,
    seeds: SeedRange,
    shard: Shard,
    options: SweepOptions,
    progress: &Progress,
    tick_every: Duration,
    tick: &mut dyn FnMut(&Progress),
) -> Result<SweepOutcome, String> {
    let (origin, scenario) = (scenario.name.as_str(), &scenario.scenario);
    let total = shard.len(seeds);
    let seed_at = |i: u64| shard.seed(seeds, i);
    if total > 0 {
        runner::build(scenario, seed_at(0))?;
    }
    let next = AtomicU64::new(0);
    let stop_after = AtomicU64::new(u64::MAX);
    let found: Mutex<Vec<(u64, FailureFile)>> = Mutex::new(Vec::new());
    let errors: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let worker = || loop {
        let i = next.fetch_add(1, Ordering::SeqCst);
        if i >= total || i > stop_after.load(Ordering::SeqCst) {
            break;
        }
        let seed = seed_at(i);
        let started = std::time::Instant::now();
        let result = run_seed(origin, scenario, seed);
        if let (Some(log), Ok(found)) = (&progress.seeds, &result) {
            let failed = found
                .as_ref()
                .map(|f| (f.property.as_str(), f.message.as_str()));
            log.record(i, seed, started.elapsed(), failed);
        }
        match result {
            Ok(None) => {}
            Ok(Some(file)) => {
                progress.failures.fetch_add(1, Ordering::Relaxed);
                lock(&found).push((i, file));
                if !options.keep_going {
                    stop_after.fetch_min(i, Ordering::SeqCst);
                }
            }
            Err(e) => {
                lock(&errors).push(format!("seed {seed}: {e}"));
                stop_after.store(0, Ordering::SeqCst);
            }
        }
        progress.done.fetch_add(1, Ordering::Relaxed);
    };
    let jobs = options.jobs.max(1);
    std::thread::scope(|s| {
        let (done_tx, done_rx) = mpsc::channel::<()>();
        for _ in 0..jobs {
            let done = done_tx.clone();
            s.spawn(move || {
                worker();
                // The receiver outlives the workers: this cannot fail.
                let _ = done.send(());
            });
        }
        let mut finished = 0;
        while finished < jobs {
            match done_rx.recv_timeout(tick_every) {
                Ok(()) => finished += 1,
                Err(_) => tick(progress),
            }
        }
    });
    tick(progress);
    if let Some(e) = lock(&errors).first() {
        return Err(e.clone());
    }
    let mut failures = std::mem::take(&mut *lock(&found));
    failures.sort_by_key(|(i, _)| *i);
    if !options.keep_going {
        failures.truncate(1);
    }
    Ok(SweepOutcome {
        runs: progress.done.load(Ordering::SeqCst),
        failures: failures.into_iter().map(|(_, f)| f).collect(),
    })
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One seed: a plain run, and on a violation a recording run that writes it down.
fn run_seed(origin: &str, scenario: &Scenario, seed: u64) -> Result<Option<FailureFile>, String> {
    let mut sim = runner::build(scenario, seed)?;
    if sim.run()?.violation.is_none() {
        return Ok(None);
    }
    match failure::capture(origin, scenario, seed)? {
        Some(file) => Ok(Some(file)),
        None => Err(
            "the recording run did not fail like the first: the run is not deterministic"
                .to_string(),
        ),
    }
}
