//! Messages that tell the truth: an edited failure file is named as edited,
//! a scenario where a failure file is expected (and the reverse) is named as
//! such, counts have their plural forms, and echoed values are the values
//! given.

use serde_json::Value;
use std::path::{Path, PathBuf};

#[path = "support/cli.rs"]
mod cli;
use cli::{dsim_in as dsim, temp_dir, text};

/// A failure file of `primary-backup-bug`, found by a short sweep.
fn failure_file(dir: &Path) -> (PathBuf, Value) {
    let o = dsim(
        dir,
        &[
            "sweep",
            "primary-backup-bug",
            "--seeds",
            "0..200",
            "-o",
            "found",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let path = std::fs::read_dir(dir.join("found"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .expect("a failure file");
    let value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    (path, value)
}

fn write(path: &Path, value: &Value) -> String {
    std::fs::write(path, serde_json::to_string_pretty(value).unwrap()).unwrap();
    path.display().to_string()
}

#[test]
fn an_edited_failure_file_is_named_as_edited() {
    let dir = temp_dir("hash");
    let (path, original) = failure_file(&dir);
    assert!(original["inputs_sha256"].is_string(), "{original}");
    let file = path.display().to_string();

    // As written: reproduced, nothing said about edits.
    let o = dsim(&dir, &["replay", &file]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("REPRODUCED") && !out.contains("edited"),
        "{out}"
    );

    // Reformatted (whitespace and key order only): not an edit.
    let same = write(&dir.join("reformatted.json"), &original);
    let out = text(&dsim(&dir, &["replay", &same]).stdout);
    assert!(!out.contains("edited"), "{out}");

    // A decision removed by hand: an edit, not a nondeterministic run.
    let mut edited = original.clone();
    let decisions = edited["decisions"].as_array_mut().unwrap();
    assert!(!decisions.is_empty(), "{original}");
    decisions.remove(0);
    let file = write(&dir.join("changed.json"), &edited);
    let o = dsim(&dir, &["replay", &file]);
    let out = text(&o.stdout);
    assert!(out.contains("before the file was edited"), "{out}");
    assert!(!out.contains("not deterministic"), "{out}");
    let json = dsim(&dir, &["replay", &file, "--json"]);
    let v: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["verdict"]["edited"], true, "{v}");
    // Shrinking it records a new run: the shrunk file is not edited.
    let o = dsim(&dir, &["shrink", &file, "-o", "min.json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let out = text(&dsim(&dir, &["replay", "min.json"]).stdout);
    assert!(
        out.contains("REPRODUCED") && !out.contains("edited"),
        "{out}"
    );

    // A file written before the hash was recorded still replays.
    let mut old = original.clone();
    old.as_object_mut().unwrap().remove("inputs_sha256");
    let file = write(&dir.join("old.json"), &old);
    let o = dsim(&dir, &["replay", &file]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}{}", text(&o.stderr));
    assert!(
        out.contains("REPRODUCED") && !out.contains("edited"),
        "{out}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_scenario_and_a_failure_file_are_told_apart() {
    let dir = temp_dir("kinds");
    let scenario = dir.join("scenario.json");
    std::fs::write(
        &scenario,
        r#"{"description": "mine", "protocol": "hot-potato", "nodes": 4}"#,
    )
    .unwrap();
    let scenario = scenario.display().to_string();
    for verb in ["replay", "show", "shrink"] {
        let o = dsim(&dir, &[verb, &scenario]);
        assert_eq!(o.status.code(), Some(2), "{verb}");
        let err = text(&o.stderr);
        assert!(
            err.contains("is a scenario, not a failure file: use `") && err.contains(" run "),
            "{verb}: {err}"
        );
    }
    let (failure, _) = failure_file(&dir);
    let o = dsim(&dir, &["run", failure.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("is a failure file, not a scenario: use `") && err.contains(" replay "),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn counts_have_their_plural_forms() {
    let dir = temp_dir("plural");
    let (_, mut value) = failure_file(&dir);
    // One drop and one duplicate, on the first link of the scenario.
    value["decisions"] = serde_json::json!([
        {"from": 0, "to": 1, "n": 0, "fate": "drop"},
        {"from": 0, "to": 1, "n": 1, "fate": "duplicate", "latency_ns": 1000000, "second_ns": 2000000},
    ]);
    let file = write(&dir.join("one-each.json"), &value);
    let o = dsim(&dir, &["show", &file]);
    let out = text(&o.stdout);
    assert!(
        out.contains("network    1 drop, 1 duplicate, 0 other delays"),
        "{out}{}",
        text(&o.stderr)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bench_echoes_the_hops_given() {
    let dir = std::env::temp_dir();
    let o = dsim(
        &dir,
        &[
            "bench",
            "hot-potato",
            "--nodes",
            "2",
            "--tokens",
            "1",
            "--hops",
            "999",
            "--rounds",
            "1",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(err.contains("2 nodes x 1 token x (999 hops + 1)"), "{err}");
    assert!(!err.contains("1000 hops"), "{err}");
}
