//! `reject` (BIP61, deprecated but still seen): why a peer refused a message.

use super::super::compact::write_var_bytes;
use super::super::error::Error;
use super::super::hash::Hash256;
use super::super::reader::Reader;

/// Longest reject reason Bitcoin Core sent (`MAX_REJECT_MESSAGE_LENGTH`),
/// also the bound for the rejected command's name.
pub const MAX_REJECT_TEXT: u64 = 111;

/// A `reject` payload.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Reject {
    /// The command of the rejected message.
    pub message: String,
    /// Reject code (0x01 malformed, 0x10 invalid, 0x11 obsolete, ...).
    pub code: u8,
    /// Human-readable reason.
    pub reason: String,
    /// The rejected block's or transaction's hash, when there is one.
    pub hash: Option<Hash256>,
}

impl Reject {
    /// Reads a reject payload that fills the reader.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        Ok(Reject {
            message: r.var_str("reject.message", MAX_REJECT_TEXT)?,
            code: r.u8("reject.code")?,
            reason: r.var_str("reject.reason", MAX_REJECT_TEXT)?,
            hash: match r.remaining() {
                0 => None,
                _ => Some(r.hash("reject.hash")?),
            },
        })
    }

    /// Appends the payload.
    pub fn encode(&self, out: &mut Vec<u8>) {
        write_var_bytes(out, self.message.as_bytes());
        out.push(self.code);
        write_var_bytes(out, self.reason.as_bytes());
        if let Some(h) = self.hash {
            out.extend_from_slice(&h.0);
        }
    }
}
