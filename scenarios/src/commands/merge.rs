//! `dsim merge`: shard reports into one summary.

use super::{print_json, Exit};
use crate::cli::MergeArgs;
use crate::report::merge;

/// Failures listed one by one in the text summary.
const LISTED: usize = 20;

/// Merges the reports of `args`. Exit 2 if they are not the finished shards
/// of one sweep (the error names the shards), 1 if any shard found a
/// failure, 0 otherwise. The output depends only on the set of reports.
pub fn run(args: &MergeArgs) -> Result<Exit, String> {
    let merged = merge(&args.reports)?;
    if args.json {
        print_json(&merged)?;
    } else {
        let s = &merged.sweep;
        crate::outln!(
            "merged {} shard{} of {} seeds {}{}{} (build {})",
            merged.shards,
            if merged.shards == 1 { "" } else { "s" },
            s.scenario,
            s.seeds,
            if s.keep_going { ", keep-going" } else { "" },
            if s.swarm { ", swarm" } else { "" },
            merged.build
        );
        crate::outln!(
            "ran {} seeds ({:.1} runs/s over all shards): {} failure{}",
            merged.seeds_run,
            merged.runs_per_s,
            merged.failures,
            if merged.failures == 1 { "" } else { "s" }
        );
        for f in merged.failing.iter().take(LISTED) {
            crate::outln!(
                "FAILED seed {} (shard {}): {} at {}: {}",
                f.found.seed,
                f.shard,
                f.found.property,
                sim::Time(f.found.time_ns),
                f.found.message
            );
            crate::outln!("  failure file {}", f.file);
        }
        if merged.failing.len() > LISTED {
            crate::outln!(
                "... and {} more (--json lists all)",
                merged.failing.len() - LISTED
            );
        }
    }
    Ok(if merged.failures > 0 {
        Exit::Violation
    } else {
        Exit::Ok
    })
}
