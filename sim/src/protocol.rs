//! A protocol described once: the simulator, the live driver and every CLI
//! verb are built from one [`Protocol`] value.
//!
//! A description names the protocol, parses its scenario parameters, lists
//! its nodes (each with a factory and a start time), gives its codec, its
//! properties, how a person reads its observations, and its named scenarios.

use crate::codec::Codec;
use crate::config::NetworkConfig;
use crate::machine::Machine;
use crate::property::Property;
use serde::de::DeserializeOwned;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// How nodes of a protocol talk.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// Independent datagrams (UDP): lost, duplicated and reordered by the
    /// link model.
    #[default]
    Datagram,
    /// Stream connections (TCP): opened on first send, FIFO, never lost or
    /// duplicated on an open connection; refused when the peer is down,
    /// reset when either end crashes or a partition cuts it.
    Stream,
}

/// Builds a node from its index and the address book of the run (as bound:
/// virtual addresses in simulation, real ones live).
pub type NodeFactory<M> = Arc<dyn Fn(usize, &[SocketAddr]) -> M + Send + Sync>;

/// One node of a cluster.
pub struct NodeSpec<M> {
    /// A short role name (`provider`, `peer 3`), for people.
    pub role: String,
    /// The port it listens on in simulation (live runs pick free ports
    /// unless told otherwise).
    pub port: u16,
    /// When it starts (late joins), from the start of the run.
    pub start: Duration,
    /// Builds it (again after a restart).
    pub make: NodeFactory<M>,
}

impl<M> Clone for NodeSpec<M> {
    fn clone(&self) -> Self {
        NodeSpec {
            role: self.role.clone(),
            port: self.port,
            start: self.start,
            make: self.make.clone(),
        }
    }
}

impl<M> NodeSpec<M> {
    /// A node that starts with the run.
    pub fn new(
        role: impl Into<String>,
        port: u16,
        make: impl Fn(usize, &[SocketAddr]) -> M + Send + Sync + 'static,
    ) -> Self {
        NodeSpec {
            role: role.into(),
            port,
            start: Duration::ZERO,
            make: Arc::new(make),
        }
    }

    /// The same node, starting `start` after the run.
    pub fn starting_at(mut self, start: impl Into<Duration>) -> Self {
        self.start = start.into();
        self
    }
}

/// What properties may depend on besides the parameters.
#[derive(Clone, Copy, Debug)]
pub struct ClusterInfo<'a> {
    /// Number of nodes.
    pub nodes: usize,
    /// The network model of the run.
    pub network: &'a NetworkConfig,
}

/// Says, for each observation, whether a live run has achieved its goal.
pub type DoneFn<O> = Box<dyn FnMut(&O) -> bool>;

/// A named scenario shipped with a protocol: (name, scenario JSON).
pub type NamedScenario = (&'static str, &'static str);

/// A protocol, described once.
pub trait Protocol: Clone + Send + Sync + 'static {
    /// The node type (usually an enum of the protocol's roles).
    type Machine: Machine;
    /// The scenario's `params`, typed; reject unknown fields
    /// (`#[serde(deny_unknown_fields)]`).
    type Params: DeserializeOwned + Send + Sync + 'static;

    /// The name scenario files use.
    fn name(&self) -> &'static str;
    /// One line about it.
    fn about(&self) -> &'static str;
    /// How its nodes talk (scenarios may override it).
    fn transport(&self) -> Transport {
        Transport::Datagram
    }
    /// The nodes of a run with `nodes` requested (`None`: the default); an
    /// error names what is wrong (`nodes: ...`, `params.x: ...`).
    fn nodes(
        &self,
        params: &Self::Params,
        nodes: Option<usize>,
    ) -> Result<Vec<NodeSpec<Self::Machine>>, String>;
    /// The wire codec (with its stream framing).
    fn codec(
        &self,
        params: &Self::Params,
    ) -> Box<dyn Codec<Msg = <Self::Machine as Machine>::Msg> + Send + Sync>;
    /// Every property the protocol ships, by name.
    fn properties(
        &self,
        params: &Self::Params,
        cluster: &ClusterInfo<'_>,
    ) -> Vec<Property<Self::Machine>>;
    /// How a person reads an observation (an empty string: not shown).
    fn render(&self, params: &Self::Params, obs: &<Self::Machine as Machine>::Obs) -> String {
        let _ = params;
        format!("{obs:?}")
    }
    /// Named scenarios shipped with the protocol.
    fn scenarios(&self) -> &'static [NamedScenario] {
        &[]
    }
    /// Whether `obs` means the run achieved what it set out to do, so a
    /// live run may stop early (the simulator runs to its stop condition).
    fn done(&self, params: &Self::Params, nodes: usize) -> DoneFn<<Self::Machine as Machine>::Obs> {
        let _ = (params, nodes);
        Box::new(|_| false)
    }
}

/// A protocol's scenario `params` as its typed parameters; the error starts
/// with `params:` and names the offending key.
pub fn parse_params<T: DeserializeOwned>(params: &serde_json::Value) -> Result<T, String> {
    T::deserialize(params).map_err(|e| format!("params: {e}"))
}
