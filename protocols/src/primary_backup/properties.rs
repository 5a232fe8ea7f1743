//! primary-backup's property, on the observation stream.
//!
//! `applied-once` (always): no backup applies an update twice between two
//! restarts. Cost: one set insert per observation (a restart removes that
//! backup's entries).

use super::msg::Event;
use super::node::Node;
use sim::Property;
use std::collections::BTreeSet;

/// `applied-once`.
pub fn applied_once() -> Property<Node> {
    let mut applied: BTreeSet<(usize, u64)> = BTreeSet::new();
    Property::always("applied-once", move |o| {
        match o.obs {
            Event::Started => applied.retain(|&(node, _)| node != o.node),
            Event::Applied { seq } => {
                if !applied.insert((o.node, seq)) {
                    return Err(format!("backup {} applied update {seq} twice", o.node));
                }
            }
            Event::Skipped { .. } => {}
        }
        Ok(())
    })
}
