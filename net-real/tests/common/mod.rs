//! Machines and helpers shared by the live tests.
#![allow(dead_code)] // each test file uses part of this module

use net_real::{
    run_cluster, ClusterConfig, Flow, LiveEvent, LiveReport, LiveStop, LogEntry, Transport,
};
use protocols::hot_potato::{Event, HotPotato, Params, Token};
use serde::{Deserialize, Serialize};
use sim::{Ctx, JsonCodec, Machine};
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Duration;

/// The beacon's messages.
#[derive(Clone, Debug, Hash, Serialize, Deserialize)]
pub enum Beat {
    /// Please answer.
    Ping(u64),
    /// The answer.
    Pong(u64),
}

/// What a beacon observes.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub enum Heard {
    /// A ping came from this address (and was answered to it).
    Ping(SocketAddr),
    /// A pong came from this address.
    Pong(SocketAddr),
}

/// Pings `targets` every `period`; answers every ping to its `from`.
pub struct Beacon {
    pub targets: Vec<SocketAddr>,
    pub period: Duration,
    pub seq: u64,
}

impl Beacon {
    /// Node `index` of `book` pinging every other node.
    pub fn all(index: usize, book: &[SocketAddr], period: Duration) -> Self {
        let targets = book
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != index)
            .map(|(_, a)| *a)
            .collect();
        Beacon {
            targets,
            period,
            seq: 0,
        }
    }
}

impl Machine for Beacon {
    type Msg = Beat;
    type Timer = ();
    type Obs = Heard;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        ctx.set_timer(self.period, ());
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: SocketAddr, msg: Beat) {
        match msg {
            Beat::Ping(n) => {
                ctx.send(from, Beat::Pong(n));
                ctx.observe(Heard::Ping(from));
            }
            Beat::Pong(_) => ctx.observe(Heard::Pong(from)),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, _t: ()) {
        for to in &self.targets {
            ctx.send(*to, Beat::Ping(self.seq));
        }
        self.seq += 1;
        ctx.set_timer(self.period, ());
    }
}

/// A hot-potato run's outcome.
pub struct PotatoRun {
    pub report: LiveReport,
    pub retired: BTreeSet<u64>,
    pub logs: Vec<LogEntry>,
}

/// Runs hot-potato (`tokens` per node, `hops` hops) on `config`'s nodes,
/// stopping once every token retired or was dropped by injected faults.
pub fn hot_potato(config: ClusterConfig, tokens: u32, hops: u32) -> PotatoRun {
    let total = config.addrs.len() as u64 * tokens as u64;
    let mut retired = BTreeSet::new();
    let mut logs = Vec::new();
    let report = run_cluster(
        config,
        move |i, book| {
            HotPotato::new(
                i,
                Params {
                    peers: book.into(),
                    tokens,
                    hops,
                },
            )
        },
        JsonCodec::<Token>::new(),
        |event| {
            match event {
                LiveEvent::Observed(o) => {
                    let Event::Retired { token_id } = o.obs;
                    assert!(retired.insert(token_id), "token {token_id} retired twice");
                }
                LiveEvent::Log(entry) => logs.push(entry),
                LiveEvent::Listening { .. } => {}
            }
            if retired.len() as u64 == total {
                Flow::Stop
            } else {
                Flow::Continue
            }
        },
    )
    .expect("the cluster starts");
    PotatoRun {
        report,
        retired,
        logs,
    }
}

/// `n` hot-potato nodes on `threads` event loops deliver every one of their
/// `k` tokens `h + 1` times, drop nothing, and the counters add up.
pub fn delivers_every_token(transport: Transport, n: usize, k: u32, h: u32, threads: usize) {
    let mut config = ClusterConfig::loopback(transport, n);
    config.threads = threads;
    config.duration = Duration::from_secs(60);
    config.seed = Some(7);
    let run = hot_potato(config, k, h);
    let c = &run.report.counters;
    let tokens = (n * k as usize) as u64;
    assert_eq!(run.report.stop, LiveStop::Done, "{:?}", run.logs);
    assert_eq!(run.retired.len() as u64, tokens);
    assert_eq!(c.sim.observations, tokens);
    assert_eq!(c.sim.delivered, tokens * (h as u64 + 1));
    assert_eq!(c.sim.sent, c.sim.delivered);
    assert_eq!(c.sim.dropped.total(), 0);
    assert_eq!(c.decode_errors, 0);
    assert!(c.conserves_messages(), "{c:?}");
    assert!(run.logs.is_empty(), "{:?}", run.logs);
    assert!(run.report.addrs.iter().all(|a| a.port() != 0));
    if transport == Transport::Tcp && n >= 100 {
        // About one connection per pair, counted at both ends (two nodes
        // dialling each other at once make a second one); one per direction
        // would be 4 per pair.
        let pairs = (n * (n - 1) / 2) as u64;
        assert!(c.connections_opened < 3 * pairs, "{c:?}");
    }
}

/// Runs `config` with idle nodes (nothing to send) for up to 600 s while
/// another thread requests a stop after 100 ms; returns the report, which
/// only the wake-up can end early.
pub fn stopped_while_idle(mut config: ClusterConfig) -> net_real::LiveReport {
    config.duration = Duration::from_secs(600);
    let stop = config.stop.clone();
    let requester = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        stop.request();
    });
    let report = net_real::run_cluster(
        config,
        |_, _| Beacon {
            targets: Vec::new(),
            period: Duration::from_secs(3600),
            seq: 0,
        },
        JsonCodec::<Beat>::new(),
        |_| net_real::Flow::Continue,
    )
    .expect("the cluster starts");
    requester.join().unwrap();
    report
}
