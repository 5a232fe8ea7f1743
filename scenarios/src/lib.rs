//! Scenarios as data, the runner that turns one into a simulation, and the
//! `dsim` command line.

pub mod bench;
pub mod cli;
pub mod commands;
pub mod registry;
pub mod runner;
pub mod scenario;
pub mod tools;
