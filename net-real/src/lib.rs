//! # net-real: the same machines on real sockets
//!
//! Runs any [`sim::Machine`] on real UDP or TCP sockets with the real clock:
//! the adapter owns sockets, clocks and threads; all protocol logic stays in
//! the machine. Many nodes can share one process (each on its own port), or
//! a process can run one node of a larger address book (several hosts).
//!
//! - **UDP**: one datagram per message; a message too big for one datagram is
//!   an encode error (counted, logged), never truncated.
//! - **TCP**: messages framed by the [`sim::Codec`]; connections are opened on
//!   first send and cached; a reply to a peer that connected to us goes back
//!   over that connection (its `from` is the peer's socket address); broken
//!   connections are dropped and dialled again; errors never stop a node.
//! - **Faults** ([`LiveFaults`], and scripted [`sim::Fault`]s): loss,
//!   duplication, extra delay and partitions applied where a node hands a
//!   message to its socket; crash, restart, pause, resume, skew and drift of
//!   local nodes.
//! - **Bad input** (garbage, truncated frames, absurd lengths) is counted in
//!   [`LiveCounters::decode_errors`] and logged with the peer's address;
//!   nothing is allocated in proportion to a claimed length.
//!
//! Threads: per node one machine thread (it sleeps until the next message or
//! timer), plus one UDP receiver, or one TCP acceptor and one reader per
//! connection.
//!
//! ```no_run
//! use net_real::{run_cluster, ClusterConfig, Flow, LiveEvent, Transport};
//! use protocols::hot_potato::{HotPotato, Params, Token};
//! use sim::JsonCodec;
//!
//! let config = ClusterConfig::loopback(Transport::Udp, 5);
//! let report = run_cluster(
//!     config,
//!     |i, book| HotPotato::new(i, Params { peers: book.into(), tokens: 2, hops: 10 }),
//!     JsonCodec::<Token>::new(),
//!     |event| { if let LiveEvent::Log(entry) = event { eprintln!("{entry}") }; Flow::Continue },
//! ).unwrap();
//! println!("{} delivered", report.counters.delivered);
//! ```

mod agenda;
mod clock;
mod cluster;
mod config;
mod driver;
mod error;
mod event;
mod faults;
mod frames;
mod inbound;
mod node;
mod outbound;
mod report;
mod tcp;
mod udp;

pub use cluster::run_cluster;
pub use config::{ClusterConfig, LiveFaults, Transport};
pub use error::LiveError;
pub use event::{Flow, LiveEvent, LiveObserved, LogEntry, LogKind};
pub use report::{LiveCounters, LiveDropped, LiveReport, LiveStop};
