//! The one error type of the Bitcoin codec: every variant names the field
//! (or the check) that failed, so a bad byte stream explains itself.

use sim::CodecError;
use std::fmt;

/// Why bytes are not a valid Bitcoin structure or message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The input ended inside `field`.
    Truncated {
        /// The field being read, e.g. `"tx.input.script_sig"`.
        field: &'static str,
        /// Bytes the field needs (for a count: count × smallest element).
        needed: u64,
        /// Bytes that were left.
        have: u64,
    },
    /// A count is over the protocol's limit for `field`.
    TooMany {
        /// The counted field, e.g. `"inv.count"`.
        field: &'static str,
        /// The claimed count.
        count: u64,
        /// The limit.
        max: u64,
    },
    /// A length is over the protocol's limit for `field`.
    TooLarge {
        /// The field, e.g. `"message.length"`.
        field: &'static str,
        /// The claimed length in bytes.
        claimed: u64,
        /// The limit in bytes.
        max: u64,
    },
    /// A CompactSize used more bytes than its value needs (consensus forbids it).
    NonCanonical {
        /// The field holding the CompactSize.
        field: &'static str,
    },
    /// Bytes were left after a complete structure.
    TrailingBytes {
        /// The structure that was complete, e.g. `"block"` or `"payload of ping"`.
        field: &'static str,
        /// How many bytes were left.
        extra: u64,
    },
    /// A message header's magic is not the network's.
    WrongMagic {
        /// The codec's network magic.
        expected: [u8; 4],
        /// The magic on the wire.
        got: [u8; 4],
    },
    /// A message's checksum does not match its payload.
    BadChecksum {
        /// First 4 bytes of the payload's double SHA-256.
        computed: [u8; 4],
        /// The checksum in the header.
        got: [u8; 4],
    },
    /// A command name is not printable ASCII padded with NULs.
    BadCommand {
        /// The 12 command bytes.
        command: [u8; 12],
    },
    /// A transaction has the segwit marker but a flag other than 1.
    BadSegwitFlag {
        /// The flag byte.
        flag: u8,
    },
    /// A transaction has the segwit flag but every witness is empty.
    SuperfluousWitness,
    /// A boolean byte is neither 0 nor 1.
    BadBool {
        /// The field.
        field: &'static str,
        /// The byte.
        value: u8,
    },
    /// A string is not UTF-8.
    BadUtf8 {
        /// The field.
        field: &'static str,
    },
    /// A header in a `headers` message claims transactions.
    HeaderWithTxs {
        /// Position of the header in the message.
        index: usize,
        /// Its transaction count.
        count: u64,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated {
                field,
                needed,
                have,
            } => write!(f, "{field}: truncated, needs {needed} bytes, {have} left"),
            Error::TooMany { field, count, max } => {
                write!(f, "{field}: {count} is over the limit of {max}")
            }
            Error::TooLarge {
                field,
                claimed,
                max,
            } => write!(f, "{field}: {claimed} bytes is over the limit of {max}"),
            Error::NonCanonical { field } => {
                write!(f, "{field}: CompactSize not in its shortest form")
            }
            Error::TrailingBytes { field, extra } => {
                write!(f, "{field}: {extra} bytes left over")
            }
            Error::WrongMagic { expected, got } => write!(
                f,
                "wrong network magic: expected {}, got {}",
                hex(expected),
                hex(got)
            ),
            Error::BadChecksum { computed, got } => write!(
                f,
                "bad checksum: payload hashes to {}, header says {}",
                hex(computed),
                hex(got)
            ),
            Error::BadCommand { command } => {
                write!(f, "bad command name {}", command.escape_ascii())
            }
            Error::BadSegwitFlag { flag } => {
                write!(f, "tx.flag: segwit flag must be 1, got {flag}")
            }
            Error::SuperfluousWitness => {
                write!(f, "tx.witness: segwit flag set but every witness is empty")
            }
            Error::BadBool { field, value } => {
                write!(f, "{field}: boolean byte must be 0 or 1, got {value}")
            }
            Error::BadUtf8 { field } => write!(f, "{field}: not UTF-8"),
            Error::HeaderWithTxs { index, count } => write!(
                f,
                "headers[{index}].tx_count: must be 0 in a headers message, got {count}"
            ),
        }
    }
}

impl std::error::Error for Error {}

fn hex(bytes: &[u8]) -> String {
    super::hash::to_hex(bytes)
}

impl From<Error> for CodecError {
    fn from(e: Error) -> CodecError {
        let clamp = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        match e {
            Error::Truncated { needed, have, .. } => CodecError::Truncated {
                needed: clamp(needed),
                have: clamp(have),
            },
            Error::TooLarge { claimed, max, .. } => CodecError::TooLarge { claimed, max },
            other => CodecError::Invalid(other.to_string()),
        }
    }
}
