use super::*;
use sim::{simulate, BuildSpec, SimConfig};

fn scenario(name: &str) -> serde_json::Value {
    let (_, text) = ChordProtocol
        .scenarios()
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no scenario {name}"));
    serde_json::from_str(text).unwrap()
}

fn build(s: &serde_json::Value, seed: u64) -> sim::Simulation<ChordNode> {
    let config: SimConfig = SimConfig {
        seed,
        stop: serde_json::from_value(s["stop"].clone()).unwrap_or_default(),
        faults: serde_json::from_value(s["faults"].clone()).unwrap_or_default(),
        network: serde_json::from_value(s["network"].clone()).unwrap_or_default(),
        nemesis: serde_json::from_value(s["nemesis"].clone()).unwrap_or_default(),
        ..SimConfig::default()
    };
    let nodes = s["nodes"].as_u64().map(|n| n as usize);
    let spec = BuildSpec {
        nodes,
        params: &s["params"],
        config,
        properties: None,
        wire_check: true,
    };
    simulate(&ChordProtocol, &spec).unwrap()
}

fn fingers(sim: &sim::Simulation<ChordNode>, i: usize) -> Vec<u128> {
    let r = sim.node(i).unwrap().overlay().routing();
    (1..=r.space().bits())
        .map(|k| r.finger(k).unwrap().id().to_u128().unwrap())
        .collect()
}

#[test]
fn course_small_finger_tables_equal_the_papers_figure_5a() {
    let s = scenario("chord-course-small");
    let mut sim = build(&s, 1);
    let report = sim.run().unwrap();
    assert!(report.violation.is_none(), "{:?}", report.violation);
    for (i, want) in [[1, 3, 6], [3, 3, 6], [6, 6, 0], [0, 0, 3]].iter().enumerate() {
        assert_eq!(&fingers(&sim, i), want, "node {i}");
    }
}

#[test]
fn churn_passes() {
    let s = scenario("chord-churn");
    for seed in 0..3 {
        let mut sim = build(&s, seed);
        let report = sim.run().unwrap();
        let obs = sim.observations();
        let count = |f: &dyn Fn(&Event) -> bool| obs.iter().filter(|o| f(&o.obs)).count();
        eprintln!(
            "seed {seed}: {:?} events {} stored {} found {} lookups {} failed {}",
            report.violation,
            report.counters.events,
            count(&|e| matches!(e, Event::Stored { .. })),
            count(&|e| matches!(e, Event::Found { .. })),
            count(&|e| matches!(e, Event::Lookup { .. })),
            count(&|e| matches!(e, Event::LookupFailed { .. })),
        );
        assert!(report.violation.is_none(), "seed {seed}: {:?}", report.violation);
    }
}
