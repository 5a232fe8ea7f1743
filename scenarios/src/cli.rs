//! The `dsim` command line: verbs and flags (clap).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// dsim: write a distributed protocol once, test it in a deterministic
/// simulator with injected faults, then run the same code on real sockets.
#[derive(Debug, Parser)]
#[command(name = "dsim", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The verbs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the named scenarios and protocols.
    #[command(after_help = "Example:\n  dsim list\n  dsim list --json")]
    List(ListArgs),
    /// Run a scenario (named, or a JSON file) once and print its summary.
    #[command(
        after_help = "Examples:\n  dsim run hot-potato --seed 7\n  dsim run my-scenario.json --json\n  dsim run hot-potato-faults --trace run.jsonl --check-determinism"
    )]
    Run(RunArgs),
    /// Measure the engine on a workload.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Course Lab 1 on real sockets: the GCD, a member, the client.
    #[command(subcommand)]
    Gcd(crate::tools::gcd::GcdCommand),
    /// Course Lab 2 on real sockets: a bully peer.
    #[command(subcommand)]
    Bully(crate::tools::bully::BullyCommand),
}

/// `dsim list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

/// Where a run happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Net {
    /// The deterministic simulator (virtual time).
    Sim,
    /// Real UDP sockets on this machine.
    Udp,
    /// Real TCP sockets on this machine.
    Tcp,
}

/// `dsim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// A named scenario (see `dsim list`) or a path to a scenario JSON file.
    pub scenario: String,
    /// Seed (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Where to run: the simulator, or live on real sockets.
    #[arg(long, value_enum, default_value_t = Net::Sim)]
    pub net: Net,
    /// Write every event as a JSON line to FILE.
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    /// Run twice and report the first event that differs, if any.
    #[arg(long)]
    pub check_determinism: bool,
    /// Send every message through the protocol's wire codec (encode, decode).
    #[arg(long)]
    pub wire_check: bool,
    /// Print every observation nodes made.
    #[arg(long, short = 'o')]
    pub observations: bool,
    /// Machine-readable output (one JSON object).
    #[arg(long)]
    pub json: bool,
}

/// `dsim bench ...`.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// hot-potato: N nodes pass K tokens each for H hops (N·K·(H+1) deliveries).
    #[command(
        after_help = "Examples:\n  dsim bench hot-potato --nodes 100 --tokens 10 --hops 999\n  dsim bench hot-potato --nodes 10000 --tokens 1 --hops 99 --json"
    )]
    HotPotato(HotPotatoBench),
}

/// `dsim bench hot-potato`.
#[derive(Debug, Args)]
pub struct HotPotatoBench {
    /// Nodes (N).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(2..=16_000_000))]
    pub nodes: u32,
    /// Tokens each node starts (K).
    #[arg(long, default_value_t = 10)]
    pub tokens: u32,
    /// Hops per token (H).
    #[arg(long, default_value_t = 999)]
    pub hops: u32,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Rounds of (engine, minimal loop); the fastest of each is reported.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub rounds: u32,
    /// Also write a JSON-lines trace to FILE (to measure what tracing costs; one round).
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}
