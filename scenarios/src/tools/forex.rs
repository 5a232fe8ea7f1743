//! `dsim forex provider` and `dsim forex subscribe`: the course's forex
//! provider and subscriber on real UDP sockets, printing what the course's
//! programs printed: nodes 0 and 1 of the `forex` description.

use super::one_node::{exit, nobody, run_one, OneNode};
use crate::commands::Exit;
use clap::{Args, Subcommand};
use net_real::Transport;
use protocols::forex::{ForexProtocol, Layout, ScenarioParams};
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;

/// `dsim forex ...`.
#[derive(Debug, Subcommand)]
pub enum ForexCommand {
    /// Run a forex provider: take subscriptions, publish quotes every second.
    #[command(
        after_help = "Ctrl-C or SIGTERM stops it with a summary (exit 130 or 143).\n\nExamples:\n  dsim forex provider\n  dsim forex provider --listen 127.0.0.1:50403 --layout b --lease 19"
    )]
    Provider(ProviderArgs),
    /// Subscribe to a provider and report arbitrage opportunities.
    #[command(
        after_help = "Examples:\n  dsim forex subscribe --provider localhost:50403\n  dsim forex subscribe --provider 127.0.0.1:50403 --listen 127.0.0.1:50404 --layout b --lease 19"
    )]
    Subscribe(SubscribeArgs),
}

/// `dsim forex provider`.
#[derive(Debug, Args)]
pub struct ProviderArgs {
    /// UDP address to take subscriptions on (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:50403")]
    pub listen: SocketAddr,
    /// Quote record layout: a (f19–f22) or b (f23/f24).
    #[arg(long, default_value = "a")]
    pub layout: Layout,
    /// Subscription lease in seconds.
    #[arg(long, default_value_t = 600.0, value_name = "S")]
    pub lease: f64,
    /// Stop after this long (e.g. 30s, 10m).
    #[arg(long, default_value = "10m", value_parser = sim::parse_duration)]
    pub duration: Duration,
    /// Print only subscriptions and leases, not every datagram published.
    #[arg(long, short)]
    pub quiet: bool,
    /// Seed of the price model (default: from the OS).
    #[arg(long)]
    pub seed: Option<u64>,
}

/// `dsim forex subscribe`.
#[derive(Debug, Args)]
pub struct SubscribeArgs {
    /// The provider, HOST:PORT.
    #[arg(long)]
    pub provider: String,
    /// UDP address to receive quotes on; the subscription carries it, so it
    /// must be an address the provider can reach (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Quote record layout the provider uses: a or b.
    #[arg(long, default_value = "a")]
    pub layout: Layout,
    /// The provider's lease in seconds (renewals go out every twentieth of it).
    #[arg(long, default_value_t = 600.0, value_name = "S")]
    pub lease: f64,
    /// Bellman-Ford tolerance.
    #[arg(long, default_value_t = 1e-9)]
    pub tolerance: f64,
    /// Stop after this long (e.g. 30s, 10m).
    #[arg(long, default_value = "10m", value_parser = sim::parse_duration)]
    pub duration: Duration,
    /// Print only arbitrages and rejections, not every quote.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Runs a `dsim forex` tool.
pub fn run(command: &ForexCommand) -> Result<Exit, String> {
    match command {
        ForexCommand::Provider(args) => provider(args),
        ForexCommand::Subscribe(args) => subscribe(args),
    }
}

fn lease(seconds: f64) -> Result<Duration, String> {
    if seconds.is_finite() && seconds > 0.0 && seconds < 1e9 {
        Ok(Duration::from_secs_f64(seconds))
    } else {
        Err(format!(
            "--lease {seconds}: must be a positive number of seconds"
        ))
    }
}

/// Resolves HOST:PORT to an IPv4 address (the course's protocol is IPv4 only).
fn resolve(flag: &str, text: &str) -> Result<SocketAddr, String> {
    let addrs = text
        .to_socket_addrs()
        .map_err(|e| format!("{flag} {text}: {e} (expected HOST:PORT)"))?;
    let mut addrs: Vec<SocketAddr> = addrs.collect();
    addrs.sort_by_key(|a| !a.is_ipv4());
    addrs
        .into_iter()
        .next()
        .ok_or_else(|| format!("{flag} {text}: the name has no address"))
}

/// The description's parameters for these flags.
fn params(layout: Layout, lease_s: f64, quiet: bool) -> Result<ScenarioParams, String> {
    let mut p: ScenarioParams = sim::parse_params(&serde_json::json!({}))?;
    p.layout = layout;
    p.lease = sim::Dur(lease(lease_s)?);
    p.print_quotes = !quiet;
    Ok(p)
}

fn node(
    book: Vec<SocketAddr>,
    index: usize,
    duration: Duration,
    announce: &'static str,
) -> OneNode {
    OneNode {
        book,
        index,
        transport: Transport::Udp,
        duration,
        verbose: true,
        stamp: false,
        seed: None,
        announce: Some(announce),
    }
}

fn provider(args: &ProviderArgs) -> Result<Exit, String> {
    let p = params(args.layout, args.lease, args.quiet)?;
    let mut one = node(
        vec![args.listen, nobody()],
        0,
        args.duration,
        "waiting for subscribers on {addr}",
    );
    one.seed = args.seed;
    let report = run_one(&ForexProtocol, &p, Some(2), one, |_| false)?;
    Ok(exit(&report))
}

fn subscribe(args: &SubscribeArgs) -> Result<Exit, String> {
    let provider = resolve("--provider", &args.provider)?;
    if !provider.is_ipv4() {
        return Err(format!(
            "--provider {}: the forex protocol is IPv4 only",
            args.provider
        ));
    }
    if !args.listen.is_ipv4() || args.listen.ip().is_unspecified() {
        return Err(format!(
            "--listen {}: the provider publishes to the address in the subscription, so give an IPv4 address it can reach (e.g. 127.0.0.1:0)",
            args.listen
        ));
    }
    if !(args.tolerance.is_finite() && args.tolerance >= 0.0) {
        return Err(format!(
            "--tolerance {}: must be a non-negative number",
            args.tolerance
        ));
    }
    let mut p = params(args.layout, args.lease, args.quiet)?;
    p.tolerance = args.tolerance;
    let one = node(
        vec![provider, args.listen],
        1,
        args.duration,
        "subscribing from {addr}",
    );
    let report = run_one(&ForexProtocol, &p, Some(2), one, |_| false)?;
    Ok(exit(&report))
}
