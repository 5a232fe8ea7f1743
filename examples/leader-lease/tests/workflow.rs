//! The whole workflow a newcomer follows, on this example protocol, through
//! its own binary: a sweep finds the planted bug, replay reproduces it,
//! shrink reduces it, the correct version passes the same seeds and a live
//! UDP run; the same `exclusive` property catches the bug live; unknown
//! property names are refused by both drivers.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn lease(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leader-lease"))
        .args(args)
        .output()
        .expect("leader-lease runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("leader-lease-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn only_file(dir: &Path) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files.into_iter().next().unwrap()
}

#[test]
fn sweep_finds_the_bug_replay_reproduces_it_and_shrink_reduces_it() {
    let dir = scratch("sweep");
    let out = lease(&[
        "sweep",
        "lease-bug",
        "--seeds",
        "0..1000",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("exclusive"), "{}", text(&out));
    let failure = only_file(&dir);
    let replay = lease(&["replay", failure.to_str().unwrap()]);
    assert_eq!(replay.status.code(), Some(1), "{}", text(&replay));
    assert!(text(&replay).contains("REPRODUCED"), "{}", text(&replay));
    let min = dir.join("minimal.json");
    let shrink = lease(&[
        "shrink",
        failure.to_str().unwrap(),
        "-o",
        min.to_str().unwrap(),
    ]);
    assert_eq!(shrink.status.code(), Some(1), "{}", text(&shrink));
    let before = std::fs::metadata(&failure).unwrap().len();
    let after = std::fs::metadata(&min).unwrap().len();
    assert!(after < before, "shrunk {before} -> {after} bytes");
    let again = lease(&["replay", min.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1), "{}", text(&again));
}

#[test]
fn the_correct_version_passes_the_same_seeds() {
    let out = lease(&["sweep", "lease", "--seeds", "0..1000"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn a_live_udp_run_of_the_correct_version_passes_its_properties() {
    let out = lease(&["run", "lease", "--net", "udp", "--seed", "3", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["checked"],
        serde_json::json!(["exclusive", "granted"]),
        "{v}"
    );
    assert!(v["violation"].is_null(), "{v}");
}

#[test]
fn the_same_property_catches_the_bug_live() {
    // Long enough that a slow grant followed by a fast one is all but certain
    // (the run stops at the first violation, typically within seconds).
    let dir = scratch("live");
    let file = dir.join("lease-bug-live.json");
    std::fs::write(
        &file,
        r#"{ "protocol": "leader-lease", "nodes": 8, "params": { "bug": true },
             "network": { "default": { "latency": { "kind": "uniform", "min": "1ms", "max": "80ms" } } },
             "stop": { "duration": "60s" } }"#,
    )
    .unwrap();
    let out = lease(&["run", file.to_str().unwrap(), "--net", "udp", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["violation"]["property"], "exclusive", "{v}");
}

#[test]
fn an_unknown_property_is_refused_by_both_drivers_with_the_valid_names() {
    let dir = scratch("props");
    let file = dir.join("typo.json");
    std::fs::write(
        &file,
        r#"{ "protocol": "leader-lease", "properties": ["exclusiv"] }"#,
    )
    .unwrap();
    for net in ["sim", "udp"] {
        let out = lease(&["run", file.to_str().unwrap(), "--net", net]);
        assert_eq!(out.status.code(), Some(2), "{net}: {}", text(&out));
        let t = text(&out);
        assert!(t.contains("unknown property `exclusiv`"), "{net}: {t}");
        assert!(t.contains("exclusive, granted"), "{net}: {t}");
    }
}
