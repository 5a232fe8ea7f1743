//! # leader-lease: your first dsim protocol
//!
//! A lease server (node 0) grants a lease of `lease` to one client at a
//! time; clients ask for it every `retry_every` (plus jitter), hold it until
//! it runs out, and ask again. The protocol is described once, by
//! [`LeaseProtocol`], and `main.rs` hands that description to
//! `scenarios::main_with`, which gives it the whole `dsim` command line:
//! `run`, `sweep`, `replay`, `shrink`, `show`, and `run --net udp|tcp`.
//!
//! The planted bug (`"bug": true` in a scenario's `params`) makes a client
//! count its lease from when the grant arrived instead of from when it
//! asked: when a grant is slower than the next one, two clients believe
//! they hold the lease at once, which the `exclusive` property catches.
//! See `docs/first-protocol.md` in the dsim repository for the walkthrough.

pub mod msg;
pub mod node;
pub mod properties;

use msg::{Event, Msg};
use node::{LeaseNode, Settings};
use serde::Deserialize;
use sim::{ClusterInfo, Codec, Dur, JsonCodec, NodeSpec, Property, Protocol, Time};

/// The scenario's `params` (unknown fields are rejected).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// How long a grant lasts (default 500 ms).
    #[serde(default = "default_lease")]
    pub lease: Dur,
    /// How often a client without the lease asks (default 200 ms, plus up to as much jitter).
    #[serde(default = "default_retry")]
    pub retry_every: Dur,
    /// Enable the planted bug.
    #[serde(default)]
    pub bug: bool,
}

fn default_lease() -> Dur {
    Dur::ms(500)
}
fn default_retry() -> Dur {
    Dur::ms(200)
}

/// The description of the lease protocol.
#[derive(Clone, Copy, Debug, Default)]
pub struct LeaseProtocol;

impl Protocol for LeaseProtocol {
    type Machine = LeaseNode;
    type Params = Params;

    fn name(&self) -> &'static str {
        "leader-lease"
    }
    fn about(&self) -> &'static str {
        "a lease server and clients; `bug: true` counts leases from the grant's arrival"
    }
    fn nodes(&self, p: &Params, nodes: Option<usize>) -> Result<Vec<NodeSpec<LeaseNode>>, String> {
        let nodes = nodes.unwrap_or(4);
        if nodes < 2 {
            return Err(format!(
                "nodes: a server and at least one client, got {nodes}"
            ));
        }
        if p.lease.0.is_zero() || p.retry_every.0.is_zero() {
            return Err("params: lease and retry_every must be longer than 0s".into());
        }
        let settings = Settings {
            lease: p.lease.0,
            retry_every: p.retry_every.0,
            bug: p.bug,
        };
        let mut specs = vec![NodeSpec::new("server", 9000, move |_, _| {
            LeaseNode::Server {
                settings,
                busy_until: Time(0),
            }
        })];
        for i in 1..nodes {
            specs.push(NodeSpec::new(
                format!("client {i}"),
                9000,
                move |_, book| LeaseNode::Client {
                    settings,
                    server: book[0],
                    asked_at: Time(0),
                    holding: false,
                },
            ));
        }
        Ok(specs)
    }
    fn codec(&self, _: &Params) -> Box<dyn Codec<Msg = Msg> + Send + Sync> {
        Box::new(JsonCodec::<Msg>::new())
    }
    fn properties(&self, _: &Params, _: &ClusterInfo<'_>) -> Vec<Property<LeaseNode>> {
        vec![properties::exclusive(), properties::granted()]
    }
    fn render(&self, _: &Params, obs: &Event) -> String {
        match obs {
            Event::Acquired => "acquired the lease".into(),
            Event::Released => "lease ran out".into(),
        }
    }
    fn scenarios(&self) -> &'static [sim::NamedScenario] {
        &[
            ("lease", include_str!("../scenarios/lease.json")),
            ("lease-bug", include_str!("../scenarios/lease-bug.json")),
        ]
    }
}
