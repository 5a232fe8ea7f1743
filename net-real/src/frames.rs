//! Cutting a TCP byte stream into frames with the codec's framing,
//! incrementally: bytes are examined as they arrive (the codec resumes its
//! scan, see [`sim::Codec::frame_len_resume`]), whole frames in a fresh
//! read are decoded straight from the read buffer, and only the tail of an
//! incomplete frame is kept. The buffer grows only with bytes received,
//! never with a claimed length, and never past the frame limit.

use sim::{Codec, CodecError};

/// A kept buffer larger than this is released once it is empty again.
const SHRINK_ABOVE: usize = 1 << 20;

/// The pending bytes of one connection: the start of an incomplete frame.
#[derive(Default)]
pub(crate) struct FrameReader {
    buf: Vec<u8>,
    start: usize,
    /// The codec's resume point within the current frame.
    scanned: usize,
}

impl FrameReader {
    /// Bytes received but not yet part of a whole frame.
    pub(crate) fn pending(&self) -> usize {
        self.buf.len() - self.start
    }

    /// Cuts `new` bytes (following the pending ones) into frames, handing
    /// each decoded (or not) to `each`; an error means the stream is
    /// corrupt and must be closed. A frame longer than `max_frame` is corrupt.
    pub(crate) fn feed<C: Codec + ?Sized>(
        &mut self,
        codec: &C,
        new: &[u8],
        max_frame: usize,
        each: &mut dyn FnMut(Result<C::Msg, CodecError>),
    ) -> Result<(), CodecError> {
        if self.pending() == 0 {
            self.buf.clear();
            self.start = 0;
            let used = cut(codec, new, &mut self.scanned, max_frame, each)?;
            self.buf.extend_from_slice(&new[used..]);
        } else {
            self.buf.extend_from_slice(new);
            let used = cut(
                codec,
                &self.buf[self.start..],
                &mut self.scanned,
                max_frame,
                each,
            )?;
            self.start += used;
            if self.start == self.buf.len() {
                self.buf.clear();
                self.start = 0;
            } else if self.start * 2 >= self.buf.len() {
                self.buf.drain(..self.start);
                self.start = 0;
            }
        }
        if self.buf.is_empty() && self.buf.capacity() > SHRINK_ABOVE {
            self.buf = Vec::new();
        }
        let pending = self.pending();
        if pending > max_frame {
            return Err(CodecError::TooLarge {
                claimed: pending as u64,
                max: max_frame as u64,
            });
        }
        Ok(())
    }
}

/// Hands every whole frame at the start of `bytes` to `each`; returns how
/// many bytes they took.
fn cut<C: Codec + ?Sized>(
    codec: &C,
    bytes: &[u8],
    scanned: &mut usize,
    max_frame: usize,
    each: &mut dyn FnMut(Result<C::Msg, CodecError>),
) -> Result<usize, CodecError> {
    let mut used = 0;
    loop {
        let rest = &bytes[used..];
        if rest.is_empty() {
            return Ok(used);
        }
        match codec.frame_len_resume(rest, scanned)? {
            None => return Ok(used),
            Some(0) => return Err(CodecError::Invalid("empty frame".into())),
            Some(n) if n > rest.len() => {
                return Err(CodecError::Invalid(format!(
                    "frame of {n} bytes claimed complete with {} buffered",
                    rest.len()
                )))
            }
            Some(n) if n > max_frame => {
                return Err(CodecError::TooLarge {
                    claimed: n as u64,
                    max: max_frame as u64,
                })
            }
            Some(n) => {
                *scanned = 0;
                each(codec.decode_frame(&rest[..n]));
                used += n;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::JsonCodec;

    fn run(reader: &mut FrameReader, pieces: &[&[u8]]) -> Vec<String> {
        let codec = JsonCodec::<u32>::new();
        let mut out = Vec::new();
        for piece in pieces {
            let mut each = |m: Result<u32, CodecError>| {
                out.push(match m {
                    Ok(m) => m.to_string(),
                    Err(e) => format!("bad: {e}"),
                })
            };
            if let Err(e) = reader.feed(&codec, piece, 1 << 20, &mut each) {
                out.push(format!("corrupt: {e}"));
                break;
            }
        }
        out
    }

    #[test]
    fn splits_good_and_bad_frames_and_rejects_huge_lengths() {
        let codec = JsonCodec::<u32>::new();
        let mut bytes = Vec::new();
        codec.encode_frame(&7, &mut bytes).unwrap();
        bytes.extend_from_slice(&[0, 0, 0, 2, b'x', b'y']);
        codec.encode_frame(&8, &mut bytes).unwrap();
        bytes.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 1, 2, 3]);
        let mut reader = FrameReader::default();
        let got = run(&mut reader, &[&bytes]);
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(got[0], "7");
        assert!(got[1].starts_with("bad: invalid message"), "{got:?}");
        assert_eq!(got[2], "8");
        assert!(got[3].starts_with("corrupt: length 4294967295"), "{got:?}");
        assert!(reader.buf.capacity() < 1 << 20);
    }

    #[test]
    fn frames_split_anywhere_come_out_whole_and_in_order() {
        let codec = JsonCodec::<u32>::new();
        let mut bytes = Vec::new();
        for i in 0..50 {
            codec.encode_frame(&(i * 1000), &mut bytes).unwrap();
        }
        for piece in [1, 3, 7, 100] {
            let mut reader = FrameReader::default();
            let pieces: Vec<&[u8]> = bytes.chunks(piece).collect();
            let got = run(&mut reader, &pieces);
            let want: Vec<String> = (0..50).map(|i| (i * 1000).to_string()).collect();
            assert_eq!(got, want, "pieces of {piece}");
            assert_eq!(reader.pending(), 0);
        }
    }

    #[test]
    fn a_truncated_frame_stays_pending_and_an_endless_one_is_cut() {
        let mut reader = FrameReader::default();
        assert!(run(&mut reader, &[&[0, 0, 0, 9, b'1']]).is_empty());
        assert_eq!(reader.pending(), 5);
        let codec = JsonCodec::<u32>::new();
        let mut reader = FrameReader::default();
        let mut none = |_: Result<u32, CodecError>| panic!("no frame expected");
        let header = [0x00, 0x10, 0x00, 0x00];
        assert!(reader.feed(&codec, &header, 1 << 16, &mut none).is_ok());
        let body = vec![b' '; 1 << 15];
        assert!(reader.feed(&codec, &body, 1 << 16, &mut none).is_ok());
        assert!(reader.feed(&codec, &body, 1 << 16, &mut none).is_err());
    }

    /// Frames end at a `.`; the codec walks bytes one by one from where it
    /// stopped and counts every byte it looks at.
    struct Dotted(std::cell::Cell<usize>);

    impl Codec for Dotted {
        type Msg = usize;
        fn encode(&self, _: &usize, _: &mut Vec<u8>) -> Result<(), CodecError> {
            Ok(())
        }
        fn decode(&self, bytes: &[u8]) -> Result<usize, CodecError> {
            Ok(bytes.len())
        }
        fn frame_len(&self, buf: &[u8]) -> Result<Option<usize>, CodecError> {
            self.frame_len_resume(buf, &mut 0)
        }
        fn frame_len_resume(
            &self,
            buf: &[u8],
            scanned: &mut usize,
        ) -> Result<Option<usize>, CodecError> {
            for (i, &b) in buf.iter().enumerate().skip(*scanned) {
                self.0.set(self.0.get() + 1);
                if b == b'.' {
                    return Ok(Some(i + 1));
                }
            }
            *scanned = buf.len();
            Ok(None)
        }
        fn decode_frame(&self, frame: &[u8]) -> Result<usize, CodecError> {
            Ok(frame.len())
        }
    }

    #[test]
    fn a_frame_dribbled_in_100_byte_pieces_is_walked_once() {
        let codec = Dotted(std::cell::Cell::new(0));
        let mut frame = vec![b'x'; 1_000_000];
        frame.push(b'.');
        let mut reader = FrameReader::default();
        let mut got = Vec::new();
        for piece in frame.chunks(100) {
            reader
                .feed(&codec, piece, 1 << 21, &mut |m| got.push(m.unwrap()))
                .unwrap();
        }
        assert_eq!(got, [frame.len()]);
        // Linear: each byte examined once (a rescan per piece would be
        // about 5,000 times as many).
        assert_eq!(codec.0.get(), frame.len());
    }
}
