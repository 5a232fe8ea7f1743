use super::*;
use sim::{simulate, BuildSpec, SimConfig};

fn run(nodes: usize, tokens: u32, hops: u32, seed: u64) -> sim::Report {
    let params = serde_json::json!({ "tokens": tokens, "hops": hops });
    let spec = BuildSpec {
        nodes: Some(nodes),
        params: &params,
        config: SimConfig {
            seed,
            ..SimConfig::default()
        },
        properties: None,
        wire_check: false,
    };
    simulate(&HotPotatoProtocol, &spec).unwrap().run().unwrap()
}

#[test]
fn delivers_n_k_h_plus_one() {
    let r = run(10, 3, 20, 1);
    assert_eq!(r.counters.delivered, 10 * 3 * 21);
    assert_eq!(r.counters.observations, 30);
    assert_eq!(r.stop, sim::StopReason::Quiescent);
    assert!(r.conserves_messages());
    assert!(r.violation.is_none());
}

#[test]
fn same_seed_same_digest_different_seed_different_digest() {
    let a = run(20, 2, 50, 42);
    assert_eq!(a.digest, run(20, 2, 50, 42).digest);
    assert_ne!(a.digest, run(20, 2, 50, 43).digest);
}

#[test]
fn all_retire_counts_lost_and_duplicated_tokens() {
    // Loss and duplication: all-retire still holds (it accounts for both)...
    let params = serde_json::json!({ "tokens": 5, "hops": 30 });
    let mut config = SimConfig::default();
    config.network.default.loss = 0.02;
    config.network.default.duplicate = 0.02;
    let only = ["all-retire".to_string()];
    let spec = BuildSpec {
        nodes: Some(10),
        params: &params,
        config,
        properties: Some(&only),
        wire_check: true,
    };
    let r = simulate(&HotPotatoProtocol, &spec).unwrap().run().unwrap();
    assert!(r.counters.dropped.total() > 0 && r.counters.duplicated > 0);
    assert!(r.violation.is_none(), "{:?}", r.violation);
    // ...and a property that ignores them would fail: retire-once breaks
    // under duplication.
    let spec = BuildSpec {
        properties: None,
        ..spec
    };
    let v = simulate(&HotPotatoProtocol, &spec)
        .unwrap()
        .run()
        .unwrap()
        .violation
        .unwrap();
    assert_eq!(v.property, "retire-once");
}

#[test]
fn unknown_property_names_are_refused_with_the_valid_ones() {
    let params = serde_json::json!({});
    let wanted = ["all-retires".to_string()];
    let spec = BuildSpec {
        nodes: None,
        params: &params,
        config: SimConfig::default(),
        properties: Some(&wanted),
        wire_check: false,
    };
    let err = simulate(&HotPotatoProtocol, &spec).err().unwrap();
    assert!(err.contains("unknown property `all-retires`"), "{err}");
    assert!(err.contains("retire-once, all-retire"), "{err}");
}
