//! Scenarios as data, the runner that turns one into a simulation, failure
//! files that survive code changes, sweeps, shrinking, and the `dsim`
//! command line.
//!
//! A user's own protocol gets the whole command line (run, sweep, replay,
//! shrink, show, `--net udp|tcp`) with one line:
//!
//! ```no_run
//! # use protocols::hot_potato::HotPotatoProtocol as MyProtocol;
//! fn main() -> std::process::ExitCode {
//!     scenarios::main_with(&[&MyProtocol])
//! }
//! ```
//!
//! (`examples/leader-lease/` is a complete example.)

pub mod bench;
pub mod bench_chord;
pub mod cli;
pub mod commands;
pub mod failure;
pub mod json_place;
pub mod live;
#[cfg(feature = "proptest")]
pub mod proptest_support;
pub mod registry;
pub mod runner;
pub mod scenario;
pub mod shard;
pub mod shrink;
pub mod sweep;
pub mod tools;

use clap::Parser;
use cli::{BenchCommand, Cli, Command};
use std::process::ExitCode;

/// Runs the `dsim` command line over `protocols` (a user's binary passes its
/// own descriptions; `dsim` itself passes [`registry::builtin`]).
pub fn main_with(protocols: &[&'static dyn registry::CliProtocol]) -> ExitCode {
    registry::register(protocols.to_vec());
    let cli = Cli::parse();
    let result = match cli.command {
        Command::List(args) => commands::list::run(&args),
        Command::Run(args) => commands::run::run(&args),
        Command::Sweep(args) => commands::sweep::run(&args),
        Command::Replay(args) => commands::replay::run(&args),
        Command::Shrink(args) => commands::shrink::run(&args),
        Command::Show(args) => commands::show::run(&args),
        Command::Bench(BenchCommand::HotPotato(args)) => commands::bench::run(&args),
        Command::Bench(BenchCommand::Chord(args)) => commands::bench::run_chord(&args),
        Command::Forex(command) => tools::forex::run(&command),
        Command::Gcd(command) => tools::gcd::run(command),
        Command::Bully(command) => tools::bully::run(command),
        Command::Chord(command) => tools::chord::run(&command),
        Command::Bitcoin(command) => tools::bitcoin::run(&command),
    };
    match result {
        Ok(code) => code.into(),
        Err(message) => {
            eprintln!("dsim: {message}");
            commands::Exit::BadInput.into()
        }
    }
}
