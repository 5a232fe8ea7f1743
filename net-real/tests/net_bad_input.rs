//! Garbage sent to a live node's UDP and TCP ports is counted and logged with
//! the sender's address, and the node keeps serving its correct peer. Also:
//! TCP replies to `from` go back over the connection the request came in on.

mod common;

use common::{Beacon, Beat, Heard};
use net_real::{
    run_cluster, ClusterConfig, Flow, LiveEvent, LiveReport, LiveStop, LogEntry, LogKind, Transport,
};
use sim::JsonCodec;
use std::io::Write;
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// Pseudo-random bytes (no RNG needed: garbage only has to be garbage).
fn noise(len: usize) -> Vec<u8> {
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// Sends the three kinds of garbage; returns the attacker's addresses.
fn attack(transport: Transport, target: SocketAddr) -> Vec<SocketAddr> {
    let truncated = [0, 0, 0, 50, b'{', b'"'];
    let huge = [0xff, 0xff, 0xff, 0xff, b'{', b'}'];
    match transport {
        Transport::Udp => {
            let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
            for bytes in [noise(300), truncated.to_vec(), huge.to_vec()] {
                socket.send_to(&bytes, target).expect("send");
            }
            vec![socket.local_addr().expect("addr")]
        }
        Transport::Tcp => [noise(300), truncated.to_vec(), huge.to_vec()]
            .iter()
            .map(|bytes| {
                let mut s = TcpStream::connect(target).expect("connect");
                s.write_all(bytes).expect("write");
                let local = s.local_addr().expect("addr");
                drop(s);
                local
            })
            .collect(),
    }
}

struct Outcome {
    report: LiveReport,
    logs: Vec<LogEntry>,
    attackers: Vec<SocketAddr>,
    pongs_after_attack: u32,
}

/// Node 0 pings node 1 every 5 ms. Once node 1 has served a ping, garbage is
/// sent to it; the run stops after 20 more pongs reach node 0.
fn ping_under_attack(transport: Transport, with_attack: bool) -> Outcome {
    let mut config = ClusterConfig::loopback(transport, 2);
    config.duration = Duration::from_secs(10);
    let (done_tx, done_rx) = mpsc::channel();
    let mut attacker = None;
    let mut attackers = Vec::new();
    let mut logs = Vec::new();
    let mut pongs_after_attack = 0;
    let mut attacked = !with_attack;
    let report = run_cluster(
        config,
        |i, book| Beacon {
            targets: if i == 0 { vec![book[1]] } else { Vec::new() },
            period: Duration::from_millis(5),
            seq: 0,
        },
        JsonCodec::<Beat>::new(),
        |event| {
            match event {
                LiveEvent::Log(entry) => logs.push(entry),
                LiveEvent::Observed(o) => match o.obs {
                    Heard::Ping(_) if attacker.is_none() && with_attack => {
                        let (target, tx) = (o.addr, done_tx.clone());
                        attacker = Some(thread::spawn(move || {
                            let _ = tx.send(attack(transport, target));
                        }));
                    }
                    Heard::Pong(_) if attacked => pongs_after_attack += 1,
                    _ => {}
                },
                LiveEvent::Listening { .. } => {}
            }
            if let Ok(addrs) = done_rx.try_recv() {
                attackers = addrs;
                attacked = true;
            }
            if pongs_after_attack >= 20 {
                Flow::Stop
            } else {
                Flow::Continue
            }
        },
    )
    .expect("cluster starts");
    if let Some(a) = attacker {
        a.join().expect("attacker");
    }
    Outcome {
        report,
        logs,
        attackers,
        pongs_after_attack,
    }
}

fn survives_garbage(transport: Transport) {
    let out = ping_under_attack(transport, true);
    assert_eq!(out.report.stop, LiveStop::Done, "{:#?}", out.logs);
    assert!(out.pongs_after_attack >= 20);
    let c = &out.report.counters;
    assert_eq!(c.decode_errors, 3, "{:#?}", out.logs);
    let decode: Vec<&LogEntry> = out
        .logs
        .iter()
        .filter(|e| e.kind == LogKind::Decode)
        .collect();
    assert_eq!(decode.len(), 3);
    for entry in &decode {
        assert_eq!(entry.node, 1);
        let peer = entry.peer.expect("peer address");
        assert!(out.attackers.contains(&peer), "{entry} from {peer}");
    }
    assert!(
        decode
            .iter()
            .any(|e| e.message.contains("4294967295") || transport == Transport::Udp),
        "{decode:#?}"
    );
}

#[test]
fn udp_node_counts_garbage_and_keeps_serving() {
    survives_garbage(Transport::Udp);
}

#[test]
fn tcp_node_counts_garbage_and_keeps_serving() {
    survives_garbage(Transport::Tcp);
}

#[test]
fn tcp_replies_go_back_over_the_inbound_connection() {
    let out = ping_under_attack(Transport::Tcp, false);
    let c = &out.report.counters;
    assert_eq!(out.report.stop, LiveStop::Done);
    // Node 0 dialled node 1 once; node 1 answered on that connection
    // instead of dialling the ephemeral address it saw.
    assert_eq!(c.connections_opened, 2, "{:#?}", out.logs);
    assert_eq!(c.sim.dropped.total(), 0);
    assert!(out.logs.is_empty(), "{:#?}", out.logs);
}
