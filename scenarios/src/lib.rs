//! Scenarios as data, the runner that turns one into a simulation, and the `dsim` CLI.
