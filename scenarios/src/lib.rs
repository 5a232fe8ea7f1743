//! Scenarios as data, the runner that turns one into a simulation, failure
//! files that survive code changes, sweeps, shrinking, and the `dsim`
//! command line.

pub mod bench;
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
