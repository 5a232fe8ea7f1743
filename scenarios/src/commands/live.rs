//! `dsim run <scenario> --net udp|tcp`: the scenario's machines on real
//! sockets, with the simulator's summary (minus the digest: live runs are not
//! deterministic) and the drops the injected faults caused.

use super::{print_json, Exit};
use crate::cli::{Net, RunArgs};
use crate::live::{LiveLine, LiveOutcome, LiveSpec};
use crate::registry;
use crate::runner::Resolved;
use net_real::{Stop, Transport};
use serde_json::json;
use sim::DropCause;

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
    // Many nodes in one process over TCP hold a descriptor per connection
    // end; lift the soft limit to the hard one (best effort).
    net_real::raise_open_file_limit();
    let stop = Stop::new();
    stop.on_signals()
        .map_err(|e| format!("cannot install the Ctrl-C handler: {e}"))?;
    let show = args.observations && !args.json;
    let mut lines = Vec::new();
    let mut on_line = |line: LiveLine| match line {
        LiveLine::Observation(o) if show => super::run::print_observation(&o),
        LiveLine::Observation(o) if args.json && args.observations => lines.push(o),
        LiveLine::Observation(_) => {}
        LiveLine::Log(text) => eprintln!("{text}"),
        LiveLine::Listening(addrs) => eprintln!(
            "ready: {} nodes listening on loopback ({}..)",
            addrs.len(),
            addrs.first().map(|a| a.to_string()).unwrap_or_default()
        ),
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
            "signal": outcome.report.signal,
            "delivered": outcome.report.counters.sim.delivered,
            "dropped": outcome.report.counters.sim.dropped.total(),
            "in_flight": outcome.report.counters.in_flight,
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
    Ok(
        match (&outcome.violation, outcome.report.signal_exit_code()) {
            (Some(_), _) => Exit::Violation,
            (None, Some(code)) => Exit::Signal(code),
            (None, None) => Exit::Ok,
        },
    )
}

fn print_summary(name: &str, transport: Transport, o: &LiveOutcome, again: &str) {
    let r = &o.report;
    let c = &r.counters;
    let d = &c.sim.dropped;
    println!(
        "scenario     {name} (live over {transport}, seed {}: the machines' and the fault model's draws repeat, the network's timing does not)",
        r.seed
    );
    let why = match r.signal {
        Some(signal) => format!("{:?} by signal {signal}", r.stop),
        None => format!("{:?}", r.stop),
    };
    println!(
        "stopped      {why} after {:.1} ms wall",
        r.wall_time.as_secs_f64() * 1e3
    );
    println!(
        "messages     sent {}, delivered {}, duplicated {}, in flight {}",
        c.sim.sent, c.sim.delivered, c.sim.duplicated, c.in_flight
    );
    let causes: Vec<String> = DropCause::ALL
        .iter()
        .filter(|&&k| d.get(k) > 0)
        .map(|&k| format!("{} {}", k.name(), d.get(k)))
        .collect();
    println!(
        "dropped      {}{}",
        d.total(),
        if causes.is_empty() {
            String::new()
        } else {
            format!(" ({})", causes.join(", "))
        }
    );
    println!(
        "bad input    {} undecodable datagrams or frames",
        c.decode_errors
    );
    println!("timers       {} fired", c.sim.timers_fired);
    println!("observations {}", c.sim.observations);
    println!("faults       {}", c.sim.faults);
    if transport == Transport::Tcp {
        println!(
            "connections  {} opened, {} refused, {} closed, {} cut",
            c.connections_opened, c.connections_refused, c.connections_closed, c.connections_cut
        );
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
