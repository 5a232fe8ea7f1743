//! Nodes dealt to several event-loop threads (`ClusterConfig::threads`):
//! every token still arrives over real sockets between loops, connections
//! are attributed across loops, and a stop request wakes every loop.
//! (Its own test binary: a 100-node TCP run needs half this machine's
//! descriptor limit, so it must not share a process with another.)

mod common;

use common::delivers_every_token;
use net_real::{ClusterConfig, LiveStop, Transport};
use std::time::Duration;

/// Three loops (an uneven deal): tokens cross between loops over real
/// sockets; a TCP connection dialled on one loop and accepted on another is
/// still attributed to its node (at most one connection per pair and
/// direction of first contact, as with one loop).
#[test]
fn tcp_on_three_loops_delivers_every_token() {
    net_real::raise_open_file_limit();
    delivers_every_token(Transport::Tcp, 100, 10, 99, 3);
}

#[test]
fn udp_on_three_loops_delivers_every_token() {
    delivers_every_token(Transport::Udp, 100, 10, 99, 3);
}

#[test]
fn more_threads_than_nodes_is_fine_and_too_many_is_refused() {
    delivers_every_token(Transport::Udp, 2, 2, 10, 8);
    let mut config = ClusterConfig::loopback(Transport::Udp, 2);
    config.threads = net_real::MAX_THREADS + 1;
    let err = config.validate().unwrap_err();
    assert!(err.starts_with("threads:"), "{err}");
}

#[test]
fn a_stop_request_wakes_idle_loops_on_several_threads() {
    let mut config = ClusterConfig::loopback(Transport::Tcp, 4);
    config.threads = 2;
    let report = common::stopped_while_idle(config);
    assert_eq!(report.stop, LiveStop::Interrupted);
    assert!(report.wall_time < Duration::from_secs(60));
}
