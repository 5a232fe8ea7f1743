//! Per-protocol tools a person runs by hand on a real network.

pub mod bitcoin;
pub mod bitcoin_net;
pub mod bully;
pub mod chord;
pub mod chord_client;
pub mod forex;
pub mod gcd;
pub mod one_node;
