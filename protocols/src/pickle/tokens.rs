//! Splitting a byte buffer into opcodes and their arguments, with every
//! length checked against the bytes present and the message size limit
//! before anything is sliced, let alone allocated.

use super::error::Error;
use super::opcodes::{describe, Arg};

/// One opcode and its raw argument.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Op<'a> {
    /// Offset of the opcode byte.
    pub offset: usize,
    /// The opcode byte.
    pub code: u8,
    /// Python's name for it.
    pub name: &'static str,
    /// The argument: the fixed bytes, the counted payload (without its
    /// length), or the text lines (newlines included).
    pub arg: &'a [u8],
    /// Offset just past the argument.
    pub end: usize,
}

/// The outcome of reading one opcode.
pub(crate) enum Step<'a> {
    /// A complete opcode.
    Op(Op<'a>),
    /// The opcode continues past the end of the buffer; the message is at
    /// least `needed` bytes long.
    NeedMore {
        /// Bytes needed at least.
        needed: usize,
    },
}

/// Reads the opcode at `pos`. `max` is the largest message accepted: an
/// argument that would end past it is an error, not a request for more bytes.
pub(crate) fn next_op(buf: &[u8], pos: usize, max: usize) -> Result<Step<'_>, Error> {
    let Some(&code) = buf.get(pos) else {
        return Ok(Step::NeedMore { needed: pos + 1 });
    };
    let (name, arg) = describe(code).ok_or(Error::UnknownOpcode {
        opcode: code,
        offset: pos,
    })?;
    let body = pos + 1;
    let (start, end) = match arg {
        Arg::Fixed(n) => (body, body + n),
        Arg::Counted(width) => {
            let Some(len_bytes) = buf.get(body..body + width) else {
                return Ok(Step::NeedMore {
                    needed: body + width,
                });
            };
            let mut le = [0u8; 8];
            le[..width].copy_from_slice(len_bytes);
            let claimed = u64::from_le_bytes(le);
            let start = body + width;
            if claimed > (max as u64).saturating_sub(start as u64) {
                return Err(Error::TooLarge {
                    what: "length field",
                    claimed,
                    max: max as u64,
                });
            }
            (start, start + claimed as usize)
        }
        Arg::Lines(lines) => {
            let mut end = body;
            for _ in 0..lines {
                let rest = buf.get(end..).unwrap_or_default();
                match rest.iter().position(|&b| b == b'\n') {
                    Some(i) => end += i + 1,
                    None if buf.len() >= max => {
                        return Err(Error::TooLarge {
                            what: "pickle message",
                            claimed: buf.len() as u64 + 1,
                            max: max as u64,
                        })
                    }
                    None => {
                        return Ok(Step::NeedMore {
                            needed: buf.len() + 1,
                        })
                    }
                }
            }
            (body, end)
        }
    };
    if end > max {
        return Err(Error::TooLarge {
            what: "pickle message",
            claimed: end as u64,
            max: max as u64,
        });
    }
    match buf.get(start..end) {
        Some(arg) => Ok(Step::Op(Op {
            offset: pos,
            code,
            name,
            arg,
            end,
        })),
        None => Ok(Step::NeedMore { needed: end }),
    }
}
