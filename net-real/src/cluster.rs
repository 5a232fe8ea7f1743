//! Running a set of nodes live: bind, start, apply the fault schedule, hand
//! events to the caller, stop when the time is up, and summarize.

use crate::config::ClusterConfig;
use crate::error::LiveError;
use crate::event::{Flow, LiveEvent};
use crate::origins::Origins;
use crate::plan::Plan;
use crate::report::{LiveCounters, LiveReport, LiveStop};
use crate::runtime::Runtime;
use crate::shards;
use rand::rngs::OsRng;
use rand::TryRngCore;
use sim::{Codec, Machine, NodeSpec, NodeStart};
use std::net::SocketAddr;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Runs the local nodes of `config` on real sockets until the duration
/// ends, `on_event` returns [`Flow::Stop`], or `config.stop` is requested;
/// then closes every socket and returns the summary.
///
/// With `config.threads == 1` (the default) everything runs on the calling
/// thread. With more, the nodes are dealt to that many event-loop threads
/// (machines are built and run on their loop's thread: `make_node` and the
/// codec are shared, so they must be `Sync`, and observations cross to the
/// calling thread, so they must be `Send`); `on_event` always runs on the
/// calling thread.
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
    M::Obs: Send,
    C: Codec<Msg = M::Msg> + Sync,
    F: Fn(usize, &[SocketAddr]) -> M + Sync,
    E: FnMut(LiveEvent<M::Obs>) -> Flow,
{
    config.validate().map_err(LiveError::Config)?;
    let seed = config.seed.unwrap_or_else(os_seed);
    let wall_start = Instant::now();
    let (plan, mut shards) = Plan::bind(&config, seed)?;
    let listening = LiveEvent::Listening {
        addrs: plan.book.clone(),
        local: config.local_nodes(),
    };
    let (stop, counters) = if on_event(listening) == Flow::Stop {
        (LiveStop::Done, LiveCounters::default())
    } else if shards.len() == 1 {
        let shard = shards.remove(0);
        let origins = Origins::default();
        let mut runtime = Runtime::new(
            &config,
            &plan,
            shard,
            seed,
            origins,
            &codec,
            &make_node,
            &mut on_event,
        )?;
        let stop = runtime.run(&config.stop);
        (stop, runtime.finish())
    } else {
        shards::run(
            &config,
            &plan,
            shards,
            seed,
            &codec,
            &make_node,
            &mut on_event,
        )?
    };
    Ok(LiveReport {
        seed,
        transport: config.transport,
        stop,
        signal: config.stop.signal(),
        wall_time: wall_start.elapsed(),
        addrs: plan.book,
        schedule: plan.schedule,
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
    M::Obs: Send,
    C: Codec<Msg = M::Msg> + Sync,
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
