//! Running out of file descriptors: said once, with what the run holds and
//! what the limit is; meanwhile new connections fail and are counted.

use crate::event::LogKind;
use crate::runtime::{Runtime, Source};
use sim::Machine;

/// The soft and hard open-file limits of this process.
pub fn open_file_limits() -> Option<(u64, u64)> {
    rlimit::getrlimit(rlimit::Resource::NOFILE).ok()
}

/// Raises the soft open-file limit to the hard one (best effort); returns
/// the soft limit now in force.
pub fn raise_open_file_limit() -> Option<u64> {
    rlimit::increase_nofile_limit(u64::MAX).ok()
}

/// Descriptors a full mesh of `nodes` local TCP nodes needs: a listener
/// each, and both ends of a connection per pair.
pub fn tcp_mesh_descriptors(nodes: u64) -> u64 {
    nodes + nodes * nodes.saturating_sub(1)
}

impl<M: Machine> Runtime<'_, M> {
    /// Counts an accept or connect stopped by the open-file limit; the first
    /// time, logs what the run holds against the limit.
    pub(crate) fn fd_exhausted(&mut self, node: usize) {
        self.counters.descriptor_exhaustion += 1;
        if self.reported_fds {
            return;
        }
        self.reported_fds = true;
        let (mut sockets, mut conns) = (0u64, 0u64);
        for s in &self.sources {
            match s {
                Source::Conn(_) => conns += 1,
                Source::Udp { .. } | Source::Listener { .. } => sockets += 1,
                Source::Free => {}
            }
        }
        let local = self.nodes.iter().flatten().count() as u64;
        let limit = match open_file_limits() {
            Some((soft, hard)) => format!("{soft} (hard limit {hard})"),
            None => "unknown".into(),
        };
        let message = format!(
            "out of file descriptors: the limit is {limit}; this run holds {sockets} listening sockets and {conns} connections; {local} local TCP nodes all talking need up to {} descriptors. Raise `ulimit -n` or run fewer nodes per process. Meanwhile new connections fail and their messages are dropped (counted; reported once).",
            tcp_mesh_descriptors(local)
        );
        self.log(node, None, LogKind::Limit, message);
    }
}
