//! hot-potato's properties, on the observation stream.
//!
//! - `retire-once` (always): no token retires twice. Network duplication
//!   breaks it (a duplicated token is two tokens). Cost: one set insert per
//!   observation.
//! - `all-retire` (eventually): every token retires unless the network lost
//!   it: `retired + dropped = N·K + duplicated`, since each drop ends one
//!   token's journey and each duplicate starts one more. It checks
//!   something under every fault. Cost: one counter increment per observation.

use super::msg::Event;
use super::node::HotPotato;
use sim::Property;
use std::collections::BTreeSet;
use std::time::Duration;

/// `retire-once`.
pub fn retire_once() -> Property<HotPotato> {
    let mut seen = BTreeSet::new();
    Property::always("retire-once", move |o| {
        let Event::Retired { token_id } = o.obs;
        if seen.insert(token_id) {
            Ok(())
        } else {
            Err(format!(
                "token {token_id} retired twice (at node {})",
                o.node
            ))
        }
    })
}

/// `all-retire`: `started` tokens (N·K) all retire or are lost within `within`.
pub fn all_retire(started: u64, within: Duration) -> Property<HotPotato> {
    Property::eventually(
        "all-retire",
        within,
        0u64,
        |retired, _| *retired += 1,
        move |retired, env| {
            let c = env.counters;
            let dropped = c.dropped.total();
            let alive = (started + c.duplicated).saturating_sub(dropped);
            if *retired >= alive {
                Ok(())
            } else {
                Err(format!(
                    "{retired} of {alive} tokens retired ({started} started, {} duplicated, {dropped} dropped)",
                    c.duplicated
                ))
            }
        },
    )
}
