//! The forex provider and subscriber on real UDP sockets on loopback: quotes
//! arrive and arbitrage is reported; bad datagrams are counted and logged.

use net_real::{run_cluster, ClusterConfig, Flow, LiveEvent, LogKind, Transport};
use protocols::forex::records::{self, Layout};
use protocols::forex::{
    Currency, Event, ForexCodec, ForexNode, Market, Provider, ProviderConfig, Quote, Subscriber,
    SubscriberConfig,
};
use std::net::{SocketAddr, UdpSocket};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[test]
fn quotes_arrive_over_udp_and_an_arbitrage_is_reported() {
    for layout in [Layout::A, Layout::B] {
        let mut config = ClusterConfig::loopback(Transport::Udp, 2);
        config.duration = Duration::from_secs(20);
        config.seed = Some(11);
        let provider = ProviderConfig {
            layout,
            ..ProviderConfig::default()
        };
        let mut events = Vec::new();
        let report = run_cluster(
            config,
            move |i, book| match i {
                0 => ForexNode::Provider(Provider::new(provider.clone())),
                _ => ForexNode::Subscriber(Subscriber::new(SubscriberConfig::new(
                    book[0],
                    Duration::from_secs(600),
                ))),
            },
            ForexCodec::new(layout),
            |event| match event {
                LiveEvent::Observed(o) => {
                    let done = matches!(o.obs, Event::Arbitrage { .. });
                    events.push(o);
                    if done {
                        Flow::Stop
                    } else {
                        Flow::Continue
                    }
                }
                LiveEvent::Log(entry) => {
                    assert_ne!(entry.kind, LogKind::Decode, "{entry}");
                    Flow::Continue
                }
                LiveEvent::Listening { .. } => Flow::Continue,
            },
        )
        .unwrap();
        assert_eq!(report.counters.decode_errors, 0);
        let subscriber = report.addrs[1];
        assert!(events.iter().any(|o| o.node == 0
            && o.obs
                == Event::Subscribed {
                    subscriber,
                    renewal: false
                }));
        let quotes = events
            .iter()
            .filter(|o| matches!(o.obs, Event::Quote { .. }))
            .count();
        assert!(quotes >= 2, "{layout:?}: {quotes} quotes");
        let arbitrage = events.iter().find_map(|o| match &o.obs {
            Event::Arbitrage { route } => Some(route),
            _ => None,
        });
        let Some(route) = arbitrage else {
            panic!("{layout:?}: no arbitrage in {events:?}")
        };
        assert_eq!(route.start(), Currency::USD);
        assert_eq!(route.hops.last().unwrap().to, Currency::USD);
        assert!(route.gain() > 1.0 + 1e-9, "{}", route.gain());
    }
}

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64
}

fn datagram(quotes: &[Quote]) -> Vec<u8> {
    let mut bytes = Vec::new();
    records::encode_quotes(Layout::A, quotes, &mut bytes).unwrap();
    bytes
}

/// A hand-made provider socket: answers the subscription with garbage, a
/// NaN rate, a datagram from far in the future, then a real arbitrage.
#[test]
fn bad_datagrams_are_counted_and_logged_and_good_ones_still_served() {
    let fake = UdpSocket::bind("127.0.0.1:0").unwrap();
    fake.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let provider = fake.local_addr().unwrap();
    let feeder = thread::spawn(move || {
        let mut buf = [0u8; 64];
        let (n, _) = fake.recv_from(&mut buf).expect("a subscription");
        assert_eq!(n, 6);
        let target = SocketAddr::V4(records::decode_subscription(&buf[..6]).unwrap());
        let q = |base, quote, rate, ts| Quote {
            market: Market::new(base, quote),
            rate,
            timestamp_us: ts,
        };
        let now = now_us();
        let arbitrage = datagram(&[
            q(Currency::EUR, Currency::USD, 2.0, now),
            q(Currency::USD, Currency::GBP, 0.25, now),
            q(Currency::EUR, Currency::GBP, 0.55, now),
        ]);
        let mut nan = arbitrage.clone();
        nan[14..22].copy_from_slice(&f64::NAN.to_le_bytes());
        let future = datagram(&[q(Currency::EUR, Currency::USD, 1.0, now + 3_600_000_000)]);
        for bytes in [&arbitrage[..33], &nan[..], &future[..], &arbitrage[..]] {
            fake.send_to(bytes, target).unwrap();
            thread::sleep(Duration::from_millis(20));
        }
        target
    });
    let mut config = ClusterConfig::loopback(Transport::Udp, 2);
    config.addrs[0] = provider;
    config.local = Some(vec![1]);
    config.duration = Duration::from_secs(15);
    let mut observed = Vec::new();
    let mut logs = Vec::new();
    let report = run_cluster(
        config,
        |_, book| {
            ForexNode::Subscriber(Subscriber::new(SubscriberConfig::new(
                book[0],
                Duration::from_secs(600),
            )))
        },
        ForexCodec::new(Layout::A),
        |event| match event {
            LiveEvent::Observed(o) => {
                let done = matches!(o.obs, Event::Arbitrage { .. });
                observed.push(o.obs);
                if done {
                    Flow::Stop
                } else {
                    Flow::Continue
                }
            }
            LiveEvent::Log(entry) => {
                logs.push(entry);
                Flow::Continue
            }
            LiveEvent::Listening { .. } => Flow::Continue,
        },
    )
    .unwrap();
    let target = feeder.join().unwrap();
    assert_eq!(target, report.addrs[1]);
    assert_eq!(target.ip(), std::net::Ipv4Addr::LOCALHOST);
    assert_eq!(report.counters.decode_errors, 2, "{logs:?}");
    let decode: Vec<&str> = logs
        .iter()
        .filter(|l| l.kind == LogKind::Decode && l.peer == Some(provider))
        .map(|l| l.message.as_str())
        .collect();
    assert!(
        decode
            .iter()
            .any(|m| m.contains("bad-length") && m.contains("33 bytes")),
        "{decode:?}"
    );
    assert!(
        decode
            .iter()
            .any(|m| m.contains("bad-rate") && m.contains("NaN")),
        "{decode:?}"
    );
    let future = observed.iter().find_map(|e| match e {
        Event::Rejected { reason } => Some(reason.kind()),
        _ => None,
    });
    assert_eq!(future, Some("future-timestamp"));
    let gain = observed.iter().find_map(|e| match e {
        Event::Arbitrage { route } => Some(route.gain()),
        _ => None,
    });
    assert!(gain.is_some_and(|g| (g - 1.1).abs() < 1e-9), "{gain:?}");
}
