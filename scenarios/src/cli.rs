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
    /// Run a scenario under many seeds in parallel; write each failure as a failure file.
    #[command(
        after_help = "Examples:\n  dsim sweep primary-backup-bug --seeds 0..1000\n  dsim sweep hot-potato-faults --seeds 0..100000 --shard 3/8 --jobs 2 --keep-going --json"
    )]
    Sweep(SweepArgs),
    /// Run a failure file again and check that the same property fails.
    #[command(
        after_help = "Example:\n  dsim replay dsim-failures/primary-backup-bug-seed-46.json"
    )]
    Replay(ReplayArgs),
    /// Make a failure file as small as possible while it still fails the same way.
    #[command(
        after_help = "Example:\n  dsim shrink dsim-failures/primary-backup-bug-seed-46.json -o minimal.json"
    )]
    Shrink(ShrinkArgs),
    /// Summarize a failure file or a JSON-lines trace for a person.
    #[command(after_help = "Examples:\n  dsim show minimal.json\n  dsim show run.jsonl --last 50")]
    Show(ShowArgs),
    /// Measure the engine on a workload.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// The forex provider and subscriber on real UDP sockets.
    #[command(subcommand)]
    Forex(crate::tools::forex::ForexCommand),
    /// Course Lab 1 on real sockets: the GCD, a member, the client.
    #[command(subcommand)]
    Gcd(crate::tools::gcd::GcdCommand),
    /// Course Lab 2 on real sockets: a bully peer.
    #[command(subcommand)]
    Bully(crate::tools::bully::BullyCommand),
    /// Course Lab 4 (Chord): the paper's evaluation on an ideal ring.
    #[command(subcommand)]
    Chord(crate::tools::chord::ChordCommand),
    /// Course Lab 5, the parts without a network: tamper with a block.
    #[command(subcommand)]
    Bitcoin(crate::tools::bitcoin::BitcoinCommand),
}

/// `dsim sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// A named scenario (see `dsim list`) or a path to a scenario JSON file.
    pub scenario: String,
    /// Seeds to run: `A..B` (B excluded), `A..=B`, or one seed.
    #[arg(long, value_name = "A..B")]
    pub seeds: crate::shard::SeedRange,
    /// Parallel runs (default: the number of CPUs).
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub jobs: Option<u32>,
    /// Run only shard K of N (1 <= K <= N): every N-th seed, starting with the K-th.
    #[arg(long, value_name = "K/N", default_value = "1/1")]
    pub shard: crate::shard::Shard,
    /// Run every seed even after a failure (default: stop at the first).
    #[arg(long)]
    pub keep_going: bool,
    /// Directory for failure files.
    #[arg(long, value_name = "DIR", default_value = "dsim-failures")]
    pub out: PathBuf,
    /// Machine-readable output (one JSON object).
    #[arg(long)]
    pub json: bool,
}

/// `dsim replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// A failure file (written by `dsim sweep` or `dsim shrink`).
    pub file: PathBuf,
    /// Write every event of the replay as a JSON line to FILE.
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    /// Machine-readable output (one JSON object).
    #[arg(long)]
    pub json: bool,
}

/// `dsim shrink`.
#[derive(Debug, Args)]
pub struct ShrinkArgs {
    /// A failure file.
    pub file: PathBuf,
    /// Where to write the minimal failure file (default: FILE with `.min.json`).
    #[arg(long, short = 'o', value_name = "OUT")]
    pub out: Option<PathBuf>,
    /// Most replays to try.
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_runs: u32,
    /// Machine-readable output (one JSON object).
    #[arg(long)]
    pub json: bool,
}

/// `dsim show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A failure file, or a JSON-lines trace (`dsim run --trace`).
    pub file: PathBuf,
    /// How many of the last events to show.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub last: u32,
    /// Machine-readable output (one JSON object).
    #[arg(long)]
    pub json: bool,
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
    /// chord: a stabilizing ring of N nodes (successor lists, fingers,
    /// periodic lookups) for S virtual seconds; wall time, peak RSS, bytes per node.
    #[command(
        after_help = "Examples:\n  dsim bench chord --nodes 100000\n  dsim bench chord --nodes 1000000 --secs 60 --json"
    )]
    Chord(ChordBench),
}

/// `dsim bench chord`.
#[derive(Debug, Args)]
pub struct ChordBench {
    /// Nodes (N).
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u32).range(2..=16_000_000))]
    pub nodes: u32,
    /// Virtual seconds to run.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub secs: u64,
    /// Successor-list length (r).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=32))]
    pub r: u32,
    /// Seconds between stabilize rounds (and fix_fingers steps).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub stabilize: u64,
    /// Seconds between one node's lookups.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub lookup: u64,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
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
