//! The 80-byte block header and the block hash.

use super::error::Error;
use super::hash::{sha256d, Hash256};
use super::pow::{self, PowError, Target};
use super::reader::Reader;
use serde::Serialize;

/// Size of a serialized block header.
pub const HEADER_LEN: usize = 80;

/// A block header, field by field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct BlockHeader {
    /// Block version (BIP9 version bits since 2016).
    pub version: i32,
    /// Hash of the previous block's header (zero for genesis).
    pub prev_blockhash: Hash256,
    /// Merkle root of the block's txids.
    pub merkle_root: Hash256,
    /// Unix time the miner claims.
    pub time: u32,
    /// The difficulty target in compact form ("nBits").
    pub bits: u32,
    /// The proof-of-work nonce.
    pub nonce: u32,
}

impl BlockHeader {
    /// Reads a header.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        let bytes: [u8; HEADER_LEN] = r.array("header")?;
        Ok(Self::from_bytes(&bytes))
    }

    /// The header in these 80 bytes (every 80 bytes are some header).
    pub fn from_bytes(b: &[u8; HEADER_LEN]) -> Self {
        let u32_at = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let hash_at = |i: usize| {
            let mut h = [0u8; 32];
            h.copy_from_slice(&b[i..i + 32]);
            Hash256(h)
        };
        BlockHeader {
            version: u32_at(0) as i32,
            prev_blockhash: hash_at(4),
            merkle_root: hash_at(36),
            time: u32_at(68),
            bits: u32_at(72),
            nonce: u32_at(76),
        }
    }

    /// The 80-byte serialization.
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut b = [0u8; HEADER_LEN];
        b[0..4].copy_from_slice(&self.version.to_le_bytes());
        b[4..36].copy_from_slice(&self.prev_blockhash.0);
        b[36..68].copy_from_slice(&self.merkle_root.0);
        b[68..72].copy_from_slice(&self.time.to_le_bytes());
        b[72..76].copy_from_slice(&self.bits.to_le_bytes());
        b[76..80].copy_from_slice(&self.nonce.to_le_bytes());
        b
    }

    /// Appends the serialization.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_bytes());
    }

    /// The block hash: double SHA-256 of the 80 bytes.
    pub fn block_hash(&self) -> Hash256 {
        sha256d(&self.to_bytes())
    }

    /// Whether the block hash meets the target in `bits`, within the
    /// mainnet proof-of-work limit; on success, the target.
    pub fn check_pow(&self) -> Result<Target, PowError> {
        self.check_pow_within(&Target::MAINNET_LIMIT)
    }

    /// Whether the block hash meets the target in `bits`, which must be
    /// within `limit` (a network's [`pow_limit`](super::wire::Network::pow_limit)).
    pub fn check_pow_within(&self, limit: &Target) -> Result<Target, PowError> {
        pow::check(&self.block_hash(), self.bits, limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_sit_at_their_offsets() {
        let mut b = [0u8; HEADER_LEN];
        for (i, x) in b.iter_mut().enumerate() {
            *x = i as u8;
        }
        let h = BlockHeader::from_bytes(&b);
        assert_eq!(h.version, 0x0302_0100);
        assert_eq!(h.prev_blockhash.0[0], 4);
        assert_eq!(h.merkle_root.0[31], 67);
        assert_eq!(h.time, u32::from_le_bytes([68, 69, 70, 71]));
        assert_eq!(h.nonce, u32::from_le_bytes([76, 77, 78, 79]));
        assert_eq!(h.to_bytes(), b);
    }
}
