//! Running a set of nodes live: bind, start, apply the fault schedule, hand
//! events to the caller, stop when the time is up, and summarize.

use crate::config::ClusterConfig;
use crate::error::LiveError;
use crate::event::{Flow, LiveEvent};
use crate::report::LiveReport;
use crate::runtime::Runtime;
use rand::rngs::OsRng;
use rand::TryRngCore;
use sim::{Codec, Machine, NodeSpec, NodeStart};
use std::net::SocketAddr;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Runs the local nodes of `config` on real sockets, all on the calling
/// thread, until the duration ends, `on_event` returns [`Flow::Stop`], or
/// `config.stop` is requested; then closes every socket and returns the
/// summary.
///
/// `make_node(i, book)` builds node `i` given the address book as bound
/// (again on a scripted restart). `on_event` receives every observation and
/// log entry as it happens.
pub fn run_cluster<M, C, F, E>(
    config: ClusterConfig,
    make_node: F,
    codec: C,
    mut on_event: E,
) -> Result<LiveReport, LiveError>
where
    M: Machine,
    C: Codec<Msg = M::Msg>,
    F: Fn(usize, &[SocketAddr]) -> M,
    E: FnMut(LiveEvent<M::Obs>) -> Flow,
{
    config.validate().map_err(LiveError::Config)?;
    let seed = config.seed.unwrap_or_else(os_seed);
    let wall_start = Instant::now();
    let mut runtime = Runtime::bind(&config, seed, &codec, &make_node, &mut on_event)?;
    let stop = runtime.run(&config.stop);
    let counters = runtime.finish();
    let addrs = runtime.book.clone();
    let schedule = runtime.schedule.clone();
    drop(runtime);
    Ok(LiveReport {
        seed,
        transport: config.transport,
        stop,
        signal: config.stop.signal(),
        wall_time: wall_start.elapsed(),
        addrs,
        schedule,
        counters,
    })
}

/// Runs the nodes of a protocol's description (`Protocol::nodes`) whose
/// indices `config.local` names, with `config.addrs` as the address book:
/// each node is built by its spec's factory and starts at its spec's start
/// time. A per-protocol tool is this with one local node.
pub fn run_nodes<M, C, E>(
    mut config: ClusterConfig,
    specs: &[NodeSpec<M>],
    codec: C,
    on_event: E,
) -> Result<LiveReport, LiveError>
where
    M: Machine,
    C: Codec<Msg = M::Msg>,
    E: FnMut(LiveEvent<M::Obs>) -> Flow,
{
    if specs.len() != config.addrs.len() {
        return Err(LiveError::Config(format!(
            "{} nodes described but {} addresses in the book",
            specs.len(),
            config.addrs.len()
        )));
    }
    for (node, spec) in specs.iter().enumerate() {
        if !spec.start.is_zero() && !config.starts.iter().any(|s| s.node == node) {
            config.starts.push(NodeStart {
                node,
                at: sim::Dur(spec.start),
            });
        }
    }
    let makers: Vec<_> = specs.iter().map(|s| s.make.clone()).collect();
    run_cluster(config, move |i, book| (makers[i])(i, book), codec, on_event)
}

/// A seed from the OS (from the clock if the OS cannot give one): what a
/// run without a seed uses.
pub fn os_seed() -> u64 {
    OsRng.try_next_u64().unwrap_or_else(|_| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
            ^ u64::from(std::process::id())
    })
}
