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
