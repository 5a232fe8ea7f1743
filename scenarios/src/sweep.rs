//! Seed sweeps: run one scenario under many seeds on several threads and
//! hand every failure over as soon as it is found.
//!
//! Each run is single-threaded and deterministic; threads only take seeds
//! from a shared counter, in increasing order. Without `keep_going` the sweep
//! stops issuing seeds after the first failure, finishes the runs in flight,
//! and reports the failure with the smallest seed first — so the result does
//! not depend on the number of threads or on their timing.
//!
//! Memory stays bounded whatever the number of seeds and failures: with
//! `keep_going` every failure is handed to a callback at once (`dsim sweep`
//! writes its file and its report line there) and then dropped; the sweep
//! keeps counters, the [`SHOWN`] failures with the smallest seeds for its
//! summary, and the seeds in flight. Without it, the first failure (by seed)
//! is handed over once the runs in flight are done (or the sweep is
//! interrupted): exactly one failure file, whatever the threads.
//!
//! A sweep can be cancelled (a signal handler sets [`SweepOptions::cancel`]):
//! runs in flight stop within [`sim::Budget::CHECK_EVERY`] events, and the
//! outcome carries a [`ResumePoint`]: every seed before it is done, and
//! [`SweepOptions::resume`] continues from there with the same final result
//! as a sweep that was never interrupted.

use crate::failure::{self, FailureFile};
use crate::runner::{self, Resolved};
use crate::scenario::Scenario;
use crate::shard::{SeedRange, Shard};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

/// Failures a sweep keeps for its summary (those with the smallest seeds).
pub const SHOWN: usize = 20;

/// How to sweep.
#[derive(Clone, Debug, Default)]
pub struct SweepOptions {
    /// Worker threads (at least 1).
    pub jobs: usize,
    /// Run every seed even after a failure.
    pub keep_going: bool,
    /// Swarm testing: each seed draws its fault mix (see [`crate::swarm`]).
    pub swarm: bool,
    /// Set to stop the sweep soon (runs in flight are abandoned).
    pub cancel: Option<Arc<AtomicBool>>,
    /// Continue an interrupted sweep from here.
    pub resume: Option<ResumePoint>,
}

/// Counters a progress display reads while a sweep runs.
#[derive(Debug, Default)]
pub struct Progress {
    /// Runs finished (including those before a resume point).
    pub done: AtomicU64,
    /// Failures found so far (including those before a resume point).
    pub failures: AtomicU64,
    /// Each seed's outcome and wall time, for a chart, if one is wanted.
    pub seeds: Option<crate::chart::SeedLog>,
}

/// A failure as a sweep's summary shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Found {
    /// The seed.
    pub seed: u64,
    /// The property that failed.
    pub property: String,
    /// What it said.
    pub message: String,
    /// Virtual time of the violation, nanoseconds.
    pub time_ns: u64,
}

impl Found {
    fn of(file: &FailureFile) -> Found {
        Found {
            seed: file.seed,
            property: file.property.clone(),
            message: file.message.clone(),
            time_ns: file.time_ns,
        }
    }
}

/// Where an interrupted sweep stands: every seed of the shard before the
/// `next`-th is done, and these are its results.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ResumePoint {
    /// The position (within the shard) of the first seed not done.
    pub next: u64,
    /// Failures among the seeds before it.
    pub failures: u64,
    /// The failures with the smallest seeds among them (at most [`SHOWN`]).
    pub shown: Vec<Found>,
}

/// What a sweep found.
#[derive(Debug)]
pub struct SweepOutcome {
    /// Runs made (including those before a resume point).
    pub runs: u64,
    /// Failures found (including those before a resume point).
    pub failures: u64,
    /// The failures with the smallest seeds, at most [`SHOWN`], by seed.
    pub shown: Vec<Found>,
    /// Whether the sweep was cancelled before it finished.
    pub interrupted: bool,
    /// Where to continue (meaningful when interrupted).
    pub resume: ResumePoint,
}

/// Called with every failure as soon as it is written down (on a worker
/// thread); an error stops the sweep and is its error.
pub type OnFailure<'a> = &'a (dyn Fn(&FailureFile) -> Result<(), String> + Sync);

/// What the workers share.
#[derive(Default)]
struct State {
    /// Next position to hand out.
    next: u64,
    /// Hand out nothing after this position (the first failure without keep-going).
    stop_after: u64,
    /// Positions being run.
    in_flight: BTreeSet<u64>,
    /// Failures at positions not yet below the watermark.
    recent: BTreeSet<u64>,
    /// Failures below the watermark.
    settled: u64,
    /// Failures with the smallest positions, by position.
    shown: BTreeMap<u64, Found>,
    runs: u64,
    errors: Vec<String>,
    /// Without keep-going: the failure with the smallest seed so far (the
    /// seeds in flight bound how many replace it).
    first: Option<FailureFile>,
}

impl State {
    /// Every position before this one is done.
    fn watermark(&self) -> u64 {
        self.in_flight.first().copied().unwrap_or(self.next)
    }

    /// Folds failures below the watermark into the count (bounds `recent`).
    fn settle(&mut self) {
        let mark = self.watermark();
        let above = self.recent.split_off(&mark);
        self.settled += self.recent.len() as u64;
        self.recent = above;
    }
}

/// Runs `scenario` under each seed of `shard` of `seeds`, calling
/// `on_failure` with each failure as it is found; `tick` is called on the
/// calling thread about every `tick_every` while the sweep runs (to draw
/// progress, or to notice a signal and set the cancel flag). Fails if the
/// scenario cannot be built, a run fails (e.g. over its budget), or
/// `on_failure` fails — failures found before that were already handed over.
#[allow(clippy::too_many_arguments)]
pub fn sweep(
    scenario: &Resolved,
    seeds: SeedRange,
    shard: Shard,
    options: SweepOptions,
    progress: &Progress,
    tick_every: Duration,
    tick: &mut dyn FnMut(&Progress),
    on_failure: OnFailure<'_>,
) -> Result<SweepOutcome, String> {
    let (origin, scenario) = (scenario.name.as_str(), &scenario.scenario);
    let total = shard.len(seeds);
    let seed_at = |i: u64| shard.seed(seeds, i);
    let cancel = options.cancel.clone().unwrap_or_default();
    let resume = options.resume.clone().unwrap_or_default();
    let mut state = State {
        next: resume.next.min(total),
        stop_after: u64::MAX,
        settled: resume.failures,
        runs: resume.next.min(total),
        ..State::default()
    };
    for f in &resume.shown {
        if shard.contains(seeds, f.seed) {
            state
                .shown
                .insert((f.seed - seeds.start) / shard.count, f.clone());
        }
    }
    if !options.keep_going {
        if let Some(&first) = state.shown.keys().next() {
            state.stop_after = first;
        }
    }
    progress.done.store(state.runs, Ordering::Relaxed);
    progress.failures.store(state.settled, Ordering::Relaxed);
    if state.next < total {
        runner::build(scenario, seed_at(state.next))?;
    }
    let state = Mutex::new(state);
    let worker = || loop {
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        let i = {
            let mut st = lock(&state);
            if st.next >= total || st.next > st.stop_after || !st.errors.is_empty() {
                break;
            }
            let i = st.next;
            st.next += 1;
            st.in_flight.insert(i);
            i
        };
        let seed = seed_at(i);
        let started = std::time::Instant::now();
        let result = run_seed(origin, scenario, seed, options.swarm, &cancel);
        if let (Some(log), Ok(found)) = (&progress.seeds, &result) {
            let failed = found
                .as_ref()
                .map(|f| (f.property.as_str(), f.message.as_str()));
            log.record(i, seed, started.elapsed(), failed);
        }
        if cancel.load(Ordering::Relaxed) && result.is_err() {
            // Abandoned: it stays in flight, so the resume point is before it.
            break;
        }
        // With keep-going each failure is handed over at once; otherwise
        // only the first (smallest seed) is, when the runs in flight are done.
        let result = result.and_then(|found| match found {
            Some(file) if options.keep_going => on_failure(&file).map(|()| Some(file)),
            found => Ok(found),
        });
        let mut st = lock(&state);
        match result {
            Ok(found) => {
                if let Some(file) = found {
                    if options.keep_going {
                        progress.failures.fetch_add(1, Ordering::Relaxed);
                        st.recent.insert(i);
                        st.shown.insert(i, Found::of(&file));
                        if st.shown.len() > SHOWN {
                            st.shown.pop_last();
                        }
                    } else if i < st.stop_after {
                        progress.failures.store(1, Ordering::Relaxed);
                        st.stop_after = i;
                        st.first = Some(file);
                    }
                }
                st.in_flight.remove(&i);
                st.runs += 1;
                progress.done.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                st.errors.push(format!("seed {seed}: {e}"));
                st.in_flight.remove(&i);
            }
        }
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
                Err(_) => {
                    lock(&state).settle();
                    tick(progress);
                }
            }
        }
    });
    tick(progress);
    let mut st = state.into_inner().unwrap_or_else(|p| p.into_inner());
    if let Some(e) = st.errors.first() {
        return Err(e.clone());
    }
    if let Some(file) = st.first.take() {
        on_failure(&file)?;
        let i = (file.seed - seeds.start) / shard.count;
        st.recent.insert(i);
        st.shown.insert(i, Found::of(&file));
    }
    st.settle();
    let interrupted = cancel.load(Ordering::Relaxed)
        && st.watermark() < total.min(st.stop_after.saturating_add(1));
    let mark = st.watermark();
    let resume = ResumePoint {
        next: mark,
        failures: st.settled,
        shown: st.shown.range(..mark).map(|(_, f)| f.clone()).collect(),
    };
    Ok(SweepOutcome {
        runs: st.runs,
        failures: st.settled + st.recent.len() as u64,
        shown: st.shown.into_values().collect(),
        interrupted,
        resume,
    })
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One seed: a plain run, and on a violation a recording run that writes it
/// down. Under swarm testing the seed first draws its scenario.
fn run_seed(
    origin: &str,
    scenario: &Scenario,
    seed: u64,
    swarm: bool,
    cancel: &Arc<AtomicBool>,
) -> Result<Option<FailureFile>, String> {
    let drawn = swarm.then(|| crate::swarm::draw(scenario, seed));
    let scenario = drawn.as_ref().map_or(scenario, |(s, _)| s);
    let mut sim = runner::build(scenario, seed)?;
    sim.set_cancel(cancel.clone());
    if sim.run()?.violation.is_none() {
        return Ok(None);
    }
    match failure::capture(origin, scenario, seed)? {
        Some(mut file) => {
            file.swarm = drawn.map(|(_, d)| d);
            Ok(Some(file))
        }
        None => Err(
            "the recording run did not fail like the first: the run is not deterministic"
                .to_string(),
        ),
    }
}
