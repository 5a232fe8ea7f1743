//! The fetcher's properties, on the observation stream (so they also run
//! live).

use super::node::{BitcoinNode, Event};
use sim::{Env, Observed, Property};
use std::sync::Arc;
use std::time::Duration;

/// `accepts-only-valid` (always): every block the client accepts is the
/// chain's block at `height`, byte for byte (`expected`; `None` when the
/// description serves no chain, and there is nothing to compare with).
/// Cost: one comparison of the block's bytes per acceptance.
pub fn accepts_only_valid(height: u32, expected: Option<Arc<[u8]>>) -> Property<BitcoinNode> {
    Property::always("accepts-only-valid", move |o: &Observed<Event>| {
        let Event::Accepted {
            peer,
            height: got,
            block,
        } = &o.obs
        else {
            return Ok(());
        };
        let Some(expected) = &expected else {
            return Err(format!(
                "accepted block {got} from {peer}, but the scenario has no chain"
            ));
        };
        if *got != height {
            return Err(format!(
                "accepted block {got} from {peer}; asked for {height}"
            ));
        }
        if block.0 != *expected {
            let differs = block
                .0
                .iter()
                .zip(expected.iter())
                .position(|(a, b)| a != b)
                .unwrap_or(block.0.len().min(expected.len()));
            return Err(format!(
                "accepted an invalid block {height} from {peer}: {} bytes, the real one {}, first difference at byte {differs}",
                block.0.len(),
                expected.len()
            ));
        }
        Ok(())
    })
}

/// Whether the client accepted a block.
#[derive(Default)]
struct Fetched {
    accepted: bool,
    gave_up: Option<String>,
}

/// `fetches-block` (eventually): with at least one honest peer, the client
/// accepts the block within `within` of the last fault (without one, it
/// may not; `accepts-only-valid` still holds). Cost: constant per
/// observation.
pub fn fetches_block(honest_peer: bool, within: Duration) -> Property<BitcoinNode> {
    Property::eventually(
        "fetches-block",
        within,
        Fetched::default(),
        |f: &mut Fetched, o: &Observed<Event>| match &o.obs {
            Event::Accepted { .. } => f.accepted = true,
            Event::GaveUp { why } => f.gave_up = Some(why.clone()),
            _ => {}
        },
        move |f: &Fetched, _: &Env<'_>| {
            if f.accepted || !honest_peer {
                return Ok(());
            }
            Err(match &f.gave_up {
                Some(why) => format!("the client gave up with an honest peer in the list: {why}"),
                None => "the client has not accepted the block".into(),
            })
        },
    )
}
