//! hot-potato live on loopback: every token arrives, over UDP and TCP, and
//! injected loss is counted without hanging the run.

mod common;

use common::hot_potato;
use net_real::{ClusterConfig, LiveFaults, LiveStop, Transport};
use std::time::Duration;

const N: usize = 4;
const K: u32 = 3;
const H: u32 = 20;

fn delivers_every_token(transport: Transport) {
    let mut config = ClusterConfig::loopback(transport, N);
    config.duration = Duration::from_secs(20);
    config.seed = Some(7);
    let run = hot_potato(config, K, H);
    let c = &run.report.counters;
    assert_eq!(run.report.stop, LiveStop::Done, "{:?}", run.logs);
    assert_eq!(run.retired.len(), N * K as usize);
    assert_eq!(c.observations, (N * K as usize) as u64);
    assert_eq!(c.delivered, (N * K as usize) as u64 * (H as u64 + 1));
    assert_eq!(c.sent, c.delivered);
    assert_eq!(c.dropped.total(), 0);
    assert_eq!(c.decode_errors, 0);
    assert!(run.logs.is_empty(), "{:?}", run.logs);
    assert!(run.report.addrs.iter().all(|a| a.port() != 0));
}

#[test]
fn udp_delivers_every_token() {
    delivers_every_token(Transport::Udp);
}

#[test]
fn tcp_delivers_every_token() {
    delivers_every_token(Transport::Tcp);
}

#[test]
fn udp_with_injected_loss_counts_lost_tokens_and_ends() {
    let duration = Duration::from_millis(1500);
    let mut config = ClusterConfig::loopback(Transport::Udp, N);
    config.duration = duration;
    config.faults = LiveFaults {
        loss: 0.2,
        ..LiveFaults::default()
    };
    let (k, h) = (10, 5);
    let run = hot_potato(config, k, h);
    let c = &run.report.counters;
    assert_eq!(run.report.stop, LiveStop::Duration);
    assert!(run.report.wall_time < duration + Duration::from_secs(1));
    assert!(c.dropped.loss > 0, "20% loss dropped nothing");
    // Each lost message is a lost token; the others all retired.
    assert_eq!(
        run.retired.len() as u64 + c.dropped.loss,
        (N as u64) * k as u64
    );
    assert_eq!(c.sent, c.delivered + c.dropped.loss);
}

#[test]
fn the_stop_flag_ends_a_run_early() {
    let mut config = ClusterConfig::loopback(Transport::Tcp, 2);
    config.duration = Duration::from_secs(30);
    config
        .stop
        .store(true, std::sync::atomic::Ordering::Relaxed);
    let run = hot_potato(config, 1, 1_000_000);
    assert_eq!(run.report.stop, LiveStop::Interrupted);
    assert!(run.report.wall_time < Duration::from_secs(5));
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
