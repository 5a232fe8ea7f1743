//! Hostile input and failing outputs, as the hardening probe tried them:
//! every bound is enforced with its limit in the message, every output error
//! is reported, a closed stdout ends quietly, failure files are validated
//! strictly, and a sweep never loses what it found.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

#[path = "support/cli.rs"]
mod cli;
use cli::{dsim_in, temp_dir, text};

/// Runs `dsim args` in `dir` and checks it exits 2 with `what` on stderr.
fn refused(dir: &Path, args: &[&str], what: &str) {
    let o = dsim_in(dir, args);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert!(err.contains(what), "{args:?}: expected `{what}` in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

fn write(dir: &Path, name: &str, body: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap();
    path.display().to_string()
}

#[test]
fn a_closed_stdout_ends_the_process_quietly() {
    let dir = temp_dir("pipe");
    for args in [
        &["list"][..],
        &["run", "hot-potato", "--json"][..],
        &["run", "hot-potato-faults", "--observations"][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dsim"))
            .current_dir(&dir)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Like `| head -1`: read one line, then close the pipe.
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let o = child.wait_with_output().unwrap();
        let err = text(&o.stderr);
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{args:?}: {err}"
        );
        assert!(
            matches!(o.status.code(), Some(0 | 1 | 141)),
            "{args:?}: {:?} {err}",
            o.status
        );
    }
    // `--observations` prints far more than a pipe holds: the pipe was closed under it.
    let mut child = Command::new(env!("CARGO_BIN_EXE_dsim"))
        .args(["run", "hot-potato-faults", "--observations"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(141), "{}", text(&o.stderr));
    assert!(o.stderr.is_empty(), "quietly: {}", text(&o.stderr));
}

#[test]
fn output_that_cannot_be_written_is_an_error() {
    let dir = temp_dir("full");
    if !Path::new("/dev/full").exists() {
        eprintln!("skipped: no /dev/full here");
        return;
    }
    refused(
        &dir,
        &["run", "hot-potato-faults", "--trace", "/dev/full"],
        "--trace /dev/full: cannot write",
    );
    let o = Command::new(env!("CARGO_BIN_EXE_dsim"))
        .args(["list"])
        .stdout(
            std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        )
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("cannot write to standard output"),
        "{}",
        text(&o.stderr)
    );
    refused(
        &dir,
        &[
            "sweep",
            "primary-backup-bug",
            "--seeds",
            "0..100",
            "--out",
            "/dev/full",
        ],
        "not a directory",
    );
    refused(
        &dir,
        &[
            "sweep",
            "primary-backup-bug",
            "--seeds",
            "0..100",
            "--out",
            "x",
            "--report",
            "/proc/nonexistent/r.jsonl",
        ],
        "--report /proc/nonexistent/r.jsonl: cannot write",
    );
}

#[test]
fn an_unwritable_out_fails_before_the_first_run() {
    let dir = temp_dir("out");
    let o = dsim_in(
        &dir,
        &[
            "sweep",
            "primary-backup-bug",
            "--seeds",
            "0..100000000",
            "--out",
            "/proc/nonexistent",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("--out /proc/nonexistent: cannot create"),
        "{}",
        text(&o.stderr)
    );
    assert!(
        !text(&o.stdout).contains("ran "),
        "nothing ran: {}",
        text(&o.stdout)
    );
}

#[test]
fn resource_bounds_are_enforced_with_their_limits() {
    let dir = temp_dir("bounds");
    let scenario = |body: &str| write(&dir, "s.json", body);
    for (nodes, what) in [
        ("1000000000", "at most 1000000 are allowed"),
        ("18446744073709551615", "at most 1000000 are allowed"),
        ("16777217", "at most 1000000 are allowed"),
    ] {
        let s = scenario(&format!(
            r#"{{"protocol": "hot-potato", "nodes": {nodes}}}"#
        ));
        refused(&dir, &["run", &s], what);
    }
    let s = scenario(
        r#"{"protocol": "hot-potato", "params": {"tokens": 4294967295, "hops": 4294967295}}"#,
    );
    refused(&dir, &["run", &s], "at most 10000000 are allowed");
    let s = scenario(r#"{"protocol": "primary-backup", "params": {"updates": 4294967295}}"#);
    refused(
        &dir,
        &["run", &s],
        "field `params.updates`: 4294967295 updates, at most 1000000",
    );
    let s = scenario(r#"{"protocol": "primary-backup", "params": {"interval": "1ns"}}"#);
    refused(&dir, &["run", &s], "shorter than the shortest allowed, 1us");
    for rate in ["1e7", "1e12"] {
        let s = scenario(&format!(
            r#"{{"protocol": "hot-potato", "nemesis": {{"crash_rate": {rate}, "until": "10s"}}}}"#
        ));
        refused(&dir, &["run", &s], "from 0 to 1000");
    }
    let s = scenario(
        r#"{"protocol": "hot-potato", "stop": {"duration": "1s"}, "faults": [{"at": "100s", "fault": {"kind": "heal"}}]}"#,
    );
    refused(
        &dir,
        &["run", &s],
        "field `faults[0].at`: 100s is after the run stops",
    );
    refused(
        &dir,
        &["bench", "hot-potato", "--tokens", "100000000"],
        "at most 10000000 are allowed",
    );
    // A run that would take the machine stops at its budget.
    refused(
        &dir,
        &["run", "hot-potato", "--budget-events", "5000"],
        "budget exceeded: 5120 events processed",
    );
    let s = scenario(
        r#"{"protocol": "hot-potato", "params": {"hops": 100000}, "stop": {}, "budget": {"memory_bytes": 1000}}"#,
    );
    refused(&dir, &["run", &s], "budget exceeded: the run holds about");
}

#[test]
fn deep_nesting_is_refused_at_its_place() {
    let dir = temp_dir("deep");
    let depth = 200_000;
    let body = format!(
        "{{\"protocol\": \"hot-potato\",\n \"params\": {}{}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let s = write(&dir, "deep.json", &body);
    refused(
        &dir,
        &["run", &s],
        "deep.json:2:75: arrays and objects nest deeper than 64 levels",
    );
}

/// A change to a failure file's JSON.
type Edit = Box<dyn Fn(&mut serde_json::Value)>;

/// A real failure file (seed 46 of the planted bug) as JSON.
fn failure_file(dir: &Path) -> serde_json::Value {
    let o = dsim_in(
        dir,
        &["sweep", "primary-backup-bug", "--seeds", "46", "--out", "f"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let text = std::fs::read_to_string(dir.join("f/primary-backup-bug-seed-46.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn failure_files_are_validated_as_strictly_as_scenarios() {
    let dir = temp_dir("strict");
    let good = failure_file(&dir);
    assert!(good["decisions"].as_array().unwrap().len() >= 2);
    let edit = |name: &str, change: &dyn Fn(&mut serde_json::Value)| {
        let mut v = good.clone();
        change(&mut v);
        write(&dir, name, &serde_json::to_string_pretty(&v).unwrap())
    };
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "node99.json",
            Box::new(|v| v["decisions"][0]["to"] = 99.into()),
            "field `decisions[0].to`: node 99 does not exist",
        ),
        (
            "node2e63.json",
            Box::new(|v| v["decisions"][0]["from"] = (1u64 << 63).into()),
            "node 9223372036854775808 does not exist",
        ),
        (
            "self.json",
            Box::new(|v| v["decisions"][0]["to"] = v["decisions"][0]["from"].clone()),
            "to itself",
        ),
        (
            "dup.json",
            Box::new(|v| {
                let d = v["decisions"][0].clone();
                v["decisions"][1] = d;
            }),
            "field `decisions[1]`: a second decision",
        ),
        (
            "prop.json",
            Box::new(|v| v["property"] = "made-up".into()),
            "field `property`: `made-up` is not a property",
        ),
        (
            "fate.json",
            Box::new(|v| v["decisions"][0]["fate"] = "explode".into()),
            "field `decisions[0].fate`: `explode` is not a fate",
        ),
        (
            "late.json",
            Box::new(|v| v["time_ns"] = 100_000_000_000u64.into()),
            "field `time_ns`: the violation at 100.000000000s is after the run stops",
        ),
        (
            "fault.json",
            Box::new(|v| v["scenario"]["faults"][0]["at"] = "100s".into()),
            "field `scenario.faults[0].at`: 100s is after the run stops",
        ),
        (
            "updates.json",
            Box::new(|v| {
                v["scenario"]["params"]["updates"] = 4294967295u64.into();
                v["scenario"]["params"]["interval"] = "1ns".into();
            }),
            "shorter than the shortest allowed",
        ),
    ];
    for (name, change, what) in cases {
        let path = edit(name, &*change);
        refused(&dir, &["replay", &path], what);
        refused(&dir, &["shrink", &path], what);
    }
}

#[test]
fn exit_codes_are_documented_in_help() {
    let o = dsim_in(&std::env::temp_dir(), &["--help"]);
    let help = text(&o.stdout);
    for code in ["0 ", "1 ", "2 ", "130", "143", "141"] {
        assert!(help.contains(&format!("  {code}")), "{code}: {help}");
    }
}
