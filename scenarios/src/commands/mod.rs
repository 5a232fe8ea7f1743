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
    /// Stopped by a signal (SIGINT, SIGTERM) after printing what was done.
    Interrupted {
        /// The signal number.
        signal: i32,
    },
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(match e {
            Exit::Ok => 0,
            Exit::Violation => 1,
            Exit::BadInput => 2,
            Exit::Interrupted { signal } => u8::try_from(128 + signal).unwrap_or(130),
        })
    }
}

/// Prints a value as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    crate::outln!("{text}");
    Ok(())
}

/// The name this command line was started as (`dsim`, or a user's own
/// binary built with [`crate::main_with`]), for the commands it prints.
pub fn program() -> String {
    std::env::args_os()
        .next()
        .as_deref()
        .and_then(|p| std::path::Path::new(p).file_stem())
        .and_then(|s| s.to_str())
        .filter(|s| !s.is_empty())
        .unwrap_or("dsim")
        .to_string()
}
