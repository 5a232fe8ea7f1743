use super::*;
use sim::{AnyProtocol, BuildSpec, Fault, ScheduledFault, SimConfig};

fn run(
    params: serde_json::Value,
    faults: Vec<ScheduledFault>,
    secs: u64,
    seed: u64,
) -> sim::Report {
    let mut config = SimConfig {
        seed,
        faults,
        ..SimConfig::default()
    };
    config.stop.duration = Some(Dur::secs(secs));
    let mut sim = BullyProtocol
        .build_sim(&BuildSpec {
            nodes: Some(5),
            params: &params,
            config,
            properties: None,
            wire_check: true,
        })
        .unwrap();
    sim.run().unwrap()
}

fn split(at: u64) -> ScheduledFault {
    ScheduledFault {
        at: Dur::secs(at),
        fault: Fault::Partition {
            a: vec![1, 3, 5],
            b: vec![2, 4],
            one_way: false,
        },
    }
}

#[test]
fn default_identities_are_valid_distinct_and_not_in_node_order() {
    let pids: Vec<Pid> = (1..=5).map(default_pid).collect();
    assert!(check_pids(&pids.iter().map(|p| (p.days, p.id)).collect::<Vec<_>>(), 5).is_ok());
    let mut sorted = pids.clone();
    sorted.sort();
    assert_ne!(sorted, pids);
    assert_eq!(pids.iter().max(), Some(&default_pid(2)));
}

#[test]
fn bad_params_are_named() {
    for (params, expect) in [
        (
            serde_json::json!({"failure_timeout": "1s"}),
            "failure_timeout",
        ),
        (
            serde_json::json!({"pids": [[1, 1000000]]}),
            "1 identities for 5 peers",
        ),
        (
            serde_json::json!({"pids": [[1, 1000000], [2, 1000000], [3, 1000002], [4, 1000003], [5, 1000004]]}),
            "used twice",
        ),
        (
            serde_json::json!({"pids": [[0, 1000000], [2, 1000001], [3, 1000002], [4, 1000003], [5, 1000004]]}),
            "pids[0]",
        ),
        (serde_json::json!({"bug": "off-by-one"}), "off-by-one"),
        (serde_json::json!({"profile": "f20"}), "f20"),
        (
            serde_json::json!({"timing": {"probe_every": {"min": "3s", "max": "1s"}}}),
            "probe_every",
        ),
    ] {
        let err = BullyProtocol
            .build_sim(&BuildSpec {
                nodes: Some(5),
                params: &params,
                config: SimConfig::default(),
                properties: None,
                wire_check: false,
            })
            .err()
            .unwrap();
        assert!(err.contains(expect), "{params}: {err}");
    }
}

#[test]
fn a_lasting_partition_keeps_one_leader_per_side_without_violation() {
    let report = run(serde_json::json!({}), vec![split(3)], 30, 4);
    assert!(report.violation.is_none(), "{:?}", report.violation);
}

#[test]
fn one_leader_reports_two_leaders_when_the_settle_time_is_too_short() {
    // After the heal the lower leader needs up to a probe interval to
    // notice the higher one: a 1 ms settle time catches both leading.
    let heal = ScheduledFault {
        at: Dur::secs(10),
        fault: Fault::Heal,
    };
    let report = run(
        serde_json::json!({"settle": "1ms"}),
        vec![split(3), heal],
        30,
        4,
    );
    let v = report.violation.expect("two leaders after the heal");
    assert_eq!(v.property, "one-leader");
    assert!(
        v.message.contains("both consider themselves leader"),
        "{}",
        v.message
    );
}
