//! `merkleblock` (BIP37): a header plus a partial merkle tree proving which
//! transactions of the block matched a filter.

use super::super::compact::{write_compact, write_var_bytes, MAX_SIZE};
use super::super::error::Error;
use super::super::hash::Hash256;
use super::super::header::BlockHeader;
use super::super::merkle::hash_pair;
use super::super::reader::Reader;
use std::fmt;

/// Most transactions a block can hold (4,000,000 weight / 240 per tx), the
/// bound Bitcoin Core puts on a partial tree's total.
pub const MAX_TREE_TXS: u32 = 4_000_000 / 240;

/// A `merkleblock` payload.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MerkleBlock {
    /// The block's header.
    pub header: BlockHeader,
    /// Transactions in the block.
    pub total_txs: u32,
    /// Hashes of the partial tree, depth first.
    pub hashes: Vec<Hash256>,
    /// Flag bits, depth first, least significant bit of each byte first.
    pub flags: Vec<u8>,
}

/// Why a partial merkle tree does not make sense.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartialTreeError {
    /// No transactions, or more than a block can hold.
    BadTotal(u32),
    /// More hashes than transactions, or fewer flag bits than hashes.
    Inconsistent,
    /// The traversal ran out of flag bits or hashes.
    Exhausted,
    /// Two equal sibling hashes (CVE-2012-2459).
    Mutated,
    /// Flag bits or hashes left unused.
    Unused,
}

impl fmt::Display for PartialTreeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartialTreeError::BadTotal(n) => write!(f, "partial tree: bad total of {n} txs"),
            PartialTreeError::Inconsistent => f.write_str("partial tree: counts disagree"),
            PartialTreeError::Exhausted => f.write_str("partial tree: ran out of bits or hashes"),
            PartialTreeError::Mutated => f.write_str("partial tree: equal sibling hashes"),
            PartialTreeError::Unused => f.write_str("partial tree: bits or hashes left over"),
        }
    }
}

impl std::error::Error for PartialTreeError {}

/// The outcome of walking a partial tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartialTreeMatch {
    /// The merkle root the tree proves (compare with the header's).
    pub root: Hash256,
    /// The matched transactions: position in the block and txid.
    pub matches: Vec<(u32, Hash256)>,
}

struct Walk<'t> {
    tree: &'t MerkleBlock,
    bits: usize,
    hashes: usize,
    matches: Vec<(u32, Hash256)>,
}

impl Walk<'_> {
    fn width(&self, height: u32) -> u32 {
        let total = u64::from(self.tree.total_txs);
        ((total + (1u64 << height) - 1) >> height) as u32
    }

    fn bit(&mut self) -> Result<bool, PartialTreeError> {
        let byte = self
            .tree
            .flags
            .get(self.bits / 8)
            .ok_or(PartialTreeError::Exhausted)?;
        let bit = byte >> (self.bits % 8) & 1 == 1;
        self.bits += 1;
        Ok(bit)
    }

    fn node(&mut self, height: u32, pos: u32) -> Result<Hash256, PartialTreeError> {
        let parent_of_match = self.bit()?;
        if height == 0 || !parent_of_match {
            let hash = *self
                .tree
                .hashes
                .get(self.hashes)
                .ok_or(PartialTreeError::Exhausted)?;
            self.hashes += 1;
            if height == 0 && parent_of_match {
                self.matches.push((pos, hash));
            }
            return Ok(hash);
        }
        let left = self.node(height - 1, pos * 2)?;
        let right = if pos * 2 + 1 < self.width(height - 1) {
            let right = self.node(height - 1, pos * 2 + 1)?;
            if right == left {
                return Err(PartialTreeError::Mutated);
            }
            right
        } else {
            left
        };
        Ok(hash_pair(&left, &right))
    }
}

impl MerkleBlock {
    /// Reads a payload that fills the reader.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        let header = BlockHeader::decode(r)?;
        let total_txs = r.u32_le("merkleblock.total_txs")?;
        let count = r.count("merkleblock.hash_count", MAX_SIZE, 32)?;
        let mut hashes = Vec::with_capacity(count);
        for _ in 0..count {
            hashes.push(r.hash("merkleblock.hash")?);
        }
        let flags = r.var_bytes("merkleblock.flags", MAX_SIZE)?.to_vec();
        Ok(MerkleBlock {
            header,
            total_txs,
            hashes,
            flags,
        })
    }

    /// Appends the payload.
    pub fn encode(&self, out: &mut Vec<u8>) {
        self.header.encode(out);
        out.extend_from_slice(&self.total_txs.to_le_bytes());
        write_compact(out, self.hashes.len() as u64);
        for h in &self.hashes {
            out.extend_from_slice(&h.0);
        }
        write_var_bytes(out, &self.flags);
    }

    /// Walks the partial tree as Bitcoin Core's `ExtractMatches` does.
    pub fn extract(&self) -> Result<PartialTreeMatch, PartialTreeError> {
        if self.total_txs == 0 || self.total_txs > MAX_TREE_TXS {
            return Err(PartialTreeError::BadTotal(self.total_txs));
        }
        if self.hashes.len() > self.total_txs as usize || self.flags.len() * 8 < self.hashes.len() {
            return Err(PartialTreeError::Inconsistent);
        }
        let mut walk = Walk {
            tree: self,
            bits: 0,
            hashes: 0,
            matches: Vec::new(),
        };
        let mut height = 0;
        while walk.width(height) > 1 {
            height += 1;
        }
        let root = walk.node(height, 0)?;
        if walk.bits.div_ceil(8) != self.flags.len() || walk.hashes != self.hashes.len() {
            return Err(PartialTreeError::Unused);
        }
        Ok(PartialTreeMatch {
            root,
            matches: walk.matches,
        })
    }
}
