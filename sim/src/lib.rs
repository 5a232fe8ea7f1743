//! # sim: the sans-IO contract and the deterministic simulator of dsim
//!
//! A protocol node implements [`Machine`]: entry points (start, a message
//! arrived, a timer fired, a connection changed) that act only through a
//! [`Context`]. A [`Protocol`] describes a whole protocol once (nodes,
//! codec, properties, rendering, named scenarios) for every driver and tool. The
//! [`Simulation`] runs any number of such nodes over a simulated network with
//! seeded latency, loss, duplication, partitions, crashes, pauses and clock
//! skew; `net-real` runs the very same nodes on real sockets.
//!
//! A run is a pure function of its configuration and seed: events are ordered
//! by (virtual time, insertion sequence), every random draw comes from a
//! ChaCha stream derived from the seed, and every event is folded into a digest.
//!
//! ```
//! use sim::{Ctx, Machine, Property, SimConfig, Simulation, virtual_addr};
//! use std::net::SocketAddr;
//! use std::time::Duration;
//!
//! /// Pings its peer once a second; the peer answers.
//! struct Pinger { peer: SocketAddr, pongs: u32 }
//!
//! #[derive(Clone, Debug, Hash)]
//! enum Msg { Ping, Pong }
//!
//! impl Machine for Pinger {
//!     type Msg = Msg;
//!     type Timer = ();
//!     type Obs = u32; // "I have now seen this many pongs"
//!
//!     fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
//!         ctx.set_timer(Duration::from_secs(1), ());
//!     }
//!     fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: SocketAddr, msg: Msg) {
//!         match msg {
//!             Msg::Ping => ctx.send(from, Msg::Pong),
//!             Msg::Pong => { self.pongs += 1; ctx.observe(self.pongs); }
//!         }
//!     }
//!     fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, _t: ()) {
//!         ctx.send(self.peer, Msg::Ping);
//!         ctx.set_timer(Duration::from_secs(1), ());
//!     }
//! }
//!
//! let mut config = SimConfig::default();
//! config.seed = 7;
//! config.stop.duration = Some(sim::Dur::secs(10));
//! let mut sim = Simulation::new(config);
//! let (a, b) = (virtual_addr(0, 9000), virtual_addr(1, 9000));
//! sim.add_node(a, move || Pinger { peer: b, pongs: 0 });
//! sim.add_node(b, move || Pinger { peer: a, pongs: 0 });
//! sim.add_property(Property::always("pongs never exceed pings", |o| match o.obs {
//!     n if n > 10 => Err(format!("{n} pongs in 10 s")),
//!     _ => Ok(()),
//! }));
//! let report = sim.run().unwrap();
//! assert!(report.violation.is_none());
//! assert_eq!(report.counters.observations, 18); // 9 pongs each (the 10th is in flight)
//! println!("digest {}", report.digest);
//! ```

/// The `rand` this crate's [`NodeRng`] implements (use its `Rng` trait
/// through `sim::rand::Rng` to avoid a version mismatch).
pub use rand;

mod addr;
pub mod codec;
mod config;
mod determinism;
pub mod digest;
mod engine;
pub mod erased;
pub mod machine;
pub mod nemesis;
pub mod network;
pub mod property;
pub mod protocol;
mod queue;
mod radix;
mod report;
pub mod seeding;
pub mod suggest;
pub mod testing;
mod time;
pub mod trace;

pub use addr::{virtual_addr, MAX_NODES};
pub use codec::{Codec, CodecError, JsonCodec};
pub use config::{
    Budget, Dur, DurRange, Fault, Latency, LinkModel, LinkOverride, NemesisConfig, NetworkConfig,
    NodeStart, ScheduledFault, SignedDur, SimConfig, StopConfig, MAX_FAULTS, MAX_NEMESIS_RATE,
    MAX_OVERRIDES,
};
pub use determinism::{check_determinism, first_difference, DeterminismCheck};
pub use engine::{summarize, BoxedCodec, Simulation};
pub use erased::{
    check, simulate, AnyProtocol, AnySimulation, BuildSpec, Erased, RenderedObservation,
};
pub use machine::{Connection, Context, Ctx, Effect, EffectSink, Machine, NodeRng};
pub use network::{Decision, DecisionMode, DropCause, Fate, LinkMsg};
pub use property::{Env, Kind, Observed, Property, Verdict};
pub use protocol::{
    parse_params, ClusterInfo, NamedScenario, NodeFactory, NodeSpec, Protocol, Transport,
};
pub use report::{Counters, Dropped, Report, StopReason, Violation};
pub use time::{parse_duration, Time, WallTime};
pub use trace::{EventKind, EventSink, TraceEvent, TraceSink, Window};
