//! `gcd`: the course's group coordinator daemon (Lab 1 and Lab 2), the Lab 1
//! member that answers HELLO, and the Lab 1 client.
//!
//! - Lab 1: the client sends a bare JOIN to the GCD and gets the fixed member
//!   list as `{'host', 'port'}` records; it sends HELLO to each member in
//!   turn, waits at most 1.5 s for each, prints the reply or the failure, and
//!   exits after a summary.
//! - Lab 2: a join carries `((days, id), (host, port))`; the GCD validates it
//!   (days 1..=365, a seven-digit id, port 1..=65535), answers the map
//!   identity → address of all members or an error text; a re-join by the same
//!   id replaces the old entry, a join on a taken address evicts its owner,
//!   and failed members are never removed. [`crate::bully`] uses this.
//!
//! Messages are written in a course year's dialect ([`Profile`]): one mapping
//! from messages to the Python values that year's programs send
//! ([`Profile::to_python`], [`Profile::from_python`]), viewed on the wire as
//! Python pickle ([`CoursePickle`], byte for byte what `pickle.dumps` writes)
//! or as JSON ([`CourseJson`]), chosen with [`Wire`] ([`CourseCodec`]).

pub mod client;
mod codec;
mod host;
pub mod member;
mod msg;
mod node;
mod pickle_wire;
mod pid;
mod profile;
pub mod pyrepr;
mod python;
mod scenario;
pub mod server;
mod wire;

pub use client::Lab1Client;
pub use codec::{CourseCodec, Wire};
pub use host::parse_host_port;
pub use msg::{JoinRequest, Members, Msg};
pub use node::{render, Event, GcdNode};
pub use pickle_wire::CoursePickle;
pub use pid::Pid;
pub use profile::{CoordinatorData, Names, OkData, Profile};
pub use scenario::{GcdProtocol, ScenarioParams, DEFAULT_MEMBERS, PORT};
pub use server::{GcdServer, ServerEvent};
pub use wire::CourseJson;
