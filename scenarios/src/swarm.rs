//! Swarm testing (after TigerBeetle's `options_swarm` and Groce et al.,
//! "Swarm Testing", ISSTA 2012): with `dsim sweep --swarm`, each seed also
//! draws which fault kinds are enabled and at which rates, so that a sweep
//! explores rare combinations (no loss at all but many crashes; partitions
//! alone) instead of always mixing every fault at the scenario's rates.
//!
//! The draw comes from the seed alone (its own random stream, `swarm`), and
//! stays within the scenario's bounds: each fault kind the scenario has
//! (link loss and duplication, nemesis crash, pause and partition rates) is
//! switched off with probability 1/2, and otherwise scaled by a uniform
//! factor in (0, 1]; the nemesis's `max_down` is drawn from 1 to its value.
//! Scripted faults and latencies are kept. A fault kind the scenario does not
//! have is never added.
//!
//! The failure file of a swarm seed holds the drawn scenario (and the draw,
//! in its `swarm` field), so `dsim replay` and `dsim shrink` work unchanged.

use crate::scenario::Scenario;
use rand::Rng;
use std::collections::BTreeMap;

/// What one seed drew: each knob's value in the drawn scenario (0 = off).
pub type Draw = BTreeMap<String, f64>;

/// The scenario `seed` runs under swarm testing, and what it drew.
pub fn draw(scenario: &Scenario, seed: u64) -> (Scenario, Draw) {
    let mut rng = sim::seeding::stream(seed, b"swarm");
    let mut out = scenario.clone();
    let mut drawn = Draw::new();
    let mut knob = |name: String, value: &mut f64| {
        if *value <= 0.0 {
            return;
        }
        let on: bool = rng.random_bool(0.5);
        // (0, 1]: an enabled kind is never silently off.
        let scale = 1.0 - rng.random::<f64>();
        *value = if on { *value * scale } else { 0.0 };
        drawn.insert(name, *value);
    };
    let net = &mut out.network;
    knob("network.default.loss".into(), &mut net.default.loss);
    knob(
        "network.default.duplicate".into(),
        &mut net.default.duplicate,
    );
    for (i, link) in net.links.iter_mut().enumerate() {
        knob(format!("network.links[{i}].loss"), &mut link.model.loss);
        knob(
            format!("network.links[{i}].duplicate"),
            &mut link.model.duplicate,
        );
    }
    if let Some(n) = out.nemesis.as_mut() {
        knob("nemesis.crash_rate".into(), &mut n.crash_rate);
        knob("nemesis.pause_rate".into(), &mut n.pause_rate);
        knob("nemesis.partition_rate".into(), &mut n.partition_rate);
        if n.max_down > 1 {
            n.max_down = rng.random_range(1..=n.max_down);
            drawn.insert("nemesis.max_down".into(), n.max_down as f64);
        }
    }
    (out, drawn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario() -> Scenario {
        let text = crate::registry::named()
            .into_iter()
            .find(|(n, _)| *n == "primary-backup-bug")
            .map(|(_, t)| t)
            .unwrap_or_default();
        Scenario::parse("primary-backup-bug", text).unwrap()
    }

    #[test]
    fn draws_are_seeded_and_within_the_scenarios_bounds() {
        let base = scenario();
        let mut off = 0;
        for seed in 0..200 {
            let (a, drawn) = draw(&base, seed);
            assert_eq!(draw(&base, seed), (a.clone(), drawn.clone()));
            assert!(a.network.default.loss <= base.network.default.loss);
            assert!(a.network.default.duplicate <= base.network.default.duplicate);
            let (n, m) = (a.nemesis.unwrap(), base.nemesis.clone().unwrap());
            assert!(n.crash_rate <= m.crash_rate && n.pause_rate <= m.pause_rate);
            assert_eq!(n.partition_rate, 0.0, "a kind the scenario lacks stays off");
            assert_eq!(a.faults, base.faults);
            off += drawn.values().filter(|&&v| v == 0.0).count();
        }
        // About half of the 4 knobs x 200 seeds are off.
        assert!((300..500).contains(&off), "{off}");
    }
}
