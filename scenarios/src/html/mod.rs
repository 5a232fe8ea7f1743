//! `--html FILE`: a run, a failure or a trace drawn as a space-time diagram
//! in one self-contained HTML file, and a failure beside its shrunk version.
//!
//! - [`capture`] gets the events of a window of the run (bounded);
//! - [`diagram`] pairs every send with its deliveries and drop, turns faults
//!   into spans and marks the violation with its causal past ([`causal`]);
//! - [`page`] embeds the diagrams, escaped, into the static page template.

pub mod args;
pub mod capture;
pub mod causal;
pub mod diagram;
pub mod page;

pub use args::HtmlArgs;

use crate::failure::FailureFile;
use crate::scenario::Scenario;
use capture::Captured;
use diagram::{Diagram, Input};
use page::Page;
use sim::LinkMsg;
use std::collections::BTreeSet;
use std::path::Path;

/// Lanes beyond which the page says they get narrow.
const READABLE_LANES: usize = 50;

fn input(c: Captured, title: String, subtitle: String, file: Option<&FailureFile>) -> Input {
    let mut notes: Vec<String> = c.cut.into_iter().collect();
    let nodes = c.roles.len().max(
        c.window
            .events
            .iter()
            .filter_map(|e| e.node)
            .max()
            .map_or(0, |n| n + 1),
    );
    if nodes > READABLE_LANES {
        notes.push(format!(
            "{nodes} lanes: beyond about {READABLE_LANES} they get narrow; pick nodes with the filter above (drag or shift+wheel pans sideways)"
        ));
    }
    if c.report.is_none() {
        notes.push(
            "drawn from a trace file: lanes are named by node index, observations by their Debug form, and a trace does not record property checks (draw the failure file to see the violation)"
                .to_string(),
        );
    }
    Input {
        title,
        subtitle,
        roles: c.roles,
        events: c.window.events,
        sent_before: c.window.sent_before,
        window: c.span,
        observations: c.observations,
        violation: c.report.and_then(|r| r.violation),
        pinned: file
            .map(|f| f.decisions.iter().map(|d| (d.msg, d.fate)).collect())
            .unwrap_or_default(),
        essential: None,
        notes,
    }
}

fn span_text(span: (u64, u64)) -> String {
    format!("{} to {}", human(span.0), human(span.1))
}

/// A virtual time for people, exact and short: `0s`, `142.550538ms`, `1.6s`.
pub fn human(ns: u64) -> String {
    let (unit, scale) = match ns {
        0 => return "0s".to_string(),
        n if n >= 1_000_000_000 => ("s", 1_000_000_000),
        n if n >= 1_000_000 => ("ms", 1_000_000),
        n if n >= 1_000 => ("us", 1_000),
        _ => ("ns", 1),
    };
    let frac = format!("{:0width$}", ns % scale, width = scale.ilog10() as usize);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        format!("{}{unit}", ns / scale)
    } else {
        format!("{}.{frac}{unit}", ns / scale)
    }
}

fn write(path: &Path, page: &Page, quiet: bool) -> Result<(), String> {
    let html = page::render(page)?;
    std::fs::write(path, &html)
        .map_err(|e| format!("--html {}: cannot write: {e}", path.display()))?;
    let arrows: usize = page
        .runs
        .iter()
        .map(|d| d.totals.delivered + d.totals.dropped + d.totals.in_flight)
        .sum();
    let line = format!(
        "html      wrote {} ({} KiB: {} events, {} arrows)",
        path.display(),
        html.len().div_ceil(1024),
        page.runs.iter().map(|d| d.totals.events).sum::<usize>(),
        arrows
    );
    if quiet {
        eprintln!("{line}");
    } else {
        println!("{line}");
    }
    for note in &page.notes {
        eprintln!("html      note: {note}");
    }
    Ok(())
}

fn single(diagram: Diagram) -> Page {
    Page {
        kind: "run",
        title: diagram.title.clone(),
        subtitle: diagram.subtitle.clone(),
        notes: diagram.notes.clone(),
        runs: vec![diagram],
        compare: None,
    }
}

/// The page of scenario `name` run with `seed`, events of `window` (nanoseconds).
pub fn run_page(
    name: &str,
    scenario: &Scenario,
    seed: u64,
    window: (u64, u64),
) -> Result<Page, String> {
    let c = capture::scenario(scenario, seed, window)?;
    let subtitle = format!(
        "{}, seed {seed}, {} shown",
        scenario.protocol,
        span_text(c.span)
    );
    let d = diagram::build(input(c, format!("dsim run {name}"), subtitle, None))?;
    Ok(single(d))
}

/// `dsim run X --html FILE`: runs the scenario again (same seed, same run)
/// keeping the events of the window, and draws it. `quiet`: report on stderr.
pub fn write_run(
    name: &str,
    scenario: &Scenario,
    seed: u64,
    args: &HtmlArgs,
    quiet: bool,
) -> Result<(), String> {
    let Some(path) = &args.html else {
        return Ok(());
    };
    let page = run_page(name, scenario, seed, args.window()?)?;
    write(path, &page, quiet)
}

fn failure_diagram(
    origin: &Path,
    file: &FailureFile,
    window: (u64, u64),
    essential: Option<BTreeSet<LinkMsg>>,
) -> Result<Diagram, String> {
    let c = capture::failure(file, window)?;
    let subtitle = format!(
        "{} fails {} at {} (seed {}); {} shown",
        file.origin,
        file.property,
        human(file.time_ns),
        file.seed,
        span_text(c.span)
    );
    let mut i = input(c, origin.display().to_string(), subtitle, Some(file));
    i.essential = essential;
    diagram::build(i)
}

/// `dsim replay F --html FILE` and `dsim show F --html FILE`: the failure
/// file replayed and drawn, its pinned decisions marked.
pub fn write_failure(
    origin: &Path,
    file: &FailureFile,
    args: &HtmlArgs,
    quiet: bool,
) -> Result<(), String> {
    let Some(path) = &args.html else {
        return Ok(());
    };
    let page = failure_page(origin, file, args.window()?)?;
    write(path, &page, quiet)
}

/// The page of a failure file (named `origin`) replayed, events of `window`.
pub fn failure_page(origin: &Path, file: &FailureFile, window: (u64, u64)) -> Result<Page, String> {
    Ok(single(failure_diagram(origin, file, window, None)?))
}

/// The page of a JSON-lines trace, events of `window`.
pub fn trace_page(trace: &Path, window: (u64, u64)) -> Result<Page, String> {
    let c = capture::trace(trace, window)?;
    let subtitle = format!("trace, {} shown", span_text(c.span));
    let d = diagram::build(input(c, trace.display().to_string(), subtitle, None))?;
    Ok(single(d))
}

/// `dsim show TRACE --html FILE`: a JSON-lines trace drawn.
pub fn write_trace(trace: &Path, args: &HtmlArgs, quiet: bool) -> Result<(), String> {
    let Some(path) = &args.html else {
        return Ok(());
    };
    let page = trace_page(trace, args.window()?)?;
    write(path, &page, quiet)
}

/// `dsim shrink F -o MIN --html FILE` and `dsim show --diff F MIN --html
/// FILE`: the original failure and its shrunk version side by side; the
/// original's decisions that survive shrinking are marked essential.
pub fn write_diff(
    original: (&Path, &FailureFile),
    shrunk: (&Path, &FailureFile),
    args: &HtmlArgs,
    quiet: bool,
) -> Result<(), String> {
    let Some(path) = &args.html else {
        return Ok(());
    };
    let page = diff_page(original, shrunk, args.window()?)?;
    write(path, &page, quiet)
}

/// The page of a failure beside its shrunk version, events of `window`.
pub fn diff_page(
    original: (&Path, &FailureFile),
    shrunk: (&Path, &FailureFile),
    window: (u64, u64),
) -> Result<Page, String> {
    let kept: BTreeSet<LinkMsg> = shrunk.1.decisions.iter().map(|d| d.msg).collect();
    let left = failure_diagram(original.0, original.1, window, Some(kept.clone()))?;
    let right = failure_diagram(shrunk.0, shrunk.1, window, Some(kept))?;
    let compare = compare(original.1, &left, shrunk.1, &right);
    let mut notes = left.notes.clone();
    notes.extend(right.notes.iter().cloned());
    notes.dedup();
    let page = Page {
        kind: "diff",
        title: format!("{} beside {}", original.0.display(), shrunk.0.display()),
        subtitle: format!(
            "both fail {}: {}; decisions kept by shrinking are marked on both sides",
            shrunk.1.property, shrunk.1.message
        ),
        runs: vec![left, right],
        compare: Some(compare),
        notes,
    };
    Ok(page)
}

fn compare(a: &FailureFile, da: &Diagram, b: &FailureFile, db: &Diagram) -> Vec<[String; 3]> {
    let (ca, cb) = (a.counts(), b.counts());
    let rows: Vec<(&str, String, String)> = vec![
        (
            "nodes",
            da.lanes.len().to_string(),
            db.lanes.len().to_string(),
        ),
        (
            "faults",
            a.scenario.faults.len().to_string(),
            b.scenario.faults.len().to_string(),
        ),
        ("drops pinned", ca.drops.to_string(), cb.drops.to_string()),
        (
            "duplicates pinned",
            ca.duplicates.to_string(),
            cb.duplicates.to_string(),
        ),
        (
            "delays pinned",
            ca.delays.to_string(),
            cb.delays.to_string(),
        ),
        (
            "messages",
            da.totals.messages.to_string(),
            db.totals.messages.to_string(),
        ),
        (
            "arrows",
            (da.totals.delivered + da.totals.dropped + da.totals.in_flight).to_string(),
            (db.totals.delivered + db.totals.dropped + db.totals.in_flight).to_string(),
        ),
        (
            "events",
            da.totals.events.to_string(),
            db.totals.events.to_string(),
        ),
        ("violation at", human(a.time_ns), human(b.time_ns)),
    ];
    rows.into_iter()
        .map(|(k, x, y)| [k.to_string(), x, y])
        .collect()
}
