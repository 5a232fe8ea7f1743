//! `dsim list`: named scenarios and protocols.

use super::{print_json, Exit};
use crate::cli::ListArgs;
use crate::registry;
use crate::scenario::Scenario;
use serde_json::json;

/// Prints the named scenarios (one line each) and the protocols.
pub fn run(args: &ListArgs) -> Result<Exit, String> {
    let mut scenarios = Vec::new();
    for (name, text) in registry::named() {
        let s = Scenario::parse(name, text).map_err(|e| e.to_string())?;
        scenarios.push((name, s));
    }
    if args.json {
        print_json(&json!({
            "scenarios": scenarios.iter().map(|(n, s)| json!({
                "name": n, "protocol": s.protocol, "description": s.description,
            })).collect::<Vec<_>>(),
            "protocols": registry::protocols().iter().map(|p| json!({
                "name": p.name(), "description": p.about(),
            })).collect::<Vec<_>>(),
        }))?;
        return Ok(Exit::Ok);
    }
    let width = scenarios.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    crate::outln!("Named scenarios (dsim run NAME):");
    for (name, s) in &scenarios {
        crate::outln!("  {name:width$}  {}", s.description);
    }
    crate::outln!("\nProtocols (the \"protocol\" field of a scenario file):");
    let width = registry::protocols()
        .iter()
        .map(|p| p.name().len())
        .max()
        .unwrap_or(0);
    for p in registry::protocols() {
        crate::outln!("  {:width$}  {}", p.name(), p.about());
    }
    Ok(Exit::Ok)
}
