//! `--trace-format shiviz`: the run as a log [ShiViz] draws, with exact
//! vector clocks.
//!
//! The file starts with the regular expression ShiViz parses it with
//! ([`REGEX`]), then an empty line (one execution, no delimiter), then two
//! lines per event: the host and its vector clock as JSON, and a one-line
//! description (virtual time, kind, details).
//!
//! Hosts are the nodes (`primary-0`, `node-7`: the protocol's role and the
//! node's index) and one more, `network`, where drops, duplications,
//! partitions and heals happen. Clocks follow the simulator's happens-before
//! exactly: every event ticks its host's own count; a delivery (and a drop or
//! duplication, on `network`) also takes in the clock of its send, paired by
//! the trace's message number. Nothing else is an edge, so two events are
//! ordered in ShiViz exactly when one could have influenced the other.
//! Events are written in the trace's order, one per trace event.
//!
//! [ShiViz]: https://bestchai.bitbucket.io/shiviz/

pub mod clock;

use clock::VectorClock;
use sim::{EventKind, EventSink, Fault, TraceEvent};
use std::collections::BTreeMap;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};

/// The first line of the file: how ShiViz splits it into events.
pub const REGEX: &str = r"(?<host>\S*) (?<clock>{.*})\n(?<event>.*)";

/// The host of events that happen on the network rather than at a node.
pub const NETWORK: &str = "network";

/// Longest description written (longer ones are cut, marked with `...`).
const MAX_DESCRIPTION: usize = 1000;

/// Host index of [`NETWORK`] in the clocks (after every node).
const NET: usize = usize::MAX;

/// Writes a ShiViz log while the run goes (a [`sim::TraceSink::Custom`]).
pub struct ShivizLog<W: Write> {
    out: W,
    /// Host names of the nodes with a role, by index.
    names: Vec<String>,
    /// Each node's clock, by index (grown as nodes appear).
    clocks: Vec<VectorClock>,
    network: VectorClock,
    /// The clock of each message's send, and how many copies are still to
    /// be delivered or dropped.
    sent: BTreeMap<u64, (VectorClock, u32)>,
    addrs: BTreeMap<SocketAddr, usize>,
    error: Option<std::io::Error>,
    started: bool,
}

impl<W: Write> ShivizLog<W> {
    /// A log to `out`; nodes are named by `roles` (index order; may be empty).
    pub fn new(out: W, roles: Vec<String>) -> Self {
        ShivizLog {
            out,
            names: names(&roles),
            clocks: Vec::new(),
            network: VectorClock::default(),
            sent: BTreeMap::new(),
            addrs: BTreeMap::new(),
            error: None,
            started: false,
        }
    }

    /// The host name of node `index`: its role with letters, digits and
    /// `_.-` kept, anything else `_` (`primary`, `node_7`), and `-index`
    /// added where two roles read the same; `node-index` without a role.
    pub fn host_name(&self, index: usize) -> String {
        self.names
            .get(index)
            .cloned()
            .unwrap_or_else(|| format!("node-{index}"))
    }

    fn name(&self, host: usize) -> String {
        if host == NET {
            NETWORK.to_string()
        } else {
            self.host_name(host)
        }
    }

    /// The host at `addr`: learned from its own events, else read from the
    /// simulator's address scheme ([`sim::virtual_addr`]), else the address.
    fn peer(&self, addr: Option<SocketAddr>) -> String {
        let Some(a) = addr else {
            return "?".to_string();
        };
        let nodes = self.names.len().max(self.clocks.len());
        let known = self.addrs.get(&a).copied().or_else(|| match a.ip() {
            IpAddr::V4(ip) if ip.octets()[0] == 10 => {
                let [_, x, y, z] = ip.octets();
                let n = u32::from_be_bytes([0, x, y, z]) as usize;
                (n >= 1 && n <= nodes && sim::virtual_addr(n - 1, a.port()) == a).then(|| n - 1)
            }
            _ => None,
        });
        known.map_or_else(|| a.to_string(), |n| self.host_name(n))
    }

    /// Where `e` happens: a node, or the network.
    fn host_of(e: &TraceEvent) -> usize {
        match (e.kind, &e.fault, e.node) {
            (EventKind::Drop | EventKind::Duplicate, _, _) => NET,
            (EventKind::Fault, Some(Fault::Partition { .. } | Fault::Heal), _) => NET,
            (_, _, Some(n)) => n,
            (_, _, None) => NET,
        }
    }

    fn clock_mut(&mut self, host: usize) -> &mut VectorClock {
        if host == NET {
            return &mut self.network;
        }
        if self.clocks.len() <= host {
            self.clocks.resize(host + 1, VectorClock::default());
        }
        &mut self.clocks[host]
    }

    /// The clock of the send of message `id`, if this event receives a copy
    /// of it (a delivery, a drop or a duplication).
    fn take_send(&mut self, e: &TraceEvent) -> Option<VectorClock> {
        let id = e.msg?;
        let (clock, left) = self.sent.get_mut(&id)?;
        match e.kind {
            EventKind::Duplicate => {
                *left += 1;
                Some(clock.clone())
            }
            EventKind::Deliver | EventKind::Drop => {
                *left = left.saturating_sub(1);
                if *left == 0 {
                    self.sent.remove(&id).map(|(c, _)| c)
                } else {
                    Some(clock.clone())
                }
            }
            _ => None,
        }
    }

    fn describe(&self, e: &TraceEvent) -> String {
        let id = e.msg.map_or(String::new(), |m| format!(" #{m}"));
        let what = match e.kind {
            EventKind::Start => "start".to_string(),
            EventKind::Send => format!("send{id} to {}: {}", self.peer(e.to), e.summary),
            EventKind::Deliver => {
                format!("deliver{id} from {}: {}", self.peer(e.from), e.summary)
            }
            EventKind::Drop => {
                let (cause, msg) = e.summary.split_once(": ").unwrap_or(("", &e.summary));
                format!(
                    "drop{id} {} -> {} ({cause}): {msg}",
                    self.peer(e.from),
                    self.peer(e.to)
                )
            }
            EventKind::Duplicate => format!(
                "duplicate{id} {} -> {}: {}",
                self.peer(e.from),
                self.peer(e.to),
                e.summary
            ),
            EventKind::Timer => format!("timer {}", e.summary),
            EventKind::Observe => format!("observe {}", e.summary),
            EventKind::Fault => format!("fault {}", e.summary),
            EventKind::Connection => format!("connection {} with {}", e.summary, self.peer(e.from)),
        };
        let mut text = format!("{} {what}", crate::html::human(e.time_ns));
        text = text.replace(['\n', '\r'], " ");
        if text.len() > MAX_DESCRIPTION {
            let mut cut = MAX_DESCRIPTION;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            text.push_str("...");
        }
        text
    }

    fn learn(&mut self, e: &TraceEvent) {
        let Some(n) = e.node else { return };
        let mine = match e.kind {
            EventKind::Send => e.from,
            EventKind::Deliver | EventKind::Connection => e.to,
            _ => None,
        };
        if let Some(a) = mine {
            self.addrs.entry(a).or_insert(n);
        }
    }

    fn write_event(&mut self, e: &TraceEvent) -> std::io::Result<()> {
        if !self.started {
            writeln!(self.out, "{REGEX}\n")?;
            self.started = true;
        }
        self.learn(e);
        let host = Self::host_of(e);
        let received = self.take_send(e);
        let clock = self.clock_mut(host);
        if let Some(send) = &received {
            clock.join(send);
        }
        clock.tick(host);
        let clock = clock.clone();
        if e.kind == EventKind::Send {
            if let Some(id) = e.msg {
                self.sent.insert(id, (clock.clone(), 1));
            }
        }
        let mut line = format!("{} {{", self.name(host));
        for (i, &(h, n)) in clock.entries().iter().enumerate() {
            let sep = if i == 0 { "" } else { "," };
            line.push_str(&format!("{sep}\"{}\":{n}", self.name(h)));
        }
        line.push_str("}\n");
        line.push_str(&self.describe(e));
        line.push('\n');
        self.out.write_all(line.as_bytes())
    }
}

impl<W: Write> EventSink for ShivizLog<W> {
    /// Writes one event; after a write error the log stops and the error
    /// waits for [`EventSink::finish`].
    fn record(&mut self, event: TraceEvent) -> std::io::Result<()> {
        if self.error.is_none() {
            if let Err(e) = self.write_event(&event) {
                self.error = Some(e);
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> std::io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        if !self.started {
            writeln!(self.out, "{REGEX}\n")?;
            self.started = true;
        }
        self.out.flush()
    }
}

/// Host names for nodes with these roles (see [`ShivizLog::host_name`]).
fn names(roles: &[String]) -> Vec<String> {
    let base: Vec<String> = roles
        .iter()
        .map(|role| {
            role.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                        c
                    } else {
                        '_'
                    }
                })
                .collect()
        })
        .collect();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for b in &base {
        *seen.entry(b.as_str()).or_insert(0) += 1;
    }
    base.iter()
        .enumerate()
        .map(|(i, b)| {
            if b.is_empty() {
                format!("node-{i}")
            } else if seen[b.as_str()] > 1 || b == NETWORK || b.starts_with("node-") {
                format!("{b}-{i}")
            } else {
                b.clone()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_are_roles_made_unique_and_free_of_white_space() {
        let roles = ["primary", "backup 1", "client", "client", "network", ""];
        let log = ShivizLog::new(Vec::new(), roles.map(String::from).to_vec());
        let names: Vec<String> = (0..7).map(|i| log.host_name(i)).collect();
        assert_eq!(
            names,
            [
                "primary",
                "backup_1",
                "client-2",
                "client-3",
                "network-4",
                "node-5",
                "node-6"
            ]
        );
    }

    #[test]
    fn a_duplicated_message_gives_both_copies_the_send_clock() {
        let a = sim::virtual_addr(0, 1);
        let b = sim::virtual_addr(1, 1);
        let ev = |kind, node, msg| TraceEvent {
            time_ns: 0,
            kind,
            node: Some(node),
            from: Some(a),
            to: Some(b),
            msg,
            fault: None,
            summary: "Ping".to_string(),
            digest: 0,
        };
        let mut log = ShivizLog::new(Vec::new(), vec!["a".into(), "b".into()]);
        for e in [
            ev(EventKind::Send, 0, Some(0)),
            ev(EventKind::Duplicate, 1, Some(0)),
            ev(EventKind::Timer, 0, None),
            ev(EventKind::Deliver, 1, Some(0)),
            ev(EventKind::Deliver, 1, Some(0)),
        ] {
            log.record(e).unwrap();
        }
        log.finish().unwrap();
        let text = String::from_utf8(log.out).unwrap();
        let hosts: Vec<&str> = text.lines().skip(2).step_by(2).collect();
        assert_eq!(
            hosts,
            [
                r#"a {"a":1}"#,
                r#"network {"a":1,"network":1}"#,
                r#"a {"a":2}"#,
                r#"b {"a":1,"b":1}"#,
                r#"b {"a":1,"b":2}"#,
            ]
        );
        assert!(text.contains("0s send #0 to b: Ping"));
        assert!(
            log.sent.is_empty(),
            "both copies arrived: the send is forgotten"
        );
    }
}
