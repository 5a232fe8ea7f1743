//! Finding where one pickle ends in a byte stream, without building values.
//!
//! A pickle sent over TCP has no length prefix: it ends with its `STOP`
//! opcode. [`frame_len`] walks the opcodes (checking every length field
//! against the bytes present and the size limit) until it reaches `STOP`.

use super::decode::{frame_claim, Limits};
use super::error::Error;
use super::opcodes::{FRAME, PROTO, STOP};
use super::tokens::{next_op, Step};

/// The total length of the pickle at the start of `buf`, up to and including
/// its `STOP` opcode; `Ok(None)` if more bytes are needed. Errors if `buf`
/// clearly is not a pickle (then [`Error::NotPickle`] carries the text the
/// peer sent instead), contains a byte that is no opcode, or would exceed
/// [`Limits::default`]'s message size.
pub fn frame_len(buf: &[u8]) -> Result<Option<usize>, Error> {
    frame_len_with(buf, &Limits::default())
}

/// [`frame_len`] with explicit limits (only `max_message` applies).
pub fn frame_len_with(buf: &[u8], limits: &Limits) -> Result<Option<usize>, Error> {
    frame_len_resume(buf, limits, &mut 0)
}

/// [`frame_len_with`] resuming a scan of a growing buffer: `scanned` is 0
/// for a new pickle and, when more bytes are needed, is left at the first
/// opcode not yet complete, where the next call (on the same bytes plus
/// more) starts; every byte is walked once however the pickle is cut.
pub fn frame_len_resume(
    buf: &[u8],
    limits: &Limits,
    scanned: &mut usize,
) -> Result<Option<usize>, Error> {
    match buf.first() {
        None => return Ok(None),
        Some(&PROTO) => {}
        Some(_) => return Err(Error::not_pickle(buf)),
    }
    let max = limits.max_message;
    let mut pos = (*scanned).min(buf.len());
    loop {
        match next_op(buf, pos, max)? {
            Step::NeedMore { needed } if needed > max => {
                return Err(Error::TooLarge {
                    what: "pickle message",
                    claimed: needed as u64,
                    max: max as u64,
                })
            }
            Step::NeedMore { .. } => {
                *scanned = pos;
                return Ok(None);
            }
            Step::Op(op) if op.code == STOP => return Ok(Some(op.end)),
            Step::Op(op) => {
                if op.code == PROTO {
                    check_protocol(op.arg[0], op.offset)?;
                }
                if op.code == FRAME {
                    frame_claim(&op, limits)?;
                }
                pos = op.end;
            }
        }
    }
}

/// Errors unless `version` is a protocol this module reads (2 to 5).
pub(crate) fn check_protocol(version: u8, offset: usize) -> Result<(), Error> {
    if (2..=5).contains(&version) {
        Ok(())
    } else {
        Err(Error::UnsupportedProtocol { version, offset })
    }
}

#[cfg(test)]
mod resume_tests {
    use super::*;
    use crate::pickle::{encode, Value};

    #[test]
    fn a_resumed_scan_finds_the_same_end_however_the_pickle_is_cut() {
        let value = Value::List(
            (0..2000)
                .map(|i| Value::Str(format!("member {i}")))
                .collect(),
        );
        let mut bytes = encode(&value).unwrap();
        let whole = frame_len(&bytes).unwrap();
        assert_eq!(whole, Some(bytes.len()));
        bytes.extend_from_slice(b"trailing");
        let limits = Limits::default();
        for piece in [1, 7, 100, 4096] {
            let mut scanned = 0;
            let mut end = None;
            for have in (piece..bytes.len() + piece).step_by(piece) {
                let have = have.min(bytes.len());
                if let Some(n) = frame_len_resume(&bytes[..have], &limits, &mut scanned).unwrap() {
                    end = Some(n);
                    break;
                }
                assert!(scanned <= have);
            }
            assert_eq!(end, whole, "pieces of {piece}");
        }
    }
}
