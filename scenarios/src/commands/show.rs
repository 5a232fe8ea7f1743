//! `dsim show`: a failure file or a trace, summarized for a person.

use super::{print_json, Exit};
use crate::cli::ShowArgs;
use crate::failure::{self, replay_command, FailureFile};
use serde_json::{json, Value};
use sim::{Fate, Time, TraceEvent, TraceSink};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// Decisions listed one by one before the rest is summed up.
const DECISIONS_SHOWN: usize = 20;

/// Shows the file of `args`: a failure file (replayed for its last events) or
/// a JSON-lines trace.
pub fn run(args: &ShowArgs) -> Result<Exit, String> {
    if let (true, Some(shrunk)) = (args.diff, &args.shrunk) {
        let original = FailureFile::load(&args.file).map_err(|e| e.to_string())?;
        let min = FailureFile::load(shrunk).map_err(|e| e.to_string())?;
        crate::html::write_diff(
            (&args.file, &original),
            (shrunk, &min),
            &args.html,
            args.json,
        )?;
        return Ok(Exit::Ok);
    }
    let text_start = first_line(&args.file)?;
    let is_trace = serde_json::from_str::<Value>(&text_start)
        .is_ok_and(|v| v.get("time_ns").is_some() && v.get("kind").is_some());
    if is_trace {
        let exit = show_trace(args)?;
        crate::html::write_trace(&args.file, &args.html, args.json)?;
        Ok(exit)
    } else {
        show_failure(args)
    }
}

/// The first line of `path` (at most 1 MiB of it).
fn first_line(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let f =
        std::fs::File::open(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let mut bytes = Vec::new();
    BufReader::new(f.take(1 << 20))
        .read_until(b'\n', &mut bytes)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn show_failure(args: &ShowArgs) -> Result<Exit, String> {
    let file = FailureFile::load(&args.file).map_err(|e| e.to_string())?;
    let tail = TraceSink::Tail(args.last as usize, Default::default());
    let replayed = failure::replay(&file, Some(tail))?;
    let last = replayed
        .report
        .violation
        .as_ref()
        .map(|v| v.last_events.clone())
        .unwrap_or_default();
    let again = replay_command(&args.file);
    let s = &file.scenario;
    if args.json {
        print_json(&json!({
            "kind": "failure",
            "origin": file.origin,
            "seed": file.seed,
            "property": file.property,
            "message": file.message,
            "time_ns": file.time_ns,
            "protocol": s.protocol,
            "nodes": replayed.sim.node_count(),
            "faults": s.faults,
            "decisions": file.counts(),
            "replay_violation": replayed.report.violation.as_ref().map(|v| &v.property),
            "last_events": last,
            "reproduce": again,
        }))?;
        crate::html::write_failure(&args.file, &file, &args.html, true)?;
        return Ok(Exit::Ok);
    }
    crate::outln!(
        "failure    {} at {} (seed {}, found with {})",
        file.property,
        Time(file.time_ns),
        file.seed,
        file.origin
    );
    crate::outln!("           {}", file.message);
    crate::outln!(
        "scenario   {}, {} nodes, duration {}",
        s.protocol,
        replayed.sim.node_count(),
        s.stop
            .duration
            .map_or("unlimited".to_string(), |d| d.to_string())
    );
    if s.faults.is_empty() {
        crate::outln!("faults     none");
    } else {
        crate::outln!("faults     {}", s.faults.len());
        for f in &s.faults {
            crate::outln!("  at {:<10} {}", f.at.to_string(), describe_fault(&f.fault));
        }
    }
    let c = file.counts();
    crate::outln!(
        "network    {} drops, {} duplicates, {} other delays",
        c.drops,
        c.duplicates,
        c.delays
    );
    for d in file.decisions.iter().take(DECISIONS_SHOWN) {
        let what = match d.fate {
            Fate::Drop => "dropped".to_string(),
            Fate::Deliver { latency_ns } => format!("delayed {}", ns(latency_ns)),
            Fate::Duplicate {
                latency_ns,
                second_ns,
            } => format!("duplicated ({} and {})", ns(latency_ns), ns(second_ns)),
        };
        crate::outln!(
            "  message #{} from node {} to node {}: {what}",
            d.msg.n,
            d.msg.from,
            d.msg.to
        );
    }
    if file.decisions.len() > DECISIONS_SHOWN {
        crate::outln!("  ... and {} more", file.decisions.len() - DECISIONS_SHOWN);
    }
    match &replayed.report.violation {
        Some(v) if v.property == file.property => {
            crate::outln!("last {} events before the violation:", last.len());
            for e in &last {
                crate::outln!("  {}", describe_event(e));
            }
        }
        Some(v) => crate::outln!("the replay fails {} instead", v.property),
        None => crate::outln!("the replay no longer fails"),
    }
    crate::outln!("reproduce: {again}");
    crate::html::write_failure(&args.file, &file, &args.html, args.json)?;
    Ok(Exit::Ok)
}

fn ns(n: u64) -> String {
    sim::Dur(std::time::Duration::from_nanos(n)).to_string()
}

fn describe_fault(f: &sim::Fault) -> String {
    use sim::Fault;
    match f {
        Fault::Partition { a, b, one_way } => format!(
            "partition {a:?} {} {b:?}",
            if *one_way { "->" } else { "<->" }
        ),
        Fault::Heal => "heal all partitions".to_string(),
        Fault::Skew { node, offset } => format!(
            "skew node {node} by {}",
            serde_json::to_string(offset).unwrap_or_default()
        ),
        Fault::Drift { node, ppm } => format!("drift node {node} by {ppm} ppm"),
        other => format!("{} node {}", other.kind(), other.nodes()[0]),
    }
}

fn describe_event(e: &TraceEvent) -> String {
    format!(
        "t={} {:?} at node {} {}",
        Time(e.time_ns),
        e.kind,
        e.node.map_or("-".to_string(), |n| n.to_string()),
        e.summary
    )
}

fn show_trace(args: &ShowArgs) -> Result<Exit, String> {
    let f = std::fs::File::open(&args.file)
        .map_err(|e| format!("{}: cannot read: {e}", args.file.display()))?;
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut last: std::collections::VecDeque<Value> = Default::default();
    let mut faults: Vec<Value> = Vec::new();
    let (mut first_ns, mut last_ns, mut events) = (None, 0u64, 0u64);
    for (i, line) in BufReader::new(f).lines().enumerate() {
        let line = line.map_err(|e| format!("{}: cannot read: {e}", args.file.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(&line).map_err(|e| {
            format!(
                "{}:{}:{}: not a trace event: {e}",
                args.file.display(),
                i + 1,
                e.column()
            )
        })?;
        let kind = v["kind"].as_str().unwrap_or("?").to_string();
        let t = v["time_ns"].as_u64().unwrap_or(0);
        first_ns.get_or_insert(t);
        last_ns = last_ns.max(t);
        events += 1;
        if kind == "fault" && faults.len() < 1000 {
            faults.push(v.clone());
        }
        *counts.entry(kind).or_insert(0) += 1;
        if last.len() == args.last as usize {
            last.pop_front();
        }
        last.push_back(v);
    }
    if args.json {
        print_json(&json!({
            "kind": "trace",
            "events": events,
            "first_ns": first_ns,
            "last_ns": last_ns,
            "counts": counts,
            "faults": faults,
            "last_events": last,
        }))?;
        return Ok(Exit::Ok);
    }
    crate::outln!(
        "trace      {} events from {} to {}",
        events,
        Time(first_ns.unwrap_or(0)),
        Time(last_ns)
    );
    let kinds: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
    crate::outln!("kinds      {}", kinds.join(", "));
    crate::outln!("faults     {}", faults.len());
    for f in &faults {
        crate::outln!(
            "  t={} {}",
            Time(f["time_ns"].as_u64().unwrap_or(0)),
            f["summary"].as_str().unwrap_or("")
        );
    }
    crate::outln!("last {} events:", last.len());
    for e in &last {
        crate::outln!(
            "  t={} {} at node {} {}",
            Time(e["time_ns"].as_u64().unwrap_or(0)),
            e["kind"].as_str().unwrap_or("?"),
            e["node"]
                .as_u64()
                .map_or("-".to_string(), |n| n.to_string()),
            e["summary"].as_str().unwrap_or("")
        );
    }
    Ok(Exit::Ok)
}
