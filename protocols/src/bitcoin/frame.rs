//! What the fetcher's nodes exchange: a [`Frame`] is one whole P2P message
//! as it crosses the wire (24-byte header and payload), and [`FrameCodec`]
//! carries frames over a stream delimited by that header.
//!
//! The nodes hold bytes rather than decoded [`Message`]s because a peer
//! may lie below the message level (a broken checksum, a payload cut short
//! under a consistent header): those frames must reach the client, whose
//! decoding ([`Frame::decode`]) names what is wrong, in the simulator and
//! live alike. The codec only delimits: magic and the 32 MiB cap are
//! checked as the header arrives ([`BitcoinCodec::frame`]); a stream
//! breaking those is closed by the driver.

use super::error::Error;
use super::hash::to_hex;
use super::wire::{checksum, BitcoinCodec, Command, Message, MessageHeader, Network, HEADER_LEN};
use sim::{Codec, CodecError};
use std::fmt;
use std::sync::Arc;

/// One P2P message, header included, as bytes (cheap to clone).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Frame(Arc<[u8]>);

impl Frame {
    /// `msg` framed for `network`.
    pub fn encode(network: Network, msg: &Message) -> Result<Frame, Error> {
        let mut out = Vec::new();
        BitcoinCodec::new(network).write(msg, &mut out)?;
        Ok(Frame(out.into()))
    }

    /// A frame of `command` around `payload` with a correct header (for
    /// payloads that are not a valid [`Message`], like an over-long list).
    pub fn raw(network: Network, command: Command, payload: &[u8]) -> Frame {
        let header = MessageHeader {
            magic: network.magic(),
            command,
            length: payload.len() as u32,
            checksum: checksum(payload),
        };
        let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
        out.extend_from_slice(&header.to_bytes());
        out.extend_from_slice(payload);
        Frame(out.into())
    }

    /// These exact bytes as a frame (whatever they hold).
    pub fn from_bytes(bytes: &[u8]) -> Frame {
        Frame(bytes.into())
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// The payload (after the 24-byte header; empty if there is none).
    pub fn payload(&self) -> &[u8] {
        self.0.get(HEADER_LEN..).unwrap_or_default()
    }

    /// The command named in the header, if the header is complete and the
    /// name valid.
    pub fn command(&self) -> Option<Command> {
        let bytes: [u8; 12] = self.0.get(4..16)?.try_into().ok()?;
        Command::from_bytes(bytes).ok()
    }

    /// Decodes the message, checking magic, length, checksum and payload.
    pub fn decode(&self, network: Network) -> Result<Message, Error> {
        BitcoinCodec::new(network).read(&self.0)
    }
}

impl fmt::Debug for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.command() {
            Some(c) => write!(f, "Frame({}, {} bytes)", c.name(), self.0.len()),
            None => write!(
                f,
                "Frame(?, {} bytes: {})",
                self.0.len(),
                to_hex(&self.0[..self.0.len().min(24)])
            ),
        }
    }
}

/// Frames of one network on a byte stream.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameCodec {
    /// The network whose magic frames carry.
    pub network: Network,
}

impl FrameCodec {
    /// A codec for `network`.
    pub fn new(network: Network) -> Self {
        FrameCodec { network }
    }
}

impl Codec for FrameCodec {
    type Msg = Frame;

    fn encode(&self, frame: &Frame, out: &mut Vec<u8>) -> Result<(), CodecError> {
        out.extend_from_slice(frame.bytes());
        Ok(())
    }

    /// Accepts exactly one frame: right magic, and as many bytes as its
    /// header claims (the rest is the client's to judge).
    fn decode(&self, bytes: &[u8]) -> Result<Frame, CodecError> {
        match BitcoinCodec::new(self.network).frame(bytes) {
            Ok(Some(len)) if len == bytes.len() => Ok(Frame::from_bytes(bytes)),
            Ok(Some(len)) => Err(CodecError::Invalid(format!(
                "{} bytes after a {len}-byte frame",
                bytes.len() - len
            ))),
            Ok(None) => Err(CodecError::Truncated {
                needed: HEADER_LEN.max(bytes.len() + 1),
                have: bytes.len(),
            }),
            Err(e) => Err(CodecError::from(e)),
        }
    }

    fn max_frame_len(&self) -> usize {
        BitcoinCodec::new(self.network).max_frame_len()
    }

    fn encode_frame(&self, frame: &Frame, out: &mut Vec<u8>) -> Result<(), CodecError> {
        self.encode(frame, out)
    }

    fn frame_len(&self, buf: &[u8]) -> Result<Option<usize>, CodecError> {
        BitcoinCodec::new(self.network)
            .frame(buf)
            .map_err(CodecError::from)
    }

    fn decode_frame(&self, frame: &[u8]) -> Result<Frame, CodecError> {
        self.decode(frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_bad_checksums_still_frame() {
        let codec = FrameCodec::new(Network::Regtest);
        let ping = Frame::encode(Network::Regtest, &Message::Ping(7)).unwrap();
        assert_eq!(format!("{ping:?}"), "Frame(ping, 32 bytes)");
        let mut bytes = Vec::new();
        codec.encode_frame(&ping, &mut bytes).unwrap();
        assert_eq!(codec.frame_len(&bytes).unwrap(), Some(32));
        assert_eq!(codec.decode_frame(&bytes).unwrap(), ping);
        assert_eq!(ping.decode(Network::Regtest).unwrap(), Message::Ping(7));
        // A wrong checksum is delimited, and caught when decoded.
        bytes[20] ^= 1;
        let bad = codec.decode_frame(&bytes).unwrap();
        assert!(matches!(
            bad.decode(Network::Regtest),
            Err(Error::BadChecksum { .. })
        ));
        // Another network's magic is not even delimited.
        assert!(FrameCodec::new(Network::Mainnet).frame_len(&bytes).is_err());
        assert!(codec.decode(&bytes[..30]).is_err());
    }
}
