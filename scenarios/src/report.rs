//! Shard reports (`dsim sweep --report FILE.jsonl`) and their merge
//! (`dsim merge`).
//!
//! A report is JSON lines: a `start` line naming the sweep (scenario, seed
//! range, shard, options, build), a `failure` line per failing seed written
//! as soon as it is found, and a `summary` line at the end (seeds run,
//! failures, runs/s; `interrupted` if the sweep was stopped). A resumed sweep
//! appends to its report; a seed found again is the same line, and the last
//! summary counts.
//!
//! [`merge`] checks that the reports are the shards 1..N of one sweep, each
//! once, all finished and from one build, and combines them; its output is a
//! function of the set of reports, whatever their order.

use crate::failure::build_id;
use crate::sweep::Found;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The `format` of the start line of every report this version writes.
pub const FORMAT: &str = "dsim-report/1";
/// Longest line a report may have, in bytes.
pub const MAX_LINE_BYTES: u64 = 1 << 20;

/// What identifies a sweep (every shard of it agrees on this).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepId {
    /// The scenario name or path.
    pub scenario: String,
    /// The whole seed range, `A..B`.
    pub seeds: String,
    /// Whether every seed ran after a failure.
    pub keep_going: bool,
    /// Whether seeds drew their fault mix (swarm testing).
    pub swarm: bool,
}

/// One line of a report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Line {
    /// The first line.
    Start {
        /// Always [`FORMAT`].
        format: String,
        /// Which sweep.
        sweep: SweepId,
        /// This shard, `K/N`.
        shard: String,
        /// The build that ran it ([`build_id`]).
        build: String,
    },
    /// A failing seed.
    Failure {
        /// The failure.
        #[serde(flatten)]
        found: Found,
        /// Its failure file.
        file: String,
    },
    /// The last line.
    Summary {
        /// Seeds of the shard run (including before a resume).
        seeds_run: u64,
        /// Failures found (including before a resume).
        failures: u64,
        /// Wall time of this (last) session, seconds.
        wall_s: f64,
        /// Runs per second of this session.
        runs_per_s: f64,
        /// Whether the sweep was stopped before it finished.
        interrupted: bool,
    },
}

/// Writes a report, one flushed line at a time (shared by the sweep's threads).
pub struct ReportWriter {
    path: PathBuf,
    out: Mutex<std::fs::File>,
}

impl ReportWriter {
    /// Creates (or, to resume, appends to) the report at `path` and writes
    /// its start line. Fails at once if the file cannot be written.
    pub fn open(
        path: &Path,
        append: bool,
        sweep: &SweepId,
        shard: &str,
    ) -> Result<ReportWriter, String> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(append)
            .write(true)
            .truncate(!append)
            .open(path)
            .map_err(|e| format!("--report {}: cannot write: {e}", path.display()))?;
        let writer = ReportWriter {
            path: path.to_path_buf(),
            out: Mutex::new(file),
        };
        writer.write(&Line::Start {
            format: FORMAT.to_string(),
            sweep: sweep.clone(),
            shard: shard.to_string(),
            build: build_id().to_string(),
        })?;
        Ok(writer)
    }

    /// Appends one line (flushed: a killed sweep loses no line it wrote).
    pub fn write(&self, line: &Line) -> Result<(), String> {
        let mut text = serde_json::to_string(line).map_err(|e| e.to_string())?;
        text.push('\n');
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| format!("--report {}: cannot write: {e}", self.path.display()))
    }
}

/// One shard's report, read back.
#[derive(Clone, Debug)]
struct ShardReport {
    path: String,
    sweep: SweepId,
    shard: crate::shard::Shard,
    build: String,
    failures: BTreeMap<u64, (Found, String)>,
    summary: Option<(u64, f64, bool)>,
}

fn read_report(path: &Path) -> Result<ShardReport, String> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    let mut reader = BufReader::new(file);
    let mut report: Option<ShardReport> = None;
    let mut number = 0;
    loop {
        let mut bytes = Vec::new();
        let n = (&mut reader)
            .take(MAX_LINE_BYTES + 1)
            .read_until(b'\n', &mut bytes)
            .map_err(|e| format!("{shown}: cannot read: {e}"))?;
        if n == 0 {
            break;
        }
        number += 1;
        let place = format!("{shown}:{number}");
        if n as u64 > MAX_LINE_BYTES {
            return Err(format!(
                "{place}: a line longer than {MAX_LINE_BYTES} bytes"
            ));
        }
        let text = String::from_utf8_lossy(&bytes);
        if text.trim().is_empty() {
            continue;
        }
        let line: Line =
            serde_json::from_str(&text).map_err(|e| format!("{place}: not a report line: {e}"))?;
        match (line, report.as_mut()) {
            (
                Line::Start {
                    format,
                    sweep,
                    shard,
                    build,
                },
                current,
            ) => {
                if format != FORMAT {
                    return Err(format!("{place}: format `{format}` is not `{FORMAT}`"));
                }
                let shard: crate::shard::Shard =
                    shard.parse().map_err(|e| format!("{place}: {e}"))?;
                match current {
                    // A resumed sweep starts again in the same file.
                    Some(r) if r.sweep == sweep && r.shard == shard && r.build == build => {}
                    Some(_) => {
                        return Err(format!(
                        "{place}: a start line of another sweep, shard or build in the same report"
                    ))
                    }
                    None => {
                        report = Some(ShardReport {
                            path: shown.clone(),
                            sweep,
                            shard,
                            build,
                            failures: BTreeMap::new(),
                            summary: None,
                        })
                    }
                }
            }
            (_, None) => {
                return Err(format!(
                    "{place}: the report does not begin with a start line"
                ))
            }
            (Line::Failure { found, file }, Some(r)) => {
                r.failures.insert(found.seed, (found, file));
            }
            (
                Line::Summary {
                    seeds_run,
                    runs_per_s,
                    interrupted,
                    ..
                },
                Some(r),
            ) => {
                r.summary = Some((seeds_run, runs_per_s, interrupted));
            }
        }
    }
    report.ok_or_else(|| format!("{shown}: empty report"))
}

/// Reports merged into one sweep's result.
#[derive(Clone, Debug, Serialize)]
pub struct Merged {
    /// The sweep.
    #[serde(flatten)]
    pub sweep: SweepId,
    /// The build every shard ran.
    pub build: String,
    /// How many shards.
    pub shards: u64,
    /// Seeds run over all shards.
    pub seeds_run: u64,
    /// Failing seeds over all shards.
    pub failures: u64,
    /// The sum of the shards' runs per second.
    pub runs_per_s: f64,
    /// Every failure, by seed.
    pub failing: Vec<MergedFailure>,
}

/// A failure in a merged result.
#[derive(Clone, Debug, Serialize)]
pub struct MergedFailure {
    /// The failure.
    #[serde(flatten)]
    pub found: Found,
    /// Its failure file (as the shard wrote it).
    pub file: String,
    /// The shard that found it, `K/N`.
    pub shard: String,
}

/// Merges shard reports. Errors (one message, naming the reports and
/// shards): unreadable reports, reports of different sweeps or builds,
/// missing, duplicated or unfinished shards.
pub fn merge(paths: &[PathBuf]) -> Result<Merged, String> {
    let mut reports = paths
        .iter()
        .map(|p| read_report(p))
        .collect::<Result<Vec<_>, String>>()?;
    // Order-independent from here on.
    reports.sort_by(|a, b| {
        (a.shard.index, &a.sweep, &a.build, &a.path).cmp(&(
            b.shard.index,
            &b.sweep,
            &b.build,
            &b.path,
        ))
    });
    let first = reports.first().ok_or("no report given")?.clone();
    let mut problems = Vec::new();
    for r in &reports {
        if r.sweep != first.sweep || r.shard.count != first.shard.count {
            problems.push(format!(
                "{} is shard {} of {} seeds {}; {} is shard {} of {} seeds {}: not one sweep",
                r.path,
                r.shard,
                r.sweep.scenario,
                r.sweep.seeds,
                first.path,
                first.shard,
                first.sweep.scenario,
                first.sweep.seeds
            ));
        }
    }
    let builds: BTreeMap<&str, Vec<String>> = reports.iter().fold(BTreeMap::new(), |mut m, r| {
        m.entry(r.build.as_str())
            .or_default()
            .push(format!("{} ({})", r.shard, r.path));
        m
    });
    if builds.len() > 1 {
        let list: Vec<String> = builds
            .iter()
            .map(|(b, shards)| format!("build {b}: shards {}", shards.join(", ")))
            .collect();
        problems.push(format!("mixed builds: {}", list.join("; ")));
    }
    let count = first.shard.count;
    let mut by_index: BTreeMap<u64, Vec<&ShardReport>> = BTreeMap::new();
    for r in &reports {
        by_index.entry(r.shard.index).or_default().push(r);
    }
    let missing: Vec<String> = (1..=count)
        .filter(|k| !by_index.contains_key(k))
        .map(|k| format!("{k}/{count}"))
        .collect();
    if !missing.is_empty() {
        problems.push(format!("missing shards: {}", missing.join(", ")));
    }
    for (k, rs) in &by_index {
        if rs.len() > 1 {
            let files: Vec<&str> = rs.iter().map(|r| r.path.as_str()).collect();
            problems.push(format!(
                "shard {k}/{count} appears {} times: {}",
                rs.len(),
                files.join(", ")
            ));
        }
    }
    for r in &reports {
        match r.summary {
            None => problems.push(format!(
                "shard {} ({}) has no summary: it did not finish",
                r.shard, r.path
            )),
            Some((_, _, true)) => problems.push(format!(
                "shard {} ({}) was interrupted: finish it with `dsim sweep ... --resume`",
                r.shard, r.path
            )),
            Some(_) => {}
        }
    }
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    let mut failing: Vec<MergedFailure> = reports
        .iter()
        .flat_map(|r| {
            r.failures.values().map(move |(found, file)| MergedFailure {
                found: found.clone(),
                file: file.clone(),
                shard: r.shard.to_string(),
            })
        })
        .collect();
    failing.sort_by_key(|f| f.found.seed);
    Ok(Merged {
        sweep: first.sweep.clone(),
        build: first.build.clone(),
        shards: count,
        seeds_run: reports.iter().filter_map(|r| r.summary).map(|s| s.0).sum(),
        failures: failing.len() as u64,
        runs_per_s: reports.iter().filter_map(|r| r.summary).map(|s| s.1).sum(),
        failing,
    })
}
