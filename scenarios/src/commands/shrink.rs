//! `dsim shrink`: the smallest failure file that still fails the same way.

use super::{print_json, Exit};
use crate::cli::ShrinkArgs;
use crate::failure::{replay_command, FailureFile};
use crate::shrink::{shrink, Size};
use serde_json::json;
use std::path::{Path, PathBuf};

/// Shrinks the failure file of `args` and writes the result. Exit 1: the
/// written file fails (as intended); 2 if the input does not fail.
pub fn run(args: &ShrinkArgs) -> Result<Exit, String> {
    let file = FailureFile::load(&args.file).map_err(|e| e.to_string())?;
    let out = args.out.clone().unwrap_or_else(|| default_out(&args.file));
    if !args.json {
        crate::outln!(
            "shrinking {} ({} fails) ...",
            args.file.display(),
            file.property
        );
    }
    let shrunk = shrink(&file, args.max_runs as usize)
        .map_err(|e| format!("{}: {e}", args.file.display()))?;
    shrunk.file.save(&out)?;
    let again = replay_command(&out);
    if args.json {
        print_json(&json!({
            "file": args.file.display().to_string(),
            "out": out.display().to_string(),
            "property": shrunk.file.property,
            "message": shrunk.file.message,
            "before": shrunk.before,
            "after": shrunk.after,
            "runs": shrunk.runs,
            "budget_exhausted": shrunk.budget_exhausted,
            "reproduce": again,
        }))?;
    } else {
        print_sizes(&shrunk.before, &shrunk.after);
        crate::outln!(
            "{} replays{}; wrote {}",
            shrunk.runs,
            if shrunk.budget_exhausted {
                " (budget used up: --max-runs to try more)"
            } else {
                ""
            },
            out.display()
        );
        crate::outln!(
            "still fails {}: {}",
            shrunk.file.property,
            shrunk.file.message
        );
        crate::outln!("reproduce: {again}");
    }
    crate::html::write_diff(
        (&args.file, &file),
        (&out, &shrunk.file),
        &args.html,
        args.json,
    )?;
    Ok(Exit::Violation)
}

/// `x.json` -> `x.min.json`, beside it.
fn default_out(input: &Path) -> PathBuf {
    let stem = input
        .file_stem()
        .map_or_else(|| "failure".into(), |s| s.to_string_lossy().into_owned());
    input.with_file_name(format!("{stem}.min.json"))
}

fn print_sizes(before: &Size, after: &Size) {
    let duration = |d: Option<u64>| {
        d.map_or("unlimited".to_string(), |ns| {
            sim::Dur(std::time::Duration::from_nanos(ns)).to_string()
        })
    };
    let rows = [
        ("nodes", before.nodes.to_string(), after.nodes.to_string()),
        (
            "faults",
            before.faults.to_string(),
            after.faults.to_string(),
        ),
        (
            "drops",
            before.counts.drops.to_string(),
            after.counts.drops.to_string(),
        ),
        (
            "duplicates",
            before.counts.duplicates.to_string(),
            after.counts.duplicates.to_string(),
        ),
        (
            "delays",
            before.counts.delays.to_string(),
            after.counts.delays.to_string(),
        ),
        (
            "duration",
            duration(before.duration_ns),
            duration(after.duration_ns),
        ),
        ("bytes", before.bytes.to_string(), after.bytes.to_string()),
    ];
    crate::outln!("{:<12}{:>12}{:>12}", "", "before", "after");
    for (name, b, a) in rows {
        crate::outln!("{name:<12}{b:>12}{a:>12}");
    }
}
