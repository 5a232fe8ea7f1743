//! A type-erased simulation, so tools (the CLI, sweeps, shrinking) can drive
//! any protocol's run without knowing its machine type.

use crate::config::ScheduledFault;
use crate::engine::Simulation;
use crate::machine::Machine;
use crate::network::{Decision, DecisionMode};
use crate::property::{Kind, Property};
use crate::protocol::{parse_params, ClusterInfo, NamedScenario, Protocol};
use crate::report::Report;
use crate::time::Time;
use crate::trace::TraceSink;
use std::net::SocketAddr;
use std::sync::Arc;

/// An observation rendered for people: when, where, and the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedObservation {
    /// Virtual time.
    pub time: Time,
    /// Node index.
    pub node: usize,
    /// Node address.
    pub addr: SocketAddr,
    /// The protocol's rendering of the observation (one or more lines).
    pub text: String,
}

/// What every simulation offers, whatever its machine type.
pub trait AnySimulation {
    /// Runs to a stop condition.
    fn run(&mut self) -> Result<Report, String>;
    /// Records events to `sink`.
    fn set_trace(&mut self, sink: TraceSink);
    /// Takes the trace sink back after the run.
    fn take_trace(&mut self) -> Option<TraceSink>;
    /// Chooses how message fates are decided.
    fn set_decision_mode(&mut self, mode: DecisionMode);
    /// Fault decisions recorded in [`DecisionMode::Record`].
    fn recorded_decisions(&self) -> Vec<Decision>;
    /// The run's full fault schedule (scripted plus nemesis), after it started.
    fn fault_schedule(&self) -> Vec<ScheduledFault>;
    /// Every observation so far, rendered.
    fn observations(&self) -> Vec<RenderedObservation>;
    /// Number of nodes.
    fn node_count(&self) -> usize;
    /// The first error writing the trace, if any (the run goes on without
    /// the trace; a tool must report it).
    fn trace_error(&self) -> Option<String>;
    /// Stops the run with the error "interrupted" soon after `flag` is set.
    fn set_cancel(&mut self, flag: std::sync::Arc<std::sync::atomic::AtomicBool>);
}

/// Renders an observation for people.
pub type Render<O> = Box<dyn Fn(&O) -> String>;

/// A [`Simulation`] with a renderer for its observations.
pub struct Erased<M: Machine> {
    sim: Simulation<M>,
    render: Render<M::Obs>,
}

impl<M: Machine> Erased<M> {
    /// Wraps `sim`; `render` turns an observation into the text a person reads.
    pub fn new(sim: Simulation<M>, render: impl Fn(&M::Obs) -> String + 'static) -> Self {
        Erased {
            sim,
            render: Box::new(render),
        }
    }

    /// Wraps `sim`, rendering observations with `Debug`.
    pub fn with_debug(sim: Simulation<M>) -> Self {
        Erased::new(sim, |o| format!("{o:?}"))
    }

    /// The wrapped simulation.
    pub fn inner(&self) -> &Simulation<M> {
        &self.sim
    }
}

impl<M: Machine> AnySimulation for Erased<M> {
    fn run(&mut self) -> Result<Report, String> {
        self.sim.run()
    }
    fn set_trace(&mut self, sink: TraceSink) {
        self.sim.set_trace(sink);
    }
    fn take_trace(&mut self) -> Option<TraceSink> {
        self.sim.take_trace()
    }
    fn set_decision_mode(&mut self, mode: DecisionMode) {
        self.sim.set_decision_mode(mode);
    }
    fn recorded_decisions(&self) -> Vec<Decision> {
        self.sim.recorded_decisions().to_vec()
    }
    fn fault_schedule(&self) -> Vec<ScheduledFault> {
        self.sim.fault_schedule().to_vec()
    }
    fn observations(&self) -> Vec<RenderedObservation> {
        self.sim
            .observations()
            .iter()
            .map(|o| RenderedObservation {
                time: o.time,
                node: o.node,
                addr: self.sim.addr(o.node),
                text: (self.render)(&o.obs),
            })
            .collect()
    }
    fn node_count(&self) -> usize {
        self.sim.node_count()
    }
    fn trace_error(&self) -> Option<String> {
        self.sim.trace_error().map(str::to_string)
    }
    fn set_cancel(&mut self, flag: std::sync::Arc<std::sync::atomic::AtomicBool>) {
        self.sim.set_cancel(flag);
    }
}

/// What a protocol needs to build a simulated run from a scenario.
pub struct BuildSpec<'a> {
    /// Node count requested by the scenario (`None`: the protocol's default).
    pub nodes: Option<usize>,
    /// Protocol parameters (a JSON object; the protocol rejects unknown keys).
    pub params: &'a serde_json::Value,
    /// Engine configuration: seed, network, faults, nemesis, late starts, stop conditions.
    pub config: crate::config::SimConfig,
    /// Properties to check by name (`None`: all the protocol ships); an
    /// unknown name is an error.
    pub properties: Option<&'a [String]>,
    /// Route every message through the protocol's wire codec.
    pub wire_check: bool,
}

/// Builds the simulation of protocol `p` for a scenario: its nodes on
/// virtual addresses (with their start times, late starts from the config
/// applied), its transport, its selected properties and, if asked, its
/// codec as wire check.
pub fn simulate<P: Protocol>(
    p: &P,
    spec: &BuildSpec<'_>,
) -> Result<Simulation<P::Machine>, String> {
    let params: P::Params = parse_params(spec.params)?;
    if let Some(n) = spec.nodes.filter(|&n| n > crate::MAX_NODES) {
        return Err(format!(
            "nodes: {n} is more than a simulation holds (at most {})",
            crate::MAX_NODES
        ));
    }
    let nodes = p.nodes(&params, spec.nodes)?;
    if nodes.len() > crate::MAX_NODES {
        return Err(format!(
            "nodes: the protocol built {} nodes, more than a simulation holds (at most {})",
            nodes.len(),
            crate::MAX_NODES
        ));
    }
    spec.config.validate(nodes.len())?;
    let book: Arc<[SocketAddr]> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| crate::virtual_addr(i, n.port))
        .collect();
    let mut sim = Simulation::new(spec.config.clone());
    for (i, node) in nodes.iter().enumerate() {
        let start = spec
            .config
            .starts
            .iter()
            .rev()
            .find(|s| s.node == i)
            .map_or(node.start, |s| s.at.0);
        let (make, book) = (node.make.clone(), book.clone());
        sim.add_node_at(book[i], Time::from_duration(start), move || make(i, &book));
    }
    sim.set_transport(spec.config.network.transport.unwrap_or(p.transport()));
    let cluster = ClusterInfo {
        nodes: nodes.len(),
        network: &spec.config.network,
    };
    let properties = crate::property::select(p.properties(&params, &cluster), spec.properties)?;
    sim.set_properties(properties);
    if spec.wire_check {
        sim.set_wire_check(p.codec(&params));
    }
    Ok(sim)
}

/// Events a violation carries when [`check`] reports it.
pub const VIOLATION_TAIL: usize = 20;

/// Builds and runs protocol `p` for a scenario; a violation comes with the
/// last [`VIOLATION_TAIL`] events that led to it (the run is repeated up to
/// the violating event with a bounded trace, so the first run pays nothing
/// for it). Returns the report and the finished simulation.
///
/// ```
/// use sim::{check, BuildSpec, SimConfig};
/// # use sim::{ClusterInfo, Codec, Ctx, JsonCodec, Machine, NodeSpec, Property, Protocol};
/// # #[derive(Clone)] struct Counter;
/// # struct Node;
/// # impl Machine for Node {
/// #     type Msg = u8; type Timer = (); type Obs = u32;
/// #     fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) { ctx.observe(1); ctx.observe(2); }
/// #     fn on_message(&mut self, _: &mut Ctx<'_, Self>, _: std::net::SocketAddr, _: u8) {}
/// #     fn on_timer(&mut self, _: &mut Ctx<'_, Self>, _: ()) {}
/// # }
/// # impl Protocol for Counter {
/// #     type Machine = Node; type Params = serde_json::Value;
/// #     fn name(&self) -> &'static str { "counter" }
/// #     fn about(&self) -> &'static str { "" }
/// #     fn nodes(&self, _: &serde_json::Value, _: Option<usize>) -> Result<Vec<NodeSpec<Node>>, String> {
/// #         Ok(vec![NodeSpec::new("n", 1, |_, _| Node)])
/// #     }
/// #     fn codec(&self, _: &serde_json::Value) -> Box<dyn Codec<Msg = u8> + Send + Sync> { Box::new(JsonCodec::new()) }
/// #     fn properties(&self, _: &serde_json::Value, _: &ClusterInfo<'_>) -> Vec<Property<Node>> {
/// #         vec![Property::always("below two", |o| if o.obs < 2 { Ok(()) } else { Err("two".into()) })]
/// #     }
/// # }
/// let params = serde_json::json!({});
/// let spec = BuildSpec { nodes: None, params: &params, config: SimConfig::default(), properties: None, wire_check: false };
/// let (report, _sim) = check(&Counter, &spec).unwrap();
/// let violation = report.violation.unwrap();
/// assert_eq!(violation.property, "below two");
/// assert!(!violation.last_events.is_empty());
/// ```
pub fn check<P: Protocol>(
    p: &P,
    spec: &BuildSpec<'_>,
) -> Result<(Report, Simulation<P::Machine>), String> {
    let mut sim = simulate(p, spec)?;
    let mut report = sim.run()?;
    if let Some(v) = report
        .violation
        .as_mut()
        .filter(|v| v.last_events.is_empty())
    {
        let mut config = spec.config.clone();
        config.stop.max_events = Some(v.event);
        let again = BuildSpec {
            nodes: spec.nodes,
            params: spec.params,
            config,
            properties: spec.properties,
            wire_check: spec.wire_check,
        };
        let mut replay = simulate(p, &again)?;
        replay.set_trace(TraceSink::Tail(VIOLATION_TAIL, Default::default()));
        if let Some(tail) = replay.run()?.violation {
            v.last_events = tail.last_events;
        }
    }
    Ok((report, sim))
}

/// A protocol description with its machine type erased, so the tools can
/// hold any number of protocols in one list. Every [`Protocol`] is one.
pub trait AnyProtocol: Send + Sync {
    /// The name scenario files use.
    fn name(&self) -> &'static str;
    /// One line about it.
    fn about(&self) -> &'static str;
    /// Named scenarios shipped with it.
    fn scenarios(&self) -> &'static [NamedScenario];
    /// Builds a simulated run.
    fn build_sim(&self, spec: &BuildSpec<'_>) -> Result<Box<dyn AnySimulation>, String>;
    /// The role of each node (`provider`, `peer 3`) for the scenario's
    /// parameters and node count, in node order.
    fn roles(
        &self,
        params: &serde_json::Value,
        nodes: Option<usize>,
    ) -> Result<Vec<String>, String>;
    /// Every property name it ships, with its kind and (if it cannot run
    /// live) why, for the scenario's parameters and node count.
    fn property_list(
        &self,
        params: &serde_json::Value,
        nodes: Option<usize>,
    ) -> Result<Vec<PropertyInfo>, String>;
}

/// A property's name, kind and live limitation, for listings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertyInfo {
    /// Name.
    pub name: String,
    /// `always`, `eventually within T` or `sometimes`.
    pub kind: String,
    /// Why a live run skips it, if it does.
    pub live_limitation: Option<&'static str>,
}

/// Describes a property for listings.
pub fn property_info<M: Machine>(p: &Property<M>) -> PropertyInfo {
    PropertyInfo {
        name: p.name().to_string(),
        kind: match p.kind() {
            Kind::Always => "always".to_string(),
            Kind::Eventually { within } => {
                format!("eventually within {}", crate::config::Dur(within))
            }
            Kind::Sometimes => "sometimes".to_string(),
        },
        live_limitation: p.live_limitation(),
    }
}

impl<P: Protocol> AnyProtocol for P {
    fn name(&self) -> &'static str {
        Protocol::name(self)
    }
    fn about(&self) -> &'static str {
        Protocol::about(self)
    }
    fn scenarios(&self) -> &'static [NamedScenario] {
        Protocol::scenarios(self)
    }
    fn build_sim(&self, spec: &BuildSpec<'_>) -> Result<Box<dyn AnySimulation>, String> {
        let sim = simulate(self, spec)?;
        let params: P::Params = parse_params(spec.params)?;
        let me = self.clone();
        Ok(Box::new(Erased::new(sim, move |o| me.render(&params, o))))
    }
    fn roles(
        &self,
        params: &serde_json::Value,
        nodes: Option<usize>,
    ) -> Result<Vec<String>, String> {
        let params: P::Params = parse_params(params)?;
        Ok(self
            .nodes(&params, nodes)?
            .into_iter()
            .map(|n| n.role)
            .collect())
    }
    fn property_list(
        &self,
        params: &serde_json::Value,
        nodes: Option<usize>,
    ) -> Result<Vec<PropertyInfo>, String> {
        let params: P::Params = parse_params(params)?;
        let count = self.nodes(&params, nodes)?.len();
        let network = crate::config::NetworkConfig::default();
        let cluster = ClusterInfo {
            nodes: count,
            network: &network,
        };
        Ok(self
            .properties(&params, &cluster)
            .iter()
            .map(property_info)
            .collect())
    }
}
