//! `bully`: the course's Lab 2 bully election over the Lab 2 GCD.
//!
//! Identities are `(days until a birthday, student id)` compared as a tuple;
//! the higher wins. A peer joins the GCD (retrying until it answers), gets
//! the members, and starts an election; see [`Peer`] for the rules, [`Timing`]
//! for the configurable constants and [`Feign`] for feigned failures.
//! Messages and their wire codec are shared with [`crate::gcd`].

mod node;
mod peer;
pub mod properties;
mod scenario;
mod timing;

pub use node::{render, BullyNode, Event};
pub use peer::{Peer, Phase, PlantedBug, Timer};
pub use scenario::{default_pid, peer_count, BullyProtocol, ScenarioParams, DEFAULT_PEERS, PORT};
pub use timing::{Feign, Timing};
