//! The `gcd` protocol in the simulator: node 0 is the GCD, nodes
//! `1..=members` answer HELLO, and the last node is the Lab 1 client.

use super::client::PEER_TIMEOUT;
use super::member::greeting;
use super::node::{render, Event, GcdNode};
use super::server::GcdServer;
use super::{CourseCodec, Lab1Client, Msg, Profile, Wire};
use serde::Deserialize;
use sim::{ClusterInfo, Codec, Dur, Env, Fault, NodeSpec, Property, Protocol, Transport};
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

/// The `gcd` description; `nodes` counts the members (the GCD and the
/// client are added). Node 0 is the GCD, nodes `1..=members` answer HELLO,
/// the last node is the Lab 1 client. Properties: `greetings-correct`
/// (always: every printed reply comes from a listed member, once, and names
/// the client's address) and `client-reports` (eventually: the client
/// finishes, having printed the reply of every member that was never
/// faulted and a failure for every member down from the start).
#[derive(Clone, Copy, Debug, Default)]
pub struct GcdProtocol;

fn member_count(nodes: Option<usize>) -> Result<usize, String> {
    match nodes.unwrap_or(DEFAULT_MEMBERS) {
        0 => Err("nodes: gcd needs at least 1 member".into()),
        n => Ok(n),
    }
}

impl Protocol for GcdProtocol {
    type Machine = GcdNode;
    type Params = ScenarioParams;

    fn name(&self) -> &'static str {
        "gcd"
    }
    fn about(&self) -> &'static str {
        "course Lab 1: a GCD lists the members, a client greets each with HELLO"
    }
    fn transport(&self) -> Transport {
        Transport::Stream
    }
    fn nodes(
        &self,
        p: &ScenarioParams,
        nodes: Option<usize>,
    ) -> Result<Vec<NodeSpec<GcdNode>>, String> {
        let members = member_count(nodes)?;
        if p.peer_timeout.0.is_zero() {
            return Err("params.peer_timeout: must be positive".into());
        }
        let timeout = p.peer_timeout.0;
        let mut specs = vec![NodeSpec::new("gcd", PORT, move |_, book: &[SocketAddr]| {
            GcdNode::Server(GcdServer::new(book[1..=members].to_vec()))
        })];
        for i in 1..=members {
            specs.push(NodeSpec::new(format!("member {i}"), PORT, |_, _| {
                GcdNode::Member
            }));
        }
        specs.push(NodeSpec::new("client", PORT, move |_, book| {
            GcdNode::Client(Lab1Client::new(book[0], timeout))
        }));
        Ok(specs)
    }
    fn codec(&self, p: &ScenarioParams) -> Box<dyn Codec<Msg = Msg> + Send + Sync> {
        Box::new(CourseCodec::new(p.wire, p.profile))
    }
    fn properties(&self, p: &ScenarioParams, cluster: &ClusterInfo<'_>) -> Vec<Property<GcdNode>> {
        let members = cluster.nodes.saturating_sub(2);
        let client = cluster.nodes.saturating_sub(1);
        let within = p.finish_within.map_or(
            p.peer_timeout.0 * (members as u32 + 1) + std::time::Duration::from_secs(1),
            |d| d.0,
        );
        vec![greetings_correct(), client_reports(client, within)]
    }
    fn render(&self, _: &ScenarioParams, obs: &Event) -> String {
        render(obs)
    }
    fn scenarios(&self) -> &'static [sim::NamedScenario] {
        crate::named::named("gcd")
    }
    fn done(&self, _: &ScenarioParams, _: usize) -> Box<dyn FnMut(&Event) -> bool> {
        Box::new(|e| matches!(e, Event::Finished { .. }))
    }
}

/// `greetings-correct`: every reply the client prints comes from a listed
/// member, once, and greets the client's own address. Cost: a set insert per
/// greeting.
fn greetings_correct() -> Property<GcdNode> {
    let mut listed: Option<BTreeSet<SocketAddr>> = None;
    let mut client: Option<SocketAddr> = None;
    let mut greeted = BTreeSet::new();
    Property::always("greetings-correct", move |o| {
        match &o.obs {
            Event::Listed { members } => listed = Some(members.iter().copied().collect()),
            Event::Joining { me, .. } => client = Some(*me),
            Event::Greeted { member, reply } => {
                if !listed.as_ref().is_some_and(|l| l.contains(member)) {
                    return Err(format!("greeted {member}, which is not a listed member"));
                }
                if !greeted.insert(*member) {
                    return Err(format!("member {member} reported twice"));
                }
                // Over TCP a member sees the client's outgoing port, not
                // its listening one: the greeting must name the client's host.
                if let (Ok(text), Some(me)) = (reply, client) {
                    let expected = greeting(me);
                    let host_part = expected
                        .rsplit_once(',')
                        .map_or(expected.as_str(), |(h, _)| h);
                    if !text.starts_with(host_part) {
                        return Err(format!(
                            "member {member} replied {text:?}, expected {expected:?}"
                        ));
                    }
                }
            }
            _ => {}
        }
        Ok(())
    })
}

/// What the client reported, folded from the stream.
#[derive(Default)]
struct Reports {
    listed: Vec<SocketAddr>,
    greeted: Vec<(SocketAddr, Result<String, String>)>,
    finished: bool,
    join_failed: bool,
}

/// `client-reports`: the client finished, reported every never-faulted
/// member's reply and every member down from the start as a failure.
fn client_reports(client: usize, within: std::time::Duration) -> Property<GcdNode> {
    Property::eventually(
        "client-reports",
        within,
        Reports::default(),
        move |r, o| {
            if o.node != client {
                return;
            }
            match &o.obs {
                Event::Listed { members } => r.listed = members.clone(),
                Event::Greeted { member, reply } => r.greeted.push((*member, reply.clone())),
                Event::Finished { .. } => r.finished = true,
                Event::JoinFailed { .. } => r.join_failed = true,
                _ => {}
            }
        },
        check_reports,
    )
}

fn check_reports(r: &Reports, env: &Env<'_>) -> Result<(), String> {
    if !r.finished {
        return Err("the client has not finished".into());
    }
    let lossless = env.counters.dropped.total() == 0;
    if r.join_failed {
        return if env.faults.is_empty() && lossless {
            Err("the client could not join the GCD, yet nothing failed".into())
        } else {
            Ok(())
        };
    }
    for (i, member) in r.listed.iter().enumerate() {
        let node = i + 1;
        let Some((_, result)) = r.greeted.iter().find(|(m, _)| m == member) else {
            return Err(format!("member {member} was never reported"));
        };
        let faults: Vec<&Fault> = env
            .faults
            .iter()
            .filter(|f| f.fault.nodes().contains(&node) || f.fault == Fault::Heal)
            .map(|f| &f.fault)
            .collect();
        let down_from_start = env
            .faults
            .iter()
            .any(|f| f.at.0.is_zero() && f.fault == Fault::Crash { node })
            && !faults.iter().any(|f| matches!(f, Fault::Restart { .. }));
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
    use sim::{AnyProtocol, BuildSpec, SimConfig};

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
}
