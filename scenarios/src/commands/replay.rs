//! `dsim replay`: run a failure file again and check it fails the same way.

use super::{print_json, Exit};
use crate::cli::ReplayArgs;
use crate::failure::{self, replay_command, FailureFile, Verdict};
use serde_json::json;
use sim::Time;

/// Replays the failure file of `args`. Exit 1 if a property fails (the
/// expected outcome), 0 if none does.
pub fn run(args: &ReplayArgs) -> Result<Exit, String> {
    let file = FailureFile::load(&args.file).map_err(|e| e.to_string())?;
    let trace = match &args.trace {
        Some(path) => Some(crate::trace_out::open(
            path,
            args.trace_format,
            crate::html::capture::roles(&file.scenario),
        )?),
        None => None,
    };
    let mut replayed = failure::replay(&file, trace)?;
    if let Some(sink) = replayed.sim.take_trace() {
        sink.finish().map_err(|e| format!("--trace: {e}"))?;
        crate::trace_out::note_size(args.trace.as_deref(), args.trace_format);
    }
    let trace_failed = replayed.sim.trace_error().map(|e| {
        let path = args.trace.as_deref().unwrap_or(std::path::Path::new("-"));
        format!("--trace {}: cannot write: {e}", path.display())
    });
    let verdict = Verdict::of(&file, &replayed);
    let again = replay_command(&args.file);
    if args.json {
        print_json(&json!({
            "file": args.file.display().to_string(),
            "origin": file.origin,
            "seed": file.seed,
            "reproduced": verdict.reproduced(),
            "verdict": verdict,
            "recorded_digest": file.digest,
            "reproduce": again,
        }))?;
    } else {
        print_verdict(&file, &verdict, &args.file.display().to_string());
        if verdict.failed_property.is_some() {
            crate::outln!("reproduce {again}");
        }
    }
    if let Some(e) = trace_failed {
        return Err(e);
    }
    crate::html::write_failure(&args.file, &file, &args.html, args.json)?;
    Ok(if verdict.failed_property.is_some() {
        Exit::Violation
    } else {
        Exit::Ok
    })
}

fn print_verdict(file: &FailureFile, v: &Verdict, path: &str) {
    crate::outln!("replay    {path} ({}, seed {})", file.origin, file.seed);
    crate::outln!(
        "expected  {} at {}: {}",
        file.property,
        Time(file.time_ns),
        file.message
    );
    let got = match (&v.failed_property, &v.message, v.time_ns) {
        (Some(p), Some(m), Some(t)) => format!("{p} at {}: {m}", Time(t)),
        _ => "no property failed".to_string(),
    };
    crate::outln!("got       {got}");
    let digest = if v.digest_matches {
        format!("{} (as recorded: the run is identical)", v.digest)
    } else if v.same_build {
        format!(
            "{} DIFFERS from the recorded {} on the same build: the run is not deterministic",
            v.digest, file.digest
        )
    } else {
        format!(
            "{} (recorded {} by another build; the code changed, so the run may differ)",
            v.digest, file.digest
        )
    };
    crate::outln!("digest    {digest}");
    let result = if v.reproduced() {
        "REPRODUCED"
    } else if v.failed_property.is_none() {
        "NOT REPRODUCED: the run passes"
    } else if v.failed_property.as_deref() != Some(v.expected_property.as_str()) {
        "NOT REPRODUCED: a different property failed"
    } else {
        "NOT REPRODUCED: same property, but the run differs on the same build"
    };
    crate::outln!("result    {result}");
}
