//! One module per verb; each returns an [`Exit`] or an error message (exit 2).

#[deny(clippy::print_stdout)]
pub mod bench;
#[deny(clippy::print_stdout)]
pub mod list;
pub mod live;
#[deny(clippy::print_stdout)]
pub mod merge;
#[deny(clippy::print_stdout)]
pub mod replay;
#[deny(clippy::print_stdout)]
pub mod run;
#[deny(clippy::print_stdout)]
pub mod show;
#[deny(clippy::print_stdout)]
pub mod shrink;
#[deny(clippy::print_stdout)]
pub mod sweep;

use std::process::ExitCode;

/// How a verb ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// No property was violated.
    Ok,
    /// A property was violated.
    Violation,
    /// Bad usage or input.
    BadInput,
    /// Ended by a signal: the conventional status (130 SIGINT, 143 SIGTERM).
    Signal(u8),
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(match e {
            Exit::Ok => 0,
            Exit::Violation => 1,
            Exit::BadInput => 2,
            Exit::Signal(code) => code,
        })
    }
}

/// Prints a value as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    crate::outln!("{text}");
    Ok(())
}

/// How to run this command line again in a printed command: its name
/// (`dsim`, or a user's own binary built with [`crate::main_with`]) when
/// that name on `PATH` is this very program, else the path it was started
/// by (e.g. from `cargo run`), so printed commands work either way.
pub fn program() -> String {
    let Some(arg0) = std::env::args_os().next() else {
        return "dsim".to_string();
    };
    let started = std::path::PathBuf::from(&arg0);
    let Some(name) = started
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
    else {
        return "dsim".to_string();
    };
    let me = std::fs::canonicalize(&started).ok();
    let on_path = std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| {
            let candidate = std::fs::canonicalize(dir.join(&name)).ok();
            candidate.is_some() && (started.components().count() == 1 || candidate == me)
        })
    });
    if on_path {
        name
    } else {
        started.display().to_string()
    }
}
