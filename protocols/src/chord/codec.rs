//! The wire format: JSON, one message per datagram (or length-prefixed
//! frame), in an envelope that carries the sender's `M`:
//!
//! ```json
//! {"m":160,"msg":{"ring":{"call":{"id":7,"body":{"step":{"target":"f13d..."}}}}}}
//! ```
//!
//! Identifiers are lowercase hex (no leading zeros); a node is
//! `{"id":"...","addr":"127.0.0.1:43544"}`. Decoding checks every id is
//! below `2^M`. A message whose envelope names another `M` is not decoded
//! further: it becomes [`Msg::Foreign`], which the node answers with
//! [`Msg::WrongSpace`] so the other side learns why it is ignored.

use super::id::{Id, IdSpace};
use super::msg::{DataReq, DataResp, Msg, RingReq, RingResp};
use super::peer::Peer;
use super::rpc::RpcMsg;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sim::{Codec, CodecError};
use std::net::SocketAddr;

/// Largest datagram or frame this codec accepts.
pub const MAX_MESSAGE: usize = 60 * 1024;

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let hex = format!("{self:x}");
        let digits = hex.trim_start_matches('0');
        s.serialize_str(if digits.is_empty() { "0" } else { digits })
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        parse_id(&text).map_err(D::Error::custom)
    }
}

/// An id from up to 40 hex digits.
pub fn parse_id(text: &str) -> Result<Id, String> {
    if text.is_empty() || text.len() > 40 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("id {text:?} is not 1 to 40 hex digits"));
    }
    let padded = format!("{text:0>40}");
    let mut bytes = [0u8; 20];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = u8::from_str_radix(&padded[2 * i..2 * i + 2], 16)
            .map_err(|e| format!("id {text:?}: {e}"))?;
    }
    Ok(Id::from_be_bytes(bytes))
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PeerWire {
    id: Id,
    addr: SocketAddr,
}

impl Serialize for Peer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        PeerWire {
            id: self.id(),
            addr: self.addr(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Peer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Peer, D::Error> {
        let w = PeerWire::deserialize(d)?;
        Peer::new(w.id, w.addr).map_err(D::Error::custom)
    }
}

/// The messages that go on the wire (`Foreign` is made by the decoder).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Wire {
    Ring(RpcMsg<RingReq, RingResp>),
    Data(RpcMsg<DataReq, DataResp>),
    WrongSpace,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    m: u8,
    msg: Wire,
}

/// Only the envelope's `M`.
#[derive(Deserialize)]
struct Head {
    m: u8,
}

/// Chord's codec for nodes of `M`-bit identifiers.
#[derive(Clone, Copy, Debug)]
pub struct ChordCodec {
    space: IdSpace,
}

impl ChordCodec {
    /// The codec of nodes using `space`.
    pub fn new(space: IdSpace) -> ChordCodec {
        ChordCodec { space }
    }

    fn bits(&self) -> u8 {
        // IdSpace guarantees 1..=160.
        self.space.bits() as u8
    }

    fn check_id(&self, id: Id) -> Result<(), CodecError> {
        if self.space.contains(id) {
            Ok(())
        } else {
            Err(CodecError::Invalid(format!(
                "id {id:x} has more than M = {} bits",
                self.space.bits()
            )))
        }
    }

    fn check_peers<'a>(&self, peers: impl IntoIterator<Item = &'a Peer>) -> Result<(), CodecError> {
        peers.into_iter().try_for_each(|p| self.check_id(p.id()))
    }

    /// Every id in `msg` is below `2^M`.
    fn check(&self, msg: &Msg) -> Result<(), CodecError> {
        match msg {
            Msg::Ring(m) => self.check_ring(m),
            Msg::Data(m) => self.check_data(m),
            Msg::WrongSpace { .. } | Msg::Foreign { .. } => Ok(()),
        }
    }

    fn check_ring(&self, msg: &RpcMsg<RingReq, RingResp>) -> Result<(), CodecError> {
        match msg {
            RpcMsg::Call { body, .. } => match body {
                RingReq::Step { target, .. } => self.check_id(*target),
                RingReq::Notify { me: p }
                | RingReq::SetPredecessor { pred: p }
                | RingReq::UpdateFinger { s: p, .. } => self.check_peers([p]),
                RingReq::Leaving { pred, succs } => {
                    self.check_peers(pred.iter().chain(succs.iter()))
                }
                RingReq::Neighbours | RingReq::Ping => Ok(()),
            },
            RpcMsg::Reply { body, .. } => match body {
                RingResp::Done { owner: p } | RingResp::Next { next: p } => self.check_peers([p]),
                RingResp::Neighbours { pred, succs } => {
                    self.check_peers(pred.iter().chain(succs.iter()))
                }
                RingResp::Ack | RingResp::Joining => Ok(()),
            },
        }
    }

    fn check_data(&self, msg: &RpcMsg<DataReq, DataResp>) -> Result<(), CodecError> {
        match msg {
            RpcMsg::Call {
                body: DataReq::Handoff { lo, hi, after, .. },
                ..
            } => [Some(*lo), Some(*hi), *after]
                .into_iter()
                .flatten()
                .try_for_each(|id| self.check_id(id)),
            RpcMsg::Reply {
                body: DataResp::Items { more: Some(id), .. },
                ..
            } => self.check_id(*id),
            _ => Ok(()),
        }
    }
}

impl Codec for ChordCodec {
    type Msg = Msg;

    fn encode(&self, msg: &Msg, out: &mut Vec<u8>) -> Result<(), CodecError> {
        let (m, wire) = match msg {
            Msg::Ring(r) => (self.bits(), Wire::Ring(r.as_ref().clone())),
            Msg::Data(d) => (self.bits(), Wire::Data(d.as_ref().clone())),
            Msg::WrongSpace { ours } => (*ours, Wire::WrongSpace),
            Msg::Foreign { .. } => {
                return Err(CodecError::Encode(
                    "a foreign message is only ever decoded".into(),
                ))
            }
        };
        let start = out.len();
        serde_json::to_writer(&mut *out, &Envelope { m, msg: wire })
            .map_err(|e| CodecError::Encode(e.to_string()))?;
        if out.len() - start > MAX_MESSAGE {
            out.truncate(start);
            return Err(CodecError::Encode(format!(
                "message longer than {MAX_MESSAGE} bytes"
            )));
        }
        Ok(())
    }

    fn decode(&self, bytes: &[u8]) -> Result<Msg, CodecError> {
        if bytes.len() > MAX_MESSAGE {
            return Err(CodecError::TooLarge {
                claimed: bytes.len() as u64,
                max: MAX_MESSAGE as u64,
            });
        }
        let head: Head = serde_json::from_slice(bytes)
            .map_err(|e| CodecError::Invalid(format!("not a chord message: {e}")))?;
        let env: Result<Envelope, _> = serde_json::from_slice(bytes);
        if head.m != self.bits() {
            return Ok(match env {
                Ok(Envelope {
                    msg: Wire::WrongSpace,
                    m,
                }) => Msg::WrongSpace { ours: m },
                _ => Msg::Foreign { theirs: head.m },
            });
        }
        let env = env.map_err(|e| CodecError::Invalid(format!("not a chord message: {e}")))?;
        let msg = match env.msg {
            Wire::Ring(r) => Msg::ring(r),
            Wire::Data(d) => Msg::data(d),
            Wire::WrongSpace => Msg::WrongSpace { ours: env.m },
        };
        self.check(&msg)?;
        Ok(msg)
    }

    fn max_frame_len(&self) -> usize {
        MAX_MESSAGE
    }
}
