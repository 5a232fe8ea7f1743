//! `dsim run <scenario> --net udp|tcp`: the simulator's scenario on real
//! loopback sockets, its summary, and a clean stop on Ctrl-C.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn scenario_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dsim-cli-live-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn dsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dsim"))
        .args(args)
        .output()
        .expect("dsim runs")
}

const SMALL: &str = r#"{ "description": "small live run", "protocol": "hot-potato",
  "nodes": 5, "params": { "tokens": 3, "hops": 20 }, "stop": { "duration": "20s" } }"#;

fn every_token_arrives(net: &str) {
    let path = scenario_file(&format!("small-{net}.json"), SMALL);
    let out = dsim(&[
        "run",
        path.to_str().unwrap(),
        "--net",
        net,
        "--seed",
        "5",
        "--json",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["stop"], "done", "{v}");
    assert_eq!(v["delivered"], 5 * 3 * 21, "{v}");
    assert_eq!(v["counters"]["observations"], 15, "{v}");
    assert!(v["violation"].is_null(), "{v}");
    assert_eq!(
        v["checked"],
        serde_json::json!(["retire-once", "all-retire"]),
        "{v}"
    );
    assert!(v.get("digest").is_none(), "a live run has no digest: {v}");
}

#[test]
fn hot_potato_runs_live_over_udp() {
    every_token_arrives("udp");
}

#[test]
fn hot_potato_runs_live_over_tcp() {
    every_token_arrives("tcp");
}

#[test]
fn simulation_only_flags_are_refused_live() {
    let out = dsim(&["run", "hot-potato", "--net", "udp", "--check-determinism"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--check-determinism"), "{err}");
}

#[test]
fn ctrl_c_stops_a_live_run_with_a_summary() {
    let path = scenario_file(
        "endless.json",
        r#"{ "protocol": "hot-potato", "nodes": 3,
             "params": { "tokens": 1, "hops": 4000000000 }, "stop": { "duration": "60s" } }"#,
    );
    let child = Command::new(env!("CARGO_BIN_EXE_dsim"))
        .args(["run", path.to_str().unwrap(), "--net", "udp", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["stop"], "interrupted", "{v}");
    assert_eq!(v["signal"], 2, "{v}");
    assert!(v["delivered"].as_u64().unwrap() > 0, "{v}");
}

fn live_observations(name: &str, text: &str, net: &str) -> Vec<String> {
    let path = scenario_file(name, text);
    let out = dsim(&["run", path.to_str().unwrap(), "--net", net, "-o", "--json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["stop"], "duration", "{v}");
    assert_eq!(v["counters"]["decode_errors"], 0, "{v}");
    v["observations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["text"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn forex_runs_live_over_udp_and_finds_arbitrage() {
    let seen = live_observations(
        "forex.json",
        r#"{ "protocol": "forex", "nodes": 2, "stop": { "duration": "2500ms" } }"#,
        "udp",
    );
    assert!(
        seen.iter()
            .any(|t| t.starts_with("registering subscription")),
        "{seen:?}"
    );
    assert!(seen.iter().any(|t| t.starts_with("ARBITRAGE:")), "{seen:?}");
}

#[test]
fn bully_runs_live_over_tcp_and_elects_the_highest_identity() {
    let seen = live_observations(
        "bully.json",
        r#"{ "protocol": "bully", "nodes": 3, "params": { "pids": [[150, 1000001], [299, 1000002], [83, 1000003]] },
             "stop": { "duration": "4s" } }"#,
        "tcp",
    );
    // Lower peers may lead for a moment before the highest joins; the last
    // announcement names the highest identity.
    let leaders: Vec<&String> = seen
        .iter()
        .filter(|t| t.starts_with("Leader is now") || t.starts_with("Victory by"))
        .collect();
    let last = leaders.last().expect("no leader was announced");
    assert!(last.contains("(299, 1000002)"), "{leaders:?}");
}
