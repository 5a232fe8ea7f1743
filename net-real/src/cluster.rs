//! Running a set of nodes live: bind, start, apply scripted faults, hand
//! events to the caller, stop when the time is up, and summarize.

use crate::clock::Clock;
use crate::config::ClusterConfig;
use crate::driver::Control;
use crate::error::LiveError;
use crate::event::{Events, Flow, LiveEvent, LogKind};
use crate::faults::Partitions;
use crate::node::{self, Bound, RunningNode, Shared};
use crate::report::{bump, LiveReport, LiveStop, Stats};
use rand::rngs::OsRng;
use rand::TryRngCore;
use sim::{Codec, Fault, Machine};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How often the run checks its stop flag while nothing happens.
const POLL: Duration = Duration::from_millis(20);

/// Runs the local nodes of `config` on real sockets until the duration ends,
/// `on_event` returns [`Flow::Stop`], or `config.stop` is set; then stops
/// every node (sockets closed, threads joined) and returns the summary.
///
/// `make_node(i, book)` builds node `i` given the address book as bound (it
/// is called on the node's own thread, again on a scripted restart).
/// `on_event` runs on the calling thread and receives every observation and
/// log entry, including those made just before the stop.
pub fn run_cluster<M, C, F, E>(
    config: ClusterConfig,
    make_node: F,
    codec: C,
    mut on_event: E,
) -> Result<LiveReport, LiveError>
where
    M: Machine + 'static,
    M::Msg: Send + 'static,
    M::Timer: 'static,
    M::Obs: Send + 'static,
    C: Codec<Msg = M::Msg> + Send + Sync + 'static,
    F: Fn(usize, &[SocketAddr]) -> M + Send + Sync + 'static,
    E: FnMut(LiveEvent<M::Obs>) -> Flow,
{
    config.validate().map_err(LiveError::Config)?;
    let seed = config.seed.unwrap_or_else(os_seed);
    let mut book = config.addrs.clone();
    let mut bound = Vec::new();
    for i in config.local_nodes() {
        let addr = book[i];
        let socket = Bound::bind(config.transport, addr)
            .and_then(|b| Ok((b.local_addr()?, b)))
            .map_err(|source| LiveError::Bind { addr, source })?;
        book[i] = socket.0;
        bound.push((i, socket.1));
    }
    let wall_start = Instant::now();
    let clock = Clock::start();
    let (tx, rx) = mpsc::channel();
    let shared = Shared {
        book: book.clone().into(),
        factory: Arc::new(make_node),
        codec: Arc::new(codec),
        seed,
        faults: config.faults.clone(),
        partitions: Arc::new(Partitions::default()),
        stats: Arc::new(Stats::default()),
        events: Events::new(tx, clock),
        clock,
        start_after: config.start_after,
    };
    let mut run = Run {
        shared,
        nodes: BTreeMap::new(),
        incarnations: vec![0; book.len()],
        transport: config.transport,
    };
    for (i, socket) in bound {
        let addr = book[i];
        match node::start(&run.shared, i, 0, socket) {
            Ok(started) => {
                run.nodes.insert(i, started);
            }
            Err(source) => {
                run.stop_all();
                return Err(LiveError::Bind { addr, source });
            }
        }
    }

    let mut schedule = config.schedule.clone();
    schedule.sort_by_key(|f| f.at);
    let mut schedule = schedule.into_iter().peekable();
    let stop = loop {
        if config.stop.load(Ordering::Relaxed) {
            break LiveStop::Interrupted;
        }
        let elapsed = clock.now().since_start();
        if elapsed >= config.duration {
            break LiveStop::Duration;
        }
        while let Some(f) = schedule.next_if(|f| f.at.0 <= elapsed) {
            run.apply(&f.fault);
        }
        let mut wait = (config.duration - elapsed).min(POLL);
        if let Some(next) = schedule.peek() {
            wait = wait.min(next.at.0.saturating_sub(elapsed));
        }
        if let Ok(event) = rx.recv_timeout(wait) {
            if on_event(event) == Flow::Stop {
                break LiveStop::Done;
            }
        }
    };
    run.stop_all();
    let Run { shared, .. } = run;
    let counters = shared.stats.snapshot();
    drop(shared);
    while let Ok(event) = rx.try_recv() {
        on_event(event);
    }
    Ok(LiveReport {
        seed,
        transport: config.transport,
        stop,
        wall_time: wall_start.elapsed(),
        addrs: book,
        counters,
    })
}

/// A seed from the OS (from the clock if the OS cannot give one).
fn os_seed() -> u64 {
    OsRng.try_next_u64().unwrap_or_else(|_| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
            ^ u64::from(std::process::id())
    })
}

/// The nodes of a run and what scripted faults need to act on them.
struct Run<M: Machine, C> {
    shared: Shared<M, C>,
    nodes: BTreeMap<usize, RunningNode<M::Msg, M::Obs>>,
    incarnations: Vec<u32>,
    transport: crate::config::Transport,
}

impl<M, C> Run<M, C>
where
    M: Machine + 'static,
    M::Msg: Send + 'static,
    M::Timer: 'static,
    M::Obs: Send + 'static,
    C: Codec<Msg = M::Msg> + Send + Sync + 'static,
{
    /// Signals every node first (so none logs its peers' shutdown as an
    /// error), then joins them.
    fn stop_all(&mut self) {
        for node in self.nodes.values() {
            node.signal_stop();
        }
        for (_, node) in std::mem::take(&mut self.nodes) {
            node.join();
        }
    }

    fn addrs(&self, nodes: &[usize]) -> Vec<SocketAddr> {
        nodes.iter().map(|&i| self.shared.book[i]).collect()
    }

    /// Applies one scripted fault to the local nodes it names.
    fn apply(&mut self, fault: &Fault) {
        bump(&self.shared.stats.faults);
        let mut note = format!("{fault:?}");
        match fault {
            Fault::Crash { node } => {
                if let Some(n) = self.nodes.remove(node) {
                    n.shutdown();
                }
            }
            Fault::Restart { node } => {
                if let Some(n) = self.nodes.remove(node) {
                    n.shutdown();
                }
                if let Err(e) = self.restart(*node) {
                    note = format!("{note} failed: {e}");
                }
            }
            Fault::Pause { node } => self.control(*node, Control::Pause),
            Fault::Resume { node } => self.control(*node, Control::Resume),
            Fault::Skew { node, offset } => self.control(*node, Control::Skew(offset.0)),
            Fault::Drift { node, ppm } => self.control(*node, Control::Drift(*ppm)),
            Fault::Partition { a, b, one_way } => {
                self.shared
                    .partitions
                    .add(self.addrs(a), self.addrs(b), *one_way)
            }
            Fault::Heal => self.shared.partitions.heal(),
        }
        let node = fault.nodes().first().copied().unwrap_or(0);
        self.shared.events.log(node, None, LogKind::Fault, note);
    }

    fn control(&self, node: usize, command: Control) {
        if let Some(n) = self.nodes.get(&node) {
            n.control(command);
        }
    }

    /// Starts a fresh machine for a local node on its old address.
    fn restart(&mut self, node: usize) -> std::io::Result<()> {
        let Some(incarnation) = self.incarnations.get_mut(node) else {
            return Ok(());
        };
        *incarnation += 1;
        let incarnation = *incarnation;
        let socket = Bound::bind(self.transport, self.shared.book[node])?;
        let started = node::start(&self.shared, node, incarnation, socket)?;
        self.nodes.insert(node, started);
        Ok(())
    }
}
