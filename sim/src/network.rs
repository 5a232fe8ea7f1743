//! The simulated network at run time: routing decisions per message (loss,
//! duplication, latency), partitions and per-link FIFO order.

use crate::config::{Latency, LinkModel, NetworkConfig};
use crate::machine::NodeRng;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasherDefault;

/// A hash map with a fixed, fast hasher, used for lookups only (never
/// iterated, so its order cannot leak into a run).
pub type LookupMap<K, V> = HashMap<K, V, BuildHasherDefault<LookupHasher>>;

/// A multiply-rotate hasher (as in rustc's FxHash): fast on small keys such
/// as node indices and socket addresses; not for untrusted keys.
#[derive(Clone, Copy, Default)]
pub struct LookupHasher(u64);

impl std::hash::Hasher for LookupHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(i as u64);
    }
    fn write_u16(&mut self, i: u16) {
        self.write_u64(i as u64);
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0xf135_7aea_2e62_a9c5);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
}

/// Why a message was not delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DropCause {
    /// The link lost it.
    Loss,
    /// A partition blocked it.
    Partition,
    /// The receiver was crashed when it arrived.
    NodeDown,
    /// No node has the destination address.
    Unroutable,
    /// It failed the encode -> decode wire check.
    WireCheck,
    /// Its stream connection was refused (the peer was down).
    Refused,
    /// Its stream connection was reset (a crash or a partition) before it arrived.
    Reset,
}

impl DropCause {
    /// Every cause, in reporting order.
    pub const ALL: [DropCause; 7] = [
        DropCause::Loss,
        DropCause::Partition,
        DropCause::NodeDown,
        DropCause::Unroutable,
        DropCause::WireCheck,
        DropCause::Refused,
        DropCause::Reset,
    ];

    /// The snake_case name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            DropCause::Loss => "loss",
            DropCause::Partition => "partition",
            DropCause::NodeDown => "node_down",
            DropCause::Unroutable => "unroutable",
            DropCause::WireCheck => "wire_check",
            DropCause::Refused => "refused",
            DropCause::Reset => "reset",
        }
    }
}

/// What the network does with one message on one link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "fate", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fate {
    /// Lost.
    Drop,
    /// Delivered once after `latency_ns`.
    Deliver {
        /// Time on the wire.
        latency_ns: u64,
    },
    /// Delivered twice.
    Duplicate {
        /// Time on the wire of the first copy.
        latency_ns: u64,
        /// Time on the wire of the second copy.
        second_ns: u64,
    },
}

/// A message's identity that survives code changes elsewhere: the link and the
/// message's number on that link (0 for the first message from `from` to `to`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LinkMsg {
    /// Sending node index.
    pub from: usize,
    /// Receiving node index.
    pub to: usize,
    /// Per-link message number.
    pub n: u64,
}

/// A fate the network decided for an identified message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Decision {
    /// Which message.
    #[serde(flatten)]
    pub msg: LinkMsg,
    /// What happened to it.
    #[serde(flatten)]
    pub fate: Fate,
}

/// How fates are chosen.
#[derive(Clone, Debug, Default)]
pub enum DecisionMode {
    /// Drawn from the network's random stream (the normal case).
    #[default]
    Random,
    /// Drawn at random, and every decision is recorded (for failure files).
    Record,
    /// Taken from an explicit table; messages not in it are delivered with the
    /// link's nominal latency ([`LinkModel::nominal_latency_ns`]), so a replay
    /// does not depend on the network's random stream at all. The fates used
    /// are recorded, as in [`DecisionMode::Record`].
    Explicit(BTreeMap<LinkMsg, Fate>),
}

struct PartitionRule {
    a: Vec<u32>,
    b: Vec<u32>,
    one_way: bool,
}

impl PartitionRule {
    fn blocks(&self, from: u32, to: u32) -> bool {
        let (fa, tb) = (
            self.a.binary_search(&from).is_ok(),
            self.b.binary_search(&to).is_ok(),
        );
        if fa && tb {
            return true;
        }
        !self.one_way && self.b.binary_search(&from).is_ok() && self.a.binary_search(&to).is_ok()
    }
}

/// The run-time network.
pub struct Network {
    default: LinkDraw,
    overrides: LookupMap<(u32, u32), LinkDraw>,
    partitions: Vec<PartitionRule>,
    rng: NodeRng,
    fifo_last: LookupMap<(u32, u32), u64>,
    mode: DecisionMode,
    link_counts: LookupMap<(u32, u32), u64>,
    recorded: Vec<Decision>,
}

impl Network {
    /// Builds the network from its configuration and its random stream.
    pub fn new(config: &NetworkConfig, rng: NodeRng) -> Self {
        let mut overrides = LookupMap::default();
        for l in &config.links {
            overrides.insert((l.from as u32, l.to as u32), LinkDraw::from(&l.model));
        }
        Network {
            default: LinkDraw::from(&config.default),
            overrides,
            partitions: Vec::new(),
            rng,
            fifo_last: LookupMap::default(),
            mode: DecisionMode::Random,
            link_counts: LookupMap::default(),
            recorded: Vec::new(),
        }
    }

    /// Chooses how fates are decided.
    pub fn set_mode(&mut self, mode: DecisionMode) {
        self.mode = mode;
    }

    /// The decisions made so far, in the order they were made (in
    /// [`DecisionMode::Record`] and [`DecisionMode::Explicit`]).
    pub fn recorded(&self) -> &[Decision] {
        &self.recorded
    }

    /// Adds a partition between sorted-or-not groups `a` and `b`.
    pub fn partition(&mut self, a: &[usize], b: &[usize], one_way: bool) {
        let mut a: Vec<u32> = a.iter().map(|&x| x as u32).collect();
        let mut b: Vec<u32> = b.iter().map(|&x| x as u32).collect();
        a.sort_unstable();
        b.sort_unstable();
        self.partitions.push(PartitionRule { a, b, one_way });
    }

    /// Removes every partition.
    pub fn heal(&mut self) {
        self.partitions.clear();
    }

    /// Whether a partition currently blocks `from -> to`.
    pub fn blocked(&self, from: u32, to: u32) -> bool {
        self.partitions.iter().any(|p| p.blocks(from, to))
    }

    fn model(&self, from: u32, to: u32) -> LinkDraw {
        if self.overrides.is_empty() {
            return self.default;
        }
        *self.overrides.get(&(from, to)).unwrap_or(&self.default)
    }

    /// Decides the fate of the next message on `from -> to` sent at `now_ns`,
    /// returning it with the absolute delivery times (FIFO applied).
    ///
    /// Outside [`DecisionMode::Random`], every message gets its per-link number
    /// (partitioned ones too, so adding or removing a partition does not
    /// renumber the messages behind it) and every fate the network chose is
    /// recorded: drawn ones in [`DecisionMode::Record`], table entries and
    /// fallbacks in [`DecisionMode::Explicit`].
    pub fn route(&mut self, from: u32, to: u32, now_ns: u64) -> Result<Fate, DropCause> {
        let numbered = match self.mode {
            DecisionMode::Random => None,
            DecisionMode::Record | DecisionMode::Explicit(_) => Some(self.number(from, to)),
        };
        if !self.partitions.is_empty() && self.blocked(from, to) {
            return Err(DropCause::Partition);
        }
        let model = self.model(from, to);
        let fate = match (&self.mode, numbered) {
            (DecisionMode::Explicit(table), Some(msg)) => {
                table.get(&msg).copied().unwrap_or(Fate::Deliver {
                    latency_ns: model.nominal_ns,
                })
            }
            _ => sample_fate(&model, &mut self.rng),
        };
        if let Some(msg) = numbered {
            self.recorded.push(Decision { msg, fate });
        }
        Ok(if model.fifo {
            self.apply_fifo(from, to, now_ns, fate)
        } else {
            fate
        })
    }

    /// The nominal latency of the link `from -> to` (no random draw).
    pub fn nominal_latency_ns(&self, from: u32, to: u32) -> u64 {
        self.model(from, to).nominal_ns
    }

    /// The stable identity of the next message on `from -> to`.
    fn number(&mut self, from: u32, to: u32) -> LinkMsg {
        let count = self.link_counts.entry((from, to)).or_insert(0);
        let msg = LinkMsg {
            from: from as usize,
            to: to as usize,
            n: *count,
        };
        *count += 1;
        msg
    }

    fn apply_fifo(&mut self, from: u32, to: u32, now_ns: u64, fate: Fate) -> Fate {
        let last = self.fifo_last.entry((from, to)).or_insert(0);
        let mut order = |latency: u64| {
            let at = (now_ns + latency).max(*last);
            *last = at;
            at - now_ns
        };
        match fate {
            Fate::Drop => Fate::Drop,
            Fate::Deliver { latency_ns } => Fate::Deliver {
                latency_ns: order(latency_ns),
            },
            Fate::Duplicate {
                latency_ns,
                second_ns,
            } => {
                let first = order(latency_ns);
                let second = order(second_ns.max(latency_ns));
                Fate::Duplicate {
                    latency_ns: first,
                    second_ns: second,
                }
            }
        }
    }
}

/// A link model in the form the sampler uses (nanoseconds, no allocation).
#[derive(Clone, Copy)]
struct LinkDraw {
    latency: LatencyDraw,
    loss: f64,
    duplicate: f64,
    fifo: bool,
    /// Latency of a message without an explicit decision.
    nominal_ns: u64,
}

#[derive(Clone, Copy)]
enum LatencyDraw {
    Constant(u64),
    Uniform(u64, u64),
    Normal(f64, f64),
    Pareto(f64, f64, u64),
}

impl From<&LinkModel> for LinkDraw {
    fn from(model: &LinkModel) -> LinkDraw {
        LinkDraw {
            latency: match &model.latency {
                Latency::Constant { value } => LatencyDraw::Constant(value.nanos()),
                Latency::Uniform { min, max } => LatencyDraw::Uniform(min.nanos(), max.nanos()),
                Latency::Normal { mean, std_dev } => {
                    LatencyDraw::Normal(mean.nanos() as f64, std_dev.nanos() as f64)
                }
                Latency::Pareto { min, shape, cap } => {
                    LatencyDraw::Pareto(min.nanos() as f64, *shape, cap.nanos())
                }
            },
            loss: model.loss,
            duplicate: model.duplicate,
            fifo: model.fifo,
            nominal_ns: model.nominal_latency_ns(),
        }
    }
}

fn sample_latency(latency: &LatencyDraw, rng: &mut NodeRng) -> u64 {
    match *latency {
        LatencyDraw::Constant(v) => v,
        LatencyDraw::Uniform(min, max) => rng.random_range(min..=max),
        LatencyDraw::Normal(mean, std_dev) => {
            // Box-Muller: two uniforms give one standard normal sample.
            let u1: f64 = 1.0 - rng.random::<f64>();
            let u2: f64 = rng.random::<f64>();
            let z = (-2.0 * libm::log(u1)).sqrt() * libm::cos(std::f64::consts::TAU * u2);
            (mean + std_dev * z).max(0.0) as u64
        }
        LatencyDraw::Pareto(min, shape, cap) => {
            let u: f64 = 1.0 - rng.random::<f64>();
            let x = min / libm::pow(u, 1.0 / shape);
            if x.is_finite() {
                (x as u64).min(cap)
            } else {
                cap
            }
        }
    }
}

fn sample_fate(model: &LinkDraw, rng: &mut NodeRng) -> Fate {
    if model.loss > 0.0 && rng.random::<f64>() < model.loss {
        return Fate::Drop;
    }
    let latency_ns = sample_latency(&model.latency, rng);
    if model.duplicate > 0.0 && rng.random::<f64>() < model.duplicate {
        return Fate::Duplicate {
            latency_ns,
            second_ns: sample_latency(&model.latency, rng),
        };
    }
    Fate::Deliver { latency_ns }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Dur;
    use crate::seeding::stream;

    fn net(model: LinkModel) -> Network {
        Network::new(
            &NetworkConfig {
                default: model,
                ..NetworkConfig::default()
            },
            stream(1, b"network"),
        )
    }

    #[test]
    fn latency_samples_stay_in_range() {
        let mut n = net(LinkModel::default());
        for _ in 0..1000 {
            match n.route(0, 1, 0).unwrap() {
                Fate::Deliver { latency_ns } => {
                    assert!((1_000_000..=10_000_000).contains(&latency_ns))
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn normal_and_pareto_are_clamped() {
        let mut n = net(LinkModel {
            latency: Latency::Normal {
                mean: Dur::ms(1),
                std_dev: Dur::ms(5),
            },
            ..LinkModel::default()
        });
        let mut zeros = 0;
        for _ in 0..1000 {
            if let Fate::Deliver { latency_ns: 0 } = n.route(0, 1, 0).unwrap() {
                zeros += 1;
            }
        }
        assert!(zeros > 100, "negative samples clamp to zero: {zeros}");
        let mut p = net(LinkModel {
            latency: Latency::Pareto {
                min: Dur::ms(1),
                shape: 0.5,
                cap: Dur::secs(2),
            },
            ..LinkModel::default()
        });
        for _ in 0..1000 {
            let Fate::Deliver { latency_ns } = p.route(0, 1, 0).unwrap() else {
                panic!()
            };
            assert!((1_000_000..=2_000_000_000).contains(&latency_ns));
        }
    }

    #[test]
    fn fifo_keeps_send_order() {
        let mut n = net(LinkModel {
            fifo: true,
            ..LinkModel::default()
        });
        let mut last = 0;
        for t in 0..1000u64 {
            let Fate::Deliver { latency_ns } = n.route(0, 1, t * 100).unwrap() else {
                panic!()
            };
            assert!(t * 100 + latency_ns >= last);
            last = t * 100 + latency_ns;
        }
    }

    #[test]
    fn one_way_partition_blocks_one_direction() {
        let mut n = net(LinkModel::default());
        n.partition(&[0], &[1], true);
        assert_eq!(n.route(0, 1, 0), Err(DropCause::Partition));
        assert!(n.route(1, 0, 0).is_ok());
        n.heal();
        assert!(n.route(0, 1, 0).is_ok());
    }

    #[test]
    fn explicit_decisions_override_the_rng() {
        let mut n = net(LinkModel {
            loss: 1.0,
            ..LinkModel::default()
        });
        let mut table = BTreeMap::new();
        table.insert(
            LinkMsg {
                from: 0,
                to: 1,
                n: 1,
            },
            Fate::Drop,
        );
        n.set_mode(DecisionMode::Explicit(table));
        assert_eq!(
            n.route(0, 1, 0),
            Ok(Fate::Deliver {
                latency_ns: 1_000_000
            })
        );
        assert_eq!(n.route(0, 1, 0), Ok(Fate::Drop));
        assert!(matches!(n.route(0, 1, 0), Ok(Fate::Deliver { .. })));
    }

    #[test]
    fn partitioned_messages_keep_their_numbers_and_used_fates_are_recorded() {
        let mut n = net(LinkModel::default());
        let mut table = BTreeMap::new();
        let third = LinkMsg {
            from: 0,
            to: 1,
            n: 2,
        };
        table.insert(third, Fate::Drop);
        n.set_mode(DecisionMode::Explicit(table));
        assert!(n.route(0, 1, 0).is_ok());
        n.partition(&[0], &[1], false);
        assert_eq!(n.route(0, 1, 0), Err(DropCause::Partition));
        n.heal();
        // The partitioned message was number 1, so this one is number 2.
        assert_eq!(n.route(0, 1, 0), Ok(Fate::Drop));
        assert_eq!(n.recorded().len(), 2, "partitioned messages have no fate");
        assert_eq!(
            n.recorded()[1],
            Decision {
                msg: third,
                fate: Fate::Drop
            }
        );
        assert_eq!(
            n.recorded()[0].fate,
            Fate::Deliver {
                latency_ns: LinkModel::default().nominal_latency_ns()
            }
        );
    }

    #[test]
    fn recording_draws_exactly_like_random() {
        let mut random = net(LinkModel {
            loss: 0.3,
            duplicate: 0.3,
            ..LinkModel::default()
        });
        let mut record = net(LinkModel {
            loss: 0.3,
            duplicate: 0.3,
            ..LinkModel::default()
        });
        record.set_mode(DecisionMode::Record);
        for i in 0..500u32 {
            let (from, to) = (i % 3, (i + 1) % 3);
            assert_eq!(random.route(from, to, 0), record.route(from, to, 0));
        }
        assert_eq!(record.recorded().len(), 500);
    }
}
