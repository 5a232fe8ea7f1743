//! `dsim`: the command line. Exit codes: 0 no violation, 1 a property was
//! violated, 2 bad usage or input.

use std::process::ExitCode;

fn main() -> ExitCode {
    scenarios::main_with(&scenarios::registry::builtin())
}
