//! The forex scenarios with every property checked, and the planted bugs a
//! seed sweep must catch.

mod sweep_support;

use scenarios::runner;
use scenarios::scenario::Scenario;

const NAMED: [&str; 6] = [
    "forex-steady",
    "forex-lossy",
    "forex-lease",
    "forex-provider-restart",
    "forex-skew",
    "forex-many-subscribers",
];

fn lines_with(sim: &dyn sim::AnySimulation, text: &str) -> Vec<sim::RenderedObservation> {
    sim.observations()
        .into_iter()
        .filter(|o| o.text.contains(text))
        .collect()
}

#[test]
fn named_scenarios_hold_every_property_for_a_handful_of_seeds() {
    for name in NAMED {
        let scenario = runner::resolve(name).unwrap().scenario;
        assert!(scenario.wire_check, "{name} exercises the binary codec");
        assert!(
            scenario.properties.is_none(),
            "{name} checks every property"
        );
        for seed in 0..4 {
            let (report, sim) = runner::run(&scenario, seed, None).unwrap();
            assert!(
                report.violation.is_none(),
                "{name} seed {seed}: {:?}",
                report.violation
            );
            assert!(
                report.liveness_unchecked.is_empty(),
                "{name} seed {seed}: liveness not checked: {:?}",
                report.liveness_unchecked
            );
            let subscribers = sim.node_count() - 1;
            let arbitrages = lines_with(sim.as_ref(), "ARBITRAGE:");
            let reporting: std::collections::BTreeSet<usize> =
                arbitrages.iter().map(|o| o.node).collect();
            assert_eq!(
                reporting.len(),
                subscribers,
                "{name} seed {seed}: every subscriber reports arbitrage"
            );
            assert!(
                arbitrages
                    .iter()
                    .all(|o| o.text.contains("start with USD 100")
                        && o.text
                            .trim_end()
                            .lines()
                            .nth_back(1)
                            .is_some_and(|l| l.contains("--> USD"))),
                "{name} seed {seed}: reports run from USD back to USD"
            );
        }
    }
}

#[test]
fn short_leases_are_renewed() {
    let scenario = runner::resolve("forex-lease").unwrap().scenario;
    let (report, sim) = runner::run(&scenario, 2, None).unwrap();
    assert!(report.violation.is_none(), "{:?}", report.violation);
    let registrations = lines_with(sim.as_ref(), "registering subscription");
    // 60 s with a 4 s lease: at least 60/4 renewals per subscriber are needed.
    assert!(registrations.len() >= 2 * 15, "{}", registrations.len());
    assert!(lines_with(sim.as_ref(), "subscription expired").is_empty());
}

#[test]
fn subscribers_come_back_after_a_provider_restart() {
    let scenario = runner::resolve("forex-provider-restart").unwrap().scenario;
    let (report, sim) = runner::run(&scenario, 3, None).unwrap();
    assert!(report.violation.is_none(), "{:?}", report.violation);
    let after =
        |secs: u64| move |o: &sim::RenderedObservation| o.time.as_nanos() > secs * 1_000_000_000;
    let again: Vec<_> = lines_with(sim.as_ref(), "registering subscription")
        .into_iter()
        .filter(after(18))
        .collect();
    assert!(again.len() >= 2, "both subscribers resubscribe: {again:?}");
    assert!(lines_with(sim.as_ref(), "ARBITRAGE:").iter().any(after(20)));
}

#[test]
fn unknown_params_and_properties_are_named() {
    let bad = |json: &str| {
        let scenario = Scenario::parse("t.json", json).unwrap();
        runner::build(&scenario, 0).err().unwrap()
    };
    let e = bad(r#"{"protocol": "forex", "params": {"lyout": "a"}}"#);
    assert!(e.contains("lyout"), "{e}");
    let e = bad(r#"{"protocol": "forex", "params": {"layout": "c"}}"#);
    assert!(e.contains("layout") || e.contains("`c`"), "{e}");
    let e = bad(r#"{"protocol": "forex", "params": {"bug": "typo"}}"#);
    assert!(e.contains("typo"), "{e}");
    let e = bad(r#"{"protocol": "forex", "params": {"tolerance": -1.0}}"#);
    assert!(e.contains("tolerance"), "{e}");
    let e = bad(r#"{"protocol": "forex", "nodes": 1}"#);
    assert!(e.contains("nodes"), "{e}");
    let e = bad(r#"{"protocol": "forex", "properties": ["arbitrage-fast"]}"#);
    assert!(e.contains("arbitrage-fast"), "{e}");
}

/// A short run: one provider, one subscriber, 15 s.
fn short(bug: &str) -> Scenario {
    Scenario::parse(
        "planted.json",
        &format!(
            r#"{{"protocol": "forex", "nodes": 2, "params": {{"bug": "{bug}"}},
                "wire_check": true, "stop": {{"duration": "15s"}}}}"#
        ),
    )
    .unwrap()
}

/// The first seed below 1000 whose run violates a property, with the
/// property, found by the same sweep as `dsim sweep --seeds 0..1000`.
fn first_failure(scenario: &Scenario) -> Option<(u64, String)> {
    sweep_support::first_failure(scenario, 1000).map(|(seed, property, _)| (seed, property))
}

#[test]
fn planted_bugs_are_caught_and_the_correct_subscriber_passes_1000_seeds() {
    let (_, property) = first_failure(&short("sequence-per-datagram"))
        .expect("a per-datagram sequence check is caught within 1000 seeds");
    assert!(property.starts_with("arbitrage-"), "{property}");
    // Each of the two arbitrage properties catches it on its own.
    for only in ["arbitrage-sound", "arbitrage-complete"] {
        let mut scenario = short("sequence-per-datagram");
        scenario.properties = Some(vec![only.to_string()]);
        let (_, property) = first_failure(&scenario)
            .unwrap_or_else(|| panic!("{only} alone catches the per-datagram check"));
        assert_eq!(property, only);
    }
    let (_, property) = first_failure(&short("no-staleness"))
        .expect("a subscriber that never expires quotes is caught within 1000 seeds");
    assert_eq!(property, "arbitrage-sound");
    assert_eq!(first_failure(&short("none")), None);
}

#[test]
fn the_lossy_scenario_loses_datagrams_and_meets_old_and_stale_quotes() {
    let mut scenario = runner::resolve("forex-lossy").unwrap().scenario;
    scenario.params["print_quotes"] = serde_json::Value::Bool(true);
    let (report, sim) = runner::run(&scenario, 1, None).unwrap();
    assert!(report.violation.is_none(), "{:?}", report.violation);
    assert!(report.counters.dropped.total() > 0);
    for line in [
        "ignoring out-of-sequence message",
        "removing stale quote for (",
        "ARBITRAGE:",
    ] {
        assert!(!lines_with(sim.as_ref(), line).is_empty(), "no `{line}`");
    }
}

#[test]
fn leases_survive_heavy_loss() {
    let scenario = Scenario::parse(
        "heavy-loss.json",
        r#"{"protocol": "forex", "nodes": 3, "params": {"lease": "4s"},
            "network": {"default": {"loss": 0.45}},
            "properties": ["lease-kept"], "wire_check": true, "stop": {"duration": "60s"}}"#,
    )
    .unwrap();
    for seed in 0..20 {
        let (report, sim) = runner::run(&scenario, seed, None).unwrap();
        assert!(
            report.violation.is_none(),
            "seed {seed}: {:?}",
            report.violation
        );
        assert!(report.counters.dropped.total() > 100, "seed {seed}");
        assert!(
            lines_with(sim.as_ref(), "ARBITRAGE:").len() > 10,
            "seed {seed}"
        );
    }
}

#[test]
fn properties_hold_through_crashes_pauses_restarts_and_duplicates() {
    let scenario = Scenario::parse(
        "chaos.json",
        r#"{"protocol": "forex", "nodes": 4, "params": {"lease": "5s"},
            "network": {"default": {"loss": 0.1, "duplicate": 0.2,
                "latency": {"kind": "pareto", "min": "2ms", "shape": 0.8, "cap": "2500ms"}}},
            "nemesis": {"crash_rate": 0.2, "pause_rate": 0.2, "until": "40s", "max_down": 2},
            "wire_check": true, "stop": {"duration": "60s"}}"#,
    )
    .unwrap();
    for seed in 0..8 {
        let (report, _) = runner::run(&scenario, seed, None).unwrap();
        assert!(
            report.violation.is_none(),
            "seed {seed}: {:?}",
            report.violation
        );
        assert!(report.counters.faults > 5, "seed {seed}");
        assert!(report.counters.duplicated > 0, "seed {seed}");
        assert!(report.liveness_unchecked.is_empty(), "seed {seed}");
    }
}
