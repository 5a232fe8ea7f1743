//! `dsim`: the command line. Exit codes: 0 no violation, 1 a property was
//! violated, 2 bad usage or input.

use clap::Parser;
use scenarios::cli::{BenchCommand, Cli, Command};
use scenarios::commands;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::List(args) => commands::list::run(&args),
        Command::Run(args) => commands::run::run(&args),
        Command::Sweep(args) => commands::sweep::run(&args),
        Command::Replay(args) => commands::replay::run(&args),
        Command::Shrink(args) => commands::shrink::run(&args),
        Command::Show(args) => commands::show::run(&args),
        Command::Bench(BenchCommand::HotPotato(args)) => commands::bench::run(&args),
        Command::Forex(command) => scenarios::tools::forex::run(&command),
        Command::Gcd(command) => scenarios::tools::gcd::run(command),
        Command::Bully(command) => scenarios::tools::bully::run(command),
        Command::Bitcoin(command) => scenarios::tools::bitcoin::run(&command),
    };
    match result {
        Ok(code) => code.into(),
        Err(message) => {
            eprintln!("dsim: {message}");
            commands::Exit::BadInput.into()
        }
    }
}
