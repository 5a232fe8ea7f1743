//! `dsim chord ...`: the Chord paper's evaluation (Stoica et al., SIGCOMM
//! 2001, Section 6) reproduced on an ideal ring.

use crate::commands::Exit;
use clap::{Args, Subcommand};
use protocols::chord::paper::{self, Config};
use std::io::Write;
use std::path::{Path, PathBuf};
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
