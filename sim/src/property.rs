//! Properties: written once, evaluated identically by the simulator and the
//! live driver on the stream of observations.
//!
//! - [`Property::always`]: a safety property; every observation is fed to it
//!   as it happens and an `Err` is a violation at that moment.
//! - [`Property::eventually`]: a liveness property; it is fed every
//!   observation and must hold `within` after the last scheduled fault (or
//!   the start); its verdict is asked once, at that deadline (or at the end
//!   of a run that went quiet before it).
//! - [`Property::sometimes`]: something that must happen at least once in a
//!   run (as in Antithesis's `sometimes` assertions): it fails at the end of a
//!   run in which it never happened.
//!
//! A property that needs the nodes' states ([`Property::on_state`]) can only
//! run in the simulator; a live run lists it as skipped with the reason.
//!
//! Stream properties cost what their closure costs per observation; the
//! driver does no other work for them (no rescans, no cursors).

use crate::engine::Simulation;
use crate::machine::Machine;
use crate::report::Counters;
use crate::time::Time;
use std::time::Duration;

/// The verdict of a property check: `Err` carries what was wrong.
pub type Verdict = Result<(), String>;

/// An observation with where and when it was made.
#[derive(Clone, Debug)]
pub struct Observed<O> {
    /// Time since the run started (virtual in the simulator).
    pub time: Time,
    /// Index of the observing node.
    pub node: usize,
    /// The observation.
    pub obs: O,
}

/// What a property may read about the run besides observations: the same
/// in simulation and live.
#[derive(Clone, Copy, Debug)]
pub struct Env<'a> {
    /// Time since the run started.
    pub now: Time,
    /// Message counters so far (the simulator's meaning in both drivers).
    pub counters: &'a Counters,
    /// Number of nodes in the run.
    pub nodes: usize,
    /// Time of the last scheduled fault (zero if none).
    pub faults_end: Time,
    /// The run's fault schedule (scripted plus the nemesis's plan), sorted by time.
    pub faults: &'a [crate::config::ScheduledFault],
}

/// When a property must hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// At every moment (safety).
    Always,
    /// By `within` after the last fault (liveness).
    Eventually {
        /// The grace period after the last fault.
        within: Duration,
    },
    /// At least once in the run.
    Sometimes,
}

/// A property over the observation stream.
pub trait Monitor<O> {
    /// Sees one observation; an `Err` is a violation now (whatever the kind).
    fn observe(&mut self, obs: &Observed<O>, env: &Env<'_>) -> Verdict;
    /// The final word: at the deadline for [`Kind::Eventually`], at the end
    /// of the run for [`Kind::Sometimes`]; never asked for [`Kind::Always`].
    fn verdict(&mut self, env: &Env<'_>) -> Verdict {
        let _ = env;
        Ok(())
    }
}

/// A property over the nodes' states (simulation only).
pub trait StateMonitor<M: Machine> {
    /// Sees one observation as it is made (the node's other effects of the
    /// same event may not be applied yet); an `Err` is a violation now.
    fn observe(&mut self, obs: &Observed<M::Obs>, sim: &Simulation<M>) -> Verdict {
        let _ = (obs, sim);
        Ok(())
    }
    /// Called after every event; an `Err` is a violation now.
    fn after_event(&mut self, sim: &Simulation<M>) -> Verdict {
        let _ = sim;
        Ok(())
    }
    /// The final word, as in [`Monitor::verdict`].
    fn verdict(&mut self, sim: &Simulation<M>) -> Verdict {
        let _ = sim;
        Ok(())
    }
}

/// A monitor made of two closures that share a state `S`.
struct Folded<S, F, V> {
    state: S,
    fold: F,
    verdict: V,
}

impl<O, S, F, V> Monitor<O> for Folded<S, F, V>
where
    F: FnMut(&mut S, &Observed<O>, &Env<'_>) -> Verdict,
    V: FnMut(&S, &Env<'_>) -> Verdict,
{
    fn observe(&mut self, obs: &Observed<O>, env: &Env<'_>) -> Verdict {
        (self.fold)(&mut self.state, obs, env)
    }
    fn verdict(&mut self, env: &Env<'_>) -> Verdict {
        (self.verdict)(&self.state, env)
    }
}

/// `sometimes`: remembers whether the predicate ever held.
struct Happened<F> {
    predicate: F,
    seen: bool,
    what: String,
}

impl<O, F: FnMut(&Observed<O>) -> bool> Monitor<O> for Happened<F> {
    fn observe(&mut self, obs: &Observed<O>, _env: &Env<'_>) -> Verdict {
        self.seen = self.seen || (self.predicate)(obs);
        Ok(())
    }
    fn verdict(&mut self, _env: &Env<'_>) -> Verdict {
        if self.seen {
            Ok(())
        } else {
            Err(format!("never happened in the run: {}", self.what))
        }
    }
}

/// A state check made of two closures.
struct StateFns<A, V> {
    after_event: A,
    verdict: V,
}

impl<M: Machine, A, V> StateMonitor<M> for StateFns<A, V>
where
    A: FnMut(&Simulation<M>) -> Verdict,
    V: FnMut(&Simulation<M>) -> Verdict,
{
    fn after_event(&mut self, sim: &Simulation<M>) -> Verdict {
        (self.after_event)(sim)
    }
    fn verdict(&mut self, sim: &Simulation<M>) -> Verdict {
        (self.verdict)(sim)
    }
}

/// How a property reads the run.
pub(crate) enum Body<M: Machine> {
    /// The observation stream (both drivers).
    Stream(Box<dyn Monitor<M::Obs>>),
    /// Node states (simulation only).
    State(Box<dyn StateMonitor<M>>),
}

/// A named property of a protocol.
pub struct Property<M: Machine> {
    pub(crate) name: String,
    pub(crate) kind: Kind,
    pub(crate) body: Body<M>,
}

impl<M: Machine> Property<M> {
    /// Safety: `check` sees every observation; an `Err` is a violation.
    pub fn always(
        name: impl Into<String>,
        check: impl FnMut(&Observed<M::Obs>) -> Verdict + 'static,
    ) -> Self {
        let mut check = check;
        Self::stream(
            name,
            Kind::Always,
            Folded {
                state: (),
                fold: move |_: &mut (), o: &Observed<M::Obs>, _: &Env<'_>| check(o),
                verdict: |_: &(), _: &Env<'_>| Ok(()),
            },
        )
    }

    /// Liveness: `fold` folds every observation into a state that starts as
    /// `init`; `holds` judges it `within` after the last fault.
    pub fn eventually<S: 'static>(
        name: impl Into<String>,
        within: impl Into<Duration>,
        init: S,
        fold: impl FnMut(&mut S, &Observed<M::Obs>) + 'static,
        holds: impl FnMut(&S, &Env<'_>) -> Verdict + 'static,
    ) -> Self {
        let mut fold = fold;
        Self::stream(
            name,
            Kind::Eventually {
                within: within.into(),
            },
            Folded {
                state: init,
                fold: move |s: &mut S, o: &Observed<M::Obs>, _: &Env<'_>| {
                    fold(s, o);
                    Ok(())
                },
                verdict: holds,
            },
        )
    }

    /// Must happen at least once: `what` describes it for the failure message.
    pub fn sometimes(
        name: impl Into<String>,
        what: impl Into<String>,
        predicate: impl FnMut(&Observed<M::Obs>) -> bool + 'static,
    ) -> Self {
        Self::stream(
            name,
            Kind::Sometimes,
            Happened {
                predicate,
                seen: false,
                what: what.into(),
            },
        )
    }

    /// A property over the observation stream with a hand-written monitor.
    pub fn stream(
        name: impl Into<String>,
        kind: Kind,
        monitor: impl Monitor<M::Obs> + 'static,
    ) -> Self {
        Property {
            name: name.into(),
            kind,
            body: Body::Stream(Box::new(monitor)),
        }
    }

    /// A property over the nodes' states (simulation only): `after_event`
    /// runs after every event (an `Err` is a violation), `verdict` at the
    /// deadline ([`Kind::Eventually`]) or the end ([`Kind::Sometimes`]).
    pub fn on_state(
        name: impl Into<String>,
        kind: Kind,
        after_event: impl FnMut(&Simulation<M>) -> Verdict + 'static,
        verdict: impl FnMut(&Simulation<M>) -> Verdict + 'static,
    ) -> Self {
        Property {
            name: name.into(),
            kind,
            body: Body::State(Box::new(StateFns {
                after_event,
                verdict,
            })),
        }
    }

    /// A property over the nodes' states with a hand-written monitor
    /// (simulation only).
    pub fn state(
        name: impl Into<String>,
        kind: Kind,
        monitor: impl StateMonitor<M> + 'static,
    ) -> Self {
        Property {
            name: name.into(),
            kind,
            body: Body::State(Box::new(monitor)),
        }
    }

    /// The property's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// When it must hold.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Why a live run cannot evaluate it, if it cannot.
    pub fn live_limitation(&self) -> Option<&'static str> {
        match self.body {
            Body::Stream(_) => None,
            Body::State(_) => Some("reads node state: simulation only"),
        }
    }

    /// When an `eventually` property is due, given the last fault's time.
    pub fn deadline(&self, faults_end: Time) -> Option<Time> {
        match self.kind {
            Kind::Eventually { within } => Some(Time(
                faults_end.0.saturating_add(Time::from_duration(within).0),
            )),
            _ => None,
        }
    }

    /// Feeds an observation to a stream property (state properties ignore it).
    pub fn observe(&mut self, obs: &Observed<M::Obs>, env: &Env<'_>) -> Verdict {
        match &mut self.body {
            Body::Stream(m) => m.observe(obs, env),
            Body::State(_) => Ok(()),
        }
    }
}

/// Keeps the properties a scenario selects by name (`None`: all); an
/// unknown name is an error listing the valid ones.
pub fn select<M: Machine>(
    all: Vec<Property<M>>,
    wanted: Option<&[String]>,
) -> Result<Vec<Property<M>>, String> {
    let Some(wanted) = wanted else {
        return Ok(all);
    };
    let known: Vec<&str> = all.iter().map(|p| p.name()).collect();
    if let Some(bad) = wanted.iter().find(|w| !known.contains(&w.as_str())) {
        return Err(format!(
            "properties: unknown property `{bad}`{} (this protocol has: {})",
            crate::suggest::did_you_mean(bad, known.iter().copied()),
            known.join(", ")
        ));
    }
    Ok(all
        .into_iter()
        .filter(|p| wanted.iter().any(|w| w == p.name()))
        .collect())
}

/// When [`Checker::settle`] is called.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settle {
    /// During the run: only deadlines that passed.
    Running,
    /// At the end of a run cut short (time limit, budget, interrupt):
    /// `sometimes` too, but not `eventually` properties not yet due.
    Cut,
    /// At the end of a run with nothing left to happen: everything.
    Quiescent,
}

/// Evaluates a set of stream properties on an observation stream: the one
/// evaluator both drivers use.
pub struct Checker<M: Machine> {
    props: Vec<Property<M>>,
    /// Per property: the final verdict was asked.
    settled: Vec<bool>,
    violation: Option<(String, String)>,
}

impl<M: Machine> Checker<M> {
    /// Checks `props`.
    pub fn new(props: Vec<Property<M>>) -> Self {
        let settled = vec![false; props.len()];
        Checker {
            props,
            settled,
            violation: None,
        }
    }

    /// The properties.
    pub fn properties(&self) -> &[Property<M>] {
        &self.props
    }

    /// Gives the properties back.
    pub fn into_properties(self) -> Vec<Property<M>> {
        self.props
    }

    /// Whether any property reads node state.
    pub fn has_state_properties(&self) -> bool {
        self.props.iter().any(|p| matches!(p.body, Body::State(_)))
    }

    /// The first violation: (property, message).
    pub fn violation(&self) -> Option<&(String, String)> {
        self.violation.as_ref()
    }

    fn fail(&mut self, name: &str, message: String) {
        if self.violation.is_none() {
            self.violation = Some((name.to_string(), message));
        }
    }

    /// Feeds one observation to every stream property.
    pub fn observe(&mut self, obs: &Observed<M::Obs>, env: &Env<'_>) {
        if self.violation.is_some() {
            return;
        }
        for i in 0..self.props.len() {
            if let Err(message) = self.props[i].observe(obs, env) {
                let name = self.props[i].name.clone();
                self.fail(&name, message);
                return;
            }
        }
    }

    /// Feeds one observation to every state property (simulation only).
    pub fn observe_state(&mut self, obs: &Observed<M::Obs>, sim: &Simulation<M>) {
        if self.violation.is_some() {
            return;
        }
        for i in 0..self.props.len() {
            if let Body::State(m) = &mut self.props[i].body {
                if let Err(message) = m.observe(obs, sim) {
                    let name = self.props[i].name.clone();
                    self.fail(&name, message);
                    return;
                }
            }
        }
    }

    /// Runs every state property's per-event check.
    pub fn after_event(&mut self, sim: &Simulation<M>) {
        if self.violation.is_some() {
            return;
        }
        for i in 0..self.props.len() {
            if let Body::State(m) = &mut self.props[i].body {
                if let Err(message) = m.after_event(sim) {
                    let name = self.props[i].name.clone();
                    self.fail(&name, message);
                    return;
                }
            }
        }
    }

    /// The earliest deadline of an unsettled `eventually` property.
    pub fn next_deadline(&self, faults_end: Time) -> Option<Time> {
        self.props
            .iter()
            .zip(&self.settled)
            .filter(|(_, done)| !**done)
            .filter_map(|(p, _)| p.deadline(faults_end))
            .min()
    }

    /// Asks the properties that are due: `eventually` ones whose deadline is
    /// at or before `env.now` (all of them at a [`Settle::Quiescent`] end)
    /// and, at any end, `sometimes` ones. `sim` is needed for state
    /// properties (simulation only).
    pub fn settle(&mut self, env: &Env<'_>, sim: Option<&Simulation<M>>, when: Settle) {
        for i in 0..self.props.len() {
            if self.violation.is_some() {
                return;
            }
            if self.settled[i] {
                continue;
            }
            let p = &mut self.props[i];
            let due = match p.kind {
                Kind::Always => false,
                Kind::Eventually { .. } => {
                    when == Settle::Quiescent
                        || p.deadline(env.faults_end).is_some_and(|d| d <= env.now)
                }
                Kind::Sometimes => when != Settle::Running,
            };
            if !due {
                continue;
            }
            self.settled[i] = true;
            let verdict = match (&mut p.body, sim) {
                (Body::Stream(m), _) => m.verdict(env),
                (Body::State(m), Some(sim)) => m.verdict(sim),
                (Body::State(_), None) => Ok(()),
            };
            if let Err(message) = verdict {
                let message = match p.kind {
                    Kind::Eventually { within } => format!(
                        "not true {} after the last fault: {message}",
                        crate::config::Dur(within)
                    ),
                    _ => message,
                };
                let name = p.name.clone();
                self.fail(&name, message);
            }
        }
    }

    /// `eventually` properties never asked (their deadline lies beyond the run).
    pub fn unsettled_liveness(&self) -> Vec<String> {
        self.props
            .iter()
            .zip(&self.settled)
            .filter(|(p, done)| !**done && matches!(p.kind, Kind::Eventually { .. }))
            .map(|(p, _)| p.name.clone())
            .collect()
    }
}
