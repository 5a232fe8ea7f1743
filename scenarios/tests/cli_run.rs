//! `dsim run`, `list` and `bench` as a person calls them: output, JSON and exit codes.

use std::process::{Command, Output};

fn dsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dsim"))
        .args(args)
        .output()
        .expect("dsim runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn run_prints_a_json_summary_with_a_stable_digest() {
    let a = dsim(&["run", "hot-potato", "--seed", "3", "--json"]);
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    let v: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    for key in [
        "scenario",
        "seed",
        "digest",
        "events",
        "delivered",
        "dropped",
        "virtual_time_ns",
        "wall_ms",
        "violations",
    ] {
        assert!(v.get(key).is_some(), "missing {key} in {v}");
    }
    assert_eq!(v["delivered"], 100 * 10 * 100);
    assert_eq!(v["violations"].as_array().unwrap().len(), 0);
    let b = dsim(&["run", "hot-potato", "--seed", "3", "--json"]);
    let w: serde_json::Value = serde_json::from_slice(&b.stdout).unwrap();
    assert_eq!(v["digest"], w["digest"]);
}

#[test]
fn check_determinism_reports_deterministic() {
    let o = dsim(&["run", "hot-potato-faults", "--check-determinism"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("deterministic: both runs have digest"));
}

#[test]
fn trace_writes_json_lines() {
    let dir = std::env::temp_dir().join(format!("dsim-trace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.jsonl");
    let o = dsim(&[
        "run",
        "hot-potato-faults",
        "--trace",
        path.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.len() > 1000);
    assert!(lines.iter().any(|l| l["kind"] == "fault"));
    assert!(lines.iter().any(|l| l["kind"] == "drop"));
    assert!(lines.iter().all(|l| l.get("time_ns").is_some()));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_violation_exits_1_and_prints_the_reproduce_command() {
    let dir = std::env::temp_dir().join(format!("dsim-viol-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("dup.json");
    // Duplication makes a token retire twice: the retire-once property fails.
    std::fs::write(
        &path,
        r#"{"protocol": "hot-potato", "nodes": 5, "params": {"tokens": 2, "hops": 10},
            "network": {"default": {"duplicate": 0.5}}}"#,
    )
    .unwrap();
    let o = dsim(&["run", path.to_str().unwrap(), "--seed", "4"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("VIOLATION    retire-once"), "{out}");
    assert!(out.contains("last events:"), "{out}");
    assert!(
        out.trim_end()
            .ends_with(&format!("dsim run {} --seed 4", path.display())),
        "{out}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_input_exits_2_and_names_the_problem() {
    let o = dsim(&["run", "no-such-scenario"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no-such-scenario"), "{}", stderr(&o));

    let o = dsim(&["run", "hot-potato", "--seed", "minus-one"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--seed"), "{}", stderr(&o));

    let o = dsim(&["bench", "hot-potato", "--nodes", "1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--nodes"), "{}", stderr(&o));

    let o = dsim(&["run", "hot-potato", "--net", "carrier-pigeon"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("carrier-pigeon"), "{}", stderr(&o));
}

#[test]
fn bench_reports_deliveries_and_the_ratio() {
    let o = dsim(&[
        "bench",
        "hot-potato",
        "--nodes",
        "10",
        "--tokens",
        "2",
        "--hops",
        "9",
        "--rounds",
        "1",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["deliveries"], 10 * 2 * 10);
    assert!(v["ratio"].as_f64().unwrap() > 0.0);
    assert_eq!(v["digest"].as_str().unwrap().len(), 16);
}

#[test]
fn list_shows_named_scenarios() {
    let o = dsim(&["list"]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("hot-potato-faults"), "{out}");
}
