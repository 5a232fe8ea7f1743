//! `dsim run <scenario> --net udp|tcp`: the scenario's machines on real
//! sockets, with the simulator's summary (minus the digest: live runs are not
//! deterministic) and the drops the injected faults caused.

use super::{print_json, Exit};
use crate::cli::{Net, RunArgs};
use crate::live::{LiveLine, LiveOutcome, LiveSpec};
use crate::registry;
use crate::runner::Resolved;
use net_real::Transport;
use serde_json::json;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// Runs `resolved` live over `args.net`; Ctrl-C ends it with a summary.
pub fn run(args: &RunArgs, resolved: &Resolved) -> Result<Exit, String> {
    let transport = match args.net {
        Net::Udp => Transport::Udp,
        Net::Tcp => Transport::Tcp,
        Net::Sim => return Err("internal: a simulated run reached the live runner".into()),
    };
    for (flag, set) in [
        ("--trace", args.trace.is_some()),
        ("--check-determinism", args.check_determinism),
        ("--wire-check", args.wire_check),
    ] {
        if set {
            return Err(format!(
                "{flag} is for simulated runs; it does not apply with --net {transport}"
            ));
        }
    }
    let scenario = &resolved.scenario;
    let protocol = registry::protocol(&scenario.protocol)?;
    // Many nodes in one process over TCP hold two descriptors per connected
    // pair; lift the soft limit to the hard one (best effort).
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, stop.clone())
            .map_err(|e| format!("cannot install the Ctrl-C handler: {e}"))?;
    }
    let show = args.observations && !args.json;
    let mut lines = Vec::new();
    let mut on_line = |line: LiveLine| match line {
        LiveLine::Observation(o) if show => super::run::print_observation(&o),
        LiveLine::Observation(o) if args.json && args.observations => lines.push(o),
        LiveLine::Observation(_) => {}
        LiveLine::Log(text) => eprintln!("{text}"),
    };
    if !args.json {
        eprintln!(
            "running `{}` live over {transport} on loopback (Ctrl-C stops it)...",
            resolved.name
        );
    }
    let outcome = protocol.run_live(LiveSpec {
        scenario,
        transport,
        seed: args.seed,
        stop,
        on_line: &mut on_line,
    })?;
    let again = format!(
        "{} run {} --net {transport} --seed {}",
        super::program(),
        resolved.name,
        outcome.report.seed
    );
    if args.json {
        print_json(&json!({
            "scenario": resolved.name,
            "net": transport,
            "seed": outcome.report.seed,
            "stop": outcome.report.stop,
            "wall_ms": outcome.report.wall_time.as_secs_f64() * 1e3,
            "delivered": outcome.report.counters.delivered,
            "dropped": outcome.report.counters.dropped.total(),
            "dropped_by_faults": outcome.report.counters.dropped.injected(),
            "counters": outcome.report.counters,
            "addrs": outcome.report.addrs,
            "violation": outcome.violation.as_ref().map(|(p, m)| json!({"property": p, "message": m})),
            "checked": outcome.checked,
            "skipped": outcome.skipped.iter().map(|(p, why)| json!({"property": p, "reason": why})).collect::<Vec<_>>(),
            "observations": lines.iter().map(|o| json!({
                "time_ns": o.time.as_nanos(), "node": o.node, "addr": o.addr.to_string(), "text": o.text,
            })).collect::<Vec<_>>(),
            "rerun": again,
        }))?;
    } else {
        print_summary(&resolved.name, transport, &outcome, &again);
    }
    Ok(if outcome.violation.is_none() {
        Exit::Ok
    } else {
        Exit::Violation
    })
}

fn print_summary(name: &str, transport: Transport, o: &LiveOutcome, again: &str) {
    let r = &o.report;
    let c = &r.counters;
    let d = &c.dropped;
    println!(
        "scenario     {name} (live over {transport}, seed {})",
        r.seed
    );
    println!(
        "stopped      {:?} after {:.1} ms wall",
        r.stop,
        r.wall_time.as_secs_f64() * 1e3
    );
    println!(
        "messages     sent {}, delivered {}, duplicated {}",
        c.sent, c.delivered, c.duplicated
    );
    println!(
        "dropped      {} (by injected faults {}: loss {}, partition {}; encode errors {}, send errors {})",
        d.total(),
        d.injected(),
        d.loss,
        d.partition,
        d.encode_error,
        d.send_error
    );
    println!(
        "bad input    {} undecodable datagrams or frames",
        c.decode_errors
    );
    println!("timers       {} fired", c.timers_fired);
    println!("observations {}", c.observations);
    println!("faults       {}", c.faults);
    if c.connections_opened > 0 {
        println!("connections  {} opened", c.connections_opened);
    }
    if !o.checked.is_empty() {
        println!("checked      {}", o.checked.join(", "));
    }
    for (p, why) in &o.skipped {
        println!("skipped      {p} ({why})");
    }
    match &o.violation {
        None => println!("result       no property violated"),
        Some((p, m)) => {
            println!("VIOLATION    {p}: {m}");
            println!("run again:   {again}");
        }
    }
}
