//! `dsim run`: one scenario, one seed, a summary.

use super::{print_json, Exit};
use crate::cli::{Net, RunArgs};
use crate::runner::{self, Resolved};
use serde_json::json;
use sim::{check_determinism, DropCause, RenderedObservation, Report, TraceEvent};
use std::time::Instant;

/// Runs the scenario named in `args`.
pub fn run(args: &RunArgs) -> Result<Exit, String> {
    let resolved = runner::resolve(&args.scenario).map_err(|e| e.to_string())?;
    if args.net != Net::Sim {
        if args.html.html.is_some() {
            return Err("--html draws simulated runs: drop --net".to_string());
        }
        return super::live::run(args, &resolved);
    }
    let mut scenario = resolved.scenario.clone();
    scenario.wire_check |= args.wire_check;
    args.budget.apply(&mut scenario);
    let seed = args.seed.unwrap_or(scenario.seed);
    if args.check_determinism {
        let exit = determinism(&resolved, &scenario, seed, args.json)?;
        crate::html::write_run(&resolved.name, &scenario, seed, &args.html, args.json)?;
        return Ok(exit);
    }
    let trace = match &args.trace {
        Some(path) => Some(crate::trace_out::open(
            path,
            args.trace_format,
            crate::html::capture::roles(&scenario),
        )?),
        None => None,
    };
    let start = Instant::now();
    let (report, mut sim) = runner::run(&scenario, seed, trace)?;
    let wall_ms = start.elapsed().as_secs_f64() * 1e3;
    if let Some(sink) = sim.take_trace() {
        sink.finish().map_err(|e| format!("--trace: {e}"))?;
        crate::trace_out::note_size(args.trace.as_deref(), args.trace_format);
    }
    let trace_failed = sim.trace_error().map(|e| {
        let path = args.trace.as_deref().unwrap_or(std::path::Path::new("-"));
        format!("--trace {}: cannot write: {e}", path.display())
    });
    let observations = if args.observations {
        sim.observations()
    } else {
        Vec::new()
    };
    let again = reproduce_command(&resolved.name, seed);
    if args.json {
        print_json(&report_json(
            &resolved.name,
            &report,
            wall_ms,
            &observations,
            &again,
        ))?;
    } else {
        for o in &observations {
            print_observation(o);
        }
        print_report(&resolved.name, &report, wall_ms, &again);
    }
    if let Some(e) = trace_failed {
        return Err(e);
    }
    crate::html::write_run(&resolved.name, &scenario, seed, &args.html, args.json)?;
    Ok(if report.violation.is_some() {
        Exit::Violation
    } else {
        Exit::Ok
    })
}

/// The command line that runs this scenario and seed again.
pub fn reproduce_command(name: &str, seed: u64) -> String {
    format!("{} run {name} --seed {seed}", super::program())
}

fn determinism(
    resolved: &Resolved,
    scenario: &crate::scenario::Scenario,
    seed: u64,
    json_out: bool,
) -> Result<Exit, String> {
    let check = check_determinism(|| runner::build(scenario, seed))?;
    let first = &check.first.digest;
    let second = &check.second_digest;
    if json_out {
        print_json(&json!({
            "scenario": resolved.name, "seed": seed, "deterministic": check.is_deterministic(),
            "digest": first, "second_digest": second,
            "first_difference": check.divergence.as_ref().map(|(a, b)| json!({"first_run": a, "second_run": b})),
        }))?;
    } else if let Some((a, b)) = &check.divergence {
        crate::outln!("NOT deterministic: digests {first} and {second}");
        crate::outln!("first differing event:");
        crate::outln!("  run 1: {}", describe(a.as_ref()));
        crate::outln!("  run 2: {}", describe(b.as_ref()));
        crate::outln!(
            "reproduce: dsim run {} --seed {seed} --check-determinism",
            resolved.name
        );
    } else {
        crate::outln!("deterministic: both runs have digest {first}");
    }
    Ok(if check.is_deterministic() {
        Exit::Ok
    } else {
        Exit::Violation
    })
}

fn describe(e: Option<&TraceEvent>) -> String {
    match e {
        None => "(no event: the run ended here)".to_string(),
        Some(e) => format!(
            "t={} {:?} at node {} {}",
            sim::Time(e.time_ns),
            e.kind,
            e.node.map_or("-".to_string(), |n| n.to_string()),
            e.summary
        ),
    }
}

/// Prints an observation as `[time node N addr] text`, one line per line of text.
pub fn print_observation(o: &RenderedObservation) {
    for line in o.text.lines() {
        crate::outln!("[{} node {} {}] {line}", o.time, o.node, o.addr);
    }
}

fn print_report(name: &str, r: &Report, wall_ms: f64, again: &str) {
    let c = &r.counters;
    let d = &c.dropped;
    crate::outln!("scenario     {name} (seed {})", r.seed);
    crate::outln!(
        "stopped      {:?} at {} virtual, {wall_ms:.1} ms wall",
        r.stop,
        r.virtual_time
    );
    crate::outln!("events       {}", c.events);
    crate::outln!(
        "messages     sent {}, delivered {}, duplicated {}, in flight {}",
        c.sent,
        c.delivered,
        c.duplicated,
        r.in_flight
    );
    let causes: Vec<String> = DropCause::ALL
        .iter()
        .filter(|&&k| d.get(k) > 0)
        .map(|&k| format!("{} {}", k.name(), d.get(k)))
        .collect();
    crate::outln!(
        "dropped      {}{}",
        d.total(),
        if causes.is_empty() {
            String::new()
        } else {
            format!(" ({})", causes.join(", "))
        }
    );
    crate::outln!("timers       {} fired", c.timers_fired);
    crate::outln!("observations {}", c.observations);
    crate::outln!("faults       {}", c.faults);
    crate::outln!("digest       {}", r.digest);
    if !r.liveness_unchecked.is_empty() {
        crate::outln!(
            "unchecked    {} (deadline after the end of the run)",
            r.liveness_unchecked.join(", ")
        );
    }
    match &r.violation {
        None => crate::outln!("result       no property violated"),
        Some(v) => {
            crate::outln!(
                "VIOLATION    {} at {} (event {})",
                v.property,
                v.time,
                v.event
            );
            crate::outln!("             {}", v.message);
            if !v.last_events.is_empty() {
                crate::outln!("last events:");
                for e in &v.last_events {
                    crate::outln!("  {}", describe(Some(e)));
                }
            }
            crate::outln!("reproduce:   {again}");
        }
    }
}

fn report_json(
    name: &str,
    r: &Report,
    wall_ms: f64,
    observations: &[RenderedObservation],
    again: &str,
) -> serde_json::Value {
    let c = &r.counters;
    json!({
        "scenario": name,
        "seed": r.seed,
        "digest": r.digest,
        "events": c.events,
        "delivered": c.delivered,
        "dropped": c.dropped.total(),
        "virtual_time_ns": r.virtual_time.as_nanos(),
        "wall_ms": wall_ms,
        "stop": r.stop,
        "counters": c,
        "in_flight": r.in_flight,
        "violations": r.violation.iter().collect::<Vec<_>>(),
        "liveness_unchecked": r.liveness_unchecked,
        "observations": observations.iter().map(|o| json!({
            "time_ns": o.time.as_nanos(), "node": o.node, "addr": o.addr.to_string(), "text": o.text,
        })).collect::<Vec<_>>(),
        "reproduce": again,
    })
}
