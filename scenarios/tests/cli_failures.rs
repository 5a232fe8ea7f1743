//! `dsim sweep`, `replay`, `shrink` and `show` as a person calls them, and
//! the errors bad scenario files get.

use std::path::Path;
use std::process::{Command, Output};

#[path = "support/cli.rs"]
mod cli;
use cli::{temp_dir, text};

/// Runs dsim as an installed user would: its folder first on `PATH`, so the
/// commands it prints name it `dsim`.
fn dsim_in(dir: &Path, args: &[&str]) -> Output {
    let exe = Path::new(env!("CARGO_BIN_EXE_dsim"));
    let mut path = vec![exe.parent().unwrap().to_path_buf()];
    path.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    Command::new("dsim")
        .env("PATH", std::env::join_paths(path).unwrap())
        .current_dir(dir)
        .args(args)
        .output()
        .expect("dsim runs")
}

fn last_line(o: &Output) -> String {
    text(&o.stdout)
        .trim_end()
        .lines()
        .last()
        .unwrap_or("")
        .trim()
        .to_string()
}

#[test]
fn sweep_replay_shrink_show_from_the_command_line() {
    let dir = temp_dir("workflow");
    let o = dsim_in(
        &dir,
        &[
            "sweep",
            "primary-backup-bug",
            "--seeds",
            "0..200",
            "--jobs",
            "2",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("FAILED seed"), "{out}");
    let reproduce = last_line(&o);
    // The command names the binary as it can be run again (its path here,
    // since the test binary is not on PATH).
    let file = reproduce
        .strip_prefix("reproduce: ")
        .and_then(|c| c.split_once(" replay "))
        .filter(|(program, _)| program.ends_with("dsim"))
        .unwrap_or_else(|| panic!("the failure ends with its command: {out}"))
        .1
        .to_string();
    assert!(dir.join(&file).exists());

    let o = dsim_in(&dir, &["replay", &file]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("REPRODUCED"),
        "{}",
        text(&o.stdout)
    );
    assert!(
        text(&o.stdout).contains("as recorded"),
        "{}",
        text(&o.stdout)
    );
    assert_eq!(last_line(&o), format!("reproduce dsim replay {file}"));

    let o = dsim_in(&dir, &["shrink", &file, "-o", "min.json", "--json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["after"]["decisions"].as_u64() < v["before"]["decisions"].as_u64());
    assert_eq!(v["after"]["decisions"], 2);
    assert_eq!(v["reproduce"], "dsim replay min.json");

    let o = dsim_in(&dir, &["show", "min.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let shown = text(&o.stdout);
    assert!(shown.contains("applied-once"), "{shown}");
    assert!(
        shown.contains("dropped") && shown.contains("duplicated"),
        "{shown}"
    );
    assert!(shown.contains("last 20 events"), "{shown}");
    assert_eq!(last_line(&o), "reproduce: dsim replay min.json");

    // A trace of the replay shows too.
    let o = dsim_in(&dir, &["replay", "min.json", "--trace", "t.jsonl"]);
    assert_eq!(o.status.code(), Some(1));
    let o = dsim_in(&dir, &["show", "t.jsonl", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["kind"], "trace");
    assert!(v["counts"]["deliver"].as_u64().unwrap() > 10);

    // Without its decisions the failure is gone: replay says so and exits 0.
    let mut min: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("min.json")).unwrap()).unwrap();
    min["decisions"] = serde_json::json!([]);
    std::fs::write(dir.join("fixed.json"), min.to_string()).unwrap();
    let o = dsim_in(&dir, &["replay", "fixed.json", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["reproduced"], false);
    let o = dsim_in(&dir, &["shrink", "fixed.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("nothing to shrink"),
        "{}",
        text(&o.stderr)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn sweep_json_counts_runs_and_shards_split_them() {
    let dir = temp_dir("shards");
    let mut total = 0;
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let o = dsim_in(
            &dir,
            &[
                "sweep",
                "hot-potato",
                "--seeds",
                "0..10",
                "--shard",
                &shard,
                "--json",
                "-j",
                "2",
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["failures"].as_array().unwrap().len(), 0);
        assert!(v["runs_per_s"].as_f64().unwrap() > 0.0);
        total += v["runs"].as_u64().unwrap();
    }
    assert_eq!(total, 10);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_scenario_files_exit_2_naming_the_problem_and_its_place() {
    let dir = temp_dir("bad");
    let cases = [
        ("syntax.json", "{\n  \"protocol\": \"hot-potato\",\n  \"nodes\": 3,,\n}", "syntax.json:3:", "key must be a string"),
        ("unknown.json", "{\n  \"protocol\": \"hot-potato\",\n  \"nodez\": 3\n}", "unknown.json:3:", "nodez"),
        (
            "negative.json",
            "{\"protocol\": \"hot-potato\",\n \"network\": {\"default\": {\"latency\": {\"kind\": \"constant\", \"value\": \"-3ms\"}}}}",
            "negative.json:2:",
            "field `network.default.latency`: duration `-3ms` is negative",
        ),
        (
            "probability.json",
            "{\"protocol\": \"hot-potato\",\n \"network\": {\n  \"default\": {\"duplicate\": 1.5}}}",
            "probability.json:3:",
            "field `network.default.duplicate`: probability 1.5 is not between 0 and 1",
        ),
        (
            "protocol.json",
            "{\n  \"protocol\": \"hot-tomato\"\n}",
            "protocol.json:2:3:",
            "field `protocol`: unknown protocol `hot-tomato`",
        ),
        (
            "params.json",
            "{\"protocol\": \"primary-backup\",\n \"params\": {\"updatez\": 3}}",
            "params.json:2:",
            "updatez",
        ),
    ];
    for (name, body, place, what) in cases {
        std::fs::write(dir.join(name), body).unwrap();
        for verb in [&["run", name][..], &["sweep", name, "--seeds", "0..3"][..]] {
            let o = dsim_in(&dir, verb);
            let err = text(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{verb:?}: {err}");
            assert!(err.contains(place), "{verb:?}: {err}");
            assert!(err.contains(what), "{verb:?}: {err}");
        }
    }
    // A scenario where a failure file is expected is named as one.
    std::fs::write(
        dir.join("not-a-failure.json"),
        "{\"protocol\": \"hot-potato\"}",
    )
    .unwrap();
    for verb in ["replay", "shrink", "show"] {
        let o = dsim_in(&dir, &[verb, "not-a-failure.json"]);
        assert_eq!(o.status.code(), Some(2), "{verb}");
        assert!(
            text(&o.stderr).contains("not-a-failure.json is a scenario, not a failure file"),
            "{}",
            text(&o.stderr)
        );
    }
    for args in [
        &["sweep", "hot-potato", "--seeds", "9..3"][..],
        &["sweep", "hot-potato", "--seeds", "0..3", "--shard", "4/3"][..],
        &["sweep", "hot-potato", "--seeds", "0..3", "--jobs", "0"][..],
    ] {
        let o = dsim_in(&dir, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn every_verb_has_an_example_in_its_help() {
    let dir = std::env::temp_dir();
    for verb in ["list", "run", "sweep", "replay", "shrink", "show"] {
        let o = dsim_in(&dir, &[verb, "--help"]);
        assert_eq!(o.status.code(), Some(0));
        let help = text(&o.stdout);
        let examples = help
            .split_once("Example")
            .unwrap_or_else(|| panic!("{verb}: no example: {help}"))
            .1;
        assert!(
            examples.contains(&format!("\n  dsim {verb}")),
            "{verb}: {help}"
        );
    }
}
