//! `dsim run X --trace FILE --trace-format shiviz`: the log parses with the
//! regex it documents on its first line, and its vector clocks are exactly
//! the simulator's happens-before: every delivery dominates its send, every
//! event ticks its own host by one, and nothing else moves a clock.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// The regex ShiViz is told to parse the log with (its first line).
const REGEX: &str = r"(?<host>\S*) (?<clock>{.*})\n(?<event>.*)";

type Clock = BTreeMap<String, u64>;

struct Event {
    host: String,
    clock: Clock,
    text: String,
}

/// Applies the regex by hand: after the regex line and the (empty)
/// delimiter line, each event is `(?<host>\S*) (?<clock>{.*})` on one line
/// and `(?<event>.*)` on the next.
fn parse(text: &str) -> Result<Vec<Event>, String> {
    let mut lines = text.split('\n');
    if lines.next() != Some(REGEX) {
        return Err("the first line is not the regex".into());
    }
    if lines.next() != Some("") {
        return Err("the second line (execution delimiter) is not empty".into());
    }
    let mut events = Vec::new();
    let mut n = 2;
    while let Some(head) = lines.next() {
        n += 1;
        if head.is_empty() && lines.clone().all(str::is_empty) {
            break;
        }
        let (host, clock) = head
            .split_once(' ')
            .ok_or(format!("line {n}: no space after the host"))?;
        if host.chars().any(char::is_whitespace) {
            return Err(format!("line {n}: the host has white space"));
        }
        if !(clock.starts_with('{') && clock.ends_with('}')) {
            return Err(format!("line {n}: the clock is not {{...}}"));
        }
        let clock: Clock =
            serde_json::from_str(clock).map_err(|e| format!("line {n}: clock: {e}"))?;
        let text = lines
            .next()
            .ok_or(format!("line {n}: no event line"))?
            .to_string();
        n += 1;
        events.push(Event {
            host: host.to_string(),
            clock,
            text,
        });
    }
    Ok(events)
}

fn dsim(args: &[&str]) {
    let o = Command::new(env!("CARGO_BIN_EXE_dsim"))
        .args(args)
        .output()
        .expect("dsim runs");
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "dsim {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn leq(a: &Clock, b: &Clock) -> bool {
    a.iter().all(|(h, &n)| b.get(h).copied().unwrap_or(0) >= n)
}

fn join(a: &mut Clock, b: &Clock) {
    for (h, &n) in b {
        let e = a.entry(h.clone()).or_insert(0);
        *e = (*e).max(n);
    }
}

/// Runs `scenario` twice (JSON-lines and ShiViz traces: same seed, same
/// run) and checks the ShiViz clocks against the JSON trace's events.
/// Returns (events, deliveries checked, concurrent pairs seen).
fn check(dir: &Path, scenario: &str, extra: &[&str]) -> (usize, usize, bool) {
    let (json, log) = (
        dir.join(format!("{scenario}.jsonl")),
        dir.join(format!("{scenario}.log")),
    );
    let mut a = vec!["run", scenario, "--trace", json.to_str().unwrap()];
    a.extend_from_slice(extra);
    dsim(&a);
    let mut b = vec!["run", scenario, "--trace", log.to_str().unwrap()];
    b.extend_from_slice(&["--trace-format", "shiviz"]);
    b.extend_from_slice(extra);
    dsim(&b);
    let trace: Vec<sim::TraceEvent> = std::fs::read_to_string(&json)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let events = parse(&std::fs::read_to_string(&log).unwrap()).unwrap();
    assert_eq!(
        events.len(),
        trace.len(),
        "{scenario}: one ShiViz event per trace event"
    );

    let hosts: BTreeMap<&str, usize> = events.iter().fold(BTreeMap::new(), |mut m, e| {
        *m.entry(e.host.as_str()).or_insert(0) += 1;
        m
    });
    let mut node_host: BTreeMap<usize, &str> = BTreeMap::new();
    let mut last: BTreeMap<&str, Clock> = BTreeMap::new();
    let mut sends: BTreeMap<u64, &Clock> = BTreeMap::new();
    let mut delivered = 0;
    for (t, e) in trace.iter().zip(&events) {
        let at = format!("{scenario}: {} / {:?}", e.text, t.kind);
        // The clock names known hosts only, within their event counts.
        for (h, &n) in &e.clock {
            assert!(
                n >= 1 && n as usize <= hosts.get(h.as_str()).copied().unwrap_or(0),
                "{at}: {h}={n}"
            );
        }
        // Node events stay on one host per node.
        if e.host != "network" {
            let n = t.node.expect("a node event names its node");
            assert_eq!(
                *node_host.entry(n).or_insert(&e.host),
                e.host.as_str(),
                "{at}"
            );
        }
        // Exactly: the host's previous clock, joined with the send's clock
        // for a copy of a message, then its own count plus one.
        let mut expected = last.get(e.host.as_str()).cloned().unwrap_or_default();
        let send = match t.kind {
            sim::EventKind::Deliver | sim::EventKind::Drop | sim::EventKind::Duplicate => {
                t.msg.and_then(|m| sends.get(&m).copied())
            }
            _ => None,
        };
        if let Some(s) = send {
            join(&mut expected, s);
        }
        *expected.entry(e.host.clone()).or_insert(0) += 1;
        assert_eq!(e.clock, expected, "{at}");
        if t.kind == sim::EventKind::Deliver {
            let s = send.expect("every delivered message was sent before");
            // The receiver's clock at delivery dominates the sender's at send.
            assert!(leq(s, &e.clock) && s != &e.clock, "{at}");
            delivered += 1;
        }
        if t.kind == sim::EventKind::Send {
            sends.insert(t.msg.expect("sends are numbered"), &e.clock);
        }
        last.insert(e.host.as_str(), e.clock.clone());
    }
    // Some events are concurrent (the clocks are not a total order).
    let concurrent = events
        .windows(2)
        .any(|w| !leq(&w[0].clock, &w[1].clock) && !leq(&w[1].clock, &w[0].clock));
    (events.len(), delivered, concurrent)
}

#[test]
fn shiviz_clocks_respect_happens_before_for_every_delivered_message() {
    let dir = std::env::temp_dir().join(format!("dsim-shiviz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Loss, duplication, a partition, a crash and a restart (datagrams).
    let (events, delivered, concurrent) = check(&dir, "hot-potato-faults", &[]);
    assert!(events > 1000 && delivered > 1000 && concurrent);
    let log = std::fs::read_to_string(dir.join("hot-potato-faults.log")).unwrap();
    for what in [
        "duplicate #",
        "(loss)",
        "(partition)",
        "fault Crash",
        "fault Restart",
    ] {
        assert!(log.contains(what), "the log shows {what}");
    }
    // A stream protocol (connections) and a failing run of the planted bug.
    let (_, delivered, _) = check(&dir, "gcd-member-down", &[]);
    assert!(delivered > 0);
    let (_, delivered, _) = check(&dir, "primary-backup-bug", &["--seed", "46"]);
    assert!(delivered > 0);
    std::fs::remove_dir_all(&dir).ok();
}
