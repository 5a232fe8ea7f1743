//! Properties: safety (checked as the run goes) and liveness (checked at a
//! deadline after the last fault). Both read the simulation through
//! [`Simulation`]'s accessors: typed node states and the observation history.

use crate::engine::Simulation;
use crate::machine::Machine;
use std::time::Duration;

/// The verdict of a property check: `Err` carries what was wrong.
pub type Verdict = Result<(), String>;

type CheckFn<M> = Box<dyn FnMut(&Simulation<M>) -> Verdict>;

/// A property that must hold after every event.
pub struct Safety<M: Machine> {
    pub(crate) name: String,
    pub(crate) check: CheckFn<M>,
}

impl<M: Machine> Safety<M> {
    /// A safety property named `name`.
    pub fn new(
        name: impl Into<String>,
        check: impl FnMut(&Simulation<M>) -> Verdict + 'static,
    ) -> Self {
        Safety {
            name: name.into(),
            check: Box::new(check),
        }
    }
}

/// A property that must hold `within` after the last scheduled fault (or
/// after the start, if there are none). It is evaluated once, at that deadline.
pub struct Liveness<M: Machine> {
    pub(crate) name: String,
    pub(crate) within: Duration,
    pub(crate) check: CheckFn<M>,
}

impl<M: Machine> Liveness<M> {
    /// A liveness property named `name`, due `within` after the last fault.
    pub fn new(
        name: impl Into<String>,
        within: Duration,
        check: impl FnMut(&Simulation<M>) -> Verdict + 'static,
    ) -> Self {
        Liveness {
            name: name.into(),
            within,
            check: Box::new(check),
        }
    }
}
