//! The forex messages and their wire codec: the course's binary format,
//! told apart by length (6 bytes: a subscription; a multiple of 32: quotes).

use super::records::{
    decode_quotes, decode_subscription, encode_quotes, encode_subscription, Layout, Quote,
    SUBSCRIPTION_LEN,
};
use sim::{Codec, CodecError};
use std::net::SocketAddrV4;

/// A forex datagram.
#[derive(Clone, Debug, PartialEq, Hash)]
pub enum Msg {
    /// "Publish to this address" (a new subscription or a renewal).
    Subscribe(SocketAddrV4),
    /// 1–50 quotes.
    Quotes(Vec<Quote>),
}

/// The course's binary format in one record layout.
#[derive(Clone, Copy, Debug, Default)]
pub struct ForexCodec {
    /// Record layout of quote datagrams.
    pub layout: Layout,
}

impl ForexCodec {
    /// A codec for `layout`.
    pub fn new(layout: Layout) -> Self {
        ForexCodec { layout }
    }
}

impl Codec for ForexCodec {
    type Msg = Msg;

    fn encode(&self, msg: &Msg, out: &mut Vec<u8>) -> Result<(), CodecError> {
        match msg {
            Msg::Subscribe(addr) => {
                out.extend_from_slice(&encode_subscription(*addr));
                Ok(())
            }
            Msg::Quotes(quotes) => encode_quotes(self.layout, quotes, out)
                .map_err(|e| CodecError::Encode(e.to_string())),
        }
    }

    fn decode(&self, bytes: &[u8]) -> Result<Msg, CodecError> {
        let decoded = if bytes.len() == SUBSCRIPTION_LEN {
            decode_subscription(bytes).map(Msg::Subscribe)
        } else {
            decode_quotes(self.layout, bytes).map(Msg::Quotes)
        };
        decoded.map_err(|e| CodecError::Invalid(format!("{} ({})", e, e.kind())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forex::records::{Currency, Market};
    use std::net::Ipv4Addr;

    fn quote(rate: f64) -> Quote {
        Quote {
            market: Market::new(Currency::EUR, Currency::USD),
            rate,
            timestamp_us: 1_700_000_000_123_456,
        }
    }

    #[test]
    fn messages_are_told_apart_by_length() {
        for layout in [Layout::A, Layout::B] {
            let codec = ForexCodec::new(layout);
            let sub = Msg::Subscribe(SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 2), 50404));
            let quotes = Msg::Quotes(vec![quote(1.25), quote(0.5)]);
            for msg in [sub, quotes] {
                let mut bytes = Vec::new();
                codec.encode(&msg, &mut bytes).unwrap();
                assert_eq!(codec.decode(&bytes).unwrap(), msg);
            }
        }
    }

    #[test]
    fn decode_errors_say_what_was_wrong() {
        let codec = ForexCodec::new(Layout::A);
        let err = codec.decode(&[0; 7]).unwrap_err();
        assert!(err.to_string().contains("7 bytes"), "{err}");
        assert!(err.to_string().contains("bad-length"), "{err}");
        let err = codec.decode(&[0; 32]).unwrap_err();
        assert!(err.to_string().contains("currency"), "{err}");
        let mut bytes = Vec::new();
        let empty = codec.encode(&Msg::Quotes(Vec::new()), &mut bytes);
        assert!(matches!(empty, Err(CodecError::Encode(_))));
        let too_many = codec.encode(&Msg::Quotes(vec![quote(1.0); 51]), &mut bytes);
        assert!(matches!(too_many, Err(CodecError::Encode(_))));
    }
}
