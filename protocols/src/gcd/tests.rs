use super::*;
use sim::{AnyProtocol, BuildSpec, Fault, SimConfig};

fn run(members: usize, faults: Vec<sim::ScheduledFault>, seed: u64) -> (sim::Report, Vec<String>) {
    let params = serde_json::json!({});
    let mut config = SimConfig {
        seed,
        faults,
        ..SimConfig::default()
    };
    config.stop.duration = Some(Dur::secs(20));
    let mut sim = GcdProtocol
        .build_sim(&BuildSpec {
            nodes: Some(members),
            params: &params,
            config,
            properties: None,
            wire_check: true,
        })
        .unwrap();
    let report = sim.run().unwrap();
    let lines = sim.observations().into_iter().map(|o| o.text).collect();
    (report, lines)
}

#[test]
fn client_prints_every_reply_then_a_summary() {
    let (report, lines) = run(3, vec![], 1);
    assert!(report.violation.is_none(), "{:?}", report.violation);
    let client: Vec<&String> = lines
        .iter()
        .filter(|l| !l.starts_with("GCD") && !l.starts_with("member"))
        .collect();
    assert_eq!(client[0], "JOIN ('10.0.0.1', 7000)");
    assert_eq!(
        client[2],
        "HELLO to {'host': '10.0.0.2', 'port': 7000} -> ('OK', \"Happy to meet you, ('10.0.0.5', 7000)\")"
    );
    assert_eq!(client.len(), 6);
    assert_eq!(client[5], "done: 3 replied, 0 failed");
}

#[test]
fn a_dead_member_is_reported_as_a_failure() {
    let crash = sim::ScheduledFault {
        at: Dur::default(),
        fault: Fault::Crash { node: 2 },
    };
    let (report, lines) = run(3, vec![crash], 2);
    assert!(report.violation.is_none(), "{:?}", report.violation);
    assert!(lines.contains(
        &"HELLO to {'host': '10.0.0.3', 'port': 7000} -> failed to connect: connection refused"
            .to_string()
    ));
    assert!(lines.contains(&"done: 2 replied, 1 failed".to_string()));
}

#[test]
fn unknown_params_are_named() {
    let params = serde_json::json!({"timeout": "1s"});
    let err = GcdProtocol
        .build_sim(&BuildSpec {
            nodes: None,
            params: &params,
            config: SimConfig::default(),
            properties: None,
            wire_check: false,
        })
        .err()
        .unwrap();
    assert!(err.contains("timeout"), "{err}");
}
