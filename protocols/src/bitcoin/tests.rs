//! The fetcher in the simulator and on a hand-driven harness: fetches
//! through loss and reordering, among tampering peers (each lie caught by
//! the check meant for it), and the client's reactions one message at a
//! time.

use super::adversary::Tamper;
use super::client::{Client, ClientConfig};
use super::frame::Frame;
use super::node::{BitcoinNode, Event, Timer};
use super::protocol::BitcoinProtocol;
use super::store::BlockStore;
use super::wire::{
    BlockLocator, InvType, Inventory, Message, NetAddr, Network, TimedAddr, Version,
};
use serde_json::{json, Value};
use sim::testing::Harness;
use sim::{BuildSpec, Connection, Dur, NetworkConfig, Report, SimConfig, Simulation};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

fn run(
    params: Value,
    network: Value,
    seed: u64,
    stop: Duration,
) -> (Report, Simulation<BitcoinNode>) {
    let mut config = SimConfig {
        seed,
        network: serde_json::from_value::<NetworkConfig>(network).unwrap(),
        ..SimConfig::default()
    };
    config.stop.duration = Some(Dur(stop));
    let mut sim = sim::simulate(
        &BitcoinProtocol,
        &BuildSpec {
            nodes: None,
            params: &params,
            config,
            properties: None,
            wire_check: true,
        },
    )
    .unwrap();
    let report = sim.run().unwrap();
    (report, sim)
}

/// The client's observations (it is the last node).
fn client_events(sim: &Simulation<BitcoinNode>) -> Vec<Event> {
    let client = sim.node_count() - 1;
    sim.observations()
        .iter()
        .filter(|o| o.node == client)
        .map(|o| o.obs.clone())
        .collect()
}

fn accepted(events: &[Event]) -> Vec<(u32, Arc<[u8]>)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Accepted { height, block, .. } => Some((*height, block.0.clone())),
            _ => None,
        })
        .collect()
}

fn rejected(events: &[Event]) -> Vec<(SocketAddr, String)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Rejected { peer, why } => Some((*peer, why.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn fetches_block_438_through_loss_and_reordering() {
    // Datagrams (not streams) so messages are really lost, duplicated and
    // reordered; the client recovers by timeouts and new rounds.
    let network = json!({
        "transport": "datagram",
        "default": {
            "latency": { "kind": "uniform", "min": "1ms", "max": "150ms" },
            "loss": 0.1,
            "duplicate": 0.05
        }
    });
    let real = BlockStore::mainnet();
    let expected = real.block(438).unwrap().as_bytes();
    let mut lost = 0;
    for seed in 0..20 {
        let params = json!({"height": 438, "peers": ["honest", "honest"], "peer_timeout": "1s"});
        let (report, sim) = run(params, network.clone(), seed, Duration::from_secs(120));
        assert!(
            report.violation.is_none(),
            "seed {seed}: {:?}",
            report.violation
        );
        lost += report.counters.dropped.total();
        let got = accepted(&client_events(&sim));
        assert_eq!(got.len(), 1, "seed {seed}: {got:?}");
        assert_eq!((got[0].0, &*got[0].1), (438, expected), "seed {seed}");
    }
    assert!(lost > 20, "the network lost messages ({lost})");
}

#[test]
fn one_honest_and_two_tampering_peers_end_with_the_right_block() {
    let cases = [
        (
            json!({"height": 438, "peers": ["value", "honest", "merkle-root"]}),
            BlockStore::mainnet(),
            438,
        ),
        (
            json!({"chain": "regtest", "height": 120, "peers": ["witness", "duplicate", "honest"]}),
            BlockStore::regtest(120),
            120,
        ),
    ];
    let lossy = json!({"default": {"latency": {"kind": "uniform", "min": "1ms", "max": "50ms"}, "loss": 0.1}});
    for (params, store, height) in cases {
        let honest_index = params["peers"]
            .as_array()
            .unwrap()
            .iter()
            .position(|p| p == "honest")
            .unwrap();
        let mut tamperers_met = 0;
        for seed in 0..25 {
            let (report, sim) = run(params.clone(), lossy.clone(), seed, Duration::from_secs(60));
            assert!(
                report.violation.is_none(),
                "seed {seed}: {:?}",
                report.violation
            );
            let events = client_events(&sim);
            let got = accepted(&events);
            assert_eq!(got.len(), 1, "seed {seed}");
            assert_eq!(
                &*got[0].1,
                store.block(height).unwrap().as_bytes(),
                "seed {seed}"
            );
            let honest = sim.addr(honest_index);
            let rejected = rejected(&events);
            assert!(
                rejected.iter().all(|(p, _)| *p != honest),
                "seed {seed}: {rejected:?}"
            );
            // Every tampering peer that served the client was rejected.
            let served: Vec<usize> = sim
                .observations()
                .iter()
                .filter(|o| {
                    matches!(
                        o.obs,
                        Event::Served {
                            tamper: Some(_),
                            ..
                        }
                    )
                })
                .map(|o| o.node)
                .collect();
            for node in &served {
                assert!(
                    rejected.iter().any(|(p, _)| *p == sim.addr(*node)),
                    "seed {seed}"
                );
            }
            tamperers_met += served.len();
        }
        assert!(
            tamperers_met >= 10,
            "the tamperers were tried ({tamperers_met})"
        );
    }
}

/// The reason the client gives for rejecting a lone `kind` peer.
fn rejection(chain: &str, kind: Tamper) -> String {
    let params = json!({"chain": chain, "height": 30, "peers": [kind.name()]});
    let params = if chain == "mainnet" {
        json!({"height": 30, "peers": [kind.name()]})
    } else {
        params
    };
    let (report, sim) = run(params, json!({}), 3, Duration::from_secs(30));
    assert!(report.violation.is_none(), "{kind}: {:?}", report.violation);
    let events = client_events(&sim);
    assert!(accepted(&events).is_empty(), "{kind}");
    assert!(
        matches!(events.last(), Some(Event::GaveUp { .. })),
        "{kind}: {events:?}"
    );
    let rejected = rejected(&events);
    assert_eq!(rejected.len(), 1, "{kind}: {rejected:?}");
    rejected[0].1.clone()
}

#[test]
fn each_lie_is_caught_by_the_check_meant_for_it() {
    let merkle = "merkle root";
    for (kind, regtest, mainnet) in [
        (Tamper::Value, merkle, merkle),
        (Tamper::Script, merkle, merkle),
        (
            Tamper::Witness,
            "witness commitment: commitment",
            "witness data without a commitment",
        ),
        (Tamper::Reorder, merkle, merkle),
        (Tamper::Duplicate, "CVE-2012-2459", merkle),
        (
            Tamper::MerkleRoot,
            "the block's header was changed",
            "the block's header was changed",
        ),
        (Tamper::Checksum, "checksum", "checksum"),
        (Tamper::Truncate, "truncated", "truncated"),
        (Tamper::Oversize, "headers.count", "headers.count"),
    ] {
        let r = rejection("regtest", kind);
        assert!(r.contains(regtest), "{kind} on regtest: {r}");
        let m = rejection("mainnet", kind);
        assert!(m.contains(mainnet), "{kind} on mainnet: {m}");
    }
    // On regtest the witness lie leaves every txid alone: only the
    // commitment catches it (the merkle root still matches).
    assert!(!rejection("regtest", Tamper::Witness).contains(merkle));
    // The duplicated last transaction of three keeps the root.
    assert!(!rejection("regtest", Tamper::Duplicate).contains("is not the header's"));
}

#[test]
fn a_deep_fetch_walks_several_headers_rounds() {
    let params =
        json!({"chain": "regtest", "height": 4100, "regtest_blocks": 4200, "peers": ["honest"]});
    let (report, sim) = run(params, json!({}), 1, Duration::from_secs(30));
    assert!(report.violation.is_none(), "{:?}", report.violation);
    let events = client_events(&sim);
    let rounds: Vec<(u32, u32)> = events
        .iter()
        .filter_map(|e| match e {
            Event::Headers { first, last, .. } => Some((*first, *last)),
            _ => None,
        })
        .collect();
    assert_eq!(rounds, [(1, 2000), (2001, 4000), (4001, 4200)]);
    assert_eq!(accepted(&events)[0].0, 4100);
}

#[test]
fn params_are_checked_and_named() {
    for (params, nodes, needle) in [
        (json!({"height": 439}), None, "params.height"),
        (json!({"peers": []}), None, "params.peers"),
        (json!({"peers": ["sneaky"]}), None, "unknown tampering"),
        (json!({"hieght": 3}), None, "hieght"),
        (json!({"regtest_blocks": 3}), None, "params.regtest_blocks"),
        (json!({"peers": ["honest"]}), Some(5), "nodes:"),
        (json!({"network": "testnet"}), None, "params.network"),
        (
            json!({"chain_file": "/nonexistent.blkdat"}),
            None,
            "params.chain_file: /nonexistent.blkdat",
        ),
    ] {
        let err = sim::simulate(
            &BitcoinProtocol,
            &BuildSpec {
                nodes,
                params: &params,
                config: SimConfig::default(),
                properties: None,
                wire_check: false,
            },
        )
        .err()
        .unwrap();
        assert!(err.contains(needle), "{params}: {err}");
    }
}

#[test]
fn peers_serve_a_chain_file_and_a_chainless_description_has_empty_peers() {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/bitcoin/blocks-0-438.blkdat"
    );
    let params = json!({"chain_file": file, "height": 300});
    let (report, sim) = run(params, json!({}), 2, Duration::from_secs(30));
    assert!(report.violation.is_none(), "{:?}", report.violation);
    let got = accepted(&client_events(&sim));
    assert_eq!(
        &*got[0].1,
        BlockStore::mainnet().block(300).unwrap().as_bytes()
    );
    // Chain `none`: the peers have nothing, the client never gets a block.
    let params = json!({"chain": "none", "network": "testnet", "height": 5, "peer_timeout": "1s"});
    let (report, sim) = run(params, json!({}), 2, Duration::from_secs(5));
    assert!(report.violation.is_none(), "{:?}", report.violation);
    let events = client_events(&sim);
    assert!(accepted(&events).is_empty());
    assert!(events.iter().any(
        |e| matches!(e, Event::PeerFailed { why, .. } if why.contains("has headers only up to height 0"))
    ), "{events:?}");
}

// ----- the client, one message at a time -----

fn peer(i: u8) -> SocketAddr {
    SocketAddr::from(([10, 0, 0, i], 8333))
}

fn client(peers: usize) -> Harness<BitcoinNode> {
    let store = BlockStore::mainnet();
    let cfg = ClientConfig {
        network: Network::Mainnet,
        genesis: store.genesis_hash(),
        height: 2,
        peers: (1..=peers as u8).map(peer).collect(),
        peer_timeout: Duration::from_secs(5),
        retry_after: Duration::from_secs(1),
        skip_merkle: false,
        verbose: false,
    };
    let mut h = Harness::new(BitcoinNode::Client(Box::new(Client::new(Arc::new(cfg)))));
    h.start();
    h
}

fn frame(msg: Message) -> Frame {
    Frame::encode(Network::Mainnet, &msg).unwrap()
}

fn sent(h: &mut Harness<BitcoinNode>) -> Vec<(SocketAddr, Message)> {
    h.take_sent()
        .into_iter()
        .map(|(to, f)| (to, f.decode(Network::Mainnet).unwrap()))
        .collect()
}

fn version() -> Message {
    Message::Version(Version {
        version: 70016,
        services: 9,
        timestamp: 0,
        receiver: NetAddr::new(peer(9), 0),
        sender: NetAddr::new(peer(1), 9),
        nonce: 1,
        user_agent: "/test/".into(),
        start_height: 2,
        relay: None,
    })
}

/// The peer the client opened its session with (it shuffles its peers).
fn session_peer(h: &mut Harness<BitcoinNode>) -> SocketAddr {
    let out = sent(h);
    assert!(matches!(out[..], [(_, Message::Version(_))]), "{out:?}");
    out[0].0
}

fn handshake(h: &mut Harness<BitcoinNode>) -> SocketAddr {
    let p = session_peer(h);
    h.deliver(p, frame(version()));
    h.deliver(p, frame(Message::Verack));
    p
}

#[test]
fn client_answers_ping_and_walks_on_through_chatter() {
    let mut h = client(1);
    let p = handshake(&mut h);
    let out = sent(&mut h);
    assert!(matches!(out[0].1, Message::Verack));
    let Message::GetHeaders(BlockLocator { hashes, .. }) = &out[1].1 else {
        panic!("{out:?}")
    };
    assert_eq!(hashes, &[BlockStore::mainnet().genesis_hash()]);
    for chatter in [
        Message::SendHeaders,
        Message::SendCmpct {
            announce: false,
            version: 2,
        },
        Message::FeeFilter(1000),
        Message::Addr(vec![TimedAddr {
            time: 1,
            addr: NetAddr::new(p, 1),
        }]),
        Message::Inv(vec![Inventory {
            kind: InvType::Tx,
            hash: BlockStore::mainnet().genesis_hash(),
        }]),
        Message::Ping(77),
    ] {
        h.deliver(p, frame(chatter));
    }
    assert_eq!(sent(&mut h), [(p, Message::Pong(77))]);
    let store = BlockStore::mainnet();
    let headers = vec![*store.header(1).unwrap(), *store.header(2).unwrap()];
    h.deliver(p, frame(Message::Headers(headers)));
    let out = sent(&mut h);
    assert!(
        matches!(&out[..], [(_, Message::GetData(items))] if items[0].hash == store.hash(2).unwrap()),
        "{out:?}"
    );
    h.deliver(p, frame(Message::Block(store.block(2).unwrap().clone())));
    let obs = h.take_observations();
    assert!(
        matches!(obs.last(), Some(Event::Accepted { height: 2, .. })),
        "{obs:?}"
    );
    assert_eq!(h.take_closed(), [p]);
}

#[test]
fn a_bad_checksum_is_rejected_and_the_next_peer_tried() {
    let mut h = client(2);
    let p = handshake(&mut h);
    h.take_sent();
    let mut bytes = frame(Message::Ping(1)).bytes().to_vec();
    bytes[23] ^= 1;
    h.deliver(p, Frame::from_bytes(&bytes));
    assert_eq!(h.take_closed(), [p]);
    let obs = h.take_observations();
    assert!(
        obs.iter()
            .any(|e| matches!(e, Event::Rejected { why, .. } if why.contains("checksum"))),
        "{obs:?}"
    );
    let next = session_peer(&mut h);
    assert_ne!(next, p);
    // The rejected peer is never tried again: the next round has one peer.
    h.connection(next, Connection::Refused);
    h.advance(Duration::from_secs(1));
    assert_eq!(session_peer(&mut h), next);
}

#[test]
fn silence_and_refusals_move_on_without_banning() {
    let mut h = client(2);
    let first = session_peer(&mut h);
    h.connection(first, Connection::Refused);
    let second = session_peer(&mut h);
    assert_ne!(first, second);
    // The second says nothing: after the timeout the round is over, and
    // after the pause both are tried again.
    h.advance(Duration::from_secs(5));
    assert!(sent(&mut h).is_empty());
    let obs = h.take_observations();
    assert!(
        obs.iter()
            .any(|e| matches!(e, Event::PeerFailed { why, .. } if why.contains("no answer"))),
        "{obs:?}"
    );
    assert!(
        matches!(obs.last(), Some(Event::Waiting { usable: 2 })),
        "{obs:?}"
    );
    assert!(h.has_timer(&Timer::Retry));
    h.advance(Duration::from_secs(1));
    assert_eq!(sent(&mut h).len(), 1);
}

#[test]
fn headers_that_do_not_link_are_a_lie() {
    let mut h = client(1);
    let p = handshake(&mut h);
    h.take_sent();
    let store = BlockStore::mainnet();
    h.deliver(p, frame(Message::Headers(vec![*store.header(2).unwrap()])));
    let obs = h.take_observations();
    assert!(
        obs.iter()
            .any(|e| matches!(e, Event::Rejected { why, .. } if why.contains("does not link"))),
        "{obs:?}"
    );
    assert!(matches!(obs.last(), Some(Event::GaveUp { .. })), "{obs:?}");
}
