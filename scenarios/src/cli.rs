//! The `dsim` command line: verbs and flags (clap).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// The exit codes, as `dsim --help` prints them (a macro so that `concat!`
/// can put them after the examples).
macro_rules! exit_codes {
    () => {
        "\
Exit codes:
  0    the work finished and nothing was violated
  1    a property was violated, a check failed, or a sweep/merge found a failure
  2    bad usage or input, an output that cannot be written, a run over its
       budget (\"budget exceeded\"), or (merge) missing, duplicated or mixed shards
  130  interrupted by SIGINT (Ctrl-C), after printing what was done
  143  stopped by SIGTERM, after printing what was done
  141  standard output was closed before everything was written (e.g. `| head`)"
    };
}

/// The exit codes, as `dsim --help` prints them.
pub const EXIT_CODES: &str = exit_codes!();

/// dsim: write a distributed protocol once, test it in a deterministic
/// simulator with injected faults, then run the same code on real sockets.
#[derive(Debug, Parser)]
#[command(
    name = "dsim",
    version,
    about = "Test distributed protocols in a deterministic simulator with injected faults, then run them on real sockets.",
    long_about = None,
    after_help = concat!(
        "Examples:\n",
        "  dsim run primary-backup-bug                     # one simulated run, its properties checked\n",
        "  dsim sweep primary-backup-bug --seeds 0..1000   # many seeds; each failure saved as a file\n",
        "  dsim replay dsim-failures/primary-backup-bug-seed-46.json   # the same failure, again\n",
        "\n",
        exit_codes!()
    )
)]
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
        after_help = "Examples:\n  dsim run hot-potato --seed 7\n  dsim run my-scenario.json --json\n  dsim run hot-potato-faults --trace run.jsonl --check-determinism\n  dsim run primary-backup-bug --trace run.log --trace-format shiviz\n  dsim run hot-potato-faults --html run.html --from 100ms --to 400ms\n  dsim run hot-potato --net udp --threads 2"
    )]
    Run(RunArgs),
    /// Run a scenario under many seeds in parallel; write each failure as a failure file.
    #[command(
        after_help = "Examples:\n  dsim sweep primary-backup-bug --seeds 0..1000\n  dsim sweep hot-potato-faults --seeds 0..100000 --shard 3/8 --jobs 2 --keep-going --json\n  dsim sweep primary-backup-bug --seeds 0..1000000 --shard auto/16 --keep-going --report shard.jsonl\n  dsim sweep primary-backup-bug --seeds 0..1000000 --keep-going --resume   # after Ctrl-C\n  dsim sweep primary-backup-bug --seeds 0..1000 --swarm\n\nCtrl-C (SIGINT) or SIGTERM stops within a second: the summary so far, a resume point in --out,\nexit 130 or 143. Memory stays bounded: failures go to disk as found; the summary lists the\n20 with the smallest seeds."
    )]
    Sweep(SweepArgs),
    /// Combine shard reports (`dsim sweep --report`) into one summary.
    #[command(
        after_help = "Examples:\n  dsim merge reports/shard-*.jsonl\n  dsim merge a.jsonl b.jsonl --json\n\nExit 0: every shard finished, no failure; 1: a shard found a failure;\n2: a report is unreadable, or shards are missing, duplicated, unfinished or from mixed builds (named)."
    )]
    Merge(MergeArgs),
    /// Run a failure file again and check that the same property fails.
    #[command(
        after_help = "Examples:\n  dsim replay dsim-failures/primary-backup-bug-seed-46.json\n  dsim replay dsim-failures/primary-backup-bug-seed-46.json --html failure.html\n  dsim replay dsim-failures/primary-backup-bug-seed-46.json --trace failure.log --trace-format shiviz"
    )]
    Replay(ReplayArgs),
    /// Make a failure file as small as possible while it still fails the same way.
    #[command(
        after_help = "Examples:\n  dsim shrink dsim-failures/primary-backup-bug-seed-46.json -o minimal.json\n  dsim shrink dsim-failures/primary-backup-bug-seed-46.json -o minimal.json --html shrunk.html"
    )]
    Shrink(ShrinkArgs),
    /// Summarize a failure file or a JSON-lines trace for a person.
    #[command(
        after_help = "Examples:\n  dsim show minimal.json\n  dsim show run.jsonl --last 50\n  dsim show run.jsonl --html run.html --from 1s --to 2s\n  dsim show --diff failure.json minimal.json --html diff.html"
    )]
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
    /// Course Lab 5: tamper with a block; serve a chain and fetch a verified block over the real P2P protocol.
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
    /// Run only shard K of N (1 <= K <= N): every N-th seed, starting with the
    /// K-th. `auto` (or `auto/N`) takes K and N from a batch engine's
    /// environment: DSIM_SHARD=K/N, Kubernetes JOB_COMPLETION_INDEX, Slurm
    /// SLURM_ARRAY_TASK_ID/COUNT, Nomad NOMAD_ALLOC_INDEX; it says which.
    #[arg(long, value_name = "K/N|auto[/N]", default_value = "1/1")]
    pub shard: crate::shard::ShardSpec,
    /// Run every seed even after a failure (default: stop at the first).
    #[arg(long)]
    pub keep_going: bool,
    /// Directory for failure files (checked writable before the first run;
    /// each failure file is written as soon as it is found).
    #[arg(long, short = 'o', value_name = "DIR", default_value = "dsim-failures")]
    pub out: PathBuf,
    /// Also write a shard report: a JSON line per failing seed as it is
    /// found, and a summary line at the end (combine shards with `dsim merge`).
    #[arg(long, value_name = "FILE.jsonl")]
    pub report: Option<PathBuf>,
    /// Continue a sweep that was interrupted (SIGINT/SIGTERM) from its resume
    /// point in --out; without one, start from the beginning.
    #[arg(long)]
    pub resume: bool,
    /// Swarm testing: each seed draws which fault kinds are on, and at what
    /// rates up to the scenario's (recorded in each failure file).
    #[arg(long)]
    pub swarm: bool,
    /// What each run may consume.
    #[command(flatten)]
    pub budget: BudgetArgs,
    /// Machine-readable output (one JSON object).
    #[arg(long)]
    pub json: bool,
    /// Draw which properties failed on which seeds, and each seed's wall
    /// time, to FILE (`.svg`, or `.html` for the same drawing in a page),
    /// e.g. `dsim sweep primary-backup-bug --seeds 0..200 --keep-going --chart sweep.svg`.
    #[arg(long, value_name = "FILE")]
    pub chart: Option<PathBuf>,
}

/// `--budget-events`, `--budget-memory`: what one run may consume before it
/// stops with "budget exceeded" (exit 2).
#[derive(Debug, Args, Clone, Copy)]
pub struct BudgetArgs {
    /// Most events one run may process [default: the scenario's `budget`, or 500000000].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub budget_events: Option<u64>,
    /// Most memory one run's event queue, observations and recorded
    /// decisions may take, in MB [default: the scenario's `budget`, or 4096].
    #[arg(long, value_name = "MB", value_parser = clap::value_parser!(u64).range(1..=(1 << 40)))]
    pub budget_memory: Option<u64>,
}

impl BudgetArgs {
    /// Applies the flags to a scenario (they override its `budget`).
    pub fn apply(&self, scenario: &mut crate::scenario::Scenario) {
        if self.budget_events.is_none() && self.budget_memory.is_none() {
            return;
        }
        let mut budget = scenario.budget.unwrap_or_default();
        if let Some(n) = self.budget_events {
            budget.events = n;
        }
        if let Some(mb) = self.budget_memory {
            budget.memory_bytes = mb << 20;
        }
        scenario.budget = Some(budget);
    }
}

/// `dsim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard reports written by `dsim sweep --report` (any order).
    #[arg(required = true)]
    pub reports: Vec<PathBuf>,
    /// Machine-readable output (one JSON object).
    #[arg(long)]
    pub json: bool,
    /// Draw which properties failed on which seeds, and each seed's wall
    /// time, to FILE (`.svg`, or `.html` for the same drawing in a page),
    /// e.g. `dsim sweep primary-backup-bug --seeds 0..200 --keep-going --chart sweep.svg`.
    #[arg(long, value_name = "FILE")]
    pub chart: Option<PathBuf>,
}

/// `dsim replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// A failure file (written by `dsim sweep` or `dsim shrink`).
    pub file: PathBuf,
    /// Write every event of the replay to FILE (JSON lines, or see --trace-format).
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    /// With --trace: `json` or `shiviz` (see `dsim run --help`).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = TraceFormat::Json, requires = "trace")]
    pub trace_format: TraceFormat,
    /// Machine-readable output (one JSON object).
    #[arg(long)]
    pub json: bool,
    /// The replay drawn as a diagram.
    #[command(flatten)]
    pub html: crate::html::HtmlArgs,
}

/// `dsim shrink`.
#[derive(Debug, Args)]
pub struct ShrinkArgs {
    /// A failure file.
    pub file: PathBuf,
    /// Where to write the minimal failure file (default: FILE with `.min.json`).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Most replays to try.
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_runs: u32,
    /// Machine-readable output (one JSON object).
    #[arg(long)]
    pub json: bool,
    /// The original and the shrunk failure drawn side by side.
    #[command(flatten)]
    pub html: crate::html::HtmlArgs,
}

/// `dsim show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A failure file, or a JSON-lines trace (`dsim run --trace`).
    pub file: PathBuf,
    /// With --diff: the shrunk failure file to draw beside FILE.
    #[arg(requires = "diff")]
    pub shrunk: Option<PathBuf>,
    /// Draw failure FILE and its shrunk version SHRUNK side by side (needs --html).
    #[arg(long, requires_all = ["shrunk", "html"])]
    pub diff: bool,
    /// How many of the last events to show.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub last: u32,
    /// Machine-readable output (one JSON object).
    #[arg(long)]
    pub json: bool,
    /// The failure or trace drawn as a diagram.
    #[command(flatten)]
    pub html: crate::html::HtmlArgs,
}

/// `dsim list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Machine-readable output (one JSON object).
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
    /// Seed of every random choice (default: the scenario's).
    #[arg(long, value_parser = parse_seed, allow_hyphen_values = true)]
    pub seed: Option<u64>,
    /// Where to run: the simulator, or live on real sockets.
    #[arg(long, value_enum, default_value_t = Net::Sim)]
    pub net: Net,
    /// Live runs: event-loop threads sharing the nodes (1-64; default 1).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub threads: Option<u16>,
    /// Write every event to FILE (JSON lines, or see --trace-format).
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    /// With --trace: `json` (one event per line, `dsim show` reads it) or
    /// `shiviz` (a log with exact vector clocks for the ShiViz visualizer).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = TraceFormat::Json, requires = "trace")]
    pub trace_format: TraceFormat,
    /// Run twice and report the first event that differs, if any.
    #[arg(long)]
    pub check_determinism: bool,
    /// Send every message through the protocol's wire codec (encode, decode).
    #[arg(long)]
    pub wire_check: bool,
    /// Print every observation nodes made.
    #[arg(long)]
    pub observations: bool,
    /// What the run may consume.
    #[command(flatten)]
    pub budget: BudgetArgs,
    /// Machine-readable output (one JSON object).
    #[arg(long)]
    pub json: bool,
    /// The run drawn as a diagram (the run is done again with the same seed).
    #[command(flatten)]
    pub html: crate::html::HtmlArgs,
}

/// Parses `--seed`: a non-negative integer (a `-1` gets this message, not
/// clap's "use `-- -1`" tip: the flag accepts values that start with `-`).
pub fn parse_seed(text: &str) -> Result<u64, String> {
    text.trim().parse().map_err(|_| {
        format!(
            "seed must be a non-negative integer (0 to {}), got `{text}`",
            u64::MAX
        )
    })
}

/// How `--trace FILE` writes a run's events.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum TraceFormat {
    /// One JSON object per event and line (`dsim show` and `--html` read it back).
    #[default]
    Json,
    /// A ShiViz log: the parsing regex, then per event a host with its
    /// vector clock and a description (open it at
    /// <https://bestchai.bitbucket.io/shiviz/>).
    Shiviz,
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
    /// Seed of every random choice.
    #[arg(long, default_value_t = 1, value_parser = parse_seed, allow_hyphen_values = true)]
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
    /// Seed of every random choice.
    #[arg(long, default_value_t = 1, value_parser = parse_seed, allow_hyphen_values = true)]
    pub seed: u64,
    /// Rounds of (engine, minimal loop); the fastest of each is reported.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub rounds: u32,
    /// Write every event to FILE as JSON lines (to measure what tracing costs; one round).
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    /// Machine-readable output (one JSON object).
    #[arg(long)]
    pub json: bool,
}
