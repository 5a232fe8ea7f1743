//! What can go wrong turning bytes into a [`Value`](super::Value) or back.

use std::fmt;

/// Why a pickle could not be decoded, scanned, encoded or mapped to a message.
///
/// Decoding errors carry the byte offset of the opcode at fault, so a bad
/// message from a peer can be reported precisely.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The bytes do not start with a pickle `PROTO` opcode: the peer sent
    /// something else, typically a raw UTF-8 error reply such as the course
    /// GCD's `Expected a pickled message, got ...`. Carries that text (decoded
    /// lossily, at most [`NOT_PICKLE_TEXT_MAX`] bytes of it).
    NotPickle {
        /// What the peer sent, as text.
        text: String,
    },
    /// A `PROTO` opcode names a protocol this module does not read (only 2–5).
    UnsupportedProtocol {
        /// The protocol number found.
        version: u8,
        /// Offset of the `PROTO` opcode.
        offset: usize,
    },
    /// The input ended before the message did (inside an opcode or before `STOP`).
    Truncated {
        /// Bytes needed at least.
        needed: usize,
        /// Bytes available.
        have: usize,
    },
    /// A byte that is not a pickle opcode at all.
    UnknownOpcode {
        /// The byte.
        opcode: u8,
        /// Its offset.
        offset: usize,
    },
    /// A valid pickle opcode this module deliberately does not execute
    /// (e.g. `GLOBAL`/`REDUCE`, which would construct arbitrary objects).
    UnsupportedOpcode {
        /// Python's name for the opcode.
        name: &'static str,
        /// Its offset.
        offset: usize,
    },
    /// An opcode that cannot apply here (stack underflow, wrong container,
    /// invalid UTF-8, unhashable dict key, integer out of `i64` range, ...).
    Malformed {
        /// Python's name for the opcode.
        name: &'static str,
        /// Its offset.
        offset: usize,
        /// What was wrong.
        why: String,
    },
    /// A length field, the message, or the decoded value exceeds a limit.
    TooLarge {
        /// What was too large.
        what: &'static str,
        /// The claimed or reached size.
        claimed: u64,
        /// The limit.
        max: u64,
    },
    /// Containers nest deeper than the limit (or reference themselves).
    TooDeep {
        /// The depth limit.
        max: usize,
    },
    /// Bytes follow the `STOP` opcode of a buffer that should hold one message.
    TrailingBytes {
        /// Offset of the first byte after `STOP`.
        offset: usize,
    },
    /// A [`Value`](super::Value) has the wrong shape for the message being read.
    Shape {
        /// What was being read, e.g. `"JOIN reply"`.
        context: String,
        /// What was expected, e.g. `"a 2-tuple"`.
        expected: String,
        /// What was found, as Python would name or show it.
        found: String,
    },
    /// A value Python could not read back (e.g. a list as a dict key).
    Unencodable(String),
}

/// At most this many bytes of a non-pickle reply are kept in [`Error::NotPickle`].
pub const NOT_PICKLE_TEXT_MAX: usize = 1024;

impl Error {
    /// The [`Error::NotPickle`] for `bytes`, keeping a bounded prefix as text.
    pub(crate) fn not_pickle(bytes: &[u8]) -> Error {
        let kept = &bytes[..bytes.len().min(NOT_PICKLE_TEXT_MAX)];
        Error::NotPickle {
            text: String::from_utf8_lossy(kept).into_owned(),
        }
    }

    /// A [`Error::Shape`] error.
    pub fn shape(
        context: impl Into<String>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Error {
        Error::Shape {
            context: context.into(),
            expected: expected.into(),
            found: found.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotPickle { text } => {
                write!(
                    f,
                    "peer sent text instead of a pickle: {:?}",
                    text.trim_end()
                )
            }
            Error::UnsupportedProtocol { version, offset } => {
                write!(
                    f,
                    "pickle protocol {version} at offset {offset} is not supported (only 2 to 5)"
                )
            }
            Error::Truncated { needed, have } => {
                write!(f, "pickle truncated: needed {needed} bytes, have {have}")
            }
            Error::UnknownOpcode { opcode, offset } => {
                write!(
                    f,
                    "byte 0x{opcode:02x} at offset {offset} is not a pickle opcode"
                )
            }
            Error::UnsupportedOpcode { name, offset } => {
                write!(
                    f,
                    "pickle opcode {name} at offset {offset} is not supported"
                )
            }
            Error::Malformed { name, offset, why } => {
                write!(f, "pickle opcode {name} at offset {offset}: {why}")
            }
            Error::TooLarge { what, claimed, max } => {
                write!(f, "{what} of {claimed} exceeds the limit of {max}")
            }
            Error::TooDeep { max } => {
                write!(
                    f,
                    "pickle nests deeper than {max} levels (or contains itself)"
                )
            }
            Error::TrailingBytes { offset } => {
                write!(
                    f,
                    "bytes follow the pickle's STOP opcode at offset {offset}"
                )
            }
            Error::Shape {
                context,
                expected,
                found,
            } => {
                write!(f, "{context}: expected {expected}, found {found}")
            }
            Error::Unencodable(why) => write!(f, "cannot pickle: {why}"),
        }
    }
}

impl std::error::Error for Error {}
