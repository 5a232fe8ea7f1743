//! `dsim list`: named scenarios and protocols.

use super::{print_json, Exit};
use crate::cli::ListArgs;
use crate::registry::{NAMED, PROTOCOLS};
use crate::scenario::Scenario;
use serde_json::json;

/// Prints the named scenarios (one line each) and the protocols.
pub fn run(args: &ListArgs) -> Result<Exit, String> {
    let mut scenarios = Vec::new();
    for (name, text) in NAMED {
        let s = Scenario::parse(name, text).map_err(|e| e.to_string())?;
        scenarios.push((name, s));
    }
    if args.json {
        print_json(&json!({
            "scenarios": scenarios.iter().map(|(n, s)| json!({
                "name": n, "protocol": s.protocol, "description": s.description,
            })).collect::<Vec<_>>(),
            "protocols": PROTOCOLS.iter().map(|p| json!({
                "name": p.name, "description": p.description,
            })).collect::<Vec<_>>(),
        }))?;
        return Ok(Exit::Ok);
    }
    let width = scenarios.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    println!("Named scenarios (dsim run NAME):");
    for (name, s) in &scenarios {
        println!("  {name:width$}  {}", s.description);
    }
    println!("\nProtocols (the \"protocol\" field of a scenario file):");
    let width = PROTOCOLS.iter().map(|p| p.name.len()).max().unwrap_or(0);
    for p in PROTOCOLS {
        println!("  {:width$}  {}", p.name, p.description);
    }
    Ok(Exit::Ok)
}
