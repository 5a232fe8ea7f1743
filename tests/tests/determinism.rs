//! Same scenario and seed, same digest; a nondeterministic node is caught.

use proptest::prelude::*;
use scenarios::runner;
use sim::{
    check_determinism, virtual_addr, Ctx, Dur, Erased, Fault, Latency, LinkModel, Machine,
    NemesisConfig, ScheduledFault, SimConfig, Simulation,
};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

fn digest(name: &str, seed: u64) -> String {
    let scenario = runner::resolve(name).unwrap().scenario;
    runner::build(&scenario, seed)
        .unwrap()
        .run()
        .unwrap()
        .digest
}

#[test]
fn same_seed_same_digest_three_times_and_seeds_differ() {
    for name in ["hot-potato", "hot-potato-faults"] {
        let first = digest(name, 11);
        assert_eq!(first, digest(name, 11), "{name}");
        assert_eq!(first, digest(name, 11), "{name}");
        assert_ne!(first, digest(name, 12), "{name}: another seed, another run");
    }
}

/// Iterates a `HashMap` with a random hasher state: its send order (and so
/// the event history) changes from run to run.
struct Sloppy {
    peers: Vec<SocketAddr>,
}

impl Machine for Sloppy {
    type Msg = u32;
    type Timer = ();
    type Obs = ();

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        ctx.set_timer(Duration::from_millis(10), ());
    }
    fn on_message(&mut self, _: &mut Ctx<'_, Self>, _: SocketAddr, _: u32) {}
    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, _: ()) {
        let map: HashMap<SocketAddr, u32> = self
            .peers
            .iter()
            .enumerate()
            .map(|(i, a)| (*a, i as u32))
            .collect();
        for (addr, n) in map {
            ctx.send(addr, n);
        }
    }
}

#[test]
fn check_determinism_names_the_first_differing_event() {
    let build = || -> Result<Box<dyn sim::AnySimulation>, String> {
        let peers: Vec<SocketAddr> = (0..16).map(|i| virtual_addr(i, 5)).collect();
        let mut config = SimConfig::default();
        config.network.default.latency = Latency::Constant { value: Dur::ms(1) };
        let mut sim = Simulation::new(config);
        for addr in &peers {
            let p = peers.clone();
            sim.add_node(*addr, move || Sloppy { peers: p.clone() });
        }
        Ok(Box::new(Erased::with_debug(sim)))
    };
    // A random hasher state makes two runs differ with overwhelming probability;
    // try a few times so the test cannot pass by luck of equal orders.
    let mut caught = None;
    for _ in 0..5 {
        let check = check_determinism(build).unwrap();
        if !check.is_deterministic() {
            caught = Some(check);
            break;
        }
    }
    let check = caught.expect("iterating a HashMap must make runs differ");
    let (a, b) = check.divergence.expect("a first differing event");
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(
        a.time_ns, 10_000_000,
        "it diverges at the first timer, 10 ms in"
    );
    assert!(a.summary != b.summary || a.node != b.node || a.to != b.to);
}

#[test]
fn check_determinism_passes_a_deterministic_scenario() {
    let scenario = runner::resolve("hot-potato-faults").unwrap().scenario;
    let check = check_determinism(|| runner::build(&scenario, 5)).unwrap();
    assert!(check.is_deterministic());
}

fn latency() -> impl Strategy<Value = Latency> {
    prop_oneof![
        (0u64..20).prop_map(|ms| Latency::Constant { value: Dur::ms(ms) }),
        (0u64..10, 0u64..10).prop_map(|(a, b)| Latency::Uniform {
            min: Dur::ms(a.min(b)),
            max: Dur::ms(a.max(b))
        }),
        (1u64..10, 0u64..10).prop_map(|(m, s)| Latency::Normal {
            mean: Dur::ms(m),
            std_dev: Dur::ms(s)
        }),
        (1u64..5, 1u32..30).prop_map(|(m, shape)| Latency::Pareto {
            min: Dur::ms(m),
            shape: shape as f64 / 10.0,
            cap: Dur::secs(1)
        }),
    ]
}

fn fault(nodes: usize) -> impl Strategy<Value = ScheduledFault> {
    let node = 0..nodes;
    let kind = prop_oneof![
        node.clone().prop_map(|node| Fault::Crash { node }),
        node.clone().prop_map(|node| Fault::Restart { node }),
        node.clone().prop_map(|node| Fault::Pause { node }),
        node.clone().prop_map(|node| Fault::Resume { node }),
        (
            proptest::collection::vec(node.clone(), 1..3),
            proptest::collection::vec(node, 1..3),
            any::<bool>()
        )
            .prop_map(|(a, b, one_way)| Fault::Partition { a, b, one_way }),
        Just(Fault::Heal),
    ];
    (0u64..3000, kind).prop_map(|(ms, fault)| ScheduledFault {
        at: Dur::ms(ms),
        fault,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random networks and fault schedules: runs are deterministic and every
    /// message is accounted for (sent + duplicated = delivered + dropped + in flight).
    #[test]
    fn runs_are_deterministic_and_conserve_messages(
        seed in any::<u64>(),
        latency in latency(),
        loss in 0.0f64..0.5,
        duplicate in 0.0f64..0.3,
        fifo in any::<bool>(),
        faults in proptest::collection::vec(fault(6), 0..8),
        nemesis in any::<bool>(),
        stop_ms in 3000u64..4000,
    ) {
        // Faults are drawn below 3 s and the nemesis ends at 2 s: all within
        // the run (a fault after the stop is refused).
        let scenario = runner::resolve("hot-potato").unwrap().scenario;
        let mut s = scenario.clone();
        s.nodes = Some(6);
        s.params = serde_json::json!({"tokens": 3, "hops": 40});
        s.network.default = LinkModel { latency, loss, duplicate, fifo };
        s.faults = faults;
        s.nemesis = nemesis.then(|| NemesisConfig {
            crash_rate: 1.0,
            pause_rate: 1.0,
            partition_rate: 0.5,
            until: Dur::ms(2000),
            ..serde_json::from_str(r#"{"until": "2s"}"#).unwrap()
        });
        s.stop.duration = Some(Dur::ms(stop_ms));
        s.properties = Some(vec![]);
        let a = runner::build(&s, seed).unwrap().run().unwrap();
        let b = runner::build(&s, seed).unwrap().run().unwrap();
        prop_assert_eq!(&a.digest, &b.digest);
        prop_assert_eq!(&a.counters, &b.counters);
        prop_assert!(a.conserves_messages(), "{:?} in flight {}", a.counters, a.in_flight);
    }
}
