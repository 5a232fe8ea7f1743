//! Injected network faults at the send boundary: loss, duplication, extra
//! delay (sampled like the simulator's latency) and partitions between
//! address sets, which scripted faults change while the run goes.

use crate::config::LiveFaults;
use crate::report::DropKind;
use rand::Rng;
use sim::{Latency, NodeRng};
use std::net::SocketAddr;
use std::sync::{PoisonError, RwLock};
use std::time::Duration;

struct Rule {
    a: Vec<SocketAddr>,
    b: Vec<SocketAddr>,
    one_way: bool,
}

impl Rule {
    fn blocks(&self, from: &SocketAddr, to: &SocketAddr) -> bool {
        let (a_from, b_to) = (self.a.contains(from), self.b.contains(to));
        (a_from && b_to) || (!self.one_way && self.b.contains(from) && self.a.contains(to))
    }
}

/// The partitions in force, shared by every node of the process.
#[derive(Default)]
pub(crate) struct Partitions {
    rules: RwLock<Vec<Rule>>,
}

impl Partitions {
    /// Cuts `a` from `b` (only `a -> b` if `one_way`).
    pub(crate) fn add(&self, a: Vec<SocketAddr>, b: Vec<SocketAddr>, one_way: bool) {
        let mut rules = self.rules.write().unwrap_or_else(PoisonError::into_inner);
        rules.push(Rule { a, b, one_way });
    }

    /// Removes every partition.
    pub(crate) fn heal(&self) {
        self.rules
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// Whether a partition blocks `from -> to`.
    pub(crate) fn blocks(&self, from: &SocketAddr, to: &SocketAddr) -> bool {
        let rules = self.rules.read().unwrap_or_else(PoisonError::into_inner);
        rules.iter().any(|r| r.blocks(from, to))
    }
}

/// One node's fault injector: decides what happens to each message it sends.
pub(crate) struct Injector {
    faults: LiveFaults,
    rng: NodeRng,
}

/// The delays of the copies to send: one, or two when duplicated.
pub(crate) type Copies = ([Duration; 2], usize);

impl Injector {
    pub(crate) fn new(faults: LiveFaults, rng: NodeRng) -> Self {
        Injector { faults, rng }
    }

    /// What happens to a message `from -> to`: dropped (and why), or the
    /// delays of the copies to send.
    pub(crate) fn decide(
        &mut self,
        partitions: &Partitions,
        from: &SocketAddr,
        to: &SocketAddr,
    ) -> Result<Copies, DropKind> {
        if partitions.blocks(from, to) {
            return Err(DropKind::Partition);
        }
        if self.faults.loss > 0.0 && self.rng.random::<f64>() < self.faults.loss {
            return Err(DropKind::Loss);
        }
        let first = self.delay();
        if self.faults.duplicate > 0.0 && self.rng.random::<f64>() < self.faults.duplicate {
            let second = self.delay();
            return Ok(([first, second], 2));
        }
        Ok(([first, Duration::ZERO], 1))
    }

    fn delay(&mut self) -> Duration {
        match &self.faults.delay {
            Some(latency) => sample(latency, &mut self.rng),
            None => Duration::ZERO,
        }
    }
}

/// Draws a delay as the simulator draws latency (clamped at zero, Pareto capped).
fn sample(latency: &Latency, rng: &mut NodeRng) -> Duration {
    let ns = match latency {
        Latency::Constant { value } => value.nanos(),
        Latency::Uniform { min, max } => {
            rng.random_range(min.nanos()..=max.nanos().max(min.nanos()))
        }
        Latency::Normal { mean, std_dev } => {
            let u1: f64 = 1.0 - rng.random::<f64>();
            let u2: f64 = rng.random::<f64>();
            let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
            (mean.nanos() as f64 + std_dev.nanos() as f64 * z).max(0.0) as u64
        }
        Latency::Pareto { min, shape, cap } => {
            let u: f64 = 1.0 - rng.random::<f64>();
            let x = min.nanos() as f64 / u.powf(1.0 / shape);
            if x.is_finite() {
                (x as u64).min(cap.nanos())
            } else {
                cap.nanos()
            }
        }
    };
    Duration::from_nanos(ns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::seeding::stream;
    use sim::Dur;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    #[test]
    fn loss_and_duplication_follow_their_probabilities() {
        let mut inj = Injector::new(
            LiveFaults {
                loss: 0.2,
                duplicate: 0.1,
                delay: Some(Latency::Uniform {
                    min: Dur::ms(1),
                    max: Dur::ms(3),
                }),
            },
            stream(1, b"test"),
        );
        let parts = Partitions::default();
        let (mut lost, mut dup) = (0, 0);
        for _ in 0..10_000 {
            match inj.decide(&parts, &addr(1), &addr(2)) {
                Err(DropKind::Loss) => lost += 1,
                Ok((delays, copies)) => {
                    dup += copies - 1;
                    for d in &delays[..copies] {
                        assert!((Duration::from_millis(1)..=Duration::from_millis(3)).contains(d));
                    }
                }
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        assert!((1_700..2_300).contains(&lost), "{lost}");
        assert!((600..1_000).contains(&dup), "{dup}");
    }

    #[test]
    fn partitions_block_until_healed() {
        let mut inj = Injector::new(LiveFaults::default(), stream(1, b"test"));
        let parts = Partitions::default();
        parts.add(vec![addr(1)], vec![addr(2), addr(3)], true);
        assert_eq!(
            inj.decide(&parts, &addr(1), &addr(3)),
            Err(DropKind::Partition)
        );
        assert!(inj.decide(&parts, &addr(3), &addr(1)).is_ok());
        assert!(inj.decide(&parts, &addr(2), &addr(3)).is_ok());
        parts.heal();
        assert_eq!(
            inj.decide(&parts, &addr(1), &addr(3)),
            Ok(([Duration::ZERO; 2], 1))
        );
    }
}
