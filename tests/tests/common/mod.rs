//! A tiny test protocol: a ticker that sends a numbered message to a peer
//! every 100 ms and records everything it sees as observations.

use sim::{virtual_addr, Ctx, Machine, SimConfig, Simulation, WallTime};
use std::net::SocketAddr;
use std::time::Duration;

/// Milliseconds between ticks.
pub const TICK_MS: u64 = 100;

#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub enum Obs {
    Started,
    Tick { n: u64, wall: WallTime, now_ns: u64 },
    Got { n: u64, from: SocketAddr },
}

/// Sends `n = 0, 1, 2, ...` to `peer` every tick (if `peer` is set).
pub struct Ticker {
    pub peer: Option<SocketAddr>,
    pub sent: u64,
}

impl Machine for Ticker {
    type Msg = u64;
    type Timer = ();
    type Obs = Obs;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        ctx.observe(Obs::Started);
        ctx.set_timer(Duration::from_millis(TICK_MS), ());
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: SocketAddr, n: u64) {
        ctx.observe(Obs::Got { n, from });
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, _t: ()) {
        ctx.observe(Obs::Tick {
            n: self.sent,
            wall: ctx.wall_clock(),
            now_ns: ctx.now().as_nanos(),
        });
        if let Some(peer) = self.peer {
            ctx.send(peer, self.sent);
        }
        self.sent += 1;
        ctx.set_timer(Duration::from_millis(TICK_MS), ());
    }
}

/// Two tickers that send to each other, under `config`.
pub fn pair(config: SimConfig) -> Simulation<Ticker> {
    let (a, b) = (virtual_addr(0, 1), virtual_addr(1, 1));
    let mut sim = Simulation::new(config);
    sim.add_node(a, move || Ticker {
        peer: Some(b),
        sent: 0,
    });
    sim.add_node(b, move || Ticker {
        peer: Some(a),
        sent: 0,
    });
    sim
}

/// Messages node `to` received from node `from`, in order.
pub fn received(sim: &Simulation<Ticker>, from: usize, to: usize) -> Vec<u64> {
    let from_addr = sim.addr(from);
    sim.observations()
        .iter()
        .filter(|o| o.node == to)
        .filter_map(|o| match o.obs {
            Obs::Got { n, from } if from == from_addr => Some(n),
            _ => None,
        })
        .collect()
}

/// A config stopping at `secs` seconds of virtual time.
pub fn config(seed: u64, secs: u64) -> SimConfig {
    let mut c = SimConfig {
        seed,
        ..SimConfig::default()
    };
    c.stop.duration = Some(sim::Dur::secs(secs));
    c
}
