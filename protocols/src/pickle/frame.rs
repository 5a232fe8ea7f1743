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
    match buf.first() {
        None => return Ok(None),
        Some(&PROTO) => {}
        Some(_) => return Err(Error::not_pickle(buf)),
    }
    let max = limits.max_message;
    let mut pos = 0;
    loop {
        match next_op(buf, pos, max)? {
            Step::NeedMore { needed } if needed > max => {
                return Err(Error::TooLarge {
                    what: "pickle message",
                    claimed: needed as u64,
                    max: max as u64,
                })
            }
            Step::NeedMore { .. } => return Ok(None),
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
