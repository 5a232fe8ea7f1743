//! `--check-determinism`: run twice, compare, and name the first event that differs.

use crate::erased::AnySimulation;
use crate::report::Report;
use crate::trace::{TraceEvent, TraceSink};

/// The outcome of running the same simulation twice.
#[derive(Debug)]
pub struct DeterminismCheck {
    /// The first run's report.
    pub first: Report,
    /// The second run's digest.
    pub second_digest: String,
    /// The first differing event (first run's, second run's; `None` where a
    /// run had already ended), if the runs differ.
    pub divergence: Option<(Option<TraceEvent>, Option<TraceEvent>)>,
}

impl DeterminismCheck {
    /// Whether both runs had the same event history.
    pub fn is_deterministic(&self) -> bool {
        self.divergence.is_none() && self.first.digest == self.second_digest
    }
}

/// Builds the simulation twice with `build`, runs both with every event
/// recorded, and compares the histories event by event.
pub fn check_determinism(
    mut build: impl FnMut() -> Result<Box<dyn AnySimulation>, String>,
) -> Result<DeterminismCheck, String> {
    let (first, a) = record(&mut build)?;
    let (second, b) = record(&mut build)?;
    let divergence = first_difference(&a, &b);
    Ok(DeterminismCheck {
        first,
        second_digest: second.digest,
        divergence,
    })
}

fn record(
    build: &mut impl FnMut() -> Result<Box<dyn AnySimulation>, String>,
) -> Result<(Report, Vec<TraceEvent>), String> {
    let mut sim = build()?;
    sim.set_trace(TraceSink::Memory(Vec::new()));
    let report = sim.run()?;
    let events = match sim.take_trace() {
        Some(sink) => sink.finish().map_err(|e| e.to_string())?,
        None => Vec::new(),
    };
    Ok((report, events))
}

/// The first position where two event histories differ (time, kind, node,
/// summary or running digest), with the event of each side there.
pub fn first_difference(
    a: &[TraceEvent],
    b: &[TraceEvent],
) -> Option<(Option<TraceEvent>, Option<TraceEvent>)> {
    let same = |x: &TraceEvent, y: &TraceEvent| {
        x.time_ns == y.time_ns
            && x.kind == y.kind
            && x.node == y.node
            && x.digest == y.digest
            && x.summary == y.summary
    };
    match a.iter().zip(b).position(|(x, y)| !same(x, y)) {
        Some(i) => Some((Some(a[i].clone()), Some(b[i].clone()))),
        None if a.len() != b.len() => {
            let n = a.len().min(b.len());
            Some((a.get(n).cloned(), b.get(n).cloned()))
        }
        None => None,
    }
}
