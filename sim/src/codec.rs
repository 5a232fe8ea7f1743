//! Wire codecs: how a message becomes bytes and back, for datagrams and streams.

use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt;
use std::marker::PhantomData;

/// Largest stream frame the default framing accepts (16 MiB): bigger claimed
/// lengths are rejected before any allocation.
pub const DEFAULT_MAX_FRAME: usize = 16 << 20;

/// Why bytes could not become a message (or a message could not become bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodecError {
    /// The input ended before the message did.
    Truncated {
        /// Bytes needed at least.
        needed: usize,
        /// Bytes available.
        have: usize,
    },
    /// A length field claims more than the codec accepts.
    TooLarge {
        /// The claimed length.
        claimed: u64,
        /// The codec's limit.
        max: u64,
    },
    /// The bytes are not a valid message; the text says what was wrong.
    Invalid(String),
    /// The message cannot be encoded (e.g. it is too big for a datagram).
    Encode(String),
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodecError::Truncated { needed, have } => {
                write!(f, "truncated: needed {needed} bytes, have {have}")
            }
            CodecError::TooLarge { claimed, max } => {
                write!(f, "length {claimed} exceeds the limit of {max} bytes")
            }
            CodecError::Invalid(why) => write!(f, "invalid message: {why}"),
            CodecError::Encode(why) => write!(f, "cannot encode: {why}"),
        }
    }
}

impl std::error::Error for CodecError {}

/// Turns messages into bytes and back. `encode`/`decode` handle one whole
/// message (a UDP datagram); the `*_frame` methods handle a byte stream (TCP),
/// where a codec with its own framing (Bitcoin's header, pickle's STOP opcode)
/// overrides the default 4-byte big-endian length prefix.
///
/// Decoding must never panic and never allocate in proportion to a length
/// field it has not checked against the bytes actually present.
pub trait Codec {
    /// The message type.
    type Msg;

    /// Appends the encoding of `msg` to `out`.
    fn encode(&self, msg: &Self::Msg, out: &mut Vec<u8>) -> Result<(), CodecError>;

    /// Decodes exactly one message from `bytes`.
    fn decode(&self, bytes: &[u8]) -> Result<Self::Msg, CodecError>;

    /// The largest stream frame this codec accepts.
    fn max_frame_len(&self) -> usize {
        DEFAULT_MAX_FRAME
    }

    /// Appends `msg` framed for a stream.
    fn encode_frame(&self, msg: &Self::Msg, out: &mut Vec<u8>) -> Result<(), CodecError> {
        let start = out.len();
        out.extend_from_slice(&[0; 4]);
        self.encode(msg, out)?;
        let len = out.len() - start - 4;
        if len > self.max_frame_len() {
            out.truncate(start);
            return Err(CodecError::Encode(format!(
                "message of {len} bytes exceeds the frame limit of {}",
                self.max_frame_len()
            )));
        }
        out[start..start + 4].copy_from_slice(&(len as u32).to_be_bytes());
        Ok(())
    }

    /// If `buf` starts with a complete frame, returns its total length in bytes;
    /// `Ok(None)` means more bytes are needed; an error means the stream is
    /// corrupt (e.g. a length field over [`Codec::max_frame_len`]).
    fn frame_len(&self, buf: &[u8]) -> Result<Option<usize>, CodecError> {
        let Some(header) = buf.get(..4) else {
            return Ok(None);
        };
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        if len > self.max_frame_len() {
            return Err(CodecError::TooLarge {
                claimed: len as u64,
                max: self.max_frame_len() as u64,
            });
        }
        Ok((buf.len() >= 4 + len).then_some(4 + len))
    }

    /// [`Codec::frame_len`] for a reader that asks again each time more
    /// bytes of the same frame arrive: `scanned` is 0 at the start of a
    /// frame and is kept by the reader between calls on the growing buffer,
    /// so a codec whose framing walks the bytes (a pickle's opcodes) can
    /// resume where it stopped instead of rescanning; the total work for a
    /// frame dribbled in small pieces stays linear in its size. The default
    /// calls [`Codec::frame_len`] (a length prefix is read in constant time).
    fn frame_len_resume(
        &self,
        buf: &[u8],
        scanned: &mut usize,
    ) -> Result<Option<usize>, CodecError> {
        let _ = scanned;
        self.frame_len(buf)
    }

    /// Decodes one complete frame as delimited by [`Codec::frame_len`].
    fn decode_frame(&self, frame: &[u8]) -> Result<Self::Msg, CodecError> {
        match frame.get(4..) {
            Some(body) => self.decode(body),
            None => Err(CodecError::Truncated {
                needed: 4,
                have: frame.len(),
            }),
        }
    }
}

/// A boxed codec (e.g. a protocol's `Box<dyn Codec>`) is a codec.
impl<C: Codec + ?Sized> Codec for Box<C> {
    type Msg = C::Msg;
    fn encode(&self, msg: &Self::Msg, out: &mut Vec<u8>) -> Result<(), CodecError> {
        (**self).encode(msg, out)
    }
    fn decode(&self, bytes: &[u8]) -> Result<Self::Msg, CodecError> {
        (**self).decode(bytes)
    }
    fn max_frame_len(&self) -> usize {
        (**self).max_frame_len()
    }
    fn encode_frame(&self, msg: &Self::Msg, out: &mut Vec<u8>) -> Result<(), CodecError> {
        (**self).encode_frame(msg, out)
    }
    fn frame_len(&self, buf: &[u8]) -> Result<Option<usize>, CodecError> {
        (**self).frame_len(buf)
    }
    fn frame_len_resume(
        &self,
        buf: &[u8],
        scanned: &mut usize,
    ) -> Result<Option<usize>, CodecError> {
        (**self).frame_len_resume(buf, scanned)
    }
    fn decode_frame(&self, frame: &[u8]) -> Result<Self::Msg, CodecError> {
        (**self).decode_frame(frame)
    }
}

/// The default codec: serde_json, length-prefixed on streams.
pub struct JsonCodec<M>(PhantomData<fn() -> M>);

impl<M> JsonCodec<M> {
    /// A JSON codec for `M`.
    pub fn new() -> Self {
        JsonCodec(PhantomData)
    }
}

impl<M> Default for JsonCodec<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M> Clone for JsonCodec<M> {
    fn clone(&self) -> Self {
        Self::new()
    }
}

impl<M: Serialize + DeserializeOwned> Codec for JsonCodec<M> {
    type Msg = M;

    fn encode(&self, msg: &M, out: &mut Vec<u8>) -> Result<(), CodecError> {
        serde_json::to_writer(out, msg).map_err(|e| CodecError::Encode(e.to_string()))
    }

    fn decode(&self, bytes: &[u8]) -> Result<M, CodecError> {
        serde_json::from_slice(bytes).map_err(|e| CodecError::Invalid(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_frames_round_trip() {
        let codec = JsonCodec::<Vec<u32>>::new();
        let mut buf = Vec::new();
        codec.encode_frame(&vec![1, 2, 3], &mut buf).unwrap();
        codec.encode_frame(&vec![4], &mut buf).unwrap();
        let first = codec.frame_len(&buf).unwrap().unwrap();
        assert_eq!(codec.decode_frame(&buf[..first]).unwrap(), vec![1, 2, 3]);
        let rest = &buf[first..];
        let second = codec.frame_len(rest).unwrap().unwrap();
        assert_eq!(codec.decode_frame(&rest[..second]).unwrap(), vec![4]);
        assert_eq!(codec.frame_len(&rest[..second - 1]).unwrap(), None);
    }

    #[test]
    fn huge_length_is_rejected_without_allocating() {
        let codec = JsonCodec::<u8>::new();
        let err = codec
            .frame_len(&[0xff, 0xff, 0xff, 0xff, b'1'])
            .unwrap_err();
        assert!(matches!(
            err,
            CodecError::TooLarge {
                claimed: 4294967295,
                ..
            }
        ));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let codec = JsonCodec::<Vec<u32>>::new();
        assert!(matches!(
            codec.decode(b"\xff\x00{"),
            Err(CodecError::Invalid(_))
        ));
    }
}
