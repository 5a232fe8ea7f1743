//! hot-potato live on loopback: every token arrives, over UDP and TCP, at 4,
//! 100 and 1,000 nodes in one process; injected loss is counted by cause and
//! the counters add up; a stop request ends a run at once.

mod common;

use common::hot_potato;
use net_real::{ClusterConfig, LiveStop, Transport};
use sim::{DropCause, LinkModel};
use std::time::Duration;

const N: usize = 4;
const K: u32 = 3;
const H: u32 = 20;

fn delivers_every_token(transport: Transport, n: usize, k: u32, h: u32) {
    common::delivers_every_token(transport, n, k, h, 1);
}

#[test]
fn udp_delivers_every_token() {
    delivers_every_token(Transport::Udp, N, K, H);
}

#[test]
fn tcp_delivers_every_token() {
    delivers_every_token(Transport::Tcp, N, K, H);
}

/// The README's `dsim run hot-potato --net tcp`: 100 nodes in one process,
/// within this machine's default descriptor limit.
#[test]
fn tcp_with_100_nodes_delivers_every_token() {
    net_real::raise_open_file_limit();
    delivers_every_token(Transport::Tcp, 100, 10, 99);
}

#[test]
fn udp_with_100_nodes_delivers_every_token() {
    delivers_every_token(Transport::Udp, 100, 10, 99);
}

#[test]
#[ignore = "1,000 nodes: about 10 s; run with --ignored"]
fn udp_with_1000_nodes_delivers_every_token() {
    net_real::raise_open_file_limit();
    delivers_every_token(Transport::Udp, 1000, 2, 50);
}

#[test]
fn udp_with_injected_loss_counts_lost_tokens_and_ends() {
    let duration = Duration::from_millis(1500);
    let mut config = ClusterConfig::loopback(Transport::Udp, N);
    config.duration = duration;
    config.network.default = LinkModel {
        loss: 0.2,
        ..config.network.default.clone()
    };
    let (k, h) = (10, 5);
    let run = hot_potato(config, k, h);
    let c = &run.report.counters;
    assert_eq!(run.report.stop, LiveStop::Duration);
    let lost = c.sim.dropped.get(DropCause::Loss);
    assert!(lost > 0, "20% loss dropped nothing");
    // Each lost message is a lost token; the others all retired.
    assert_eq!(run.retired.len() as u64 + lost, (N as u64) * k as u64);
    assert_eq!(c.sim.sent, c.sim.delivered + lost);
    assert_eq!(c.in_flight, 0);
    assert!(c.conserves_messages());
}

#[test]
fn a_stop_request_ends_a_run_early() {
    let mut config = ClusterConfig::loopback(Transport::Tcp, 2);
    config.duration = Duration::from_secs(30);
    config.stop.request();
    let run = hot_potato(config, 1, 1_000_000);
    assert_eq!(run.report.stop, LiveStop::Interrupted);
    assert_eq!(run.report.signal, None);
}

#[test]
fn a_stop_request_from_another_thread_wakes_an_idle_loop() {
    // Nothing happens in this run (no tokens), so only the wake-up ends it.
    let report = common::stopped_while_idle(ClusterConfig::loopback(Transport::Udp, 2));
    assert_eq!(report.stop, LiveStop::Interrupted);
    assert!(report.wall_time < Duration::from_secs(60));
}

#[test]
fn machines_start_after_the_configured_delay_and_lose_nothing() {
    let mut config = ClusterConfig::loopback(Transport::Tcp, N);
    config.duration = Duration::from_secs(20);
    config.start_after = Duration::from_millis(400);
    let run = hot_potato(config, K, H);
    assert_eq!(run.report.stop, LiveStop::Done, "{:?}", run.logs);
    assert_eq!(run.retired.len(), N * K as usize);
    assert!(
        run.report.wall_time >= Duration::from_millis(400),
        "finished in {:?}, before the machines were due to start",
        run.report.wall_time
    );
}
