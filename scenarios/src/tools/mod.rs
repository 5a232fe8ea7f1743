//! Per-protocol tools a person runs by hand on a real network.

pub mod forex;
