//! What every event loop of a run shares, settled before any of them
//! starts: the address book with the ports actually bound, the fault
//! schedule (scripted plus the nemesis's plan from the seed), time zero, and
//! which loop runs which local node.

use crate::config::ClusterConfig;
use crate::error::LiveError;
use crate::sockets::Bound;
use sim::seeding::stream;
use sim::ScheduledFault;
use std::net::SocketAddr;
use std::time::Instant;

/// The local nodes one event loop runs, with their bound sockets.
pub(crate) struct Shard {
    /// Which loop (0 is the first; it also counts network-wide faults).
    pub(crate) index: usize,
    /// Node index and socket, in book order.
    pub(crate) sockets: Vec<(usize, Bound)>,
}

/// The shared facts of a run.
pub(crate) struct Plan {
    /// Every node's address as bound.
    pub(crate) book: Vec<SocketAddr>,
    /// Whether each node of the book runs in this process.
    pub(crate) local: Vec<bool>,
    /// Every fault to apply, by time.
    pub(crate) schedule: Vec<ScheduledFault>,
    /// Time zero: when every socket was bound.
    pub(crate) epoch: Instant,
    /// How many event loops share the local nodes.
    pub(crate) loops: usize,
}

impl Plan {
    /// Binds every local node's socket and deals the nodes round-robin to
    /// `min(config.threads, local nodes)` event loops.
    pub(crate) fn bind(config: &ClusterConfig, seed: u64) -> Result<(Plan, Vec<Shard>), LiveError> {
        let mut book = config.addrs.clone();
        let n = book.len();
        let local_nodes = config.local_nodes();
        let loops = config.threads.clamp(1, local_nodes.len().max(1));
        let mut shards: Vec<Shard> = (0..loops)
            .map(|index| Shard {
                index,
                sockets: Vec::new(),
            })
            .collect();
        let mut local = vec![false; n];
        for (k, &i) in local_nodes.iter().enumerate() {
            let addr = book[i];
            let (socket, bound) = Bound::bind(config.transport, addr)
                .map_err(|source| LiveError::Bind { addr, source })?;
            book[i] = bound;
            local[i] = true;
            shards[k % loops].sockets.push((i, socket));
        }
        let mut schedule = config.schedule.clone();
        if let Some(nemesis) = &config.nemesis {
            schedule.extend(sim::nemesis::plan(
                nemesis,
                n,
                &mut stream(seed, b"nemesis"),
            ));
        }
        schedule.sort_by_key(|f| f.at);
        let plan = Plan {
            book,
            local,
            schedule,
            // Sockets are bound: time zero is now.
            epoch: Instant::now(),
            loops,
        };
        Ok((plan, shards))
    }
}
