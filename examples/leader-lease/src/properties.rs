//! The lease's properties, over the observation stream: the same objects
//! are checked in simulation and on real sockets.

use crate::msg::Event;
use crate::node::LeaseNode;
use sim::Property;
use std::collections::BTreeSet;

/// `exclusive` (always): no client acquires the lease while another still
/// believes it holds it. Cost: one set operation per observation.
pub fn exclusive() -> Property<LeaseNode> {
    let mut holders = BTreeSet::new();
    Property::always("exclusive", move |o| {
        match o.obs {
            Event::Acquired => {
                if let Some(other) = holders.iter().find(|&&h| h != o.node) {
                    return Err(format!(
                        "node {} acquired the lease at {} while node {other} still held it",
                        o.node, o.time
                    ));
                }
                holders.insert(o.node);
            }
            Event::Released => {
                holders.remove(&o.node);
            }
        }
        Ok(())
    })
}

/// `granted` (sometimes): some client gets the lease at least once, so a
/// run that never grants anything cannot pass unnoticed.
pub fn granted() -> Property<LeaseNode> {
    Property::sometimes("granted", "a client acquired the lease", |o| {
        o.obs == Event::Acquired
    })
}
