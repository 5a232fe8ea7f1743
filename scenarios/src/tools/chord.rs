//! `dsim chord ...`: the Chord paper's evaluation (Stoica et al., SIGCOMM
//! 2001, Section 6) reproduced on an ideal ring, and the course's three
//! programs on real UDP sockets: a node (`chord_node`), `populate` and
//! `query`.

use super::chord_client::Client;
use super::one_node::{duration_arg, exit, run_one, OneNode, FOREVER};
use crate::commands::Exit;
use clap::{Args, Subcommand};
use net_real::Transport;
use protocols::chord::msg::{DataReq, DataResp, Value};
use protocols::chord::paper::{self, Config};
use protocols::chord::{csv, ChordProtocol, IdSpace, Mode, ScenarioParams};
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use std::time::Instant;

/// `dsim chord ...`.
#[derive(Debug, Subcommand)]
pub enum ChordCommand {
    /// Reproduce the paper's Figures 8-11: path length, load balance,
    /// virtual nodes, lookups after failures.
    #[command(
        after_help = "Prints the paper's number beside ours for each figure. With --out, also\n\
                      writes report.txt, report.json and one SVG plot per figure to DIR.\n\n\
                      Examples:\n  dsim chord paper --quick\n  dsim chord paper --out chord-paper\n  \
                      dsim chord paper --seed 7 --json > chord.json"
    )]
    Paper(PaperArgs),
    /// Run a Chord node on UDP (the course's chord_node): start a ring, or join one.
    #[command(
        after_help = "Prints what the node observes (its id, when it joined, lookups it\n\
                      made). Ctrl-C or SIGTERM stops it.\n\n\
                      Examples:\n  dsim chord node --listen 127.0.0.1:43544\n  \
                      dsim chord node --join 127.0.0.1:43544 --listen 127.0.0.1:0\n  \
                      dsim chord node --mode course --bits 160 --join localhost:43544"
    )]
    Node(NodeArgs),
    /// Store every row of a CSV file in the ring (key = Player Id + Year).
    #[command(
        after_help = "Exit status: 0 every key stored; 2 bad input (a malformed row is named\n\
                      by its line) or the node cannot be reached.\n\n\
                      Example:\n  dsim chord populate 127.0.0.1:43544 Career_Stats_Passing.csv"
    )]
    Populate(PopulateArgs),
    /// Look a key up through any node and print its row.
    #[command(
        after_help = "Exit status: 0 found (with --csv: every key of the file found with its\n\
                      row); 1 a key is not in the ring or has another value; 2 bad input or\n\
                      the node cannot be reached.\n\n\
                      Examples:\n  dsim chord query 127.0.0.1:43544 tomfarris/25138611948\n  \
                      dsim chord query 127.0.0.1:43544 --csv Career_Stats_Passing.csv"
    )]
    Query(QueryArgs),
}

/// `dsim chord node`.
#[derive(Debug, Args)]
pub struct NodeArgs {
    /// A node of the ring to join (HOST:PORT); absent: start a new ring.
    #[arg(long, value_parser = protocols::gcd::parse_host_port)]
    pub join: Option<SocketAddr>,
    /// Address to listen on (port 0: any free port; the id is SHA-1 of the bound `host:port`).
    #[arg(long, default_value = "127.0.0.1:0", value_parser = protocols::gcd::parse_host_port)]
    pub listen: SocketAddr,
    /// Identifier bits M (every node of a ring must agree).
    #[arg(long, default_value_t = 160, value_parser = clap::value_parser!(u32).range(1..=160))]
    pub bits: u32,
    /// robust (stabilization, successor lists, replication) or course (Section-4 joins, one at a time).
    #[arg(long, default_value = "robust", value_parser = mode_arg)]
    pub mode: Mode,
    /// How long a call to another node may take before it is re-sent (3 tries, then the node counts as failed).
    #[arg(long, default_value = "500ms", value_parser = duration_arg)]
    pub rpc_timeout: Duration,
    /// Stop after this long (default: run until interrupted).
    #[arg(long = "for", value_parser = duration_arg)]
    pub run_for: Option<Duration>,
    /// Print the driver's log (bad input, send errors) to stderr.
    #[arg(long, short)]
    pub verbose: bool,
}

/// What populate and query share.
#[derive(Debug, Args)]
pub struct ClientArgs {
    /// Any node of the ring (HOST:PORT).
    #[arg(value_parser = protocols::gcd::parse_host_port)]
    pub node: SocketAddr,
    /// Identifier bits M (every node of a ring must agree).
    #[arg(long, default_value_t = 160, value_parser = clap::value_parser!(u32).range(1..=160))]
    pub bits: u32,
    /// How long to wait for an answer before asking again (4 tries).
    #[arg(long, default_value = "2s", value_parser = duration_arg)]
    pub timeout: Duration,
}

/// `dsim chord populate`.
#[derive(Debug, Args)]
pub struct PopulateArgs {
    /// The ring and how to reach it.
    #[command(flatten)]
    pub client: ClientArgs,
    /// The CSV file (header line, then rows; the course's NFL statistics).
    pub file: PathBuf,
}

/// `dsim chord query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The ring and how to reach it.
    #[command(flatten)]
    pub client: ClientArgs,
    /// The key (Player Id + Year, e.g. tomfarris/25138611948).
    #[arg(required_unless_present = "csv")]
    pub key: Option<String>,
    /// Instead of one key: query every key of this CSV file and check each row.
    #[arg(long, conflicts_with = "key")]
    pub csv: Option<PathBuf>,
}

fn mode_arg(text: &str) -> Result<Mode, String> {
    match text {
        "robust" => Ok(Mode::Robust),
        "course" => Ok(Mode::Course),
        _ => Err(format!("`{text}`: the mode is robust or course")),
    }
}

/// `dsim chord paper`.
#[derive(Debug, Args)]
pub struct PaperArgs {
    /// A scaled-down run (10x fewer nodes and keys, N up to 2^10): well under a second.
    #[arg(long)]
    pub quick: bool,
    /// Directory for report.txt, report.json and the SVG plots (created if missing).
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Seed of every random choice.
    #[arg(long, default_value_t = 1, value_parser = crate::cli::parse_seed, allow_hyphen_values = true)]
    pub seed: u64,
    /// Machine-readable output (one JSON object) instead of the tables.
    #[arg(long)]
    pub json: bool,
}

/// Runs a `dsim chord` verb.
pub fn run(command: &ChordCommand) -> Result<Exit, String> {
    match command {
        ChordCommand::Paper(args) => run_paper(args),
        ChordCommand::Node(args) => run_node(args),
        ChordCommand::Populate(args) => populate(args),
        ChordCommand::Query(args) => query(args),
    }
}

fn run_node(a: &NodeArgs) -> Result<Exit, String> {
    if !a.listen.is_ipv4() || a.join.is_some_and(|j| !j.is_ipv4()) {
        return Err("chord nodes use IPv4 addresses (e.g. 127.0.0.1:43544)".into());
    }
    if a.rpc_timeout.is_zero() {
        return Err("--rpc-timeout: must be positive".into());
    }
    let params: ScenarioParams = sim::parse_params(&serde_json::json!({
        "mode": a.mode, "bits": a.bits,
        "rpc_timeout": format!("{}ms", a.rpc_timeout.as_millis().max(1)),
    }))?;
    // The description's node 0 is the contact; a new ring has only us.
    let (book, index) = match a.join {
        Some(contact) => (vec![contact, a.listen], 1),
        None => (vec![a.listen], 0),
    };
    let nodes = book.len();
    let node = OneNode {
        book,
        index,
        transport: Transport::Udp,
        duration: a.run_for.unwrap_or(FOREVER),
        verbose: a.verbose,
        stamp: true,
        seed: None,
        announce: Some("listening on {addr}"),
    };
    let report = run_one(&ChordProtocol, &params, Some(nodes), node, |_| false)?;
    Ok(exit(&report))
}

fn client(a: &ClientArgs) -> Result<Client, String> {
    if a.timeout.is_zero() {
        return Err("--timeout: must be positive".into());
    }
    let space = IdSpace::new(a.bits).map_err(|e| format!("--bits: {e}"))?;
    Client::new(a.node, space, a.timeout)
}

fn load(path: &Path) -> Result<csv::Dataset, String> {
    csv::load_path(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn populate(a: &PopulateArgs) -> Result<Exit, String> {
    let data = load(&a.file)?;
    let client = client(&a.client)?;
    let items = protocols::chord::params::items_of(&data);
    let started = Instant::now();
    let total = items.len();
    let reqs = items
        .into_iter()
        .map(|(key, value)| DataReq::Put { key, value })
        .collect();
    let answers = client.call_all(reqs, &mut |_| {})?;
    if let Some(DataResp::Refused(why)) = answers.iter().find(|a| matches!(a, DataResp::Refused(_)))
    {
        return Err(format!("the ring refused a key: {why}"));
    }
    println!(
        "stored {total} keys ({} rows) in {:.2} s",
        data.rows(),
        started.elapsed().as_secs_f64()
    );
    Ok(Exit::Ok)
}

fn query(a: &QueryArgs) -> Result<Exit, String> {
    let client = client(&a.client)?;
    if let Some(path) = &a.csv {
        let data = load(path)?;
        let items = protocols::chord::params::items_of(&data);
        let started = Instant::now();
        let reqs = items
            .iter()
            .map(|(key, _)| DataReq::Get { key: key.clone() })
            .collect();
        let answers = client.call_all(reqs, &mut |_| {})?;
        let wrong: Vec<&str> = items
            .iter()
            .zip(&answers)
            .filter(|((_, v), got)| !matches!(got, DataResp::Value(Some(g)) if g == v))
            .map(|((k, _), _)| &**k)
            .collect();
        println!(
            "{} of {} keys answered with their row in {:.2} s",
            items.len() - wrong.len(),
            items.len(),
            started.elapsed().as_secs_f64()
        );
        return Ok(match wrong.first() {
            None => Exit::Ok,
            Some(first) => {
                eprintln!("{} keys missing or wrong; first: {first}", wrong.len());
                Exit::Violation
            }
        });
    }
    let key = a.key.clone().unwrap_or_default();
    let answers = client.call_all(
        vec![DataReq::Get {
            key: Arc::from(key.as_str()),
        }],
        &mut |_| {},
    )?;
    match answers.first() {
        Some(DataResp::Value(Some(Value(row)))) => {
            for (column, value) in row.iter() {
                println!("{column}: {value}");
            }
            Ok(Exit::Ok)
        }
        Some(DataResp::Value(None)) => {
            eprintln!("key {key:?} is not in the ring");
            Ok(Exit::Violation)
        }
        Some(DataResp::Refused(why)) => Err(format!("the ring could not answer: {why}")),
        _ => Err(format!("unexpected answer from {}", a.client.node)),
    }
}

/// Makes sure `dir` is a directory we can write into.
fn prepare_out(dir: &Path) -> Result<(), String> {
    if dir.exists() && !dir.is_dir() {
        return Err(format!(
            "--out {}: exists and is not a directory",
            dir.display()
        ));
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("--out {}: cannot create the directory: {e}", dir.display()))?;
    let probe = dir.join(".dsim-write-test");
    std::fs::write(&probe, b"")
        .and_then(|()| std::fs::remove_file(&probe))
        .map_err(|e| format!("--out {}: cannot write there: {e}", dir.display()))
}

fn write(dir: &Path, name: &str, text: &str) -> Result<PathBuf, String> {
    let path = dir.join(name);
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

fn run_paper(args: &PaperArgs) -> Result<Exit, String> {
    if let Some(dir) = &args.out {
        prepare_out(dir)?;
    }
    let config = if args.quick {
        Config::quick(args.seed)
    } else {
        Config::full(args.seed)
    };
    let started = Instant::now();
    let report = paper::run(&config)?;
    let elapsed = started.elapsed();
    let text = paper::render::text(&report);
    let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
    let shown = if args.json {
        format!("{json}\n")
    } else {
        text.clone()
    };
    match std::io::stdout().lock().write_all(shown.as_bytes()) {
        // A reader that stopped early (`| head`) is not an error.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(format!("cannot write to stdout: {e}"));
        }
        _ => {}
    }
    if let Some(dir) = &args.out {
        let mut written = vec![
            write(dir, "report.txt", &text)?,
            write(dir, "report.json", &json)?,
        ];
        for figure in paper::svg::figures(&report) {
            written.push(write(dir, figure.file, &figure.svg)?);
        }
        for path in written {
            eprintln!("wrote {}", path.display());
        }
    }
    eprintln!("ran in {:.1} s", elapsed.as_secs_f64());
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_not_an_out_dir() {
        let file = std::env::temp_dir().join(format!("dsim-chord-out-{}", std::process::id()));
        std::fs::write(&file, b"x").unwrap();
        let err = prepare_out(&file).unwrap_err();
        assert!(err.contains("not a directory"), "{err}");
        let err = prepare_out(&file.join("below")).unwrap_err();
        assert!(err.contains("cannot create"), "{err}");
        std::fs::remove_file(&file).unwrap();
    }
}
