//! `dsim sweep`: many seeds in parallel, a progress line, a failure file per failure.

use super::{print_json, Exit};
use crate::cli::SweepArgs;
use crate::failure::{replay_command, FailureFile};
use crate::runner;
use crate::sweep::{sweep, Progress, SweepOptions};
use serde_json::json;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Sweeps the seeds of `args` and writes every failure found.
pub fn run(args: &SweepArgs) -> Result<Exit, String> {
    let resolved = runner::resolve(&args.scenario).map_err(|e| e.to_string())?;
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |j| j as usize,
    );
    let total = args.shard.len(args.seeds);
    let options = SweepOptions {
        jobs,
        keep_going: args.keep_going,
    };
    if !args.json {
        crate::outln!(
            "sweep {} seeds {} (shard {}: {total} seeds) on {jobs} thread{}",
            resolved.name,
            args.seeds,
            args.shard,
            if jobs == 1 { "" } else { "s" }
        );
    }
    let start = Instant::now();
    let mut line = ProgressLine::new(total, start);
    let progress = Progress::default();
    let outcome = sweep(
        &resolved,
        args.seeds,
        args.shard,
        options,
        &progress,
        Duration::from_millis(100),
        &mut |p| line.draw(p),
    )?;
    line.finish();
    let wall_s = start.elapsed().as_secs_f64();
    let runs_per_s = outcome.runs as f64 / wall_s.max(1e-9);
    let mut written = Vec::new();
    for f in &outcome.failures {
        let path = failure_path(&args.out, &resolved.name, f.seed);
        f.save(&path)?;
        written.push(path);
    }
    if args.json {
        print_json(&json!({
            "scenario": resolved.name,
            "seeds": args.seeds.to_string(),
            "shard": args.shard.to_string(),
            "jobs": jobs,
            "runs": outcome.runs,
            "wall_s": wall_s,
            "runs_per_s": runs_per_s,
            "failures": outcome.failures.iter().zip(&written).map(|(f, path)| json!({
                "seed": f.seed,
                "property": f.property,
                "message": f.message,
                "time_ns": f.time_ns,
                "file": path.display().to_string(),
                "reproduce": replay_command(path),
            })).collect::<Vec<_>>(),
        }))?;
    } else {
        crate::outln!(
            "ran {} seed{} in {wall_s:.2} s ({runs_per_s:.1} runs/s): {} failure{}",
            outcome.runs,
            if outcome.runs == 1 { "" } else { "s" },
            outcome.failures.len(),
            if outcome.failures.len() == 1 { "" } else { "s" },
        );
        for (f, path) in outcome.failures.iter().zip(&written) {
            print_failure(f, path);
        }
    }
    Ok(if outcome.failures.is_empty() {
        Exit::Ok
    } else {
        Exit::Violation
    })
}

fn print_failure(f: &FailureFile, path: &Path) {
    let c = f.counts();
    crate::outln!(
        "FAILED seed {}: {} at {}: {}",
        f.seed,
        f.property,
        sim::Time(f.time_ns),
        f.message
    );
    crate::outln!(
        "  failure file {} ({} faults, {} drops, {} duplicates, {} delays)",
        path.display(),
        f.scenario.faults.len(),
        c.drops,
        c.duplicates,
        c.delays
    );
    crate::outln!("  reproduce: {}", replay_command(path));
}

/// A file-name-friendly name for a scenario name or path.
fn scenario_stem(name: &str) -> String {
    let stem = Path::new(name)
        .file_stem()
        .map_or_else(|| name.to_string(), |s| s.to_string_lossy().into_owned());
    stem.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Progress on stderr: a redrawn line on a terminal, otherwise a plain line
/// every few seconds.
struct ProgressLine {
    total: u64,
    start: Instant,
    terminal: bool,
    last_plain: Instant,
    drawn: bool,
}

impl ProgressLine {
    fn new(total: u64, start: Instant) -> Self {
        ProgressLine {
            total,
            start,
            terminal: std::io::stderr().is_terminal(),
            last_plain: start,
            drawn: false,
        }
    }

    fn draw(&mut self, p: &Progress) {
        let done = p.done.load(Ordering::Relaxed);
        let failures = p.failures.load(Ordering::Relaxed);
        let elapsed = self.start.elapsed().as_secs_f64();
        let rate = done as f64 / elapsed.max(1e-9);
        let eta = if done == 0 {
            "?".to_string()
        } else {
            format_secs((self.total - done.min(self.total)) as f64 / rate)
        };
        let text = format!(
            "{done}/{} runs, {rate:.1} runs/s, ETA {eta}, {failures} failure{}",
            self.total,
            if failures == 1 { "" } else { "s" }
        );
        let mut err = std::io::stderr().lock();
        if self.terminal {
            const WIDTH: usize = 24;
            let filled = (done * WIDTH as u64)
                .checked_div(self.total)
                .unwrap_or(WIDTH as u64) as usize;
            let bar = format!("{}{}", "#".repeat(filled), ".".repeat(WIDTH - filled));
            let _ = write!(err, "\r[{bar}] {text}\x1b[K");
            self.drawn = true;
        } else if self.last_plain.elapsed() >= Duration::from_secs(2) {
            let _ = writeln!(err, "progress: {text}");
            self.last_plain = Instant::now();
        }
        let _ = err.flush();
    }

    fn finish(&self) {
        if self.drawn {
            eprintln!();
        }
    }
}

fn format_secs(s: f64) -> String {
    if !s.is_finite() {
        return "?".to_string();
    }
    let s = s.round() as u64;
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// Where `dsim sweep` writes the failure of `seed` of scenario `name` in `out`.
pub fn failure_path(out: &Path, name: &str, seed: u64) -> PathBuf {
    out.join(format!("{}-seed-{seed}.json", scenario_stem(name)))
}
