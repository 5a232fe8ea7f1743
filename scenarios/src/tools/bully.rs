//! `dsim bully run`: one bully peer on real TCP, joined to a GCD, printing
//! elections and leaders as they happen: node 1 of the `bully` description,
//! with the GCD at node 0.

use super::one_node::{duration_arg, exit, run_one, OneNode, FOREVER};
use crate::commands::Exit;
use clap::{Args, Subcommand};
use net_real::Transport;
use protocols::bully::{BullyProtocol, Feign, ScenarioParams, Timing};
use protocols::gcd::{Profile, Wire};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

/// `dsim bully ...`.
#[derive(Debug, Subcommand)]
pub enum BullyCommand {
    /// Run a bully peer: join the GCD, take part in elections, probe the leader.
    #[command(
        after_help = "Ctrl-C or SIGTERM stops it with a summary (exit 130 or 143).\n\nExample:\n  dsim gcd serve --listen 127.0.0.1:23600 &\n  dsim bully run --gcd 127.0.0.1:23600 --days 20 --id 1234561\n  dsim bully run --gcd 127.0.0.1:23600 --days 42 --id 7654321 --feign"
    )]
    Run(RunArgs),
}

/// `dsim bully run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The GCD, as HOST:PORT (an IP address or localhost).
    #[arg(long, value_parser = protocols::gcd::parse_host_port)]
    pub gcd: SocketAddr,
    /// Days until the birthday (first part of the identity).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub days: u32,
    /// Seven-digit student id (second part of the identity).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1_000_000..=9_999_999))]
    pub id: u32,
    /// Address to listen on (port 0: any free port).
    #[arg(long, default_value_t = SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))]
    pub listen: SocketAddr,
    /// A course year's dialect: f19, f23, f24, or dsim (ours: the winner named).
    #[arg(long, default_value = "f19")]
    pub profile: Profile,
    /// Encoding on the wire: json, or pickle (what the course's Python programs speak).
    #[arg(long, default_value = "json")]
    pub wire: Wire,
    /// Feign failures: the next after 0–10 s, lasting 1–4 s.
    #[arg(long)]
    pub feign: bool,
    /// No OK within this time: declare victory.
    #[arg(long, default_value = "2s", value_parser = duration_arg)]
    pub failure_timeout: Duration,
    /// An OK but no COORDINATOR within this time: start again.
    #[arg(long, default_value = "4s", value_parser = duration_arg)]
    pub coordinator_timeout: Duration,
    /// Stop after this long (default: run until interrupted).
    #[arg(long = "for", value_parser = duration_arg)]
    pub run_for: Option<Duration>,
    /// Print the driver's log (connection errors, bad input) to stderr.
    #[arg(long, short)]
    pub verbose: bool,
}

/// Runs a `dsim bully` verb.
pub fn run(command: BullyCommand) -> Result<Exit, String> {
    let BullyCommand::Run(a) = command;
    if a.listen.ip().is_unspecified() {
        return Err(format!(
            "--listen {}: give the address peers should reach (e.g. 127.0.0.1:0), not a wildcard",
            a.listen
        ));
    }
    let timing = Timing {
        failure_timeout: sim::Dur(a.failure_timeout),
        coordinator_timeout: sim::Dur(a.coordinator_timeout),
        ..Timing::default()
    };
    timing.validate()?;
    let params = ScenarioParams {
        profile: a.profile,
        wire: a.wire,
        timing,
        feign: a.feign.then(Feign::default),
        pids: Some(vec![(a.days, a.id)]),
        ..sim::parse_params(&serde_json::json!({}))?
    };
    let node = OneNode {
        book: vec![a.gcd, a.listen],
        index: 1,
        transport: Transport::Tcp,
        duration: a.run_for.unwrap_or(FOREVER),
        verbose: a.verbose,
        stamp: true,
        seed: None,
        announce: None,
    };
    let report = run_one(&BullyProtocol, &params, Some(1), node, |_| false)?;
    Ok(exit(&report))
}
