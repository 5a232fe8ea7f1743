//! The simulator's fault model, live: a per-link override, a one-way
//! partition and the nemesis's crashes all show up in the counters by cause,
//! and the counters add up.

mod common;

use common::{Beacon, Beat, Heard};
use net_real::{run_cluster, ClusterConfig, Flow, LiveEvent, Transport};
use sim::{
    DropCause, Dur, DurRange, Fault, JsonCodec, LinkModel, LinkOverride, NemesisConfig,
    ScheduledFault,
};
use std::net::SocketAddr;
use std::time::Duration;

fn nemesis() -> NemesisConfig {
    NemesisConfig {
        crash_rate: 4.0,
        restart_after: DurRange {
            min: Dur::ms(200),
            max: Dur::ms(300),
        },
        pause_rate: 0.0,
        pause_for: DurRange {
            min: Dur::ms(100),
            max: Dur::ms(100),
        },
        partition_rate: 0.0,
        partition_for: DurRange {
            min: Dur::ms(100),
            max: Dur::ms(100),
        },
        start: Dur::ms(0),
        until: Dur::ms(1500),
        max_down: 1,
        nodes: Some(vec![3]),
    }
}

fn faulty(transport: Transport) {
    let mut config = ClusterConfig::loopback(transport, 4);
    config.duration = Duration::from_millis(2000);
    config.seed = Some(3);
    // Link 0 -> 1 loses everything; every other link is ideal.
    config.network.links.push(LinkOverride {
        from: 0,
        to: 1,
        model: LinkModel {
            loss: 1.0,
            ..config.network.default.clone()
        },
    });
    // Node 2 cannot reach node 0 (one way) from 0.5 s on.
    config.schedule.push(ScheduledFault {
        at: Dur::ms(500),
        fault: Fault::Partition {
            a: vec![2],
            b: vec![0],
            one_way: true,
        },
    });
    config.nemesis = Some(nemesis());
    let mut heard: Vec<(usize, Heard)> = Vec::new();
    let mut book: Vec<SocketAddr> = Vec::new();
    let report = run_cluster(
        config,
        |i, book| Beacon::all(i, book, Duration::from_millis(10)),
        JsonCodec::<Beat>::new(),
        |event| {
            match event {
                LiveEvent::Listening { addrs, .. } => book = addrs,
                LiveEvent::Observed(o) => heard.push((o.node, o.obs)),
                LiveEvent::Log(_) => {}
            }
            Flow::Continue
        },
    )
    .expect("the cluster starts");
    let c = &report.counters;
    let d = &c.sim.dropped;
    assert!(c.conserves_messages(), "{c:?}");
    // The override: over UDP node 1 never hears node 0's pings; a stream
    // never loses (a lost segment arrives later, as in the simulator).
    match transport {
        Transport::Udp => assert!(d.get(DropCause::Loss) > 0, "{c:?}"),
        Transport::Tcp => assert_eq!(d.get(DropCause::Loss), 0, "{c:?}"),
    }
    let pinged_by = |node: usize, from: usize| {
        heard
            .iter()
            .filter(|(n, h)| *n == node && *h == Heard::Ping(book[from]))
            .count()
    };
    if transport == Transport::Udp {
        assert_eq!(pinged_by(1, 0), 0, "the lossy link delivered");
    }
    assert!(pinged_by(0, 1) > 10);
    // The partition: counted by cause.
    assert!(d.get(DropCause::Partition) > 0, "{c:?}");
    // The nemesis planned crashes (and restarts) of node 3, from the seed.
    let crashes = report
        .schedule
        .iter()
        .filter(|f| f.fault == Fault::Crash { node: 3 })
        .count();
    assert!(crashes > 0, "{:?}", report.schedule);
    assert_eq!(c.sim.faults as usize, report.schedule.len());
    let down = match transport {
        Transport::Udp => d.get(DropCause::NodeDown),
        Transport::Tcp => d.get(DropCause::Refused) + d.get(DropCause::Reset),
    };
    assert!(down > 0, "crashes of node 3 dropped nothing: {c:?}");
    println!("{transport}: {c:?}");
}

#[test]
fn udp_shows_override_partition_and_nemesis_drops_by_cause() {
    faulty(Transport::Udp);
}

#[test]
fn tcp_shows_partition_and_nemesis_drops_by_cause_and_never_loses() {
    faulty(Transport::Tcp);
}
