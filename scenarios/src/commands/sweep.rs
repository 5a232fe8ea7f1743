//! `dsim sweep`: many seeds in parallel, a progress line, a failure file per
//! failure written as soon as it is found, an optional shard report, and a
//! clean stop (with a resume point) on SIGINT or SIGTERM.

use super::{print_json, Exit};
use crate::cli::SweepArgs;
use crate::failure::{replay_command, FailureFile};
use crate::report::{Line, ReportWriter, SweepId};
use crate::runner;
use crate::shard::{Shard, ShardSpec};
use crate::sweep::{sweep, Found, Progress, ResumePoint, SweepOptions, SHOWN};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The `format` of resume points.
const RESUME_FORMAT: &str = "dsim-resume/1";

/// A resume point on disk: the sweep it belongs to and where it stands.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResumeFile {
    format: String,
    sweep: SweepId,
    shard: String,
    build: String,
    point: ResumePoint,
}

/// Sweeps the seeds of `args` and writes every failure found.
pub fn run(args: &SweepArgs) -> Result<Exit, String> {
    let mut resolved = runner::resolve(&args.scenario).map_err(|e| e.to_string())?;
    args.budget.apply(&mut resolved.scenario);
    let shard = match args.shard {
        ShardSpec::Fixed(s) => s,
        ShardSpec::Auto { count } => {
            let (shard, why) = crate::shard::from_env(count, &|name| std::env::var(name).ok())?;
            eprintln!("dsim: shard {shard} from {why}");
            shard
        }
    };
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |j| j as usize,
    );
    if let Some(path) = &args.chart {
        crate::chart::format(path)?;
    }
    let id = SweepId {
        scenario: resolved.name.clone(),
        seeds: args.seeds.to_string(),
        keep_going: args.keep_going,
        swarm: args.swarm,
    };
    // Everything that could fail late fails now, before the first run.
    check_writable(&args.out)?;
    let resume_path = resume_path(&args.out, &resolved.name, shard);
    let resume = if args.resume {
        load_resume(&resume_path, &id, shard)?
    } else {
        None
    };
    let report = match &args.report {
        Some(path) => Some(ReportWriter::open(
            path,
            args.resume,
            &id,
            &shard.to_string(),
        )?),
        None => None,
    };
    let total = shard.len(args.seeds);
    if !args.json {
        crate::outln!(
            "sweep {} seeds {} (shard {shard}: {total} seeds) on {jobs} thread{}{}{}",
            resolved.name,
            args.seeds,
            if jobs == 1 { "" } else { "s" },
            if args.swarm { ", swarm testing" } else { "" },
            match &resume {
                Some(p) => format!(
                    ", resuming after {} seeds ({} failures)",
                    p.next, p.failures
                ),
                None => String::new(),
            }
        );
    }
    let signal = Arc::new(AtomicUsize::new(0));
    let cancel = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // A second signal while the first is being handled ends the process.
        signal_hook::flag::register_conditional_shutdown(sig, 128 + sig, cancel.clone())
            .map_err(|e| format!("cannot handle signals: {e}"))?;
        signal_hook::flag::register_usize(sig, signal.clone(), sig as usize)
            .map_err(|e| format!("cannot handle signals: {e}"))?;
    }
    let on_failure = |f: &FailureFile| -> Result<(), String> {
        let path = failure_path(&args.out, &resolved.name, f.seed);
        f.save(&path).map_err(|e| {
            format!(
                "seed {} fails {} but its failure file cannot be written: {e}",
                f.seed, f.property
            )
        })?;
        if let Some(r) = &report {
            r.write(&Line::Failure {
                found: found_of(f),
                file: path.display().to_string(),
            })?;
        }
        Ok(())
    };
    let start = Instant::now();
    let mut line = ProgressLine::new(total, start);
    let progress = Progress {
        seeds: args
            .chart
            .as_ref()
            .map(|_| crate::chart::SeedLog::new(total)),
        ..Progress::default()
    };
    let base = resume.as_ref().map_or(0, |p| p.next.min(total));
    let options = SweepOptions {
        jobs,
        keep_going: args.keep_going,
        swarm: args.swarm,
        cancel: Some(cancel.clone()),
        resume,
    };
    let outcome = sweep(
        &resolved,
        args.seeds,
        shard,
        options,
        &progress,
        Duration::from_millis(100),
        &mut |p| {
            if signal.load(Ordering::Relaxed) != 0 {
                cancel.store(true, Ordering::Relaxed);
            }
            line.draw(p);
        },
        &on_failure,
    );
    line.finish();
    let outcome = outcome?;
    let wall_s = start.elapsed().as_secs_f64();
    let session_runs = outcome.runs.saturating_sub(base);
    let runs_per_s = session_runs as f64 / wall_s.max(1e-9);
    if let (Some(path), Some(log)) = (&args.chart, &progress.seeds) {
        let keep_going = args.keep_going;
        crate::chart::SweepChart {
            scenario: &resolved.name,
            seeds: args.seeds,
            shard,
            keep_going,
            wall_s,
        }
        .write(path, &log.summary(), args.json)?;
    }
    if let Some(r) = &report {
        r.write(&Line::Summary {
            seeds_run: outcome.runs,
            failures: outcome.failures,
            wall_s,
            runs_per_s,
            interrupted: outcome.interrupted,
        })?;
    }
    if outcome.interrupted {
        let file = ResumeFile {
            format: RESUME_FORMAT.to_string(),
            sweep: id.clone(),
            shard: shard.to_string(),
            build: crate::failure::build_id().to_string(),
            point: outcome.resume.clone(),
        };
        let text = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())?;
        crate::failure::write_atomically(&resume_path, text.as_bytes())?;
    } else if args.resume || resume_path.exists() {
        let _ = std::fs::remove_file(&resume_path);
    }
    let signal = signal.load(Ordering::Relaxed) as i32;
    let shown: Vec<(Found, PathBuf)> = outcome
        .shown
        .iter()
        .take(if args.keep_going { SHOWN } else { 1 })
        .map(|f| (f.clone(), failure_path(&args.out, &resolved.name, f.seed)))
        .collect();
    let resume_command = resume_command();
    if args.json {
        print_json(&json!({
            "scenario": resolved.name,
            "seeds": args.seeds.to_string(),
            "shard": shard.to_string(),
            "jobs": jobs,
            "swarm": args.swarm,
            "runs": outcome.runs,
            "total": total,
            "wall_s": wall_s,
            "runs_per_s": runs_per_s,
            "failure_count": outcome.failures,
            "out": args.out.display().to_string(),
            "interrupted": outcome.interrupted.then(|| json!({
                "signal": signal,
                "resume_point": resume_path.display().to_string(),
                "resume": resume_command,
            })),
            "failures": shown.iter().map(|(f, path)| json!({
                "seed": f.seed,
                "property": f.property,
                "message": f.message,
                "time_ns": f.time_ns,
                "file": path.display().to_string(),
                "reproduce": replay_command(path),
            })).collect::<Vec<_>>(),
        }))?;
    } else {
        let failures = outcome.failures;
        crate::outln!(
            "{}ran {} of {total} seed{} in {wall_s:.2} s ({runs_per_s:.1} runs/s): {failures} failure{}",
            if outcome.interrupted { "INTERRUPTED: " } else { "" },
            outcome.runs,
            if total == 1 { "" } else { "s" },
            if failures == 1 { "" } else { "s" },
        );
        for (f, path) in &shown {
            print_failure(f, path);
        }
        if args.keep_going && failures > shown.len() as u64 {
            crate::outln!(
                "... and {} more failure files in {}",
                failures - shown.len() as u64,
                args.out.display()
            );
        }
        if outcome.interrupted {
            crate::outln!("resume point written to {}", resume_path.display());
            crate::outln!("resume: {resume_command}");
        }
    }
    Ok(if outcome.interrupted {
        let signal = if signal == 0 {
            signal_hook::consts::SIGINT
        } else {
            signal
        };
        Exit::Signal(u8::try_from(128 + signal).unwrap_or(130))
    } else if outcome.failures > 0 {
        Exit::Violation
    } else {
        Exit::Ok
    })
}

fn found_of(f: &FailureFile) -> Found {
    Found {
        seed: f.seed,
        property: f.property.clone(),
        message: f.message.clone(),
        time_ns: f.time_ns,
    }
}

/// Creates `dir` if needed and writes (and removes) a probe file in it.
fn check_writable(dir: &Path) -> Result<(), String> {
    let shown = dir.display();
    if dir.exists() && !dir.is_dir() {
        return Err(format!("--out {shown}: exists and is not a directory"));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("--out {shown}: cannot create: {e}"))?;
    let probe = dir.join(format!(".dsim-probe-{}", std::process::id()));
    std::fs::write(&probe, b"probe\n")
        .map_err(|e| format!("--out {shown}: cannot write there: {e}"))?;
    std::fs::remove_file(&probe)
        .map_err(|e| format!("--out {shown}: cannot remove a file there: {e}"))
}

/// Where the resume point of shard `shard` of scenario `name` lives.
fn resume_path(out: &Path, name: &str, shard: Shard) -> PathBuf {
    out.join(format!(
        "{}.shard-{}-of-{}.resume",
        scenario_stem(name),
        shard.index,
        shard.count
    ))
}

fn load_resume(path: &Path, id: &SweepId, shard: Shard) -> Result<Option<ResumePoint>, String> {
    if !path.exists() {
        eprintln!(
            "dsim: no resume point at {}: starting from the first seed",
            path.display()
        );
        return Ok(None);
    }
    let text = crate::scenario::read_file(path).map_err(|e| e.to_string())?;
    let file: ResumeFile = crate::scenario::parse_json(&path.display().to_string(), &text)
        .map_err(|e| e.to_string())?;
    let shown = path.display();
    if file.format != RESUME_FORMAT {
        return Err(format!(
            "{shown}: format `{}` is not `{RESUME_FORMAT}`",
            file.format
        ));
    }
    if file.sweep != *id || file.shard != shard.to_string() {
        return Err(format!(
            "{shown}: the resume point is for {} seeds {} shard {} (keep-going {}, swarm {}), not this sweep; remove it or run that sweep",
            file.sweep.scenario, file.sweep.seeds, file.shard, file.sweep.keep_going, file.sweep.swarm
        ));
    }
    if file.build != crate::failure::build_id() {
        return Err(format!(
            "{shown}: written by another build ({}); runs may differ, so start again without --resume",
            file.build
        ));
    }
    Ok(Some(file.point))
}

/// This command line with `--resume` (added if missing).
fn resume_command() -> String {
    let mut words: Vec<String> = std::env::args().collect();
    if let Some(first) = words.first_mut() {
        *first = "dsim".to_string();
    }
    if !words.iter().any(|w| w == "--resume") {
        words.push("--resume".to_string());
    }
    words.join(" ")
}

fn print_failure(f: &Found, path: &Path) {
    crate::outln!(
        "FAILED seed {}: {} at {}: {}",
        f.seed,
        f.property,
        sim::Time(f.time_ns),
        f.message
    );
    crate::outln!("  failure file {}", path.display());
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
