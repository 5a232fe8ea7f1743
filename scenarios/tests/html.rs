//! `--html`: the page of a known failure, of the failure beside its shrunk
//! version, of a trace and of a large run, checked in the data they embed
//! and, where a Chromium is installed, in the DOM a headless browser draws.

use scenarios::failure::{self, FailureFile};
use scenarios::html::{self, diagram, page};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn known_failure() -> FailureFile {
    let r = scenarios::runner::resolve("primary-backup-bug").unwrap();
    (0..500)
        .find_map(|seed| failure::capture("primary-backup-bug", &r.scenario, seed).unwrap())
        .expect("primary-backup-bug fails for some seed below 500")
}

fn tmp(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(name)
}

const ALL: (u64, u64) = (0, u64::MAX);

#[test]
fn the_page_of_a_known_failure_draws_every_lane_message_drop_and_the_violation() {
    let file = known_failure();
    let replayed = failure::replay(&file, None).unwrap();
    let (c, report) = (&replayed.report.counters, &replayed.report);
    let page = html::failure_page(Path::new("f.json"), &file, ALL).unwrap();
    let d = &page.runs[0];
    let names: Vec<&str> = d.lanes.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["primary", "backup 1", "backup 2"]);
    let t = &d.totals;
    assert_eq!(t.messages as u64, c.sent);
    assert_eq!(t.delivered as u64, c.delivered);
    assert_eq!(t.dropped as u64, c.dropped.total());
    assert_eq!(t.duplicated as u64, c.duplicated);
    assert_eq!(t.in_flight as u64, report.in_flight);
    assert_eq!(t.pinned, file.decisions.len());
    let v = d.violation.as_ref().expect("the violation is drawn");
    assert_eq!(v.property, file.property);
    let lane = v.lane.expect("at the observation that broke it");
    assert!(
        v.message.contains(&d.lanes[lane].name),
        "{} at {}",
        v.message,
        d.lanes[lane].name
    );
    assert!(v.led_to > 1);
    assert!(d.msgs.iter().any(|m| m.hl), "messages that led to it");
    assert!(
        d.spans.iter().any(|s| s.kind == "paused"),
        "the scenario's pause"
    );
    // What the page embeds is exactly the diagram.
    let html = page::render(&page).unwrap();
    assert_eq!(
        page::embedded_data(&html).unwrap(),
        serde_json::to_value(&page).unwrap()
    );
}

#[test]
fn the_shrunk_failure_beside_the_original_has_fewer_arrows_and_its_decisions_marked() {
    let file = known_failure();
    let shrunk = scenarios::shrink::shrink(&file, 5000).unwrap().file;
    let page = html::diff_page(
        (Path::new("original.json"), &file),
        (Path::new("min.json"), &shrunk),
        ALL,
    )
    .unwrap();
    let arrows = |d: &diagram::Diagram| d.totals.delivered + d.totals.dropped + d.totals.in_flight;
    let (left, right) = (&page.runs[0], &page.runs[1]);
    assert!(
        arrows(right) < arrows(left),
        "{} vs {}",
        arrows(right),
        arrows(left)
    );
    let marked: Vec<&diagram::Msg> = right.msgs.iter().filter(|m| m.pin.is_some()).collect();
    assert_eq!(marked.len(), shrunk.decisions.len());
    assert!(marked.iter().all(|m| m.essential));
    let kept_left = left.msgs.iter().filter(|m| m.essential).count();
    assert_eq!(kept_left, shrunk.decisions.len());
    let compare = page.compare.as_ref().unwrap();
    let row = compare.iter().find(|[k, ..]| k == "arrows").unwrap();
    assert_eq!(
        row[1..],
        [arrows(left).to_string(), arrows(right).to_string()]
    );
}

#[test]
fn a_large_run_is_cut_to_a_readable_window_that_says_how_to_see_the_rest() {
    let r = scenarios::runner::resolve("hot-potato").unwrap();
    let page = html::run_page("hot-potato", &r.scenario, r.scenario.seed, ALL).unwrap();
    let d = &page.runs[0];
    assert_eq!(d.lanes.len(), 100);
    assert!(d.totals.events <= html::capture::MAX_EVENTS);
    let note = page
        .notes
        .iter()
        .find(|n| n.contains("--from"))
        .expect("a note");
    assert!(note.contains("more than the 10000"), "{note}");
    assert!(page.notes.iter().any(|n| n.contains("100 lanes")));
    let size = page::render(&page).unwrap().len();
    println!(
        "100-node hot-potato page: {} KiB, {} events",
        size / 1024,
        d.totals.events
    );
    // A window later in the run is drawn from there.
    let later = html::run_page(
        "hot-potato",
        &r.scenario,
        r.scenario.seed,
        (50_000_000, 51_000_000),
    )
    .unwrap();
    assert_eq!(
        (later.runs[0].t0, later.runs[0].t1),
        (50_000_000, 51_000_000)
    );
    assert!(
        later.runs[0].msgs.iter().any(|m| m.sent.is_none()),
        "arrivals of messages sent before"
    );
}

fn dsim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dsim"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn show_draws_a_trace_and_refuses_a_backwards_window() {
    let (trace, out) = (tmp("html-show.jsonl"), tmp("html-show.html"));
    let o = dsim(&[
        "run",
        "bully-partition-heal",
        "--trace",
        trace.to_str().unwrap(),
    ]);
    assert!(o.status.code().is_some_and(|c| c <= 1), "{o:?}");
    let o = dsim(&[
        "show",
        trace.to_str().unwrap(),
        "--html",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let html = std::fs::read_to_string(&out).unwrap();
    let data = page::embedded_data(&html).unwrap();
    assert!(data["runs"][0]["totals"]["delivered"].as_u64().unwrap() > 0);
    let o = dsim(&[
        "show",
        trace.to_str().unwrap(),
        "--html",
        "x.html",
        "--from",
        "2s",
        "--to",
        "1s",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--from 2s is after --to 1s"));
    let o = dsim(&["show", "--diff", trace.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "--diff needs two files and --html"
    );
}

// ---- in a headless browser ------------------------------------------------

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .flat_map(|name| std::env::split_paths(&path).map(move |d| d.join(name)))
    .find(|p| p.is_file())
}

/// Runs the browser on `page` with `extra` flags, bounded; returns stdout.
fn browse(browser: &Path, page: &Path, extra: &[&str]) -> String {
    let out_path = page.with_extension("out");
    let out = std::fs::File::create(&out_path).unwrap();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
        ])
        .arg("--window-size=1400,900")
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdout(out)
        .stderr(Stdio::null())
        .spawn()
        .expect("the browser starts");
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("the browser did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    std::fs::read_to_string(&out_path).unwrap()
}

/// The class lists of every element in a DOM dump.
fn classes(dom: &str) -> Vec<Vec<&str>> {
    dom.split("class=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|c| c.split_whitespace().collect())
        .collect()
}

fn count(dom: &str, all: &[&str]) -> usize {
    classes(dom)
        .iter()
        .filter(|c| all.iter().all(|w| c.contains(w)))
        .count()
}

fn body_tag(dom: &str) -> &str {
    let start = dom.find("<body").expect("a body");
    &dom[start..start + dom[start..].find('>').unwrap()]
}

fn drawn_without_errors(dom: &str) {
    let body = body_tag(dom);
    assert!(
        body.contains("data-status=\"drawn\""),
        "the page did not finish drawing: {body}"
    );
    assert!(!body.contains("data-errors"), "script errors: {body}");
}

#[test]
fn in_a_browser_the_pages_draw_what_the_runs_did() {
    let Some(browser) = chromium() else {
        println!("skipped: no chromium on PATH (apt-get install chromium)");
        return;
    };
    let file = known_failure();
    let replayed = failure::replay(&file, None).unwrap();
    let c = &replayed.report.counters;
    let page = html::failure_page(Path::new("f.json"), &file, ALL).unwrap();
    let path = tmp("html-failure.html");
    std::fs::write(&path, page::render(&page).unwrap()).unwrap();
    let dom = browse(&browser, &path, &["--dump-dom"]);
    drawn_without_errors(&dom);
    assert_eq!(count(&dom, &["lane"]) - count(&dom, &["lane", "before"]), 3);
    assert_eq!(count(&dom, &["arrow", "d"]) as u64, c.delivered);
    assert_eq!(count(&dom, &["arrow", "x"]) as u64, c.dropped.total());
    assert_eq!(count(&dom, &["dropmark"]) as u64, c.dropped.total());
    assert_eq!(count(&dom, &["violation"]), 1);
    assert!(
        count(&dom, &["arrow", "hl"]) > 0,
        "the messages that led to it"
    );
    let shot = tmp("html-failure.png");
    browse(
        &browser,
        &path,
        &[&format!("--screenshot={}", shot.display())],
    );
    println!("screenshot: {}", shot.display());

    // The diff: fewer arrows on the right, its decisions marked.
    let shrunk = scenarios::shrink::shrink(&file, 5000).unwrap().file;
    let diff = html::diff_page(
        (Path::new("a.json"), &file),
        (Path::new("b.json"), &shrunk),
        ALL,
    )
    .unwrap();
    let path = tmp("html-diff.html");
    std::fs::write(&path, page::render(&diff).unwrap()).unwrap();
    let dom = browse(&browser, &path, &["--dump-dom"]);
    drawn_without_errors(&dom);
    let panes: Vec<&str> = dom.split("<section class=\"pane\"").skip(1).collect();
    assert_eq!(panes.len(), 2);
    let (left, right) = (count(panes[0], &["arrow"]), count(panes[1], &["arrow"]));
    assert!(
        right < left,
        "{right} arrows on the right, {left} on the left"
    );
    assert_eq!(
        count(panes[1], &["pinbadge", "essential"]),
        shrunk.decisions.len()
    );
}

#[test]
fn in_a_browser_a_message_saying_script_cannot_break_the_page() {
    let Some(browser) = chromium() else {
        println!("skipped: no chromium on PATH (apt-get install chromium)");
        return;
    };
    let evil = "</script><script>document.body.setAttribute('data-pwned','1')</script><!--";
    let a = sim::virtual_addr(0, 1);
    let b = sim::virtual_addr(1, 1);
    let event = |kind, node, t: u64| sim::TraceEvent {
        time_ns: t,
        kind,
        node: Some(node),
        from: Some(a),
        to: Some(b),
        msg: Some(0),
        fault: None,
        summary: evil.to_string(),
        digest: 0,
    };
    let d = diagram::build(diagram::Input {
        title: evil.to_string(),
        subtitle: evil.to_string(),
        roles: vec![evil.to_string(), "b".to_string()],
        events: vec![
            event(sim::EventKind::Send, 0, 1),
            event(sim::EventKind::Deliver, 1, 5),
        ],
        sent_before: Default::default(),
        window: (0, 10),
        observations: None,
        violation: None,
        pinned: Default::default(),
        essential: None,
        notes: vec![evil.to_string()],
    })
    .unwrap();
    let p = page::Page {
        kind: "run",
        title: evil.to_string(),
        subtitle: String::new(),
        runs: vec![d],
        compare: None,
        notes: vec![evil.to_string()],
    };
    let html = page::render(&p).unwrap();
    let data: Value = page::embedded_data(&html).unwrap();
    assert_eq!(data["runs"][0]["msgs"][0]["text"], evil);
    let path = tmp("html-evil.html");
    std::fs::write(&path, html).unwrap();
    let dom = browse(&browser, &path, &["--dump-dom"]);
    drawn_without_errors(&dom);
    assert!(!body_tag(&dom).contains("data-pwned"));
    assert_eq!(count(&dom, &["arrow", "d"]), 1);
}
