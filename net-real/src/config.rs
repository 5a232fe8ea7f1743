//! What a live run is told: transport, address book, duration, faults, seed.

use sim::{Latency, LinkModel, ScheduledFault};
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::str::FromStr;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

/// Which sockets carry the messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// One datagram per message.
    Udp,
    /// Framed messages on cached connections.
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

/// Faults injected where a node hands a message to its socket: the knobs of
/// [`sim::LinkModel`], applied to real traffic.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LiveFaults {
    /// Probability a message is dropped instead of sent, in `[0, 1]`.
    pub loss: f64,
    /// Probability a message is sent twice, in `[0, 1]`.
    pub duplicate: f64,
    /// Extra delay before a message reaches the socket (sampled per copy as
    /// the simulator samples latency); `None` sends at once.
    pub delay: Option<Latency>,
}

impl LiveFaults {
    /// The same knobs as a simulator link: its latency becomes the extra delay.
    pub fn from_link(model: &LinkModel) -> Self {
        LiveFaults {
            loss: model.loss,
            duplicate: model.duplicate,
            delay: Some(model.latency.clone()),
        }
    }

    /// Checks probabilities and delay parameters.
    pub fn validate(&self) -> Result<(), String> {
        LinkModel {
            latency: self.delay.clone().unwrap_or(Latency::Constant {
                value: sim::Dur::default(),
            }),
            loss: self.loss,
            duplicate: self.duplicate,
            fifo: false,
        }
        .validate("faults")
    }
}

/// A live run: which nodes, on which sockets, for how long, with which faults.
#[derive(Clone, Debug)]
pub struct ClusterConfig {
    /// UDP or TCP.
    pub transport: Transport,
    /// The address book: every node's address, in node order. A local node
    /// with port 0 gets a free port; the book the machines see has the real one.
    pub addrs: Vec<SocketAddr>,
    /// Indices of the nodes this process runs (`None`: all of them). One node
    /// per process is `Some(vec![i])`.
    pub local: Option<Vec<usize>>,
    /// The run ends this long after it started (if nothing stops it earlier).
    pub duration: Duration,
    /// Faults injected on every send.
    pub faults: LiveFaults,
    /// Scripted faults at times since the start (node indices as in the book).
    pub schedule: Vec<ScheduledFault>,
    /// Seeds node RNGs and the fault injector; `None` draws a seed from the OS.
    pub seed: Option<u64>,
    /// Set it (e.g. from a Ctrl-C handler) to end the run early and cleanly.
    pub stop: Arc<AtomicBool>,
    /// How long local nodes listen before their machines start: with one
    /// node per process, long enough for every process to bind its socket, so
    /// first messages are not sent to peers that are not listening yet.
    pub start_after: Duration,
}

impl ClusterConfig {
    /// `nodes` nodes on 127.0.0.1 with free ports, all in this process, 10 s, no faults.
    pub fn loopback(transport: Transport, nodes: usize) -> Self {
        ClusterConfig {
            transport,
            addrs: vec![SocketAddr::from((Ipv4Addr::LOCALHOST, 0)); nodes],
            local: None,
            duration: Duration::from_secs(10),
            faults: LiveFaults::default(),
            schedule: Vec::new(),
            seed: None,
            stop: Arc::new(AtomicBool::new(false)),
            start_after: Duration::ZERO,
        }
    }

    /// The indices of the nodes run here, in order.
    pub fn local_nodes(&self) -> Vec<usize> {
        match &self.local {
            Some(local) => local.clone(),
            None => (0..self.addrs.len()).collect(),
        }
    }

    /// Checks node indices, probabilities and addresses; the error says what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        let n = self.addrs.len();
        let node_ok = |place: &str, i: usize| {
            if i < n {
                Ok(())
            } else {
                Err(format!("{place}: node {i} does not exist ({n} nodes)"))
            }
        };
        let local = self.local_nodes();
        if local.is_empty() {
            return Err("no node to run here".into());
        }
        for &i in &local {
            node_ok("local", i)?;
        }
        for (i, addr) in self.addrs.iter().enumerate() {
            if addr.port() == 0 && !local.contains(&i) {
                return Err(format!("addrs[{i}]: a remote node needs a port"));
            }
        }
        for (i, f) in self.schedule.iter().enumerate() {
            for node in f.fault.nodes() {
                node_ok(&format!("schedule[{i}] ({})", f.fault.kind()), node)?;
            }
        }
        self.faults.validate()
    }
}
