//! The contract's newer guarantees in the simulator: late joins, stream
//! connections (refused, reset on crash, FIFO per connection) and
//! properties over the observation stream.

use sim::{
    virtual_addr, Connection, Ctx, Dur, Fault, Latency, Machine, Property, ScheduledFault,
    SimConfig, Simulation, Time, Transport,
};
use std::net::SocketAddr;
use std::time::Duration;

/// Node 0 sends `count` numbered messages to node 1 at start (and one per
/// second while `tick` is set); everyone reports what happens to it.
struct Probe {
    peer: Option<SocketAddr>,
    count: u64,
    tick: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Seen {
    Started(Time),
    Got(u64, Time),
    Conn(Connection, Time),
}

impl Machine for Probe {
    type Msg = u64;
    type Timer = ();
    type Obs = Seen;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        ctx.observe(Seen::Started(ctx.now()));
        if let Some(peer) = self.peer {
            for n in 0..self.count {
                ctx.send(peer, n);
            }
            if self.tick {
                ctx.set_timer(Duration::from_secs(1), ());
            }
        }
    }
    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, _from: SocketAddr, n: u64) {
        ctx.observe(Seen::Got(n, ctx.now()));
    }
    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, _: ()) {
        if let Some(peer) = self.peer {
            ctx.send(peer, 1000 + ctx.now().as_nanos() / 1_000_000_000);
            ctx.set_timer(Duration::from_secs(1), ());
        }
    }
    fn on_connection(&mut self, ctx: &mut Ctx<'_, Self>, _peer: SocketAddr, event: Connection) {
        ctx.observe(Seen::Conn(event, ctx.now()));
    }
}

fn two_nodes(config: SimConfig, count: u64, tick: bool, start_b: Time) -> Simulation<Probe> {
    let (a, b) = (virtual_addr(0, 1), virtual_addr(1, 1));
    let mut sim = Simulation::new(config);
    sim.add_node(a, move || Probe {
        peer: Some(b),
        count,
        tick,
    });
    sim.add_node_at(b, start_b, || Probe {
        peer: None,
        count: 0,
        tick: false,
    });
    sim
}

fn config(secs: u64) -> SimConfig {
    let mut c = SimConfig::default();
    c.stop.duration = Some(Dur::secs(secs));
    c
}

fn seen(sim: &Simulation<Probe>, node: usize) -> Vec<Seen> {
    sim.observations()
        .iter()
        .filter(|o| o.node == node)
        .map(|o| o.obs.clone())
        .collect()
}

#[test]
fn a_late_node_receives_nothing_before_it_starts_and_starts_on_time() {
    let five = Time::from_duration(Duration::from_secs(5));
    let mut sim = two_nodes(config(8), 1, true, five);
    let report = sim.run().unwrap();
    let b = seen(&sim, 1);
    assert_eq!(b.first(), Some(&Seen::Started(five)), "{b:?}");
    assert!(b.iter().all(|s| match s {
        Seen::Got(_, at) => *at > five,
        _ => true,
    }));
    // The message at 0 s and the ticks at 1..4 s found it down.
    assert_eq!(report.counters.dropped.get(sim::DropCause::NodeDown), 5);
    assert!(b.iter().any(|s| matches!(s, Seen::Got(1006, _))), "{b:?}");
}

#[test]
fn a_stream_send_to_a_down_peer_is_refused_to_the_sender() {
    let mut sim = two_nodes(
        config(3),
        1,
        false,
        Time::from_duration(Duration::from_secs(100)),
    );
    sim.set_transport(Transport::Stream);
    let report = sim.run().unwrap();
    let a = seen(&sim, 0);
    assert!(
        a.iter()
            .any(|s| matches!(s, Seen::Conn(Connection::Refused, _))),
        "{a:?}"
    );
    assert_eq!(report.counters.dropped.get(sim::DropCause::Refused), 1);
    // Datagrams have no connections: nothing is reported.
    let mut sim = two_nodes(
        config(3),
        1,
        false,
        Time::from_duration(Duration::from_secs(100)),
    );
    sim.run().unwrap();
    assert!(!seen(&sim, 0).iter().any(|s| matches!(s, Seen::Conn(..))));
}

#[test]
fn a_crash_resets_open_connections_at_both_ends() {
    let mut c = config(6);
    c.faults = vec![
        ScheduledFault {
            at: Dur::ms(2500),
            fault: Fault::Crash { node: 1 },
        },
        ScheduledFault {
            at: Dur::ms(4500),
            fault: Fault::Restart { node: 1 },
        },
    ];
    let mut sim = two_nodes(c, 1, true, Time(0));
    sim.set_transport(Transport::Stream);
    let report = sim.run().unwrap();
    let a = seen(&sim, 0);
    let closed_at: Vec<Time> = a
        .iter()
        .filter_map(|s| match s {
            Seen::Conn(Connection::Closed, at) => Some(*at),
            _ => None,
        })
        .collect();
    assert_eq!(
        closed_at,
        vec![Time::from_duration(Duration::from_millis(2500))],
        "{a:?}"
    );
    // Sends while node 1 is down are refused; after the restart a new
    // connection is established and messages flow again.
    assert!(report.counters.dropped.get(sim::DropCause::Refused) >= 1);
    let established = a
        .iter()
        .filter(|s| matches!(s, Seen::Conn(Connection::Established, _)))
        .count();
    assert_eq!(established, 2, "{a:?}");
    assert!(seen(&sim, 1)
        .iter()
        .any(|s| matches!(s, Seen::Got(1005, _))));
}

fn arrival_order(transport: Transport) -> Vec<u64> {
    let mut c = config(10);
    c.seed = 3;
    c.network.default.latency = Latency::Uniform {
        min: Dur::ms(1),
        max: Dur::ms(100),
    };
    let mut sim = two_nodes(c, 200, false, Time(0));
    sim.set_transport(transport);
    sim.run().unwrap();
    seen(&sim, 1)
        .iter()
        .filter_map(|s| match s {
            Seen::Got(n, _) => Some(*n),
            _ => None,
        })
        .collect()
}

#[test]
fn a_stream_connection_is_fifo_under_random_latency_and_datagrams_are_not() {
    let stream = arrival_order(Transport::Stream);
    assert_eq!(stream, (0..200).collect::<Vec<_>>());
    let datagrams = arrival_order(Transport::Datagram);
    assert_eq!(datagrams.len(), 200);
    assert!(
        datagrams.windows(2).any(|w| w[0] > w[1]),
        "random latency reorders datagrams"
    );
}

#[test]
fn properties_see_the_observation_stream_in_both_kinds() {
    let mut sim = two_nodes(config(5), 3, false, Time(0));
    sim.add_property(Property::always("at most two", |o| match o.obs {
        Seen::Got(n, _) if n >= 2 => Err(format!("got message {n}")),
        _ => Ok(()),
    }));
    let v = sim.run().unwrap().violation.expect("message 2 arrives");
    assert_eq!(v.property, "at most two");
    let mut sim = two_nodes(config(5), 3, false, Time(0));
    sim.add_property(Property::sometimes(
        "a restart",
        "node restarted twice",
        |o| matches!(o.obs, Seen::Started(t) if t > Time(0)),
    ));
    let v = sim.run().unwrap().violation.expect("nothing restarts");
    assert_eq!(v.property, "a restart");
    assert!(v.message.contains("never happened"), "{}", v.message);
}
