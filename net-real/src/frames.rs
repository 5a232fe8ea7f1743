//! Cutting a TCP byte stream into frames with the codec's framing. The buffer
//! grows only with bytes actually received, never with a claimed length.

use sim::{Codec, CodecError};
use std::io::{self, Read};

/// Bytes read per `read` call.
const CHUNK: usize = 64 << 10;

/// What the stream holds next.
pub(crate) enum Next<M> {
    /// A whole frame that decoded.
    Msg(M),
    /// A whole frame that did not decode (skipped; the stream stays usable).
    Bad(CodecError),
    /// The stream is corrupt (e.g. a length over the limit): close it.
    Corrupt(CodecError),
    /// More bytes are needed.
    More,
}

/// A growing receive buffer with a read position.
pub(crate) struct FrameReader {
    buf: Vec<u8>,
    start: usize,
    scratch: Vec<u8>,
}

impl FrameReader {
    pub(crate) fn new() -> Self {
        FrameReader {
            buf: Vec::new(),
            start: 0,
            scratch: vec![0; CHUNK],
        }
    }

    /// Reads what is available (at most one chunk); `Ok(0)` is end of stream.
    pub(crate) fn fill(&mut self, from: &mut impl Read) -> io::Result<usize> {
        if self.start > 0 && self.start * 2 >= self.buf.len() {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        let n = from.read(&mut self.scratch)?;
        self.buf.extend_from_slice(&self.scratch[..n]);
        Ok(n)
    }

    /// Bytes received but not yet part of a whole frame.
    pub(crate) fn pending(&self) -> usize {
        self.buf.len() - self.start
    }

    /// The next frame, if whole.
    pub(crate) fn next<C: Codec>(&mut self, codec: &C) -> Next<C::Msg> {
        let rest = &self.buf[self.start..];
        match codec.frame_len(rest) {
            Err(e) => Next::Corrupt(e),
            Ok(Some(0)) => Next::Corrupt(CodecError::Invalid("empty frame".into())),
            Ok(Some(n)) if n > rest.len() => Next::Corrupt(CodecError::Invalid(format!(
                "frame of {n} bytes claimed complete with {} buffered",
                rest.len()
            ))),
            Ok(Some(n)) => {
                let decoded = codec.decode_frame(&rest[..n]);
                self.start += n;
                match decoded {
                    Ok(msg) => Next::Msg(msg),
                    Err(e) => Next::Bad(e),
                }
            }
            Ok(None) if rest.len() > codec.max_frame_len().saturating_add(CHUNK) => {
                Next::Corrupt(CodecError::TooLarge {
                    claimed: rest.len() as u64,
                    max: codec.max_frame_len() as u64,
                })
            }
            Ok(None) => Next::More,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::JsonCodec;

    fn frames(reader: &mut FrameReader, bytes: &[u8]) -> Vec<String> {
        let codec = JsonCodec::<u32>::new();
        let mut src = bytes;
        let mut out = Vec::new();
        loop {
            match reader.next(&codec) {
                Next::Msg(m) => out.push(m.to_string()),
                Next::Bad(e) => out.push(format!("bad: {e}")),
                Next::Corrupt(e) => {
                    out.push(format!("corrupt: {e}"));
                    return out;
                }
                Next::More => {
                    if reader.fill(&mut src).unwrap() == 0 {
                        return out;
                    }
                }
            }
        }
    }

    #[test]
    fn splits_good_and_bad_frames_and_rejects_huge_lengths() {
        let codec = JsonCodec::<u32>::new();
        let mut bytes = Vec::new();
        codec.encode_frame(&7, &mut bytes).unwrap();
        bytes.extend_from_slice(&[0, 0, 0, 2, b'x', b'y']);
        codec.encode_frame(&8, &mut bytes).unwrap();
        bytes.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 1, 2, 3]);
        let mut reader = FrameReader::new();
        let got = frames(&mut reader, &bytes);
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(got[0], "7");
        assert!(got[1].starts_with("bad: invalid message"), "{got:?}");
        assert_eq!(got[2], "8");
        assert!(got[3].starts_with("corrupt: length 4294967295"), "{got:?}");
        assert!(reader.buf.capacity() < 1 << 20);
    }

    #[test]
    fn a_truncated_frame_stays_pending() {
        let mut reader = FrameReader::new();
        assert!(frames(&mut reader, &[0, 0, 0, 9, b'1']).is_empty());
        assert_eq!(reader.pending(), 5);
    }
}
