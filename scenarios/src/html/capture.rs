//! The events of a stretch of a run, from a scenario, a failure file or a
//! JSON-lines trace, kept in a bounded window.

use crate::failure::{self, FailureFile};
use crate::runner;
use crate::scenario::Scenario;
use sim::{AnySimulation, RenderedObservation, Report, TraceEvent, TraceSink, Window};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Most events a page draws; beyond, the window is cut and the page says so.
pub const MAX_EVENTS: usize = 10_000;

/// Longest trace line read (a longer one is an error, not an allocation).
const MAX_LINE: u64 = 1 << 20;

/// A run's events in a window, with what the run knew about itself.
pub struct Captured {
    /// The window as kept.
    pub window: Window,
    /// First and last time drawn (cut where the event limit was reached).
    pub span: (u64, u64),
    /// The run's report (absent for a trace file).
    pub report: Option<Report>,
    /// Rendered observations (absent for a trace file).
    pub observations: Option<Vec<RenderedObservation>>,
    /// The protocol's role names of the nodes.
    pub roles: Vec<String>,
    /// A note when the window had to be cut.
    pub cut: Option<String>,
}

/// The role of each of the scenario's nodes, as its protocol names them
/// (empty if the protocol cannot say: lanes are then named by index).
pub fn roles(scenario: &Scenario) -> Vec<String> {
    crate::registry::protocol(&scenario.protocol)
        .and_then(|p| p.roles(&scenario.params, scenario.nodes))
        .unwrap_or_default()
}

fn finish(
    mut sim: Box<dyn AnySimulation>,
    report: Report,
    roles: Vec<String>,
) -> Result<Captured, String> {
    let window = match sim.take_trace() {
        Some(TraceSink::Window(w)) => w,
        _ => return Err("html: the run kept no events".to_string()),
    };
    let end = report.virtual_time.as_nanos();
    let observations = Some(sim.observations());
    Ok(cut(window, end, Some(report), observations, roles))
}

/// Runs `scenario` with `seed`, keeping the events of `window`.
pub fn scenario(scenario: &Scenario, seed: u64, window: (u64, u64)) -> Result<Captured, String> {
    let mut sim = runner::build(scenario, seed)?;
    sim.set_trace(TraceSink::Window(Window::new(
        window.0, window.1, MAX_EVENTS,
    )));
    let report = sim.run()?;
    finish(sim, report, roles(scenario))
}

/// Replays a failure file, keeping the events of `window`.
pub fn failure(file: &FailureFile, window: (u64, u64)) -> Result<Captured, String> {
    let sink = TraceSink::Window(Window::new(window.0, window.1, MAX_EVENTS));
    let replayed = failure::replay(file, Some(sink))?;
    finish(replayed.sim, replayed.report, roles(&file.scenario))
}

/// Reads a JSON-lines trace (`dsim run --trace`), keeping the events of `window`.
pub fn trace(path: &Path, window: (u64, u64)) -> Result<Captured, String> {
    let f =
        std::fs::File::open(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let mut reader = BufReader::new(f);
    let mut sink = TraceSink::Window(Window::new(window.0, window.1, MAX_EVENTS));
    let mut line = Vec::new();
    let mut end = 0u64;
    for n in 1.. {
        line.clear();
        let read = (&mut reader)
            .take(MAX_LINE + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        if read == 0 {
            break;
        }
        if read as u64 > MAX_LINE {
            return Err(format!(
                "{}:{n}: line longer than {MAX_LINE} bytes",
                path.display()
            ));
        }
        let text = String::from_utf8_lossy(&line);
        if text.trim().is_empty() {
            continue;
        }
        let event: TraceEvent = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}:{n}:{}: not a trace event: {e}",
                path.display(),
                e.column()
            )
        })?;
        end = end.max(event.time_ns);
        sink.record(event).map_err(|e| e.to_string())?;
    }
    let TraceSink::Window(w) = sink else {
        return Err("html: the trace kept no events".to_string());
    };
    Ok(cut(w, end, None, None, Vec::new()))
}

/// Cuts the window where the event limit was reached, so the page shows a
/// clean stretch of time, and says how to see the rest.
fn cut(
    mut w: Window,
    end: u64,
    report: Option<Report>,
    observations: Option<Vec<RenderedObservation>>,
    roles: Vec<String>,
) -> Captured {
    let from = w.from_ns;
    let mut to = w.to_ns.min(end);
    let mut note = None;
    if let Some(first_over) = w.first_over_ns {
        let total = w
            .events
            .iter()
            .filter(|e| (from..=w.to_ns).contains(&e.time_ns))
            .count() as u64
            + w.over;
        to = first_over.saturating_sub(1).max(from);
        w.events
            .retain(|e| e.time_ns < first_over || e.kind == sim::EventKind::Fault);
        note = Some(format!(
            "the window has {total} events, more than the {MAX_EVENTS} a page draws readably: \
             this page shows {} to {} only; draw another stretch with --from T --to T \
             (e.g. --from {} --to {})",
            super::human(from),
            super::human(to),
            super::human(first_over),
            super::human(end.min(w.to_ns)),
        ));
    }
    Captured {
        span: (from, to),
        window: w,
        report,
        observations,
        roles,
        cut: note,
    }
}
