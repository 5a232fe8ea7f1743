//! A type-erased simulation, so tools (the CLI, sweeps, shrinking) can drive
//! any protocol's run without knowing its machine type.

use crate::config::ScheduledFault;
use crate::engine::Simulation;
use crate::machine::Machine;
use crate::network::{Decision, DecisionMode};
use crate::report::Report;
use crate::time::Time;
use crate::trace::TraceSink;
use std::net::SocketAddr;

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
}

/// What a protocol needs to build a simulated run from a scenario.
pub struct BuildSpec<'a> {
    /// Node count requested by the scenario (`None`: the protocol's default).
    pub nodes: Option<usize>,
    /// Protocol parameters (a JSON object; the protocol rejects unknown keys).
    pub params: &'a serde_json::Value,
    /// Engine configuration: seed, network, faults, nemesis, stop conditions.
    pub config: crate::config::SimConfig,
    /// Properties to check by name (`None`: all the protocol ships).
    pub properties: Option<&'a [String]>,
    /// Route every message through the protocol's wire codec.
    pub wire_check: bool,
}

/// A protocol's scenario `params` as its typed parameters; the error starts
/// with `params:` and names the offending key.
pub fn parse_params<T: serde::de::DeserializeOwned>(
    params: &serde_json::Value,
) -> Result<T, String> {
    T::deserialize(params).map_err(|e| format!("params: {e}"))
}

impl BuildSpec<'_> {
    /// The scenario's `params` as the protocol's typed parameters.
    pub fn params<T: serde::de::DeserializeOwned>(&self) -> Result<T, String> {
        parse_params(self.params)
    }

    /// Whether the property `name` is selected.
    pub fn wants(&self, name: &str) -> bool {
        self.properties.is_none_or(|p| p.iter().any(|n| n == name))
    }
}

/// Builds a protocol's simulation from a scenario, or says what is wrong with it.
pub type BuildFn = fn(BuildSpec<'_>) -> Result<Box<dyn AnySimulation>, String>;
