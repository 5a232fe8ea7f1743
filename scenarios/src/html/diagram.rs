//! The diagram of one run, as the page draws it: one lane per node, every
//! message paired from its send to what became of each copy (delivered,
//! dropped with a cause, or still in flight), fault spans, observations,
//! connection events, and the violation with the events that led to it.

use super::causal;
use serde::Serialize;
use sim::{EventKind, Fate, LinkMsg, RenderedObservation, TraceEvent, Violation};
use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;

/// Most lanes a diagram accepts (a trace naming a node beyond is refused).
pub const MAX_LANES: usize = 10_000;

/// Characters of a message's type label at most.
const TYPE_LIMIT: usize = 24;

/// What a diagram is drawn from.
pub struct Input {
    /// Shown as the page's title.
    pub title: String,
    /// One line under the title (seed, origin, window).
    pub subtitle: String,
    /// The protocol's role of each node (may be empty: lanes are then `node i`).
    pub roles: Vec<String>,
    /// The events, in the order they happened.
    pub events: Vec<TraceEvent>,
    /// Messages sent before the first event, per (sender, receiver) address.
    pub sent_before: BTreeMap<(SocketAddr, SocketAddr), u64>,
    /// First and last virtual time drawn, nanoseconds.
    pub window: (u64, u64),
    /// The protocol's rendering of every observation of the run, in order
    /// (`None`: show the trace's summaries).
    pub observations: Option<Vec<RenderedObservation>>,
    /// The property violation, if any.
    pub violation: Option<Violation>,
    /// Network decisions the failure file pins, by message identity.
    pub pinned: BTreeMap<LinkMsg, Fate>,
    /// Decisions that survive shrinking (drawn as essential), if known.
    pub essential: Option<BTreeSet<LinkMsg>>,
    /// Notes for the reader (e.g. the window is cut).
    pub notes: Vec<String>,
}

/// A node's lane.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Lane {
    /// The name shown (the protocol's role).
    pub name: String,
    /// Its address, if the trace shows it.
    pub addr: Option<String>,
    /// When it first started, if it did in the window.
    pub start: Option<u64>,
}

/// What became of one copy of a message.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct End {
    /// `d` delivered, `x` dropped, `f` still in flight when the window ends.
    pub k: char,
    /// When (absent for copies in flight).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub t: Option<u64>,
    /// Why it was dropped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
}

/// One message and its fate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Msg {
    /// The message's number in the run.
    pub id: u64,
    /// Sending lane.
    pub from: Option<usize>,
    /// Receiving lane (`None`: no node has the address).
    pub to: Option<usize>,
    /// The address it was sent to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_addr: Option<String>,
    /// When it was sent (`None`: before the window).
    pub sent: Option<u64>,
    /// Its type (the variant name), for labels, colours and filters.
    pub ty: String,
    /// The message as the trace renders it.
    pub text: String,
    /// Its number on its link (`from -> to`), as failure files key decisions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_n: Option<u64>,
    /// The network duplicated it.
    pub dup: bool,
    /// What became of each copy.
    pub ends: Vec<End>,
    /// The failure file pins its fate (the decision, in words).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pin: Option<String>,
    /// Its pinned decision survives shrinking.
    pub essential: bool,
    /// It is among the events that led to the violation.
    pub hl: bool,
}

/// A stretch of time a lane spends down, paused or partitioned.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Span {
    /// The lane.
    pub lane: usize,
    /// `down`, `paused` or `partition`.
    pub kind: &'static str,
    /// From.
    pub t0: u64,
    /// To (the end of the window if it never ended).
    pub t1: u64,
    /// Whether it ended inside the window.
    pub closed: bool,
    /// What it was, in words.
    pub label: String,
}

/// A point on a lane: a fault, a timer, a connection event or an observation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mark {
    /// The lane (`None`: every lane, e.g. heal).
    pub lane: Option<usize>,
    /// When.
    pub t: u64,
    /// `fault`, `timer`, `conn` or `obs`.
    pub kind: &'static str,
    /// Short label.
    pub label: String,
    /// Full text.
    pub text: String,
    /// The other lane involved (connection events), if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer: Option<usize>,
    /// Among the events that led to the violation.
    pub hl: bool,
}

/// The violation, where it happened.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ViolationMark {
    /// The property.
    pub property: String,
    /// What it said.
    pub message: String,
    /// When.
    pub t: u64,
    /// The lane of the observation that broke it, if one did.
    pub lane: Option<usize>,
    /// How many events led to it (highlighted).
    pub led_to: usize,
}

/// Totals the page shows and tests compare with the run's counters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Events drawn from.
    pub events: usize,
    /// Messages.
    pub messages: usize,
    /// Delivered copies (one arrow each).
    pub delivered: usize,
    /// Dropped copies (one mark each).
    pub dropped: usize,
    /// Copies in flight at the end of the window.
    pub in_flight: usize,
    /// Messages the network duplicated.
    pub duplicated: usize,
    /// Decisions pinned by the failure file that the run used.
    pub pinned: usize,
}

/// The diagram of one run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagram {
    /// Title.
    pub title: String,
    /// Subtitle.
    pub subtitle: String,
    /// First and last time drawn.
    pub t0: u64,
    /// Last time drawn.
    pub t1: u64,
    /// Lanes, by node index.
    pub lanes: Vec<Lane>,
    /// Messages, in send order.
    pub msgs: Vec<Msg>,
    /// Fault spans.
    pub spans: Vec<Span>,
    /// Points: faults, timers, connection events, observations.
    pub marks: Vec<Mark>,
    /// The violation, if any.
    pub violation: Option<ViolationMark>,
    /// Totals.
    pub totals: Totals,
    /// Notes for the reader.
    pub notes: Vec<String>,
}

/// The variant name of a rendered message (`Token { hops: 3 }` -> `Token`).
pub fn message_type(text: &str) -> String {
    let name: String = text
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
        .take(TYPE_LIMIT)
        .collect();
    if name.is_empty() {
        text.chars().take(TYPE_LIMIT).collect()
    } else {
        name
    }
}

/// `loss: Update { seq: 5 }` -> (`loss`, `Update { seq: 5 }`).
fn split_cause(summary: &str) -> (String, String) {
    match summary.split_once(": ") {
        Some((cause, rest)) if sim::DropCause::ALL.iter().any(|c| c.name() == cause) => {
            (cause.to_string(), rest.to_string())
        }
        _ => ("dropped".to_string(), summary.to_string()),
    }
}

/// A failure file's decision in words.
pub fn describe_fate(fate: &Fate) -> String {
    let ms = |ns: u64| sim::Dur(std::time::Duration::from_nanos(ns)).to_string();
    match fate {
        Fate::Drop => "drop".to_string(),
        Fate::Deliver { latency_ns } => format!("deliver after {}", ms(*latency_ns)),
        Fate::Duplicate {
            latency_ns,
            second_ns,
        } => format!(
            "duplicate: copies after {} and {}",
            ms(*latency_ns),
            ms(*second_ns)
        ),
    }
}

struct Builder {
    lanes: Vec<Lane>,
    by_addr: BTreeMap<SocketAddr, usize>,
    msgs: Vec<Msg>,
    by_id: BTreeMap<u64, usize>,
    spans: Vec<Span>,
    open_down: BTreeMap<usize, (u64, String)>,
    open_paused: BTreeMap<usize, u64>,
    open_cuts: Vec<(u64, Vec<usize>, Vec<usize>, bool)>,
    marks: Vec<Mark>,
    link_counts: BTreeMap<(usize, usize), u64>,
}

impl Builder {
    fn lane(&mut self, node: usize) -> Result<usize, String> {
        if node >= MAX_LANES {
            return Err(format!(
                "node {node} in the trace: a diagram has at most {MAX_LANES} lanes"
            ));
        }
        while self.lanes.len() <= node {
            let i = self.lanes.len();
            self.lanes.push(Lane {
                name: format!("node {i}"),
                addr: None,
                start: None,
            });
        }
        Ok(node)
    }

    fn learn(&mut self, node: usize, addr: Option<SocketAddr>) -> Result<(), String> {
        let lane = self.lane(node)?;
        if let Some(a) = addr {
            if self.lanes[lane].addr.is_none() {
                self.lanes[lane].addr = Some(a.to_string());
                self.by_addr.insert(a, lane);
            }
        }
        Ok(())
    }

    fn names(&self, lanes: &[usize]) -> String {
        let names: Vec<&str> = lanes
            .iter()
            .map(|&l| self.lanes.get(l).map_or("?", |x| x.name.as_str()))
            .collect();
        names.join(", ")
    }

    fn msg_for(&mut self, e: &TraceEvent, id: u64) -> usize {
        if let Some(&i) = self.by_id.get(&id) {
            return i;
        }
        // Sent before the window: only its arrival is in it.
        let from = e.from.and_then(|a| self.by_addr.get(&a).copied());
        let (ty, text) = if e.kind == EventKind::Drop {
            let (_, text) = split_cause(&e.summary);
            (message_type(&text), text)
        } else {
            (message_type(&e.summary), e.summary.clone())
        };
        self.msgs.push(Msg {
            id,
            from,
            to: e.node,
            to_addr: e.to.map(|a| a.to_string()),
            sent: None,
            ty,
            text,
            link_n: None,
            dup: false,
            ends: Vec::new(),
            pin: None,
            essential: false,
            hl: false,
        });
        self.by_id.insert(id, self.msgs.len() - 1);
        self.msgs.len() - 1
    }

    fn fault(&mut self, e: &TraceEvent) {
        use sim::Fault;
        let t = e.time_ns;
        let Some(fault) = &e.fault else {
            self.marks.push(Mark {
                lane: e.node,
                t,
                kind: "fault",
                label: message_type(&e.summary).to_lowercase(),
                text: e.summary.clone(),
                peer: None,
                hl: false,
            });
            return;
        };
        let mark = |lane: Option<usize>, label: &str, text: String| Mark {
            lane,
            t,
            kind: "fault",
            label: label.to_string(),
            text,
            peer: None,
            hl: false,
        };
        let m = match fault {
            Fault::Crash { node } => {
                self.open_down
                    .entry(*node)
                    .or_insert((t, "crashed".to_string()));
                mark(Some(*node), "crash", format!("node {node} crashes"))
            }
            Fault::Restart { node } => {
                if let Some((t0, label)) = self.open_down.remove(node) {
                    self.spans.push(Span {
                        lane: *node,
                        kind: "down",
                        t0,
                        t1: t,
                        closed: true,
                        label,
                    });
                }
                self.open_paused.remove(node);
                mark(
                    Some(*node),
                    "restart",
                    format!("node {node} restarts with fresh state"),
                )
            }
            Fault::Pause { node } => {
                self.open_paused.entry(*node).or_insert(t);
                mark(Some(*node), "pause", format!("node {node} pauses"))
            }
            Fault::Resume { node } => {
                if let Some(t0) = self.open_paused.remove(node) {
                    self.spans.push(Span {
                        lane: *node,
                        kind: "paused",
                        t0,
                        t1: t,
                        closed: true,
                        label: "paused: its events wait".to_string(),
                    });
                }
                mark(Some(*node), "resume", format!("node {node} resumes"))
            }
            Fault::Partition { a, b, one_way } => {
                self.open_cuts.push((t, a.clone(), b.clone(), *one_way));
                let text = format!(
                    "partition {{{}}} {} {{{}}}",
                    self.names(a),
                    if *one_way { "->" } else { "<->" },
                    self.names(b)
                );
                Mark {
                    lane: a.first().copied(),
                    t,
                    kind: "fault",
                    label: "partition".to_string(),
                    text,
                    peer: None,
                    hl: false,
                }
            }
            Fault::Heal => {
                for (t0, a, b, one_way) in std::mem::take(&mut self.open_cuts) {
                    self.cut_spans(t0, t, true, &a, &b, one_way);
                }
                mark(None, "heal", "every partition heals".to_string())
            }
            Fault::Skew { node, offset } => mark(
                Some(*node),
                "skew",
                format!(
                    "node {node}'s wall clock is skewed by {}",
                    serde_json::to_string(offset).unwrap_or_default()
                ),
            ),
            Fault::Drift { node, ppm } => mark(
                Some(*node),
                "drift",
                format!("node {node}'s wall clock drifts by {ppm} ppm"),
            ),
        };
        self.marks.push(m);
    }

    fn cut_spans(
        &mut self,
        t0: u64,
        t1: u64,
        closed: bool,
        a: &[usize],
        b: &[usize],
        one_way: bool,
    ) {
        let arrow = if one_way { "->" } else { "<->" };
        let label = format!(
            "partitioned: {{{}}} {arrow} {{{}}}",
            self.names(a),
            self.names(b)
        );
        for &lane in a.iter().chain(b) {
            if lane < self.lanes.len() {
                self.spans.push(Span {
                    lane,
                    kind: "partition",
                    t0,
                    t1,
                    closed,
                    label: label.clone(),
                });
            }
        }
    }
}

/// Builds the diagram of `input`.
pub fn build(input: Input) -> Result<Diagram, String> {
    let mut b = Builder {
        lanes: Vec::new(),
        by_addr: BTreeMap::new(),
        msgs: Vec::new(),
        by_id: BTreeMap::new(),
        spans: Vec::new(),
        open_down: BTreeMap::new(),
        open_paused: BTreeMap::new(),
        open_cuts: Vec::new(),
        marks: Vec::new(),
        link_counts: BTreeMap::new(),
    };
    if input.roles.len() > MAX_LANES {
        return Err(format!(
            "{} nodes: a diagram has at most {MAX_LANES} lanes",
            input.roles.len()
        ));
    }
    for (i, role) in input.roles.iter().enumerate() {
        b.lane(i)?;
        b.lanes[i].name = role.clone();
    }
    // Addresses first, so a message to a node that never sends still finds its lane.
    for e in &input.events {
        match (e.kind, e.node) {
            (EventKind::Send, Some(n)) => b.learn(n, e.from)?,
            (EventKind::Deliver | EventKind::Connection, Some(n)) => b.learn(n, e.to)?,
            (_, Some(n)) => b.lane(n).map(drop)?,
            _ => {}
        }
    }
    for e in &input.events {
        if let (EventKind::Drop | EventKind::Duplicate, Some(n), Some(to)) = (e.kind, e.node, e.to)
        {
            b.learn(n, Some(to))?;
        }
    }
    let mut observations = input
        .observations
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .peekable();
    let mut msg_at_event: Vec<Option<usize>> = vec![None; input.events.len()];
    let mut mark_at_event: Vec<Option<usize>> = vec![None; input.events.len()];
    let (t0, t1) = input.window;
    for (i, e) in input.events.iter().enumerate() {
        let t = e.time_ns;
        match e.kind {
            EventKind::Start => {
                if let Some(n) = e.node {
                    let lane = &mut b.lanes[n];
                    lane.start.get_or_insert(t);
                }
            }
            EventKind::Send => {
                let Some(id) = e.msg else {
                    return Err(
                        "the trace has no message numbers (written by an older dsim): run it again with --trace"
                            .to_string(),
                    );
                };
                let to = e.to.and_then(|a| b.by_addr.get(&a).copied());
                let link_n = match (e.node, to) {
                    (Some(f), Some(t)) => {
                        let before = match (e.from, e.to) {
                            (Some(fa), Some(ta)) => input.sent_before.get(&(fa, ta)).copied(),
                            _ => None,
                        };
                        let n = b.link_counts.entry((f, t)).or_insert(before.unwrap_or(0));
                        *n += 1;
                        Some(*n - 1)
                    }
                    _ => None,
                };
                b.msgs.push(Msg {
                    id,
                    from: e.node,
                    to,
                    to_addr: e.to.map(|a| a.to_string()),
                    sent: Some(t),
                    ty: message_type(&e.summary),
                    text: e.summary.clone(),
                    link_n,
                    dup: false,
                    ends: Vec::new(),
                    pin: None,
                    essential: false,
                    hl: false,
                });
                b.by_id.insert(id, b.msgs.len() - 1);
                msg_at_event[i] = Some(b.msgs.len() - 1);
            }
            EventKind::Deliver | EventKind::Drop | EventKind::Duplicate => {
                let Some(id) = e.msg else {
                    return Err(
                        "the trace has no message numbers (written by an older dsim): run it again with --trace"
                            .to_string(),
                    );
                };
                let m = b.msg_for(e, id);
                msg_at_event[i] = Some(m);
                let msg = &mut b.msgs[m];
                match e.kind {
                    EventKind::Deliver => msg.ends.push(End {
                        k: 'd',
                        t: Some(t),
                        cause: None,
                    }),
                    EventKind::Drop => {
                        let (cause, _) = split_cause(&e.summary);
                        if cause == "wire_check" {
                            // Never routed: the network did not number it.
                            if let (Some(f), Some(to), Some(_)) = (msg.from, msg.to, msg.link_n) {
                                if let Some(n) = b.link_counts.get_mut(&(f, to)) {
                                    *n = n.saturating_sub(1);
                                }
                                msg.link_n = None;
                            }
                        }
                        msg.ends.push(End {
                            k: 'x',
                            t: Some(t),
                            cause: Some(cause),
                        })
                    }
                    _ => msg.dup = true,
                }
            }
            EventKind::Timer => {
                if let Some(n) = e.node {
                    b.marks.push(Mark {
                        lane: Some(n),
                        t,
                        kind: "timer",
                        label: message_type(&e.summary),
                        text: e.summary.clone(),
                        peer: None,
                        hl: false,
                    });
                    mark_at_event[i] = Some(b.marks.len() - 1);
                }
            }
            EventKind::Observe => {
                let rendered = match &input.observations {
                    None => Some(e.summary.clone()),
                    Some(_) => {
                        // The rendered observations come in the order they were made.
                        while observations.peek().is_some_and(|o| o.time.as_nanos() < t) {
                            observations.next();
                        }
                        match observations.peek() {
                            Some(o) if o.time.as_nanos() == t && Some(o.node) == e.node => {
                                observations.next().map(|o| o.text.clone())
                            }
                            _ => Some(e.summary.clone()),
                        }
                    }
                };
                if let (Some(n), Some(text)) = (e.node, rendered) {
                    if !text.is_empty() {
                        let label = text.lines().next().unwrap_or("").to_string();
                        b.marks.push(Mark {
                            lane: Some(n),
                            t,
                            kind: "obs",
                            label,
                            text,
                            peer: None,
                            hl: false,
                        });
                        mark_at_event[i] = Some(b.marks.len() - 1);
                    }
                }
            }
            EventKind::Fault => {
                if t <= t1 {
                    b.fault(e);
                    if t >= t0 {
                        mark_at_event[i] = Some(b.marks.len() - 1);
                    } else {
                        b.marks.pop();
                    }
                }
            }
            EventKind::Connection => {
                if let Some(n) = e.node {
                    let peer = e.from.and_then(|a| b.by_addr.get(&a).copied());
                    let peer_name = peer.map_or_else(
                        || e.from.map_or("?".to_string(), |a| a.to_string()),
                        |p| b.lanes[p].name.clone(),
                    );
                    b.marks.push(Mark {
                        lane: Some(n),
                        t,
                        kind: "conn",
                        label: e.summary.to_lowercase(),
                        text: format!("connection with {peer_name}: {}", e.summary),
                        peer,
                        hl: false,
                    });
                    mark_at_event[i] = Some(b.marks.len() - 1);
                }
            }
        }
    }
    // Spans still open at the end of the window.
    for (lane, (t0, label)) in std::mem::take(&mut b.open_down) {
        b.spans.push(Span {
            lane,
            kind: "down",
            t0,
            t1,
            closed: false,
            label,
        });
    }
    for (lane, t0) in std::mem::take(&mut b.open_paused) {
        b.spans.push(Span {
            lane,
            kind: "paused",
            t0,
            t1,
            closed: false,
            label: "paused: its events wait".to_string(),
        });
    }
    for (c0, a, bb, one_way) in std::mem::take(&mut b.open_cuts) {
        b.cut_spans(c0, t1, false, &a, &bb, one_way);
    }
    let lanes = b.lanes.len();
    b.spans.retain(|s| s.t1 >= t0 && s.lane < lanes);
    b.marks.retain(|m| m.lane.is_none_or(|l| l < lanes));
    let mut totals = Totals {
        events: input.events.len(),
        messages: b.msgs.len(),
        ..Totals::default()
    };
    for m in &mut b.msgs {
        let copies = if m.dup { 2 } else { 1 };
        if m.sent.is_some() {
            for _ in m.ends.len()..copies {
                m.ends.push(End {
                    k: 'f',
                    t: None,
                    cause: None,
                });
            }
        }
        if let (Some(f), Some(t), Some(n)) = (m.from, m.to, m.link_n) {
            let key = LinkMsg { from: f, to: t, n };
            if let Some(fate) = input.pinned.get(&key) {
                m.pin = Some(describe_fate(fate));
                totals.pinned += 1;
                m.essential = input.essential.as_ref().is_some_and(|s| s.contains(&key));
            }
        }
        for e in &m.ends {
            match e.k {
                'd' => totals.delivered += 1,
                'x' => totals.dropped += 1,
                _ => totals.in_flight += 1,
            }
        }
        totals.duplicated += usize::from(m.dup);
    }
    let violation = input.violation.as_ref().map(|v| {
        let t = v.time.as_nanos();
        // An observation-stream property breaks at the observation made last at its time.
        let anchor = input
            .events
            .iter()
            .rposition(|e| e.kind == EventKind::Observe && e.time_ns == t);
        let past = anchor.map_or_else(Vec::new, |a| causal::past(&input.events, a, causal::SHOWN));
        for &i in &past {
            if let Some(m) = msg_at_event[i] {
                if input.events[i].kind == EventKind::Deliver {
                    b.msgs[m].hl = true;
                }
            }
            if let Some(k) = mark_at_event[i] {
                b.marks[k].hl = true;
            }
        }
        ViolationMark {
            property: v.property.clone(),
            message: v.message.clone(),
            t,
            lane: anchor.and_then(|a| input.events[a].node),
            led_to: past.len(),
        }
    });
    Ok(Diagram {
        title: input.title,
        subtitle: input.subtitle,
        t0,
        t1,
        lanes: dedupe(b.lanes),
        msgs: b.msgs,
        spans: b.spans,
        marks: b.marks,
        violation,
        totals,
        notes: input.notes,
    })
}

/// Lanes with the same role name get their node index appended.
fn dedupe(mut lanes: Vec<Lane>) -> Vec<Lane> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for l in &lanes {
        *seen.entry(l.name.clone()).or_insert(0) += 1;
    }
    for (i, l) in lanes.iter_mut().enumerate() {
        if seen.get(&l.name).is_some_and(|&n| n > 1) {
            l.name = format!("{} #{i}", l.name);
        }
    }
    lanes
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::Fault;

    fn addr(i: usize) -> SocketAddr {
        sim::virtual_addr(i, 7000)
    }

    fn ev(
        t: u64,
        kind: EventKind,
        node: Option<usize>,
        msg: Option<u64>,
        summary: &str,
    ) -> TraceEvent {
        TraceEvent {
            time_ns: t,
            kind,
            node,
            from: None,
            to: None,
            msg,
            fault: None,
            summary: summary.to_string(),
            digest: 0,
        }
    }

    fn send(t: u64, from: usize, to: SocketAddr, id: u64, text: &str) -> TraceEvent {
        let mut e = ev(t, EventKind::Send, Some(from), Some(id), text);
        (e.from, e.to) = (Some(addr(from)), Some(to));
        e
    }

    fn arrive(t: u64, kind: EventKind, from: usize, to: usize, id: u64, text: &str) -> TraceEvent {
        let mut e = ev(t, kind, Some(to), Some(id), text);
        (e.from, e.to) = (Some(addr(from)), Some(addr(to)));
        e
    }

    fn fault(t: u64, f: Fault) -> TraceEvent {
        let mut e = ev(t, EventKind::Fault, f.nodes().first().copied(), None, "");
        e.fault = Some(f);
        e
    }

    fn input(events: Vec<TraceEvent>) -> Input {
        Input {
            title: "t".into(),
            subtitle: String::new(),
            roles: vec!["a".into(), "b".into(), "c".into()],
            events,
            sent_before: BTreeMap::new(),
            window: (0, 100),
            observations: None,
            violation: None,
            pinned: BTreeMap::new(),
            essential: None,
            notes: Vec::new(),
        }
    }

    #[test]
    fn every_send_is_paired_with_what_became_of_each_copy() {
        use EventKind::*;
        let events = vec![
            send(1, 0, addr(1), 0, "Ping { n: 1 }"),
            send(1, 0, addr(1), 1, "Ping { n: 2 }"),
            arrive(1, Duplicate, 0, 1, 1, "Ping { n: 2 }"),
            send(2, 0, addr(2), 2, "Ping { n: 3 }"),
            arrive(2, Drop, 0, 2, 2, "loss: Ping { n: 3 }"),
            arrive(3, Deliver, 0, 1, 1, "Ping { n: 2 }"),
            arrive(4, Deliver, 0, 1, 0, "Ping { n: 1 }"),
            arrive(5, Deliver, 0, 1, 1, "Ping { n: 2 }"),
            send(6, 1, addr(0), 3, "Pong"),
            send(7, 1, addr(9), 4, "Pong"),
            ev(7, Drop, None, Some(4), "unroutable: Pong"),
            arrive(8, Deliver, 2, 0, 77, "Late"),
        ];
        let d = build(input(events)).unwrap();
        let by_id = |id: u64| d.msgs.iter().find(|m| m.id == id).unwrap();
        let kinds = |id: u64| by_id(id).ends.iter().map(|e| e.k).collect::<String>();
        assert_eq!(kinds(0), "d");
        assert_eq!(kinds(1), "dd");
        assert!(by_id(1).dup);
        assert_eq!(kinds(2), "x");
        assert_eq!(by_id(2).ends[0].cause.as_deref(), Some("loss"));
        assert_eq!(kinds(3), "f");
        assert_eq!((by_id(4).to, kinds(4).as_str()), (None, "x"));
        assert_eq!(
            (by_id(77).sent, by_id(77).from, kinds(77).as_str()),
            (None, Some(2), "d")
        );
        assert_eq!(by_id(0).ty, "Ping");
        // Numbers per link, as failure files key decisions.
        let links: Vec<Option<u64>> = (0..5).map(|i| by_id(i).link_n).collect();
        assert_eq!(links, [Some(0), Some(1), Some(0), Some(0), None]);
        let t = &d.totals;
        assert_eq!(
            (t.delivered, t.dropped, t.in_flight, t.duplicated),
            (4, 2, 1, 1)
        );
    }

    #[test]
    fn faults_become_spans_closed_where_they_end() {
        let events = vec![
            fault(
                2,
                Fault::Partition {
                    a: vec![0],
                    b: vec![2],
                    one_way: false,
                },
            ),
            fault(5, Fault::Crash { node: 1 }),
            fault(8, Fault::Restart { node: 1 }),
            fault(9, Fault::Pause { node: 2 }),
        ];
        let d = build(input(events)).unwrap();
        let spans: Vec<(usize, &str, u64, u64, bool)> = d
            .spans
            .iter()
            .map(|s| (s.lane, s.kind, s.t0, s.t1, s.closed))
            .collect();
        assert_eq!(
            spans,
            [
                (1, "down", 5, 8, true),
                (2, "paused", 9, 100, false),
                (0, "partition", 2, 100, false),
                (2, "partition", 2, 100, false),
            ]
        );
        assert!(
            d.spans[2].label.contains("{a} <-> {c}"),
            "{}",
            d.spans[2].label
        );
        assert_eq!(d.marks.len(), 4);
    }

    #[test]
    fn pinned_decisions_are_found_by_their_link_number() {
        let mut i = input(vec![
            send(1, 0, addr(1), 0, "A"),
            send(2, 0, addr(1), 1, "B"),
            arrive(2, EventKind::Drop, 0, 1, 1, "loss: B"),
        ]);
        i.pinned.insert(
            LinkMsg {
                from: 0,
                to: 1,
                n: 1,
            },
            Fate::Drop,
        );
        i.essential = Some(
            [LinkMsg {
                from: 0,
                to: 1,
                n: 1,
            }]
            .into(),
        );
        let d = build(i).unwrap();
        assert_eq!(d.msgs[0].pin, None);
        assert_eq!(d.msgs[1].pin.as_deref(), Some("drop"));
        assert!(d.msgs[1].essential);
        assert_eq!(d.totals.pinned, 1);
    }

    #[test]
    fn a_trace_naming_an_absurd_node_is_refused_not_allocated() {
        let e = ev(1, EventKind::Timer, Some(usize::MAX), None, "T");
        let err = build(input(vec![e])).unwrap_err();
        assert!(err.contains("at most 10000 lanes"), "{err}");
        let old = ev(1, EventKind::Send, Some(0), None, "A");
        let err = build(input(vec![old])).unwrap_err();
        assert!(err.contains("no message numbers"), "{err}");
    }
}
