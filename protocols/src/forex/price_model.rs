//! The course provider's prices: a random walk around reference rates, an
//! occasional old timestamp, a few quotes left out, the rest shuffled, and
//! (most of the time) an injected arbitrage.

use super::records::{Currency, Layout, Market, Quote};
use rand::seq::{IndexedRandom, SliceRandom};
use rand::Rng;

/// Reference rates at start: GBP, EUR and AUD are quoted `XXX/USD`, JPY and
/// CHF `USD/XXX`.
pub const REFERENCE: [(Currency, f64); 5] = [
    (Currency::GBP, 1.25),
    (Currency::JPY, 100.0),
    (Currency::EUR, 1.10),
    (Currency::CHF, 1.00),
    (Currency::AUD, 0.75),
];

/// Probability a datagram carries an old timestamp on its reference quotes.
pub const OUT_OF_ORDER_P: f64 = 0.10;
/// Probability a datagram carries an injected arbitrage.
pub const ARBITRAGE_P: f64 = 0.95;
/// How many reference quotes are left out, drawn uniformly from this list.
const DROP_CHOICES: [usize; 12] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3];

/// Whether a reference currency is quoted `XXX/USD` (else `USD/XXX`).
pub fn reverse_quoted(c: Currency) -> bool {
    matches!(c, Currency::GBP | Currency::EUR | Currency::AUD)
}

/// Which shape of arbitrage was injected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InjectionKind {
    /// One cross `XXX/YYY` against the two USD quotes.
    ThreeWay,
    /// Two markets through CAD (names sorted, as the v2 provider does).
    FourWay,
}

/// An arbitrage the provider put into a datagram.
#[derive(Clone, Debug, PartialEq, Hash)]
pub struct Injected {
    /// Its shape.
    pub kind: InjectionKind,
    /// The quotes that make it (one or two).
    pub quotes: Vec<Quote>,
}

/// One datagram's worth of prices.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    /// The quotes, in send order.
    pub quotes: Vec<Quote>,
    /// Whether the reference quotes carry an old timestamp.
    pub out_of_order: bool,
    /// The injected arbitrage, if any (its quotes are also in `quotes`).
    pub injected: Option<Injected>,
}

/// The provider's price state.
#[derive(Clone, Debug)]
pub struct PriceModel {
    reference: [(Currency, f64); 5],
    layout: Layout,
}

/// A normal deviate (Box–Muller).
pub fn gauss(rng: &mut impl Rng, mean: f64, std_dev: f64) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>(); // (0, 1]
    let u2: f64 = rng.random::<f64>();
    mean + std_dev * (-2.0 * libm::log(u1)).sqrt() * libm::cos(std::f64::consts::TAU * u2)
}

fn round5(x: f64) -> f64 {
    (x * 1e5).round() / 1e5
}

impl PriceModel {
    /// Reference rates, quoting in `layout` (binary32 rates for B).
    pub fn new(layout: Layout) -> Self {
        PriceModel {
            reference: REFERENCE,
            layout,
        }
    }

    /// Current reference rates.
    pub fn reference(&self) -> &[(Currency, f64); 5] {
        &self.reference
    }

    /// Units of `c` one USD buys at the reference rates.
    fn per_usd(&self, c: Currency) -> f64 {
        let r = self.rate_of(c);
        if reverse_quoted(c) {
            1.0 / r
        } else {
            r
        }
    }

    fn rate_of(&self, c: Currency) -> f64 {
        self.reference
            .iter()
            .find(|(x, _)| *x == c)
            .map_or(1.0, |(_, r)| *r)
    }

    /// Walks the prices one step and makes the next datagram's quotes;
    /// `now_us` is the provider's wall clock in µs since the epoch.
    pub fn tick(&mut self, rng: &mut impl Rng, now_us: u64) -> Tick {
        let mut quotes = Vec::with_capacity(7);
        for (c, r) in self.reference.iter_mut() {
            *r = round5(*r * gauss(rng, 1.0, 0.0001).max(0.9));
            let market = if reverse_quoted(*c) {
                Market::new(*c, Currency::USD)
            } else {
                Market::new(Currency::USD, *c)
            };
            quotes.push(Quote {
                market,
                rate: self.layout.representable(*r),
                timestamp_us: now_us,
            });
        }
        let out_of_order = rng.random::<f64>() < OUT_OF_ORDER_P;
        if out_of_order {
            let back_s = gauss(rng, 10.0, 3.0);
            let back_us = gauss(rng, 200.0, 10.0);
            let back = (back_s * 1e6 + back_us) as i64;
            let old = (now_us as i64).saturating_sub(back).max(0) as u64;
            for q in &mut quotes {
                q.timestamp_us = old;
            }
        }
        let dropped = DROP_CHOICES[rng.random_range(0..DROP_CHOICES.len())];
        quotes.shuffle(rng);
        quotes.truncate(quotes.len() - dropped);
        let injected = if rng.random::<f64>() < ARBITRAGE_P {
            self.inject(rng, now_us)
        } else {
            None
        };
        if let Some(inj) = &injected {
            quotes.extend_from_slice(&inj.quotes);
        }
        Tick {
            quotes,
            out_of_order,
            injected,
        }
    }

    /// An arbitrage, as the course's v2 provider makes it: two reference
    /// currencies `x < y`, `rate = (y per USD) / (x per USD) · N(1, 0.01)`;
    /// either the cross `x/y` at `rate`, or the CAD markets (names sorted)
    /// at `rate / 2` (with `x`) and `rate · 2` (with `y`), whichever way the
    /// names sort, which makes 4-way cycles large.
    fn inject(&self, rng: &mut impl Rng, now_us: u64) -> Option<Injected> {
        let names: Vec<Currency> = self.reference.iter().map(|(c, _)| *c).collect();
        let mut pair: Vec<Currency> = names.choose_multiple(rng, 2).copied().collect();
        pair.sort();
        let (x, y) = (pair[0], pair[1]);
        let rate = self.per_usd(y) / self.per_usd(x) * gauss(rng, 1.0, 0.01);
        let three_way = rng.random::<f64>() < 0.5;
        let quote = |a: Currency, b: Currency, r: f64| Quote {
            market: if a <= b {
                Market::new(a, b)
            } else {
                Market::new(b, a)
            },
            rate: self.layout.representable(r),
            timestamp_us: now_us,
        };
        let (kind, quotes) = if three_way {
            (InjectionKind::ThreeWay, vec![quote(x, y, rate)])
        } else {
            (
                InjectionKind::FourWay,
                vec![
                    quote(Currency::CAD, x, rate / 2.0),
                    quote(Currency::CAD, y, rate * 2.0),
                ],
            )
        };
        quotes
            .iter()
            .all(|q| q.rate.is_finite() && q.rate > 0.0)
            .then_some(Injected { kind, quotes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use std::collections::BTreeSet;

    const NOW: u64 = 1_700_000_000_000_000;

    fn ticks(layout: Layout, n: usize) -> Vec<Tick> {
        let mut rng = sim::NodeRng::seed_from_u64(9);
        let mut model = PriceModel::new(layout);
        (0..n)
            .map(|i| model.tick(&mut rng, NOW + i as u64 * 1_000_000))
            .collect()
    }

    #[test]
    fn reference_quotes_follow_the_course_markets() {
        let markets: BTreeSet<String> = ticks(Layout::A, 50)
            .iter()
            .flat_map(|t| t.quotes.iter())
            .filter(|q| q.market.base == Currency::USD || q.market.quote == Currency::USD)
            .map(|q| q.market.to_string())
            .collect();
        let expected: BTreeSet<String> = ["GBP/USD", "USD/JPY", "EUR/USD", "USD/CHF", "AUD/USD"]
            .into_iter()
            .map(String::from)
            .collect();
        assert_eq!(markets, expected);
    }

    #[test]
    fn prices_walk_slowly_and_keep_five_decimals() {
        let mut rng = sim::NodeRng::seed_from_u64(3);
        let mut model = PriceModel::new(Layout::A);
        for i in 0..500 {
            model.tick(&mut rng, NOW + i);
        }
        for ((c, r), (_, start)) in model.reference().iter().zip(REFERENCE) {
            assert!((r / start - 1.0).abs() < 0.05, "{c} walked to {r}");
            assert_eq!((r * 1e5).round() / 1e5, *r, "{c} {r}");
        }
    }

    #[test]
    fn old_timestamps_drops_and_injections_come_at_the_course_rates() {
        let all = ticks(Layout::A, 4000);
        let n = all.len() as f64;
        let old = all.iter().filter(|t| t.out_of_order).count() as f64 / n;
        assert!((0.08..0.12).contains(&old), "{old}");
        let injected = all.iter().filter(|t| t.injected.is_some()).count() as f64 / n;
        assert!((0.93..0.97).contains(&injected), "{injected}");
        let three = all
            .iter()
            .filter(|t| {
                t.injected
                    .as_ref()
                    .is_some_and(|i| i.kind == InjectionKind::ThreeWay)
            })
            .count() as f64
            / n;
        assert!((0.43..0.52).contains(&three), "{three}");
        for (i, t) in all.iter().enumerate() {
            let now = NOW + i as u64 * 1_000_000;
            let extra = t.injected.as_ref().map_or(0, |i| i.quotes.len());
            let (reference, injected) = t.quotes.split_at(t.quotes.len() - extra);
            assert!((2..=5).contains(&reference.len()), "{}", reference.len());
            let stamp = reference[0].timestamp_us;
            assert!(reference.iter().all(|q| q.timestamp_us == stamp));
            assert_eq!(t.out_of_order, stamp != now, "tick {i}");
            assert!(injected.iter().all(|q| q.timestamp_us == now));
        }
        let full = all
            .iter()
            .filter(|t| t.quotes.len() - t.injected.as_ref().map_or(0, |i| i.quotes.len()) == 5);
        assert!(full.count() as f64 / n > 0.6);
    }

    #[test]
    fn injected_markets_are_sorted_and_cad_cycles_go_through_cad() {
        for t in ticks(Layout::B, 300) {
            let Some(inj) = t.injected else { continue };
            for q in &inj.quotes {
                assert!(q.market.base < q.market.quote, "{}", q.market);
                assert_eq!(Layout::B.representable(q.rate), q.rate);
                assert!(t.quotes.contains(q));
                assert!(t.quotes.last() == inj.quotes.last());
            }
            match inj.kind {
                InjectionKind::ThreeWay => assert_eq!(inj.quotes.len(), 1),
                InjectionKind::FourWay => {
                    assert_eq!(inj.quotes.len(), 2);
                    assert!(
                        inj.quotes
                            .iter()
                            .all(|q| q.market.base == Currency::CAD
                                || q.market.quote == Currency::CAD)
                    );
                }
            }
        }
    }
}
