//! The events that led to an event: its causal past (happens-before), the
//! most recent ones first, through the nodes' own order and through every
//! message delivered to a node in the past back to its send.

use sim::{EventKind, TraceEvent};
use std::collections::BTreeMap;

/// How many events of a violation's causal past the page highlights.
pub const SHOWN: usize = 30;

/// Indices of the at most `limit` latest events in the causal past of
/// `events[anchor]` (the anchor included), latest first.
pub fn past(events: &[TraceEvent], anchor: usize, limit: usize) -> Vec<usize> {
    let Some(a) = events.get(anchor) else {
        return Vec::new();
    };
    let mut send_of: BTreeMap<u64, usize> = BTreeMap::new();
    for (i, e) in events.iter().enumerate().take(anchor) {
        if let (EventKind::Send, Some(id)) = (e.kind, e.msg) {
            send_of.insert(id, i);
        }
    }
    // Per node, the latest event index known to be in the past.
    let mut frontier: BTreeMap<usize, usize> = BTreeMap::new();
    if let Some(n) = a.node {
        frontier.insert(n, anchor);
    }
    let mut out = Vec::new();
    for i in (0..=anchor).rev() {
        if out.len() >= limit {
            break;
        }
        let e = &events[i];
        let Some(n) = e.node else { continue };
        if frontier.get(&n).is_none_or(|&f| i > f) {
            continue;
        }
        if !matches!(
            e.kind,
            EventKind::Deliver
                | EventKind::Send
                | EventKind::Timer
                | EventKind::Observe
                | EventKind::Start
                | EventKind::Connection
        ) {
            continue;
        }
        out.push(i);
        if e.kind == EventKind::Deliver {
            if let Some(&s) = e.msg.and_then(|id| send_of.get(&id)) {
                if let Some(sender) = events[s].node {
                    let f = frontier.entry(sender).or_insert(s);
                    *f = (*f).max(s);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: EventKind, node: usize, msg: Option<u64>) -> TraceEvent {
        TraceEvent {
            time_ns: 0,
            kind,
            node: Some(node),
            from: None,
            to: None,
            msg,
            fault: None,
            summary: String::new(),
            digest: 0,
        }
    }

    #[test]
    fn the_past_follows_messages_back_to_their_senders_and_nothing_else() {
        use EventKind::*;
        let events = [
            ev(Send, 2, Some(0)),    // 0: node 2 -> node 1, unrelated to node 0
            ev(Timer, 0, None),      // 1: before node 0's send, in the past
            ev(Send, 0, Some(1)),    // 2: node 0 -> node 1
            ev(Timer, 0, None),      // 3: after node 0's send: not in the past
            ev(Deliver, 1, Some(1)), // 4
            ev(Observe, 1, None),    // 5: the anchor
            ev(Deliver, 1, Some(0)), // 6: after the anchor
        ];
        assert_eq!(past(&events, 5, 10), [5, 4, 2, 1]);
        assert_eq!(past(&events, 5, 2), [5, 4]);
    }
}
