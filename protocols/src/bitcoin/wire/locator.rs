//! `getblocks` / `getheaders`: "I have these blocks (newest first); send
//! me what follows, up to `stop`".

use super::super::compact::write_compact;
use super::super::error::Error;
use super::super::hash::Hash256;
use super::super::reader::Reader;

/// Most locator hashes Bitcoin Core accepts (`MAX_LOCATOR_SZ`).
pub const MAX_LOCATOR: u64 = 101;

/// A `getblocks` or `getheaders` payload.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BlockLocator {
    /// The sender's protocol version.
    pub version: u32,
    /// Block hashes the sender has, newest first (genesis to start from scratch).
    pub hashes: Vec<Hash256>,
    /// Last block wanted; zero for "as many as you send".
    pub stop: Hash256,
}

impl BlockLocator {
    /// Reads a locator payload.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        let version = r.u32_le("locator.version")?;
        let count = r.count("locator.count", MAX_LOCATOR, 32)?;
        let mut hashes = Vec::with_capacity(count);
        for _ in 0..count {
            hashes.push(r.hash("locator.hash")?);
        }
        Ok(BlockLocator {
            version,
            hashes,
            stop: r.hash("locator.stop")?,
        })
    }

    /// Appends the payload.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.version.to_le_bytes());
        write_compact(out, self.hashes.len() as u64);
        for h in &self.hashes {
            out.extend_from_slice(&h.0);
        }
        out.extend_from_slice(&self.stop.0);
    }
}
