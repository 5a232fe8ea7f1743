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
pub mod chart;
pub mod cli;
pub mod commands;
pub mod failure;
pub mod html;
pub mod json_place;
pub mod live;
pub mod output;
#[cfg(feature = "proptest")]
pub mod proptest_support;
pub mod registry;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod shard;
pub mod shiviz;
pub mod shrink;
pub mod swarm;
pub mod sweep;
pub mod tools;
pub mod trace_out;

use clap::Parser;
use cli::{BenchCommand, Cli, Command};
use std::process::ExitCode;

/// Runs the `dsim` command line over `protocols` (a user's binary passes its
/// own descriptions; `dsim` itself passes [`registry::builtin`]).
pub fn main_with(protocols: &[&'static dyn registry::CliProtocol]) -> ExitCode {
    registry::register(protocols.to_vec());
    let cli = Cli::parse();
    quiet_on_closed_stdout();
    match std::panic::catch_unwind(move || dispatch(cli)) {
        Ok(code) => code,
        // stdout was closed under us (`dsim ... | head`): the conventional
        // status of a process killed by SIGPIPE, and no message.
        Err(payload) if is_closed_stdout(payload.as_ref()) => ExitCode::from(141),
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

/// Whether a panic is `println!` failing on a closed stdout.
fn is_closed_stdout(payload: &(dyn std::any::Any + Send)) -> bool {
    let text = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("");
    text.starts_with("failed printing to stdout") && text.contains("Broken pipe")
}

/// Silences the panic message of a `println!` on a closed stdout (the
/// process then exits 141 quietly); other panics print as usual.
fn quiet_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !is_closed_stdout(info.payload()) {
            default(info);
        }
    }));
}

fn dispatch(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::List(args) => commands::list::run(&args),
        Command::Run(args) => commands::run::run(&args),
        Command::Sweep(args) => commands::sweep::run(&args),
        Command::Merge(args) => commands::merge::run(&args),
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
