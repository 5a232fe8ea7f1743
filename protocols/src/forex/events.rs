//! What forex nodes observe, and how the course printed it.

use super::arbitrage::Route;
use super::price_model::{Injected, InjectionKind};
use super::records::{Market, Quote};
use std::fmt::Write as _;
use std::net::SocketAddr;

/// Why a node refused a datagram it could decode.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Rejection {
    /// A quote is stamped further in the future than the node accepts.
    FutureTimestamp {
        /// The quote's timestamp (µs since the epoch).
        timestamp_us: u64,
        /// The node's clock when it arrived (µs since the epoch).
        now_us: i64,
    },
    /// A message this kind of node does not take (quotes sent to a provider,
    /// a subscription sent to a subscriber).
    Unexpected(&'static str),
    /// The node cannot subscribe from its address (not IPv4).
    CannotSubscribe(SocketAddr),
    /// Quotes from an address other than the provider subscribed to
    /// (ignored unless the subscriber accepts quotes from anyone).
    ForeignSource {
        /// Where the datagram came from.
        from: SocketAddr,
        /// The provider subscribed to.
        provider: SocketAddr,
    },
    /// A new subscription over one of the provider's limits.
    SubscriptionRefused {
        /// The address it would have registered.
        subscriber: SocketAddr,
        /// Which limit.
        limit: &'static str,
    },
}

impl Rejection {
    /// A short name of the kind (for counting).
    pub fn kind(&self) -> &'static str {
        match self {
            Rejection::FutureTimestamp { .. } => "future-timestamp",
            Rejection::Unexpected(_) => "unexpected-message",
            Rejection::CannotSubscribe(_) => "cannot-subscribe",
            Rejection::ForeignSource { .. } => "foreign-source",
            Rejection::SubscriptionRefused { .. } => "subscription-refused",
        }
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rejection::FutureTimestamp {
                timestamp_us,
                now_us,
            } => write!(
                f,
                "quote stamped {} is {:.3} s in the future",
                format_timestamp(*timestamp_us),
                (*timestamp_us as f64 - *now_us as f64) / 1e6
            ),
            Rejection::Unexpected(what) => write!(f, "unexpected {what}"),
            Rejection::CannotSubscribe(me) => {
                write!(f, "cannot subscribe from {me}: only IPv4 addresses fit")
            }
            Rejection::ForeignSource { from, provider } => write!(
                f,
                "quotes from {from}, not from the provider {provider}, ignored"
            ),
            Rejection::SubscriptionRefused { subscriber, limit } => {
                write!(f, "subscription for {subscriber} refused: {limit}")
            }
        }
    }
}

/// An observation of a forex node.
#[derive(Clone, Debug, PartialEq, Hash)]
pub enum Event {
    /// Provider: a subscription arrived (new, or a renewal of a live lease).
    Subscribed {
        /// Where quotes go.
        subscriber: SocketAddr,
        /// Whether it renewed a lease that had not ended.
        renewal: bool,
    },
    /// Provider: a lease ended without renewal.
    LeaseExpired {
        /// The subscriber.
        subscriber: SocketAddr,
    },
    /// Provider: the last lease ended; publishing stops.
    NoSubscribers,
    /// Provider: one datagram went to every subscriber.
    Published {
        /// How many subscribers it went to.
        subscribers: usize,
        /// How many quotes it held.
        quotes: usize,
        /// Whether the reference quotes carried an old timestamp.
        out_of_order: bool,
        /// The injected arbitrage, if any.
        injected: Option<Injected>,
    },
    /// Subscriber: it started (fresh state: after a restart it remembers nothing).
    Started,
    /// Subscriber: a subscription (or renewal) was sent.
    SubscriptionSent {
        /// The provider.
        provider: SocketAddr,
    },
    /// Subscriber: one quote of a datagram it took in.
    Quote {
        /// The quote.
        quote: Quote,
        /// False: older than the latest seen for its market, ignored.
        accepted: bool,
    },
    /// Subscriber: a quote expired and left the graph.
    StaleRemoved {
        /// Its market.
        market: Market,
    },
    /// Subscriber: Bellman-Ford found a negative cycle.
    Arbitrage {
        /// USD to USD through the cycle.
        route: Route,
    },
    /// Either: a datagram was refused.
    Rejected {
        /// Why.
        reason: Rejection,
    },
}

/// `YYYY-MM-DD HH:MM:SS.ffffff` (UTC) of µs since the Unix epoch.
pub fn format_timestamp(us: u64) -> String {
    let secs = us / 1_000_000;
    let micros = us % 1_000_000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}.{micros:06}",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// Proleptic Gregorian date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// `('10.0.0.2', 50404)`: an address as the course's Python printed it.
fn py_addr(a: &SocketAddr) -> String {
    format!("('{}', {})", a.ip(), a.port())
}

/// The course's line for a quote: `2006-01-02 00:00:00.000000 GBP USD 1.22041`.
pub fn quote_line(q: &Quote) -> String {
    format!(
        "{} {} {} {}",
        format_timestamp(q.timestamp_us),
        q.market.base,
        q.market.quote,
        q.rate
    )
}

/// The course's arbitrage report.
pub fn arbitrage_lines(route: &Route) -> String {
    let mut out = String::from("ARBITRAGE:\n");
    let mut amount = super::arbitrage::START_AMOUNT;
    let _ = writeln!(out, "\tstart with {} {amount}", route.start());
    for hop in &route.hops {
        amount *= hop.rate;
        let _ = writeln!(
            out,
            "\texchange {} for {} at {} --> {} {amount}",
            hop.from, hop.to, hop.rate, hop.to
        );
    }
    let _ = write!(
        out,
        "\tprofit {} {}",
        route.start(),
        amount - super::arbitrage::START_AMOUNT
    );
    out
}

/// Renders an observation as the course's programs printed it. With
/// `verbose` false, the per-quote chatter (quotes, out-of-sequence and stale
/// lines, publishing and subscribing) renders as nothing.
pub fn render(event: &Event, verbose: bool) -> String {
    match event {
        Event::Subscribed { subscriber, .. } => {
            format!("registering subscription for {}", py_addr(subscriber))
        }
        Event::LeaseExpired { subscriber } => {
            format!("{} subscription expired", py_addr(subscriber))
        }
        Event::NoSubscribers => "no subscriptions".to_string(),
        Event::Arbitrage { route } => arbitrage_lines(route),
        Event::Rejected { reason } => format!("rejected datagram: {reason}"),
        _ if !verbose => String::new(),
        Event::Published {
            subscribers,
            quotes,
            out_of_order,
            injected,
        } => {
            let mut out = String::new();
            if *out_of_order {
                out.push_str("sending an out of order message\n");
            }
            match injected.as_ref().map(|i| i.kind) {
                Some(InjectionKind::ThreeWay) => out.push_str("putting in a 3-way cycle\n"),
                Some(InjectionKind::FourWay) => out.push_str("putting in a 4-way cycle\n"),
                None => {}
            }
            let _ = write!(
                out,
                "publishing {quotes} quotes to {subscribers} subscriber(s)"
            );
            out
        }
        Event::Started => "subscriber started".to_string(),
        Event::SubscriptionSent { provider } => format!("subscribing to {}", py_addr(provider)),
        Event::Quote { quote, accepted } => {
            if *accepted {
                quote_line(quote)
            } else {
                format!("{}\nignoring out-of-sequence message", quote_line(quote))
            }
        }
        Event::StaleRemoved { market } => format!(
            "removing stale quote for ('{}', '{}')",
            market.base, market.quote
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forex::records::Currency;

    #[test]
    fn quote_lines_print_utc_dates_to_the_microsecond() {
        let q = Quote {
            market: Market::new(Currency::GBP, Currency::USD),
            rate: 1.22041,
            timestamp_us: 1_136_160_000_000_000,
        };
        assert_eq!(quote_line(&q), "2006-01-02 00:00:00.000000 GBP USD 1.22041");
        // 2024-02-29 23:59:58.000042 (a leap day).
        assert_eq!(
            format_timestamp(1_709_251_198_000_042),
            "2024-02-29 23:59:58.000042"
        );
        assert_eq!(format_timestamp(0), "1970-01-01 00:00:00.000000");
    }

    #[test]
    fn quiet_rendering_keeps_only_what_matters() {
        let sub: SocketAddr = "10.0.0.2:50404".parse().unwrap();
        let expired = Event::LeaseExpired { subscriber: sub };
        assert_eq!(
            render(&expired, false),
            "('10.0.0.2', 50404) subscription expired"
        );
        let stale = Event::StaleRemoved {
            market: Market::new(Currency::EUR, Currency::USD),
        };
        assert_eq!(render(&stale, false), "");
        assert_eq!(
            render(&stale, true),
            "removing stale quote for ('EUR', 'USD')"
        );
    }
}
