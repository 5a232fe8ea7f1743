//! The recipes in `deploy/` run as shipped: their YAML has the structure
//! the engines need, and each worker's exact command line, run here for a
//! small N, sweeps its shard; the merge step then combines the reports.

#[path = "support/yaml.rs"]
mod yaml;

use std::path::{Path, PathBuf};
use std::process::Command;
use yaml::Value;

fn recipe(path: &str) -> Vec<Value> {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
    let text = std::fs::read_to_string(&file).unwrap();
    yaml::parse_documents(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dsim-deploy-{name}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// PATH with the dsim under test first.
fn path_with_dsim() -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_dsim")).parent().unwrap();
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// Runs `script` with `shell` in `dir` with `env`; returns (exit code, stdout, stderr).
fn run(
    shell: &[&str],
    script: &str,
    dir: &Path,
    env: &[(&str, String)],
) -> (Option<i32>, String, String) {
    let o = Command::new(shell[0])
        .args(&shell[1..])
        .arg(script)
        .current_dir(dir)
        .env("PATH", path_with_dsim())
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn env_of(container: &Value) -> Vec<(String, String)> {
    container
        .at("env")
        .seq()
        .iter()
        .map(|e| {
            (
                e.at("name").str().to_string(),
                e.at("value").str().to_string(),
            )
        })
        .collect()
}

const SMALL_SEEDS: &str = "0..240";
const SMALL_N: u64 = 3;

#[test]
fn the_kubernetes_indexed_job_runs_as_shipped() {
    let docs = recipe("deploy/kubernetes/sweep-job.yaml");
    let [sweep, merge] = &docs[..] else {
        panic!("two Jobs: the sweep and the merge")
    };
    for job in [sweep, merge] {
        assert_eq!(job.at("apiVersion").str(), "batch/v1");
        assert_eq!(job.at("kind").str(), "Job");
    }
    assert_eq!(sweep.at("spec.completionMode").str(), "Indexed");
    let completions = sweep.at("spec.completions").str();
    assert_eq!(sweep.at("spec.parallelism").str(), completions);
    let pod = sweep.at("spec.template.spec");
    assert_eq!(
        pod.at("restartPolicy").str(),
        "OnFailure",
        "workers resume after an eviction"
    );
    let worker = pod.at("containers.0");
    let env = env_of(worker);
    let shards = env
        .iter()
        .find(|(k, _)| k == "SHARDS")
        .map(|(_, v)| v.clone())
        .unwrap();
    assert_eq!(shards, completions, "SHARDS equals the completions count");
    assert_eq!(
        worker.at("command").seq(),
        [Value::Str("sh".into()), Value::Str("-c".into())]
    );
    let script = worker.at("args.0").str();
    assert!(
        script.contains("--shard \"auto/$SHARDS\"") && script.contains("--resume"),
        "{script}"
    );
    let claim = |job: &Value| {
        job.at("spec.template.spec.volumes.0.persistentVolumeClaim.claimName")
            .str()
            .to_string()
    };
    assert_eq!(
        claim(sweep),
        claim(merge),
        "both Jobs share the results volume"
    );
    assert_eq!(worker.at("volumeMounts.0.mountPath").str(), "/results");

    // Each worker's exact command, for N = 3 and a few seeds.
    let dir = temp_dir("k8s");
    let results = dir.join("results");
    let mut env: Vec<(&str, String)> = env
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .filter(|(k, _)| !["SHARDS", "SEEDS", "RESULTS"].contains(k))
        .collect();
    env.push(("SHARDS", SMALL_N.to_string()));
    env.push(("SEEDS", SMALL_SEEDS.to_string()));
    env.push(("RESULTS", results.display().to_string()));
    for index in 0..SMALL_N {
        let mut env = env.clone();
        env.push(("JOB_COMPLETION_INDEX", index.to_string()));
        let (code, out, err) = run(&["sh", "-c"], script, &dir, &env);
        assert_eq!(code, Some(0), "worker {index}: {out}{err}");
        assert!(
            err.contains(&format!(
                "shard {}/{SMALL_N} from JOB_COMPLETION_INDEX={index}",
                index + 1
            )),
            "{err}"
        );
    }
    // The merge Job: its wait ends at once, its merge combines the reports.
    let merge_pod = merge.at("spec.template.spec");
    let wait = merge_pod.at("initContainers.0.args.0").str();
    let (code, _, err) = run(&["sh", "-c"], wait, &dir, &env);
    assert_eq!(code, Some(0), "{err}");
    let (code, out, err) = run(
        &["sh", "-c"],
        merge_pod.at("containers.0.args.0").str(),
        &dir,
        &env,
    );
    assert_eq!(code, Some(1), "the planted bug fails: {out}{err}");
    assert!(
        out.contains(&format!(
            "merged {SMALL_N} shards of primary-backup-bug seeds {SMALL_SEEDS}"
        )),
        "{out}"
    );
    assert!(out.contains("ran 240 seeds"), "{out}");
}

#[test]
fn the_github_actions_matrix_runs_as_shipped() {
    let docs = recipe("deploy/github-actions/sweep.yml");
    let [workflow] = &docs[..] else {
        panic!("one workflow")
    };
    assert!(workflow.get("on").is_some() && workflow.at("on").get("workflow_dispatch").is_some());
    let sweep = workflow.at("jobs.sweep");
    let shards: Vec<u64> = sweep
        .at("strategy.matrix.shard")
        .seq()
        .iter()
        .map(|v| v.str().parse().unwrap())
        .collect();
    let n = shards.len() as u64;
    assert_eq!(
        shards,
        (1..=n).collect::<Vec<_>>(),
        "the matrix lists shards 1..N"
    );
    assert_eq!(sweep.at("strategy.fail-fast").str(), "false");
    let env: Vec<(String, String)> = match sweep.at("env") {
        Value::Map(m) => m
            .iter()
            .map(|(k, v)| (k.clone(), v.str().to_string()))
            .collect(),
        other => panic!("{other:?}"),
    };
    let dsim_shard = env
        .iter()
        .find(|(k, _)| k == "DSIM_SHARD")
        .map(|(_, v)| v.clone())
        .unwrap();
    assert_eq!(dsim_shard, format!("${{{{ matrix.shard }}}}/{n}"));
    let step = |job: &Value, name: &str| -> String {
        job.at("steps")
            .seq()
            .iter()
            .find(|s| s.get("name").is_some_and(|v| v.str() == name))
            .unwrap_or_else(|| panic!("no step `{name}`"))
            .at("run")
            .str()
            .to_string()
    };
    let script = step(sweep, "Sweep one shard");
    let merge = workflow.at("jobs.merge");
    assert_eq!(merge.at("needs").str(), "sweep");
    let merge_script = step(merge, "Merge the shard reports");
    let download = merge
        .at("steps")
        .seq()
        .iter()
        .find(|s| {
            s.get("uses")
                .is_some_and(|u| u.str().starts_with("actions/download-artifact"))
        })
        .unwrap();
    assert_eq!(download.at("with.path").str(), "results");

    let dir = temp_dir("gha");
    let results = dir.join("results");
    std::fs::create_dir_all(&results).unwrap();
    for k in 1..=SMALL_N {
        let shard_dir = dir.join(format!("shard-{k}"));
        std::fs::create_dir_all(&shard_dir).unwrap();
        let mut vars: Vec<(&str, String)> = env
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .filter(|(k, _)| *k != "SEEDS" && *k != "DSIM_SHARD")
            .collect();
        vars.push(("SEEDS", SMALL_SEEDS.to_string()));
        vars.push(("DSIM_SHARD", format!("{k}/{SMALL_N}")));
        let script = script.replace("${{ matrix.shard }}", &k.to_string());
        let (code, out, err) = run(&["bash", "-e", "-c"], &script, &shard_dir, &vars);
        assert_eq!(code, Some(0), "shard {k}: {out}{err}");
        assert!(
            err.contains(&format!(
                "shard {k}/{SMALL_N} from DSIM_SHARD={k}/{SMALL_N}"
            )),
            "{err}"
        );
        // What upload-artifact and download-artifact (merge-multiple) do.
        std::fs::copy(
            shard_dir.join(format!("report-{k}.jsonl")),
            results.join(format!("report-{k}.jsonl")),
        )
        .unwrap();
    }
    let (code, out, err) = run(&["bash", "-e", "-c"], &merge_script, &dir, &[]);
    assert_eq!(code, Some(1), "the planted bug fails: {out}{err}");
    assert!(
        out.contains(&format!("merged {SMALL_N} shards")) && out.contains("ran 240 seeds"),
        "{out}"
    );
}

#[test]
fn the_yaml_reader_reads_what_the_recipes_use_and_refuses_the_rest() {
    let docs = yaml::parse_documents(
        "# c\na: 1\nb:\n  - x\n  - k: \"v # not a comment\"\n    l: [1, 2]\nc: >-\n  one\n  two\nd: |\n  x\n  y\n---\ne: f\n",
    )
    .unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].at("a").str(), "1");
    assert_eq!(docs[0].at("b.0").str(), "x");
    assert_eq!(docs[0].at("b.1.k").str(), "v # not a comment");
    assert_eq!(docs[0].at("b.1.l").seq().len(), 2);
    assert_eq!(docs[0].at("c").str(), "one two");
    assert_eq!(docs[0].at("d").str(), "x\ny\n");
    assert_eq!(docs[1].at("e").str(), "f");
    for bad in [
        "a: 1\na: 2\n",
        "a: {b: 1}\n",
        "a: 1\n   b: 2\n",
        "just text\n",
    ] {
        assert!(yaml::parse_documents(bad).is_err(), "{bad}");
    }
}
