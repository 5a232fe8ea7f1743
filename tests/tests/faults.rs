//! Each fault kind has a visible effect.

mod common;

use common::{config, pair, received, Obs, TICK_MS};
use sim::{Dur, Fault, LinkModel, ScheduledFault, SignedDur, Time};

fn at(ms: u64, fault: Fault) -> ScheduledFault {
    ScheduledFault {
        at: Dur::ms(ms),
        fault,
    }
}

#[test]
fn clean_network_delivers_everything() {
    let mut sim = pair(config(1, 2));
    let r = sim.run().unwrap();
    // Ticks at 100..=2000 ms; the last message may still be in flight.
    let got = received(&sim, 0, 1);
    assert!(got.len() >= 19, "{got:?}");
    assert_eq!(got, (0..got.len() as u64).collect::<Vec<_>>());
    assert!(r.conserves_messages());
    assert_eq!(r.counters.dropped.total(), 0);
}

#[test]
fn loss_one_delivers_nothing() {
    let mut c = config(1, 2);
    c.network.default.loss = 1.0;
    let mut sim = pair(c);
    let r = sim.run().unwrap();
    assert!(r.counters.sent >= 38);
    assert_eq!(r.counters.delivered, 0);
    assert_eq!(
        r.counters.dropped.get(sim::DropCause::Loss),
        r.counters.sent
    );
}

#[test]
fn one_way_partition_blocks_one_direction_and_heal_restores() {
    let mut c = config(2, 3);
    c.faults = vec![
        at(
            1000,
            Fault::Partition {
                a: vec![0],
                b: vec![1],
                one_way: true,
            },
        ),
        at(2000, Fault::Heal),
    ];
    let mut sim = pair(c);
    sim.run().unwrap();
    let a_to_b: Vec<Time> = sim
        .observations()
        .iter()
        .filter(|o| o.node == 1 && matches!(o.obs, Obs::Got { .. }))
        .map(|o| o.time)
        .collect();
    let b_to_a: Vec<Time> = sim
        .observations()
        .iter()
        .filter(|o| o.node == 0 && matches!(o.obs, Obs::Got { .. }))
        .map(|o| o.time)
        .collect();
    let in_window = |t: &Time| t.as_nanos() > 1_010_000_000 && t.as_nanos() < 2_000_000_000;
    assert_eq!(
        a_to_b.iter().filter(|t| in_window(t)).count(),
        0,
        "0 -> 1 is blocked"
    );
    assert!(
        b_to_a.iter().filter(|t| in_window(t)).count() >= 9,
        "1 -> 0 still flows"
    );
    assert!(
        a_to_b.iter().any(|t| t.as_nanos() > 2_010_000_000),
        "heal restores 0 -> 1"
    );
}

#[test]
fn crash_cancels_timers_and_loses_in_flight_messages() {
    let mut c = config(3, 3);
    // Constant 50 ms latency: a message sent at 1000 ms is in flight at 1020 ms.
    c.network.default.latency = sim::Latency::Constant { value: Dur::ms(50) };
    c.faults = vec![at(1020, Fault::Crash { node: 1 })];
    let mut sim = pair(c);
    let r = sim.run().unwrap();
    let ticks_of_1 = sim
        .observations()
        .iter()
        .filter(|o| o.node == 1 && matches!(o.obs, Obs::Tick { .. }))
        .count();
    assert_eq!(
        ticks_of_1, 10,
        "node 1 ticked until its crash, then its timers were cancelled"
    );
    assert!(sim.node(1).is_none());
    assert!(
        r.counters.dropped.get(sim::DropCause::NodeDown) >= 20,
        "messages to the dead node are lost"
    );
    let got = received(&sim, 0, 1);
    assert_eq!(
        got.len(),
        9,
        "the message sent at 1000 ms was in flight and lost: {got:?}"
    );
}

#[test]
fn restart_runs_start_again_on_fresh_state() {
    let mut c = config(4, 3);
    c.faults = vec![
        at(1000, Fault::Crash { node: 1 }),
        at(1500, Fault::Restart { node: 1 }),
    ];
    let mut sim = pair(c);
    sim.run().unwrap();
    let starts = sim
        .observations()
        .iter()
        .filter(|o| o.node == 1 && o.obs == Obs::Started)
        .count();
    assert_eq!(starts, 2);
    // Fresh state: numbering starts from 0 again after the restart.
    let got = received(&sim, 1, 0);
    let second_life = got.iter().rposition(|&n| n == 0).unwrap();
    assert!(second_life > 0, "numbering restarts from 0: {got:?}");
    assert_eq!(
        got[second_life..],
        (0..(got.len() - second_life) as u64).collect::<Vec<_>>()[..]
    );
    assert!(sim.node(1).is_some_and(|t| t.sent < 20));
}

#[test]
fn pause_delays_processing_until_resume() {
    let mut c = config(5, 3);
    c.faults = vec![
        at(1000, Fault::Pause { node: 1 }),
        at(1500, Fault::Resume { node: 1 }),
    ];
    let mut sim = pair(c);
    let r = sim.run().unwrap();
    let node1: Vec<(u64, bool)> = sim
        .observations()
        .iter()
        .filter(|o| o.node == 1)
        .map(|o| (o.time.as_nanos(), matches!(o.obs, Obs::Got { .. })))
        .collect();
    assert!(
        !node1
            .iter()
            .any(|&(t, _)| t > 1_000_000_000 && t < 1_500_000_000),
        "a paused node processes nothing"
    );
    let at_resume = node1
        .iter()
        .filter(|&&(t, got)| t == 1_500_000_000 && got)
        .count();
    assert!(
        at_resume >= 4,
        "messages that arrived during the pause are processed at resume: {at_resume}"
    );
    assert_eq!(r.counters.dropped.total(), 0, "a pause loses nothing");
}

#[test]
fn duplication_delivers_twice() {
    let mut c = config(6, 2);
    c.network.default.duplicate = 1.0;
    let mut sim = pair(c);
    let r = sim.run().unwrap();
    assert_eq!(r.counters.duplicated, r.counters.sent);
    let got = received(&sim, 0, 1);
    for n in 0..10 {
        assert_eq!(
            got.iter().filter(|&&x| x == n).count(),
            2,
            "message {n} twice: {got:?}"
        );
    }
    assert!(r.conserves_messages());
}

#[test]
fn skew_and_drift_change_wall_clock_never_now() {
    let mut c = config(7, 2);
    c.faults = vec![
        at(
            500,
            Fault::Skew {
                node: 1,
                offset: SignedDur(-3_000_000_000),
            },
        ),
        at(
            500,
            Fault::Drift {
                node: 0,
                ppm: 1000.0,
            },
        ),
    ];
    let mut sim = pair(c);
    sim.run().unwrap();
    let epoch = sim.config().wall_clock_start * 1_000_000_000;
    for o in sim.observations() {
        if let Obs::Tick { wall, now_ns, .. } = o.obs {
            assert_eq!(
                now_ns,
                o.time.as_nanos(),
                "now() is virtual time, untouched"
            );
            assert_eq!(now_ns % (TICK_MS * 1_000_000), 0);
            // Faults scheduled at 500 ms apply before the tick at 500 ms.
            let expected = match (o.node, now_ns >= 500_000_000) {
                (1, true) => epoch + now_ns as i64 - 3_000_000_000,
                (0, true) => epoch + now_ns as i64 + now_ns as i64 / 1000,
                _ => epoch + now_ns as i64,
            };
            assert_eq!(wall.as_nanos(), expected, "node {} at {now_ns}", o.node);
        }
    }
}

#[test]
fn per_link_override_applies_to_one_link_only() {
    let mut c = config(8, 2);
    c.network.links = vec![sim::LinkOverride {
        from: 1,
        to: 0,
        model: LinkModel {
            loss: 1.0,
            ..LinkModel::default()
        },
    }];
    let mut sim = pair(c);
    sim.run().unwrap();
    assert!(received(&sim, 1, 0).is_empty());
    assert!(received(&sim, 0, 1).len() >= 19);
}
