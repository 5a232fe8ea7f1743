//! `gcd`: the course's group coordinator daemon (Lab 1 and Lab 2), the Lab 1
//! member that answers HELLO, and the Lab 1 client.
//!
//! - Lab 1: the client sends a bare JOIN to the GCD and gets the fixed member
//!   list as `{'host', 'port'}` records; it sends HELLO to each member in
//!   turn, waits at most 1.5 s for each, prints the reply or the failure, and
//!   exits after a summary.
//! - Lab 2: a join carries `((days, id), (host, port))`; the GCD validates it
//!   (days 1..=365, a seven-digit id, port 1..=65535), answers the map
//!   identity → address of all members or an error text; a re-join by the same
//!   id replaces the old entry, a join on a taken address evicts its owner,
//!   and failed members are never removed. [`crate::bully`] uses this.
//!
//! Messages are written in a course year's dialect ([`Profile`]): one mapping
//! from messages to the Python values that year's programs send
//! ([`Profile::to_python`], [`Profile::from_python`]), viewed on the wire as
//! Python pickle ([`CoursePickle`], byte for byte what `pickle.dumps` writes)
//! or as JSON ([`CourseJson`]), chosen with [`Wire`] ([`CourseCodec`]).

pub mod client;
mod codec;
mod host;
pub mod member;
mod msg;
mod node;
mod pickle_wire;
mod pid;
mod profile;
mod properties;
pub mod pyrepr;
mod python;
pub mod server;
mod wire;

pub use client::Lab1Client;
pub use codec::{CourseCodec, Wire};
pub use host::parse_host_port;
pub use msg::{JoinRequest, Members, Msg};
pub use node::{render, Event, GcdNode};
pub use pickle_wire::CoursePickle;
pub use pid::Pid;
pub use profile::{CoordinatorData, Names, OkData, Profile};
pub use server::{GcdServer, ServerEvent};
pub use wire::CourseJson;

#[cfg(test)]
mod tests;

use client::PEER_TIMEOUT;
use serde::Deserialize;
use sim::{ClusterInfo, Codec, Dur, NodeSpec, Property, Protocol, Transport};
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
        vec![
            properties::greetings_correct(),
            properties::client_reports(client, within),
        ]
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
