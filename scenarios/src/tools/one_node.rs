//! What every per-protocol tool shares: pick one node of a protocol's
//! description (`Protocol::nodes`), run it live beside remote ones with a
//! given address book, print what it observes, stop on Ctrl-C, SIGTERM,
//! `--for` or when the protocol says it is done, and print a summary.

use crate::commands::Exit;
use net_real::{
    ideal_network, run_nodes, ClusterConfig, Flow, LiveEvent, LiveReport, LiveStop, Stop, Transport,
};
use sim::{Machine, Protocol};
use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

/// How long a tool runs when not told: until interrupted, in practice.
pub const FOREVER: Duration = Duration::from_secs(365 * 24 * 3600);

/// A placeholder for a node of the description this tool never talks to.
pub fn nobody() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

/// Node `index` of a protocol's description, run here.
pub struct OneNode {
    /// The address book, in the description's node order: ours at `index`
    /// (port 0: any free port), remote ones, and [`nobody`] for nodes this
    /// one never addresses.
    pub book: Vec<SocketAddr>,
    /// Our index in the book.
    pub index: usize,
    /// UDP or TCP.
    pub transport: Transport,
    /// Stop after this long.
    pub duration: Duration,
    /// Print the driver's log (send errors, bad input) to stderr.
    pub verbose: bool,
    /// Prefix each printed line with the time since the start.
    pub stamp: bool,
    /// Seed of the node's RNG (default: from the OS).
    pub seed: Option<u64>,
    /// A line printed on stdout once listening; `{addr}` becomes our address.
    pub announce: Option<&'static str>,
}

/// Prints a line on stdout; false once stdout is closed (e.g. `| head`).
pub fn say(line: &str) -> bool {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}").and_then(|()| out.flush()).is_ok()
}

/// Runs node `node.index` of `protocol`'s description (with `nodes`
/// requested, as a scenario would) until `done` says an observation ends
/// the run, the time is up, or a signal arrives; prints observations as
/// the protocol renders them, then a summary line.
pub fn run_one<P: Protocol>(
    protocol: &P,
    params: &P::Params,
    nodes: Option<usize>,
    node: OneNode,
    done: impl Fn(&<P::Machine as Machine>::Obs) -> bool,
) -> Result<LiveReport, String> {
    let specs = protocol.nodes(params, nodes)?;
    if specs.len() != node.book.len() {
        return Err(format!(
            "internal: {} nodes described, {} addresses given",
            specs.len(),
            node.book.len()
        ));
    }
    let stop = Stop::new();
    stop.on_signals()
        .map_err(|e| format!("cannot install the Ctrl-C handler: {e}"))?;
    net_real::raise_open_file_limit();
    let config = ClusterConfig {
        addrs: node.book,
        local: Some(vec![node.index]),
        duration: node.duration,
        network: ideal_network(),
        seed: node.seed,
        stop: stop.clone(),
        ..ClusterConfig::loopback(node.transport, 0)
    };
    let (verbose, stamp, index, announce) = (node.verbose, node.stamp, node.index, node.announce);
    let report = run_nodes(
        config,
        &specs,
        protocol.codec(params),
        |event| match event {
            LiveEvent::Listening { addrs, .. } => {
                eprintln!(
                    "listening on {} over {} (Ctrl-C or SIGTERM stops)",
                    addrs[index], node.transport
                );
                if let Some(template) = announce {
                    say(&template.replace("{addr}", &addrs[index].to_string()));
                }
                Flow::Continue
            }
            LiveEvent::Observed(o) => {
                let text = protocol.render(params, &o.obs);
                for line in text.lines() {
                    let printed = if stamp {
                        say(&format!("[{}] {line}", o.time))
                    } else {
                        say(line)
                    };
                    if !printed {
                        // Nobody reads any more: end quietly.
                        stop.request();
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
        },
    )
    .map_err(|e| e.to_string())?;
    summary(&report);
    Ok(report)
}

/// Prints the one-line summary every tool ends with.
pub fn summary(report: &LiveReport) {
    let c = &report.counters;
    let why = match (report.stop, report.signal) {
        (LiveStop::Duration, _) => "time is up".to_string(),
        (LiveStop::Done, _) => "done".to_string(),
        (LiveStop::Interrupted, Some(signal)) => format!("interrupted by signal {signal}"),
        (LiveStop::Interrupted, None) => "interrupted".to_string(),
    };
    say(&format!(
        "stopped ({why}) after {:.1} s: sent {}, received {}, dropped {}, undecodable {}, connections {}",
        report.wall_time.as_secs_f64(),
        c.sim.sent,
        c.sim.delivered,
        c.sim.dropped.total(),
        c.decode_errors,
        c.connections_opened
    ));
}

/// The exit status of a tool's run: 130/143 when a signal ended it.
pub fn exit(report: &LiveReport) -> Exit {
    match report.signal_exit_code() {
        Some(code) => Exit::Signal(code),
        None => Exit::Ok,
    }
}

/// Parses a duration argument (`1.5s`, `200ms`).
pub fn duration_arg(text: &str) -> Result<Duration, String> {
    sim::parse_duration(text)
}
