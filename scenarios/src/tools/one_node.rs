//! Running one node of a course protocol on real TCP beside remote ones,
//! printing what it observes: what `dsim gcd ...` and `dsim bully run` share.

use net_real::{run_cluster, ClusterConfig, Flow, LiveEvent, LiveReport, Transport};
use sim::{Codec, Machine};
use std::io::Write as _;
use std::net::SocketAddr;
use std::time::Duration;

/// How long a tool runs when not told: until interrupted, in practice.
pub const FOREVER: Duration = Duration::from_secs(365 * 24 * 3600);

/// One local node beside remote ones, on TCP.
pub struct OneNode {
    /// The address book: remote nodes' addresses, and ours at `index`
    /// (port 0: any free port).
    pub book: Vec<SocketAddr>,
    /// Our index in the book.
    pub index: usize,
    /// Stop after this long.
    pub duration: Duration,
    /// Print the driver's log (send errors, bad input) to stderr.
    pub verbose: bool,
    /// Prefix each printed line with the time since the start.
    pub stamp: bool,
}

/// Runs the node `make` builds, printing each observation as `render` puts
/// it, until `done` says an observation ends the run (or the time is up).
pub fn run_one<M, F, C>(
    node: OneNode,
    make: F,
    codec: C,
    render: impl Fn(&M::Obs) -> String,
    done: impl Fn(&M::Obs) -> bool,
) -> Result<LiveReport, String>
where
    M: Machine + 'static,
    M::Msg: Send + 'static,
    M::Obs: Send + 'static,
    C: Codec<Msg = M::Msg> + Send + Sync + 'static,
    F: Fn(usize, &[SocketAddr]) -> M + Send + Sync + 'static,
{
    let mut config = ClusterConfig::loopback(Transport::Tcp, node.book.len());
    config.addrs = node.book;
    config.local = Some(vec![node.index]);
    config.duration = node.duration;
    let (verbose, stamp) = (node.verbose, node.stamp);
    run_cluster(config, make, codec, |event| match event {
        LiveEvent::Observed(o) => {
            let text = render(&o.obs);
            let mut out = std::io::stdout().lock();
            for line in text.lines() {
                let written = if stamp {
                    writeln!(out, "[{}] {line}", o.time)
                } else {
                    writeln!(out, "{line}")
                };
                if written.and_then(|()| out.flush()).is_err() {
                    // Whoever read our output is gone (`| head`): stop quietly.
                    return Flow::Stop;
                }
            }
            if done(&o.obs) {
                Flow::Stop
            } else {
                Flow::Continue
            }
        }
        LiveEvent::Log(entry) => {
            if verbose {
                eprintln!("{entry}");
            }
            Flow::Continue
        }
    })
    .map_err(|e| e.to_string())
}

/// Parses a duration argument (`1.5s`, `200ms`).
pub fn duration_arg(text: &str) -> Result<Duration, String> {
    sim::parse_duration(text)
}
