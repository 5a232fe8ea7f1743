//! The `leader-lease` command line: all of `dsim`, for this protocol.

fn main() -> std::process::ExitCode {
    scenarios::main_with(&[&leader_lease::LeaseProtocol])
}
