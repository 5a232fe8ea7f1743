//! What a live run is told: transport, address book, duration, the
//! simulator's fault model (links, scripted faults, nemesis), seed, limits.

use crate::stop::Stop;
use sim::{Dur, Latency, LinkModel, NemesisConfig, NetworkConfig, NodeStart, ScheduledFault};
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::str::FromStr;
use std::time::Duration;

/// Which sockets carry the messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// One datagram per message.
    Udp,
    /// Framed messages on one connection per pair of nodes.
    Tcp,
}

impl FromStr for Transport {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "udp" => Ok(Transport::Udp),
            "tcp" => Ok(Transport::Tcp),
            other => Err(format!("unknown transport `{other}` (use udp or tcp)")),
        }
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Transport::Udp => "udp",
            Transport::Tcp => "tcp",
        })
    }
}

/// Bounds on what a run holds in memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes buffered at once by the whole run: partial frames read,
    /// frames waiting to be written, sends held back by an injected delay.
    /// A read that would pass it closes its connection; a send that would
    /// pass it is dropped (cause `loss`); both are logged.
    pub max_buffered: usize,
    /// Largest stream frame accepted (`None`: the codec's
    /// [`sim::Codec::max_frame_len`]); a longer one closes its connection.
    pub max_frame: Option<usize>,
}

/// Default [`Limits::max_buffered`]: 256 MiB.
pub const DEFAULT_MAX_BUFFERED: usize = 256 << 20;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_buffered: DEFAULT_MAX_BUFFERED,
            max_frame: None,
        }
    }
}

/// A network without injected faults: no extra delay, no loss.
pub fn ideal_network() -> NetworkConfig {
    NetworkConfig {
        default: LinkModel {
            latency: Latency::Constant { value: Dur::ms(0) },
            ..LinkModel::default()
        },
        ..NetworkConfig::default()
    }
}

/// A live run: which nodes, on which sockets, for how long, with which faults.
#[derive(Clone, Debug)]
pub struct ClusterConfig {
    /// UDP or TCP.
    pub transport: Transport,
    /// The address book: every node's address, in node order. A local node
    /// with port 0 gets a free port; the book the machines see has the real
    /// one. A remote node with port 0 is a placeholder nobody sends to.
    pub addrs: Vec<SocketAddr>,
    /// Indices of the nodes this process runs (`None`: all of them).
    pub local: Option<Vec<usize>>,
    /// The run ends this long after it started (if nothing stops it earlier).
    pub duration: Duration,
    /// The simulator's link model, applied where a node hands a message to
    /// its socket: a link's latency is an extra delay, its loss and
    /// duplication act on real messages, `fifo` keeps a link's delays in
    /// send order; per-link overrides by node index.
    pub network: NetworkConfig,
    /// Scripted faults at times since the start (node indices as in the book).
    pub schedule: Vec<ScheduledFault>,
    /// Random faults, planned before the run from the seed as the simulator plans them.
    pub nemesis: Option<NemesisConfig>,
    /// Nodes that start later than the run (late joins).
    pub starts: Vec<NodeStart>,
    /// Seeds node RNGs, the network's draws and the nemesis; `None` draws
    /// a seed from the OS.
    pub seed: Option<u64>,
    /// Ends the run early and cleanly (Ctrl-C, SIGTERM, another thread).
    pub stop: Stop,
    /// How long local nodes listen before their machines start: with one
    /// node per process, long enough for every process to bind its socket.
    pub start_after: Duration,
    /// Memory bounds.
    pub limits: Limits,
}

impl ClusterConfig {
    /// `nodes` nodes on 127.0.0.1 with free ports, all in this process,
    /// 10 s, an ideal network.
    pub fn loopback(transport: Transport, nodes: usize) -> Self {
        ClusterConfig {
            transport,
            addrs: vec![SocketAddr::from((Ipv4Addr::LOCALHOST, 0)); nodes],
            local: None,
            duration: Duration::from_secs(10),
            network: ideal_network(),
            schedule: Vec::new(),
            nemesis: None,
            starts: Vec::new(),
            seed: None,
            stop: Stop::new(),
            start_after: Duration::ZERO,
            limits: Limits::default(),
        }
    }

    /// The indices of the nodes run here, in order.
    pub fn local_nodes(&self) -> Vec<usize> {
        match &self.local {
            Some(local) => local.clone(),
            None => (0..self.addrs.len()).collect(),
        }
    }

    /// Checks node indices, probabilities and addresses with the
    /// simulator's own validation; the error names the field.
    pub fn validate(&self) -> Result<(), String> {
        let n = self.addrs.len();
        let local = self.local_nodes();
        if local.is_empty() {
            return Err("no node to run here".into());
        }
        for (k, &i) in local.iter().enumerate() {
            if i >= n {
                return Err(format!("local: node {i} does not exist ({n} nodes)"));
            }
            if local[..k].contains(&i) {
                return Err(format!("local: node {i} is listed twice"));
            }
        }
        if self.limits.max_buffered < 1 << 16 {
            return Err(format!(
                "limits.max_buffered: {} bytes is below the 64 KiB minimum",
                self.limits.max_buffered
            ));
        }
        let sim = sim::SimConfig {
            network: self.network.clone(),
            faults: self.schedule.clone(),
            nemesis: self.nemesis.clone(),
            starts: self.starts.clone(),
            ..sim::SimConfig::default()
        };
        sim.validate(n)
    }
}
