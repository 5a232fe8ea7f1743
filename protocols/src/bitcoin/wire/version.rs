//! The `version` message that opens every connection.

use super::super::compact::write_var_bytes;
use super::super::error::Error;
use super::super::reader::Reader;
use super::addr::NetAddr;

/// Longest user agent Bitcoin Core accepts (`MAX_SUBVERSION_LENGTH`).
pub const MAX_USER_AGENT: u64 = 256;

/// A `version` payload.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Version {
    /// Protocol version (70015, 70016, ...).
    pub version: i32,
    /// Service bits of the sender.
    pub services: u64,
    /// The sender's unix time.
    pub timestamp: i64,
    /// The address of the receiving node, as the sender sees it.
    pub receiver: NetAddr,
    /// The sender's address (often zeros).
    pub sender: NetAddr,
    /// A random nonce to detect connections to self.
    pub nonce: u64,
    /// The user agent, e.g. `/Satoshi:27.0.0/`.
    pub user_agent: String,
    /// The sender's best block height.
    pub start_height: i32,
    /// BIP37 relay flag; absent in messages of protocol versions before 70001.
    pub relay: Option<bool>,
}

impl Version {
    /// Reads a `version` payload that fills the reader.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        Ok(Version {
            version: r.i32_le("version.version")?,
            services: r.u64_le("version.services")?,
            timestamp: r.i64_le("version.timestamp")?,
            receiver: NetAddr::decode(r)?,
            sender: NetAddr::decode(r)?,
            nonce: r.u64_le("version.nonce")?,
            user_agent: r.var_str("version.user_agent", MAX_USER_AGENT)?,
            start_height: r.i32_le("version.start_height")?,
            relay: match r.remaining() {
                0 => None,
                _ => Some(r.bool("version.relay")?),
            },
        })
    }

    /// Appends the payload.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.version.to_le_bytes());
        out.extend_from_slice(&self.services.to_le_bytes());
        out.extend_from_slice(&self.timestamp.to_le_bytes());
        self.receiver.encode(out);
        self.sender.encode(out);
        out.extend_from_slice(&self.nonce.to_le_bytes());
        write_var_bytes(out, self.user_agent.as_bytes());
        out.extend_from_slice(&self.start_height.to_le_bytes());
        if let Some(relay) = self.relay {
            out.push(u8::from(relay));
        }
    }
}
