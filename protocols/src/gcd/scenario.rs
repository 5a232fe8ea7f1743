//! The `gcd` protocol in the simulator: node 0 is the GCD, nodes
//! `1..=members` answer HELLO, and the last node is the Lab 1 client.

use super::client::PEER_TIMEOUT;
use super::member::greeting;
use super::node::{render, Event, GcdNode};
use super::server::GcdServer;
use super::{CourseCodec, Lab1Client, Profile, Wire};
use serde::Deserialize;
use sim::{
    virtual_addr, AnySimulation, BuildSpec, Dur, Erased, Fault, Liveness, Safety, Simulation,
};
use std::collections::BTreeSet;
use std::net::SocketAddr;

/// The port simulated GCD-protocol nodes listen on.
pub const PORT: u16 = 7000;
/// Members in a scenario that does not say.
pub const DEFAULT_MEMBERS: usize = 3;

/// Scenario parameters of `gcd` (`params` in a scenario file).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioParams {
    /// Message names (for the wire check): f19, f23 or f24.
    #[serde(default)]
    pub profile: Profile,
    /// Encoding for the wire check: json or pickle.
    #[serde(default)]
    pub wire: Wire,
    /// How long the client waits for each answer.
    #[serde(default = "default_timeout")]
    pub peer_timeout: Dur,
    /// How long after the last fault the client must have finished
    /// (default: one timeout per member plus one for the GCD, plus 1 s).
    #[serde(default)]
    pub finish_within: Option<Dur>,
}

fn default_timeout() -> Dur {
    Dur(PEER_TIMEOUT)
}

/// Builds a `gcd` simulation; `nodes` counts the members (the GCD and the
/// client are added). Properties: `greetings-correct` (safety: every printed
/// reply comes from a listed member, once, and names the client's address)
/// and `client-reports` (liveness: the client finishes in bounded time,
/// having printed the reply of every member that was never faulted and a
/// failure for every member down from the start).
pub fn build(spec: BuildSpec<'_>) -> Result<Box<dyn AnySimulation>, String> {
    let params: ScenarioParams = spec.params()?;
    let members = spec.nodes.unwrap_or(DEFAULT_MEMBERS);
    if members == 0 {
        return Err("nodes: gcd needs at least 1 member".into());
    }
    if params.peer_timeout.0.is_zero() {
        return Err("params.peer_timeout: must be positive".into());
    }
    let gcd = virtual_addr(0, PORT);
    let group: Vec<SocketAddr> = (1..=members).map(|i| virtual_addr(i, PORT)).collect();
    let client_index = members + 1;
    let client_addr = virtual_addr(client_index, PORT);
    let mut sim = Simulation::new(spec.config.clone());
    let list = group.clone();
    sim.add_node(gcd, move || GcdNode::Server(GcdServer::new(list.clone())));
    for &addr in &group {
        sim.add_node(addr, || GcdNode::Member);
    }
    let timeout = params.peer_timeout.0;
    sim.add_node(client_addr, move || {
        GcdNode::Client(Lab1Client::new(gcd, timeout))
    });
    if spec.wire_check {
        sim.set_wire_check(CourseCodec::new(params.wire, params.profile));
    }
    if spec.wants("greetings-correct") {
        let listed: BTreeSet<SocketAddr> = group.iter().copied().collect();
        let expected = greeting(client_addr);
        let mut greeted = BTreeSet::new();
        let mut checked = 0;
        sim.add_safety(Safety::new(
            "greetings-correct",
            move |s: &Simulation<GcdNode>| {
                for o in &s.observations()[checked..] {
                    if let Event::Greeted { member, reply } = &o.obs {
                        if !listed.contains(member) {
                            return Err(format!("greeted {member}, which is not a member"));
                        }
                        if !greeted.insert(*member) {
                            return Err(format!("member {member} reported twice"));
                        }
                        if let Ok(text) = reply {
                            if *text != expected {
                                return Err(format!(
                                    "member {member} replied {text:?}, expected {expected:?}"
                                ));
                            }
                        }
                    }
                }
                checked = s.observations().len();
                Ok(())
            },
        ));
    }
    if spec.wants("client-reports") {
        let within = params.finish_within.map_or(
            timeout * (members as u32 + 1) + std::time::Duration::from_secs(1),
            |d| d.0,
        );
        sim.add_liveness(Liveness::new(
            "client-reports",
            within,
            move |s: &Simulation<GcdNode>| check_reports(s, client_index, &group),
        ));
    }
    Ok(Box::new(Erased::new(sim, render)))
}

/// The client finished, listed `group`, and reported every never-faulted
/// member's reply and every member down from the start as a failure.
fn check_reports(
    s: &Simulation<GcdNode>,
    client: usize,
    group: &[SocketAddr],
) -> Result<(), String> {
    let mine = || s.observations().iter().filter(|o| o.node == client);
    if !mine().any(|o| matches!(o.obs, Event::Finished { .. })) {
        return Err("the client has not finished".into());
    }
    if mine().any(|o| matches!(o.obs, Event::JoinFailed { .. })) {
        return if s.fault_schedule().is_empty() && s.counters().dropped.total() == 0 {
            Err("the client could not join the GCD, yet nothing failed".into())
        } else {
            Ok(())
        };
    }
    for (i, member) in group.iter().enumerate() {
        let node = i + 1;
        let result = mine().find_map(|o| match &o.obs {
            Event::Greeted { member: m, reply } if m == member => Some(reply.clone()),
            _ => None,
        });
        let Some(result) = result else {
            return Err(format!("member {member} was never reported"));
        };
        let faults: Vec<&Fault> = s
            .fault_schedule()
            .iter()
            .filter(|f| f.fault.nodes().contains(&node) || f.fault == Fault::Heal)
            .map(|f| &f.fault)
            .collect();
        let down_from_start = s
            .fault_schedule()
            .iter()
            .any(|f| f.at.0.is_zero() && f.fault == Fault::Crash { node })
            && !faults.iter().any(|f| matches!(f, Fault::Restart { .. }));
        let lossless = s.counters().dropped.total() == 0;
        match result {
            Err(why) if faults.is_empty() && lossless => {
                return Err(format!("live member {member} reported as failed: {why}"))
            }
            Ok(text) if down_from_start => {
                return Err(format!("dead member {member} reported a reply: {text}"))
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::SimConfig;

    fn run(
        members: usize,
        faults: Vec<sim::ScheduledFault>,
        seed: u64,
    ) -> (sim::Report, Vec<String>) {
        let params = serde_json::json!({});
        let mut config = SimConfig {
            seed,
            faults,
            ..SimConfig::default()
        };
        config.stop.duration = Some(Dur::secs(20));
        let mut sim = build(BuildSpec {
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
            &"HELLO to {'host': '10.0.0.3', 'port': 7000} -> failed to connect: no reply within 1500ms"
                .to_string()
        ));
        assert!(lines.contains(&"done: 2 replied, 1 failed".to_string()));
    }

    #[test]
    fn unknown_params_are_named() {
        let params = serde_json::json!({"timeout": "1s"});
        let err = build(BuildSpec {
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
}
