//! Sweeps that stop and resume, shard reports and their merge, as a person
//! (or a batch engine) runs them.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

#[path = "support/cli.rs"]
mod cli;
use cli::{dsim_in, temp_dir, text};

fn dsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dsim"))
}

/// Failure files in `dir`, by name.
fn failure_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".json") && !n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Waits (at most a minute) until `dir` holds a failure file: the sweep is
/// under way and has found something.
fn wait_for_a_failure(dir: &Path, child: &mut Child) {
    let start = Instant::now();
    while failure_files(dir).is_empty() {
        assert!(child.try_wait().unwrap().is_none(), "the sweep ended early");
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no failure found"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

const SEEDS: &str = "0..4000";

#[test]
fn an_interrupted_sweep_keeps_every_finding_and_resumes_to_the_same_result() {
    let dir = temp_dir("resume");
    let args = [
        "sweep",
        "primary-backup-bug",
        "--seeds",
        SEEDS,
        "--keep-going",
        "--jobs",
        "1",
    ];
    let mut child = dsim()
        .current_dir(&dir)
        .args(args)
        .args(["--out", "out", "--report", "r.jsonl"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_a_failure(&dir.join("out"), &mut child);
    signal(&child, "-INT");
    let o = child.wait_with_output().unwrap();
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(130), "{out}{}", text(&o.stderr));
    assert!(out.contains("INTERRUPTED: ran "), "{out}");
    assert!(
        out.contains("resume: dsim sweep primary-backup-bug"),
        "{out}"
    );
    // Every failure found is on disk, with its report line.
    let found = failure_files(&dir.join("out"));
    let report = std::fs::read_to_string(dir.join("r.jsonl")).unwrap();
    let lines = report
        .lines()
        .filter(|l| l.contains("\"kind\":\"failure\""))
        .count();
    assert!(!found.is_empty());
    assert_eq!(lines, found.len(), "{report}");
    let summary = report.lines().last().unwrap();
    assert!(summary.contains("\"interrupted\":true"), "{summary}");
    let failures: usize = out
        .lines()
        .find(|l| l.starts_with("INTERRUPTED"))
        .and_then(|l| l.rsplit("): ").next())
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{out}"));
    assert!(failures <= found.len(), "{out}");
    // Resume: the same result as a sweep never interrupted.
    let o = dsim_in(
        &dir,
        &[
            &args[..],
            &["--out", "out", "--report", "r.jsonl", "--resume"],
        ]
        .concat(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let resumed = text(&o.stdout);
    let o = dsim_in(
        &dir,
        &[&args[..], &["--out", "whole", "--report", "w.jsonl"]].concat(),
    );
    assert_eq!(o.status.code(), Some(1));
    let whole = text(&o.stdout);
    let result = |s: &str| -> Vec<String> {
        s.lines()
            .skip(1)
            .map(|l| match l.split_once(" in ") {
                Some((ran, rest)) => format!("{ran} {}", rest.split_once(": ").map_or("", |x| x.1)),
                None => l.replace("whole/", "out/"),
            })
            .collect()
    };
    assert_eq!(result(&resumed), result(&whole), "{resumed}\n---\n{whole}");
    assert_eq!(
        failure_files(&dir.join("out")),
        failure_files(&dir.join("whole"))
    );
    assert!(
        !dir.join("out/primary-backup-bug.shard-1-of-1.resume")
            .exists(),
        "done: no resume point left"
    );
    // And the reports merge to the same summary.
    let a = dsim_in(&dir, &["merge", "r.jsonl", "--json"]);
    let b = dsim_in(&dir, &["merge", "w.jsonl", "--json"]);
    let strip = |o: &Output| {
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let mut v = v;
        v["runs_per_s"] = 0.into();
        v.to_string().replace("whole/", "out/")
    };
    assert_eq!(a.status.code(), Some(1));
    assert_eq!(strip(&a), strip(&b));
}

#[test]
fn sigterm_stops_a_sweep_with_its_summary() {
    let dir = temp_dir("term");
    let mut child = dsim()
        .current_dir(&dir)
        .args([
            "sweep",
            "primary-backup-bug",
            "--seeds",
            "0..100000000",
            "--keep-going",
            "--out",
            "out",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_a_failure(&dir.join("out"), &mut child);
    signal(&child, "-TERM");
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(143), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("INTERRUPTED"));
    assert!(dir
        .join("out/primary-backup-bug.shard-1-of-1.resume")
        .exists());
}

/// Runs shard `k` of `n` of the planted bug over `seeds` with a report.
fn shard(dir: &Path, k: u64, n: u64, seeds: &str, report: &str) {
    let o = dsim_in(
        dir,
        &[
            "sweep",
            "primary-backup-bug",
            "--seeds",
            seeds,
            "--shard",
            &format!("{k}/{n}"),
            "--keep-going",
            "--out",
            "out",
            "--report",
            report,
        ],
    );
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn shard_reports_merge_the_same_in_any_order_and_bad_sets_are_named() {
    let dir = temp_dir("merge");
    for k in 1..=3 {
        shard(&dir, k, 3, "0..300", &format!("s{k}.jsonl"));
    }
    let merged = |files: &[&str], json: bool| {
        let mut args = vec!["merge"];
        args.extend_from_slice(files);
        if json {
            args.push("--json");
        }
        dsim_in(&dir, &args)
    };
    let a = merged(&["s1.jsonl", "s2.jsonl", "s3.jsonl"], false);
    let b = merged(&["s3.jsonl", "s1.jsonl", "s2.jsonl"], false);
    assert_eq!(
        a.status.code(),
        Some(1),
        "the planted bug fails: {}",
        text(&a.stderr)
    );
    assert_eq!(a.stdout, b.stdout);
    assert!(
        text(&a.stdout).contains("ran 300 seeds"),
        "{}",
        text(&a.stdout)
    );
    let (a, b) = (
        merged(&["s2.jsonl", "s1.jsonl", "s3.jsonl"], true),
        merged(&["s3.jsonl", "s2.jsonl", "s1.jsonl"], true),
    );
    assert_eq!(a.stdout, b.stdout);
    // The whole sweep at once finds the same failures.
    let whole = dsim_in(
        &dir,
        &[
            "sweep",
            "primary-backup-bug",
            "--seeds",
            "0..300",
            "--keep-going",
            "--out",
            "all",
            "--json",
        ],
    );
    let whole: serde_json::Value = serde_json::from_slice(&whole.stdout).unwrap();
    let merged: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    assert_eq!(whole["failure_count"], merged["failures"]);
    assert_eq!(merged["seeds_run"], 300);

    let o = merged_err(&dir, &["s1.jsonl", "s3.jsonl"]);
    assert!(o.contains("missing shards: 2/3"), "{o}");
    std::fs::copy(dir.join("s2.jsonl"), dir.join("s2-again.jsonl")).unwrap();
    let o = merged_err(
        &dir,
        &["s1.jsonl", "s2.jsonl", "s2-again.jsonl", "s3.jsonl"],
    );
    assert!(
        o.contains("shard 2/3 appears 2 times: s2-again.jsonl, s2.jsonl"),
        "{o}"
    );
    let other = std::fs::read_to_string(dir.join("s3.jsonl"))
        .unwrap()
        .replace("\"build\":\"", "\"build\":\"other-");
    std::fs::write(dir.join("s3-other.jsonl"), other).unwrap();
    let o = merged_err(&dir, &["s1.jsonl", "s2.jsonl", "s3-other.jsonl"]);
    assert!(
        o.contains("mixed builds") && o.contains("3/3 (s3-other.jsonl)"),
        "{o}"
    );
    shard(&dir, 1, 2, "0..300", "t1.jsonl");
    let o = merged_err(&dir, &["s1.jsonl", "s2.jsonl", "s3.jsonl", "t1.jsonl"]);
    assert!(o.contains("not one sweep"), "{o}");
}

fn merged_err(dir: &Path, files: &[&str]) -> String {
    let o = dsim_in(dir, &[&["merge"][..], files].concat());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
    text(&o.stderr)
}

#[test]
fn shard_auto_says_where_it_came_from() {
    let dir = temp_dir("auto");
    let o = dsim()
        .current_dir(&dir)
        .args([
            "sweep",
            "primary-backup",
            "--seeds",
            "0..20",
            "--shard",
            "auto/4",
            "--out",
            "out",
        ])
        .env("JOB_COMPLETION_INDEX", "2")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("shard 3/4 from JOB_COMPLETION_INDEX=2 (Kubernetes Indexed Job)"),
        "{}",
        text(&o.stderr)
    );
    assert!(
        text(&o.stdout).contains("(shard 3/4: 5 seeds)"),
        "{}",
        text(&o.stdout)
    );
    let o = dsim()
        .current_dir(&dir)
        .args([
            "sweep",
            "primary-backup",
            "--seeds",
            "0..20",
            "--shard",
            "auto",
            "--out",
            "out",
        ])
        .env_remove("DSIM_SHARD")
        .env_remove("JOB_COMPLETION_INDEX")
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("NOMAD_ALLOC_INDEX")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("no shard in the environment"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn swarm_failures_replay_unchanged() {
    let dir = temp_dir("swarm");
    let o = dsim_in(
        &dir,
        &[
            "sweep",
            "primary-backup-bug",
            "--seeds",
            "0..2000",
            "--swarm",
            "--out",
            "out",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    let file = failure_files(&dir.join("out")).into_iter().next().unwrap();
    let body = std::fs::read_to_string(dir.join("out").join(&file)).unwrap();
    assert!(body.contains("\"swarm\""), "the draw is recorded: {body}");
    let o = dsim_in(&dir, &["replay", &format!("out/{file}")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stdout).contains("REPRODUCED"),
        "{}",
        text(&o.stdout)
    );
}
