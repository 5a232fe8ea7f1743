//! Quote records as the course's provider sends them: 32 bytes each, in one
//! of two incompatible layouts, plus the 6-byte subscription request.
//!
//! Layout A (f19–f22): `0..8` timestamp (u64 big-endian, µs since the Unix
//! epoch), `8..11` currency 1, `11..14` currency 2, `14..22` rate (binary64
//! little-endian), `22..32` zeros.
//!
//! Layout B (f23/f24): `0..3` currency 1, `3..6` currency 2, `6..10` rate
//! (binary32 little-endian), `10..18` timestamp (u64 big-endian µs),
//! `18..32` zeros.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::net::{Ipv4Addr, SocketAddrV4};

/// Bytes in one quote record.
pub const RECORD_LEN: usize = 32;
/// Most records in one datagram (`MAX_QUOTES_PER_MESSAGE`).
pub const MAX_RECORDS: usize = 50;
/// Bytes in a subscription request.
pub const SUBSCRIPTION_LEN: usize = 6;

/// A three-letter currency code: ASCII capital letters only.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    /// US dollar: where every arbitrage starts and ends.
    pub const USD: Currency = Currency(*b"USD");
    /// Canadian dollar: the hub of the provider's 4-way cycles.
    pub const CAD: Currency = Currency(*b"CAD");
    /// British pound.
    pub const GBP: Currency = Currency(*b"GBP");
    /// Japanese yen.
    pub const JPY: Currency = Currency(*b"JPY");
    /// Euro.
    pub const EUR: Currency = Currency(*b"EUR");
    /// Swiss franc.
    pub const CHF: Currency = Currency(*b"CHF");
    /// Australian dollar.
    pub const AUD: Currency = Currency(*b"AUD");

    /// A code from three bytes, which must be ASCII capital letters.
    pub fn new(bytes: [u8; 3]) -> Result<Currency, RecordError> {
        if bytes.iter().all(u8::is_ascii_uppercase) {
            Ok(Currency(bytes))
        } else {
            Err(RecordError::BadCurrency(bytes))
        }
    }

    /// The three bytes.
    pub fn bytes(self) -> [u8; 3] {
        self.0
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Always ASCII capitals by construction.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl std::str::FromStr for Currency {
    type Err = RecordError;
    fn from_str(s: &str) -> Result<Currency, RecordError> {
        match <[u8; 3]>::try_from(s.as_bytes()) {
            Ok(b) => Currency::new(b),
            Err(_) => Err(RecordError::BadCurrency(*b"???")),
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A market `base/quote`: a rate `r` means one `base` buys `r` of `quote`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Market {
    /// Currency 1.
    pub base: Currency,
    /// Currency 2.
    pub quote: Currency,
}

impl Market {
    /// The market `base/quote`.
    pub fn new(base: Currency, quote: Currency) -> Market {
        Market { base, quote }
    }
}

impl fmt::Display for Market {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.base, self.quote)
    }
}

impl fmt::Debug for Market {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// One published price.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quote {
    /// Which market.
    pub market: Market,
    /// One `market.base` buys this much `market.quote`.
    pub rate: f64,
    /// When the provider priced it: µs since the Unix epoch, by its clock.
    pub timestamp_us: u64,
}

impl Hash for Quote {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.market.hash(state);
        self.rate.to_bits().hash(state);
        self.timestamp_us.hash(state);
    }
}

/// Which 32-byte record layout a provider and its subscribers use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// f19–f22: timestamp first, binary64 rate, 10 reserved bytes.
    #[default]
    A,
    /// f23/f24: codes first, binary32 rate, timestamp, 14 reserved bytes.
    B,
}

impl Layout {
    /// The closest rate this layout carries exactly (binary32 for B).
    pub fn representable(self, rate: f64) -> f64 {
        match self {
            Layout::A => rate,
            Layout::B => f64::from(rate as f32),
        }
    }

    /// Offset of the first reserved (zero) byte.
    fn reserved_from(self) -> usize {
        match self {
            Layout::A => 22,
            Layout::B => 18,
        }
    }
}

impl std::str::FromStr for Layout {
    type Err = String;
    fn from_str(s: &str) -> Result<Layout, String> {
        match s {
            "a" | "A" => Ok(Layout::A),
            "b" | "B" => Ok(Layout::B),
            other => Err(format!("unknown layout `{other}` (use a or b)")),
        }
    }
}

/// Why bytes are not a valid quote datagram or subscription (or a quote
/// cannot be encoded).
#[derive(Clone, Debug, PartialEq)]
pub enum RecordError {
    /// A currency code that is not three ASCII capital letters.
    BadCurrency([u8; 3]),
    /// A rate that is NaN, infinite, zero or negative.
    BadRate(f64),
    /// A rate layout B cannot carry exactly (not a binary32 value).
    NotBinary32(f64),
    /// A reserved byte is not zero.
    ReservedNotZero {
        /// Offset of the byte in its record.
        offset: usize,
    },
    /// The datagram is not a 6-byte subscription nor 1–50 whole records.
    BadLength(usize),
    /// A subscription naming an unusable address (0.0.0.0 or port 0).
    BadSubscriber(SocketAddrV4),
    /// Record `index` of the datagram is bad.
    InRecord {
        /// Record number, from 0.
        index: usize,
        /// What is wrong with it.
        error: Box<RecordError>,
    },
}

impl RecordError {
    /// A short name of the kind of problem (for counting rejections).
    pub fn kind(&self) -> &'static str {
        match self {
            RecordError::BadCurrency(_) => "bad-currency",
            RecordError::BadRate(_) => "bad-rate",
            RecordError::NotBinary32(_) => "rate-not-binary32",
            RecordError::ReservedNotZero { .. } => "reserved-not-zero",
            RecordError::BadLength(_) => "bad-length",
            RecordError::BadSubscriber(_) => "bad-subscriber",
            RecordError::InRecord { error, .. } => error.kind(),
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::BadCurrency(b) => write!(
                f,
                "currency code {:02x}{:02x}{:02x} is not three ASCII capital letters",
                b[0], b[1], b[2]
            ),
            RecordError::BadRate(r) => write!(f, "rate {r} is not a positive finite number"),
            RecordError::NotBinary32(r) => {
                write!(f, "rate {r} is not exactly representable as binary32")
            }
            RecordError::ReservedNotZero { offset } => {
                write!(f, "reserved byte at offset {offset} is not zero")
            }
            RecordError::BadLength(n) => write!(
                f,
                "a datagram of {n} bytes is neither a {SUBSCRIPTION_LEN}-byte subscription nor 1 to {MAX_RECORDS} records of {RECORD_LEN} bytes"
            ),
            RecordError::BadSubscriber(a) => {
                write!(f, "subscription for {a}: cannot publish to that address")
            }
            RecordError::InRecord { index, error } => write!(f, "record {index}: {error}"),
        }
    }
}

impl std::error::Error for RecordError {}

fn check_rate(rate: f64) -> Result<f64, RecordError> {
    if rate.is_finite() && rate > 0.0 {
        Ok(rate)
    } else {
        Err(RecordError::BadRate(rate))
    }
}

/// Appends the 32-byte record of `q` in `layout`.
pub fn encode_record(layout: Layout, q: &Quote, out: &mut Vec<u8>) -> Result<(), RecordError> {
    check_rate(q.rate)?;
    let ts = q.timestamp_us.to_be_bytes();
    let (c1, c2) = (q.market.base.bytes(), q.market.quote.bytes());
    match layout {
        Layout::A => {
            out.extend_from_slice(&ts);
            out.extend_from_slice(&c1);
            out.extend_from_slice(&c2);
            out.extend_from_slice(&q.rate.to_le_bytes());
            out.extend_from_slice(&[0; 10]);
        }
        Layout::B => {
            let narrow = q.rate as f32;
            if f64::from(narrow) != q.rate {
                return Err(RecordError::NotBinary32(q.rate));
            }
            out.extend_from_slice(&c1);
            out.extend_from_slice(&c2);
            out.extend_from_slice(&narrow.to_le_bytes());
            out.extend_from_slice(&ts);
            out.extend_from_slice(&[0; 14]);
        }
    }
    Ok(())
}

fn take<const N: usize>(record: &[u8; RECORD_LEN], at: usize) -> [u8; N] {
    let mut b = [0; N];
    b.copy_from_slice(&record[at..at + N]);
    b
}

/// Decodes one 32-byte record in `layout`, checking codes, rate and padding.
pub fn decode_record(layout: Layout, record: &[u8; RECORD_LEN]) -> Result<Quote, RecordError> {
    let (ts, c1, c2, rate) = match layout {
        Layout::A => (
            u64::from_be_bytes(take(record, 0)),
            take::<3>(record, 8),
            take::<3>(record, 11),
            f64::from_le_bytes(take(record, 14)),
        ),
        Layout::B => (
            u64::from_be_bytes(take(record, 10)),
            take::<3>(record, 0),
            take::<3>(record, 3),
            f64::from(f32::from_le_bytes(take(record, 6))),
        ),
    };
    let market = Market::new(Currency::new(c1)?, Currency::new(c2)?);
    let rate = check_rate(rate)?;
    let from = layout.reserved_from();
    if let Some(i) = record[from..].iter().position(|&b| b != 0) {
        return Err(RecordError::ReservedNotZero { offset: from + i });
    }
    Ok(Quote {
        market,
        rate,
        timestamp_us: ts,
    })
}

/// Decodes a quote datagram: 1 to 50 whole records.
pub fn decode_quotes(layout: Layout, bytes: &[u8]) -> Result<Vec<Quote>, RecordError> {
    let n = bytes.len();
    if n == 0 || !n.is_multiple_of(RECORD_LEN) || n / RECORD_LEN > MAX_RECORDS {
        return Err(RecordError::BadLength(n));
    }
    bytes
        .chunks_exact(RECORD_LEN)
        .enumerate()
        .map(|(index, chunk)| {
            let mut record = [0; RECORD_LEN];
            record.copy_from_slice(chunk);
            decode_record(layout, &record).map_err(|e| RecordError::InRecord {
                index,
                error: Box::new(e),
            })
        })
        .collect()
}

/// Appends a quote datagram: 1 to 50 records.
pub fn encode_quotes(
    layout: Layout,
    quotes: &[Quote],
    out: &mut Vec<u8>,
) -> Result<(), RecordError> {
    if quotes.is_empty() || quotes.len() > MAX_RECORDS {
        return Err(RecordError::BadLength(quotes.len() * RECORD_LEN));
    }
    for (index, q) in quotes.iter().enumerate() {
        encode_record(layout, q, out).map_err(|e| RecordError::InRecord {
            index,
            error: Box::new(e),
        })?;
    }
    Ok(())
}

/// The 6-byte subscription: IPv4 address, then the port big-endian.
pub fn encode_subscription(addr: SocketAddrV4) -> [u8; SUBSCRIPTION_LEN] {
    let [a, b, c, d] = addr.ip().octets();
    let [p, q] = addr.port().to_be_bytes();
    [a, b, c, d, p, q]
}

/// Decodes a 6-byte subscription; 0.0.0.0 or port 0 cannot be published to.
pub fn decode_subscription(bytes: &[u8]) -> Result<SocketAddrV4, RecordError> {
    let b: [u8; SUBSCRIPTION_LEN] = bytes
        .try_into()
        .map_err(|_| RecordError::BadLength(bytes.len()))?;
    let addr = SocketAddrV4::new(
        Ipv4Addr::new(b[0], b[1], b[2], b[3]),
        u16::from_be_bytes([b[4], b[5]]),
    );
    if addr.ip().is_unspecified() || addr.port() == 0 {
        return Err(RecordError::BadSubscriber(addr));
    }
    Ok(addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2006-01-02 00:00:00 UTC and 2006-01-01, in µs since the epoch.
    const JAN_2: u64 = 1_136_160_000_000_000;
    const JAN_1: u64 = 1_136_073_600_000_000;

    fn gbp_usd(rate: f64) -> Quote {
        Quote {
            market: Market::new(Currency::GBP, Currency::USD),
            rate,
            timestamp_us: JAN_2,
        }
    }

    fn usd_jpy(rate: f64) -> Quote {
        Quote {
            market: Market::new(Currency::USD, Currency::JPY),
            rate,
            timestamp_us: JAN_1,
        }
    }

    /// Layout A, field by field from its table.
    fn layout_a_vector() -> Vec<u8> {
        let mut v = Vec::new();
        // 0..8 timestamp, u64 big-endian
        v.extend_from_slice(&[0x00, 0x04, 0x09, 0x54, 0xdd, 0x35, 0x40, 0x00]);
        // 8..11, 11..14 currency codes
        v.extend_from_slice(b"GBPUSD");
        // 14..22 rate 1.22041, binary64 little-endian
        v.extend_from_slice(&[0xbb, 0x61, 0xdb, 0xa2, 0xcc, 0x86, 0xf3, 0x3f]);
        // 22..32 reserved
        v.extend_from_slice(&[0; 10]);
        // second record: 2006-01-01, USD/JPY 108.2755
        v.extend_from_slice(&[0x00, 0x04, 0x09, 0x40, 0xbf, 0x5d, 0xe0, 0x00]);
        v.extend_from_slice(b"USDJPY");
        v.extend_from_slice(&[0x12, 0x83, 0xc0, 0xca, 0xa1, 0x11, 0x5b, 0x40]);
        v.extend_from_slice(&[0; 10]);
        v
    }

    /// Layout B, field by field from its table.
    fn layout_b_vector() -> Vec<u8> {
        let mut v = Vec::new();
        // 0..3, 3..6 currency codes
        v.extend_from_slice(b"GBPUSD");
        // 6..10 rate 1.22041 as binary32 little-endian
        v.extend_from_slice(&[0x65, 0x36, 0x9c, 0x3f]);
        // 10..18 timestamp, u64 big-endian
        v.extend_from_slice(&[0x00, 0x04, 0x09, 0x54, 0xdd, 0x35, 0x40, 0x00]);
        // 18..32 reserved
        v.extend_from_slice(&[0; 14]);
        v.extend_from_slice(b"USDJPY");
        v.extend_from_slice(&[0x0e, 0x8d, 0xd8, 0x42]);
        v.extend_from_slice(&[0x00, 0x04, 0x09, 0x40, 0xbf, 0x5d, 0xe0, 0x00]);
        v.extend_from_slice(&[0; 14]);
        v
    }

    #[test]
    fn layout_a_matches_its_table_and_round_trips() {
        let quotes = [gbp_usd(1.22041), usd_jpy(108.2755)];
        let mut out = Vec::new();
        encode_quotes(Layout::A, &quotes, &mut out).unwrap();
        assert_eq!(out, layout_a_vector());
        assert_eq!(decode_quotes(Layout::A, &out).unwrap(), quotes);
    }

    #[test]
    fn layout_b_matches_its_table_and_round_trips() {
        let quotes = [
            gbp_usd(Layout::B.representable(1.22041)),
            usd_jpy(Layout::B.representable(108.2755)),
        ];
        assert_eq!(quotes[0].rate, 1.2204099893569946);
        let mut out = Vec::new();
        encode_quotes(Layout::B, &quotes, &mut out).unwrap();
        assert_eq!(out, layout_b_vector());
        assert_eq!(decode_quotes(Layout::B, &out).unwrap(), quotes);
    }

    #[test]
    fn layout_b_refuses_a_rate_it_would_round() {
        let mut out = Vec::new();
        let err = encode_quotes(Layout::B, &[gbp_usd(1.22041)], &mut out).unwrap_err();
        assert_eq!(err.kind(), "rate-not-binary32");
    }

    #[test]
    fn a_datagram_read_in_the_other_layout_is_rejected() {
        let err = decode_quotes(Layout::B, &layout_a_vector()).unwrap_err();
        assert_eq!(err.kind(), "bad-currency", "{err}");
        let err = decode_quotes(Layout::A, &layout_b_vector()).unwrap_err();
        assert!(err.to_string().starts_with("record 0:"), "{err}");
    }

    #[test]
    fn bad_lengths_codes_rates_and_padding_are_named() {
        let good = layout_a_vector();
        for n in [0, 1, 31, 33, 63] {
            let err = decode_quotes(Layout::A, &good[..n]).unwrap_err();
            assert_eq!(err, RecordError::BadLength(n));
        }
        let too_many = good[..32].repeat(MAX_RECORDS + 1);
        assert_eq!(
            decode_quotes(Layout::A, &too_many).unwrap_err(),
            RecordError::BadLength(32 * 51)
        );
        assert_eq!(
            decode_quotes(Layout::A, &good[..32].repeat(50))
                .unwrap()
                .len(),
            50
        );

        let mut lower = good.clone();
        lower[8] = b'g';
        assert_eq!(
            decode_quotes(Layout::A, &lower).unwrap_err().kind(),
            "bad-currency"
        );
        let mut non_ascii = good.clone();
        non_ascii[43] = 0xc3;
        let err = decode_quotes(Layout::A, &non_ascii).unwrap_err();
        assert!(
            err.to_string().starts_with("record 1: currency code"),
            "{err}"
        );

        for bad in [f64::NAN, -1.5, 0.0, f64::INFINITY] {
            let mut v = good.clone();
            v[14..22].copy_from_slice(&bad.to_le_bytes());
            assert_eq!(decode_quotes(Layout::A, &v).unwrap_err().kind(), "bad-rate");
        }
        let mut padded = good;
        padded[31] = 1;
        assert_eq!(
            decode_quotes(Layout::A, &padded).unwrap_err(),
            RecordError::InRecord {
                index: 0,
                error: Box::new(RecordError::ReservedNotZero { offset: 31 })
            }
        );
    }

    #[test]
    fn subscriptions_are_address_then_big_endian_port() {
        let addr = SocketAddrV4::new(Ipv4Addr::new(127, 0, 0, 1), 65534);
        let bytes = encode_subscription(addr);
        assert_eq!(bytes, [0x7f, 0, 0, 1, 0xff, 0xfe]);
        assert_eq!(decode_subscription(&bytes).unwrap(), addr);
        assert_eq!(
            decode_subscription(&[0, 0, 0, 0, 0xc4, 0xe3])
                .unwrap_err()
                .kind(),
            "bad-subscriber"
        );
        assert_eq!(
            decode_subscription(&[127, 0, 0, 1, 0, 0])
                .unwrap_err()
                .kind(),
            "bad-subscriber"
        );
        assert_eq!(
            decode_subscription(&[1, 2, 3]).unwrap_err(),
            RecordError::BadLength(3)
        );
    }

    #[test]
    fn currency_codes_are_three_capitals() {
        assert_eq!("EUR".parse::<Currency>().unwrap(), Currency::EUR);
        assert!("eur".parse::<Currency>().is_err());
        assert!("EURO".parse::<Currency>().is_err());
        assert!("€".parse::<Currency>().is_err());
    }

    fn any_quote(layout: Layout) -> impl proptest::strategy::Strategy<Value = Quote> {
        use proptest::prelude::*;
        let code = || proptest::array::uniform3(b'A'..=b'Z');
        (code(), code(), 1e-6f64..1e6, any::<u64>()).prop_map(move |(a, b, r, ts)| Quote {
            market: Market::new(Currency::new(a).unwrap(), Currency::new(b).unwrap()),
            rate: layout.representable(r),
            timestamp_us: ts,
        })
    }

    proptest::proptest! {
        #[test]
        fn valid_quotes_round_trip_byte_exactly(
            a in proptest::collection::vec(any_quote(Layout::A), 1..=MAX_RECORDS),
            b in proptest::collection::vec(any_quote(Layout::B), 1..=MAX_RECORDS),
        ) {
            for (layout, quotes) in [(Layout::A, a), (Layout::B, b)] {
                let mut bytes = Vec::new();
                encode_quotes(layout, &quotes, &mut bytes).unwrap();
                proptest::prop_assert_eq!(bytes.len(), RECORD_LEN * quotes.len());
                let back = decode_quotes(layout, &bytes).unwrap();
                proptest::prop_assert_eq!(&back, &quotes);
                let mut again = Vec::new();
                encode_quotes(layout, &back, &mut again).unwrap();
                proptest::prop_assert_eq!(again, bytes);
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            for layout in [Layout::A, Layout::B] {
                if let Ok(quotes) = decode_quotes(layout, &bytes) {
                    let mut again = Vec::new();
                    encode_quotes(layout, &quotes, &mut again).unwrap();
                    proptest::prop_assert_eq!(again, bytes.clone());
                }
            }
            let _ = decode_subscription(&bytes);
        }
    }
}
