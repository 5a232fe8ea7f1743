//! The course protocols live on loopback TCP through net-real: the GCD,
//! members and the Lab 1 client in one process, and a GCD with bully peers.

use net_real::{run_cluster, ClusterConfig, Flow, LiveEvent, LiveStop, Transport};
use protocols::bully::{self, BullyNode, Peer, Timing};
use protocols::gcd::{self, CourseCodec, GcdNode, GcdServer, Lab1Client, Pid, Profile, Wire};
use std::collections::BTreeMap;
use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

/// A loopback address nothing listens on (bound, then released).
fn dead_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
}

#[test]
fn lab1_client_prints_every_reply_and_the_dead_member_over_tcp_in_pickle() {
    lab1_over_tcp(Wire::Pickle);
}

#[test]
fn lab1_client_prints_every_reply_and_the_dead_member_over_tcp_in_json() {
    lab1_over_tcp(Wire::Json);
}

fn lab1_over_tcp(wire: Wire) {
    const MEMBERS: usize = 3;
    let dead = dead_addr();
    let mut config = ClusterConfig::loopback(Transport::Tcp, MEMBERS + 2);
    config.duration = Duration::from_secs(20);
    config.seed = Some(1);
    let client = MEMBERS + 1;
    let mut lines = Vec::new();
    let report = run_cluster(
        config,
        move |i, book| match i {
            0 => {
                let mut group = book[1..=MEMBERS].to_vec();
                group.insert(1, dead);
                GcdNode::Server(GcdServer::new(group))
            }
            i if i == client => {
                GcdNode::Client(Lab1Client::new(book[0], Duration::from_millis(1500)))
            }
            _ => GcdNode::Member,
        },
        CourseCodec::new(wire, Profile::F24),
        |event| match event {
            LiveEvent::Observed(o) if o.node == client => {
                lines.push(gcd::render(&o.obs));
                if matches!(o.obs, gcd::Event::Finished { .. }) {
                    Flow::Stop
                } else {
                    Flow::Continue
                }
            }
            _ => Flow::Continue,
        },
    )
    .unwrap();
    assert_eq!(report.stop, LiveStop::Done, "{lines:?}");
    let book = &report.addrs;
    assert_eq!(lines[0], format!("JOIN ('127.0.0.1', {})", book[0].port()));
    assert_eq!(lines[1], "4 members");
    let greeting = |member: SocketAddr| {
        format!(
            "HELLO to {{'host': '127.0.0.1', 'port': {}}} -> ('OK', \"Happy to meet you, ('127.0.0.1', ",
            member.port()
        )
    };
    assert!(lines[2].starts_with(&greeting(book[1])), "{}", lines[2]);
    assert_eq!(
        lines[3],
        format!(
            "HELLO to {{'host': '127.0.0.1', 'port': {}}} -> failed to connect: connection refused",
            dead.port()
        )
    );
    assert!(lines[4].starts_with(&greeting(book[2])), "{}", lines[4]);
    assert!(lines[5].starts_with(&greeting(book[3])), "{}", lines[5]);
    assert_eq!(lines[6], "done: 3 replied, 1 failed");
    assert_eq!(lines.len(), 7);
}

#[test]
fn bully_peers_elect_the_highest_identity_over_tcp_in_pickle() {
    let pids = [
        Pid::new(20, 1_234_561),
        Pid::new(300, 1_000_001),
        Pid::new(20, 1_234_562),
    ];
    let mut config = ClusterConfig::loopback(Transport::Tcp, pids.len() + 1);
    config.duration = Duration::from_secs(20);
    config.seed = Some(2);
    let highest = *pids.iter().max().unwrap();
    let mut views: BTreeMap<usize, Pid> = BTreeMap::new();
    let mut log = Vec::new();
    let report = run_cluster(
        config,
        move |i, book| match i {
            0 => BullyNode::Gcd(GcdServer::default()),
            i => BullyNode::Peer(Peer::new(
                pids[i - 1],
                book[0],
                Timing::default(),
                None,
                None,
            )),
        },
        CourseCodec::new(Wire::Pickle, Profile::F23),
        |event| {
            if let LiveEvent::Observed(o) = event {
                log.push(format!("node {}: {}", o.node, bully::render(&o.obs)));
                match o.obs {
                    bully::Event::Victory { pid } => {
                        views.insert(o.node, pid);
                    }
                    bully::Event::Leader { leader } => {
                        views.insert(o.node, leader);
                    }
                    bully::Event::ElectionStarted { .. } => {
                        views.remove(&o.node);
                    }
                    _ => {}
                }
                if views.len() == 3 && views.values().all(|&l| l == highest) {
                    return Flow::Stop;
                }
            }
            Flow::Continue
        },
    )
    .unwrap();
    assert_eq!(report.stop, LiveStop::Done, "{log:#?}");
    assert!(
        log.contains(&format!("node 2: Victory by {highest}")),
        "{log:#?}"
    );
    assert_eq!(report.counters.decode_errors, 0);
}
