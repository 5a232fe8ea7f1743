//! hot-potato live: the simulator's machines on real sockets; the run ends
//! when every token has retired (or at the scenario's duration).

use super::{run_machines, LiveOutcome, LiveSpec};
use protocols::hot_potato::{node_count, render, Event, HotPotato, Params, ScenarioParams, Token};
use sim::JsonCodec;
use std::collections::BTreeSet;

/// Runs a hot-potato scenario live. Checks `retire-once` (no token retires
/// twice) and, when nothing was dropped, `all-retire` (all `N·K` retired).
pub fn run(spec: LiveSpec<'_>) -> Result<LiveOutcome, String> {
    let params: ScenarioParams = sim::erased::parse_params(&spec.scenario.params)?;
    let nodes = node_count(spec.scenario.nodes)?;
    let expected = nodes as u64 * u64::from(params.tokens);
    let (tokens, hops) = (params.tokens, params.hops);
    let mut retired = 0u64;
    let (report, seen) = run_machines(
        spec,
        nodes,
        move |i, book| {
            HotPotato::new(
                i,
                Params {
                    peers: book.into(),
                    tokens,
                    hops,
                },
            )
        },
        JsonCodec::<Token>::new(),
        render,
        |_| {
            retired += 1;
            retired >= expected
        },
    )?;
    let mut violations = Vec::new();
    let mut once = BTreeSet::new();
    for Event::Retired { token_id } in &seen {
        if !once.insert(*token_id) {
            violations.push(format!("retire-once: token {token_id} retired twice"));
            break;
        }
    }
    // Whatever was sent (or duplicated) and never handed to a node was lost:
    // by injected faults, or by the kernel (UDP).
    let c = &report.counters;
    let undelivered = (c.sent + c.duplicated).saturating_sub(c.delivered);
    let got = seen.len() as u64;
    if undelivered == 0 && c.duplicated == 0 && got < expected {
        violations.push(format!(
            "all-retire: {got} of {expected} tokens retired and none was dropped"
        ));
    }
    Ok(LiveOutcome { report, violations })
}
