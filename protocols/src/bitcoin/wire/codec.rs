//! The Bitcoin P2P codec: a message is a 24-byte header (magic, command,
//! payload length, checksum) followed by the payload. That header is the
//! stream framing too, so [`Codec::frame_len`] reads it directly: constant
//! work per call, a wrong magic or an oversized length rejected as soon as
//! those bytes arrive, whatever follows.

use super::super::error::Error;
use super::super::reader::Reader;
use super::header::{checksum, MessageHeader, HEADER_LEN, MAX_PAYLOAD};
use super::message::Message;
use super::network::Network;
use sim::{Codec, CodecError};

/// Encodes and decodes whole messages of one network.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BitcoinCodec {
    /// The network whose magic messages must carry.
    pub network: Network,
}

impl BitcoinCodec {
    /// A codec for `network`.
    pub fn new(network: Network) -> Self {
        BitcoinCodec { network }
    }

    /// Appends `msg` with its header.
    pub fn write(&self, msg: &Message, out: &mut Vec<u8>) -> Result<(), Error> {
        let start = out.len();
        out.extend_from_slice(&[0; HEADER_LEN]);
        msg.encode_payload(out);
        let len = out.len() - start - HEADER_LEN;
        let length = match u32::try_from(len) {
            Ok(n) if u64::from(n) <= MAX_PAYLOAD => n,
            _ => {
                out.truncate(start);
                return Err(Error::TooLarge {
                    field: "message.length",
                    claimed: len as u64,
                    max: MAX_PAYLOAD,
                });
            }
        };
        let header = MessageHeader {
            magic: self.network.magic(),
            command: msg.command(),
            length,
            checksum: checksum(&out[start + HEADER_LEN..]),
        };
        out[start..start + HEADER_LEN].copy_from_slice(&header.to_bytes());
        Ok(())
    }

    /// Reads one message that fills `bytes` exactly, header included.
    pub fn read(&self, bytes: &[u8]) -> Result<Message, Error> {
        let mut r = Reader::new(bytes);
        let header = MessageHeader::decode(&mut r, self.network.magic())?;
        let payload = r.take(header.length as usize, "message.payload")?;
        r.finish("message")?;
        let computed = checksum(payload);
        if computed != header.checksum {
            return Err(Error::BadChecksum {
                computed,
                got: header.checksum,
            });
        }
        Message::decode_payload(header.command, payload)
    }

    /// If `buf` starts with a whole message, its length; `None` if more
    /// bytes are needed. Looks at the 24-byte header only.
    pub fn frame(&self, buf: &[u8]) -> Result<Option<usize>, Error> {
        let magic = self.network.magic();
        let seen = buf.len().min(4);
        if buf[..seen] != magic[..seen] {
            let mut got = [0u8; 4];
            got[..seen].copy_from_slice(&buf[..seen]);
            return Err(Error::WrongMagic {
                expected: magic,
                got,
            });
        }
        let Some(length) = buf.get(16..20) else {
            return Ok(None);
        };
        let length = u64::from(u32::from_le_bytes([
            length[0], length[1], length[2], length[3],
        ]));
        if length > MAX_PAYLOAD {
            return Err(Error::TooLarge {
                field: "message.length",
                claimed: length,
                max: MAX_PAYLOAD,
            });
        }
        let total = HEADER_LEN + length as usize;
        Ok((buf.len() >= total).then_some(total))
    }
}

impl Codec for BitcoinCodec {
    type Msg = Message;

    fn encode(&self, msg: &Message, out: &mut Vec<u8>) -> Result<(), CodecError> {
        self.write(msg, out)
            .map_err(|e| CodecError::Encode(e.to_string()))
    }

    fn decode(&self, bytes: &[u8]) -> Result<Message, CodecError> {
        self.read(bytes).map_err(CodecError::from)
    }

    fn max_frame_len(&self) -> usize {
        HEADER_LEN + MAX_PAYLOAD as usize
    }

    fn encode_frame(&self, msg: &Message, out: &mut Vec<u8>) -> Result<(), CodecError> {
        self.encode(msg, out)
    }

    fn frame_len(&self, buf: &[u8]) -> Result<Option<usize>, CodecError> {
        self.frame(buf).map_err(CodecError::from)
    }

    fn decode_frame(&self, frame: &[u8]) -> Result<Message, CodecError> {
        self.decode(frame)
    }
}
