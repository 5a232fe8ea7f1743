//! # net-real: the same machines on real sockets
//!
//! Runs any [`sim::Machine`] on real UDP or TCP sockets with the real clock.
//! All protocol logic stays in the machine; this crate owns sockets, clocks
//! and one event loop.
//!
//! - **One event loop** (`mio`) on the calling thread drives every local node:
//!   non-blocking sockets, one deadline heap for every timer, injected delay,
//!   scheduled fault and late start. Threads: one, whatever the node and
//!   connection counts. A [`Stop`] (Ctrl-C, SIGTERM, another thread) wakes
//!   the loop at once.
//! - **UDP**: one datagram per message; a message too big for one datagram
//!   is a `wire_check` drop (logged), never truncated.
//! - **TCP**: messages framed by the [`sim::Codec`], read incrementally (a
//!   frame dribbled in small pieces costs linear time), one descriptor and
//!   one connection per pair of nodes (a reply to a local node that dialled
//!   us goes back over its connection; so does a reply to `from` of anyone
//!   else), per-connection write queues so a slow reader blocks nothing.
//!   Connections reach machines as [`sim::Connection`] events and
//!   `ctx.close(peer)` closes one.
//! - **Faults** come from the simulator's own code: [`sim::network::Network`]
//!   (link model defaults and per-link overrides, latency distributions,
//!   loss, duplication, FIFO, partitions one-way or not) decides each
//!   message's fate where a node hands it to its socket, and
//!   [`sim::nemesis::plan`] plans random faults from the seed. Crash,
//!   restart, pause, resume, skew and drift act on local nodes.
//! - **Counters** have the simulator's meaning and add up:
//!   `sent + duplicated = delivered + dropped (by cause) + in flight`.
//! - **Bad input** (garbage, truncated frames, absurd lengths, endless
//!   frames) is counted in [`LiveCounters::decode_errors`] and logged with
//!   the peer's address; buffered bytes are bounded per frame and per run.
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
//! println!("{} delivered", report.counters.sim.delivered);
//! ```

mod clock;
mod cluster;
mod config;
mod deadlines;
mod error;
mod event;
mod fds;
mod frames;
mod report;
mod runtime;
mod schedule;
mod stop;
mod tcp;
mod udp;

pub use cluster::{os_seed, run_cluster, run_nodes};
pub use config::{ideal_network, ClusterConfig, Limits, Transport, DEFAULT_MAX_BUFFERED};
pub use error::LiveError;
pub use event::{Flow, LiveEvent, LiveObserved, LogEntry, LogKind};
pub use fds::{open_file_limits, raise_open_file_limit, tcp_mesh_descriptors};
pub use report::{LiveCounters, LiveReport, LiveStop};
pub use stop::Stop;
