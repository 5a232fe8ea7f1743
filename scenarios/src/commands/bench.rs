//! `dsim bench hot-potato`.

use super::{print_json, Exit};
use crate::bench::{hot_potato, Workload};
use crate::bench_chord::{chord, ChordWorkload};
use crate::cli::{ChordBench, HotPotatoBench};
use std::fs::File;
use std::io::BufWriter;

/// Runs the bench and prints its figures.
pub fn run(args: &HotPotatoBench) -> Result<Exit, String> {
    protocols::hot_potato::check_workload(args.nodes as usize, args.tokens, args.hops)
        .map_err(|e| e.replace("params.", "--"))?;
    let trace: Option<Box<dyn std::io::Write>> = match &args.trace {
        Some(path) => {
            let f = File::create(path)
                .map_err(|e| format!("--trace {}: cannot create: {e}", path.display()))?;
            Some(Box::new(BufWriter::with_capacity(1 << 20, f)))
        }
        None => None,
    };
    let w = Workload {
        nodes: args.nodes as usize,
        tokens: args.tokens,
        hops: args.hops,
        seed: args.seed,
    };
    let expected = w.nodes as u64 * w.tokens as u64 * (w.hops as u64 + 1);
    if !args.json {
        eprintln!(
            "running {expected} deliveries ({} x {} x ({} + 1): each token is delivered once more than it hops)...",
            crate::output::plural(w.nodes as u64, "node"),
            crate::output::plural(w.tokens, "token"),
            crate::output::plural(w.hops, "hop"),
        );
    }
    let r = hot_potato(w, args.rounds, trace)?;
    if args.json {
        print_json(&r)?;
        return Ok(Exit::Ok);
    }
    crate::outln!("deliveries     {}", r.deliveries);
    crate::outln!(
        "wall time      {:.3} s{}",
        r.wall_s,
        if r.traced { " (tracing on)" } else { "" }
    );
    crate::outln!("deliveries/s   {:.2} M", r.deliveries_per_s / 1e6);
    match r.peak_memory_bytes {
        Some(b) => crate::outln!("peak memory    {:.1} MB", b as f64 / 1e6),
        None => crate::outln!("peak memory    unknown on this platform"),
    }
    crate::outln!("digest         {}", r.digest);
    crate::outln!(
        "minimal loop   {:.2} M deliveries/s",
        r.minimal_deliveries_per_s / 1e6
    );
    crate::outln!("dsim / minimal {:.2}", r.ratio);
    Ok(Exit::Ok)
}

/// Runs the chord scale bench and prints its figures.
pub fn run_chord(args: &ChordBench) -> Result<Exit, String> {
    let w = ChordWorkload {
        nodes: args.nodes as usize,
        secs: args.secs,
        r: args.r as usize,
        stabilize_s: args.stabilize,
        lookup_s: args.lookup,
        seed: args.seed,
    };
    if !args.json {
        eprintln!(
            "chord: {} nodes, r = {}, {} virtual seconds...",
            w.nodes, w.r, w.secs
        );
    }
    let r = chord(w)?;
    if args.json {
        print_json(&r)?;
    } else {
        crate::outln!("build          {:.1} s", r.build_s);
        crate::outln!(
            "run            {:.1} s wall for {} s virtual",
            r.run_s,
            w.secs
        );
        crate::outln!("events         {} ({} deliveries)", r.events, r.delivered);
        crate::outln!(
            "lookups        {} done, {} failed, {:.2} hops on average",
            r.lookups,
            r.lookups_failed,
            r.mean_hops
        );
        crate::outln!("ring correct   {}", r.ring_correct);
        match (r.peak_rss_bytes, r.bytes_per_node) {
            (Some(b), Some(per)) => {
                crate::outln!(
                    "peak memory    {:.1} MB ({per:.0} bytes per node)",
                    b as f64 / 1e6
                )
            }
            _ => crate::outln!("peak memory    unknown on this platform"),
        }
    }
    Ok(if r.ring_correct {
        Exit::Ok
    } else {
        Exit::Violation
    })
}
