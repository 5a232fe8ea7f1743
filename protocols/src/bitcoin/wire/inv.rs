//! Inventory vectors: what `inv`, `getdata` and `notfound` list.

use super::super::error::Error;
use super::super::hash::Hash256;
use super::super::reader::Reader;

/// Bytes of an inventory entry.
pub const INV_LEN: u64 = 36;

/// What an inventory entry names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InvType {
    /// 0: ignore.
    Error,
    /// 1: a transaction, by txid.
    Tx,
    /// 2: a block, by hash.
    Block,
    /// 3: a block as a `merkleblock` (BIP37).
    FilteredBlock,
    /// 4: a compact block (BIP152).
    CompactBlock,
    /// 5: a transaction, by wtxid (BIP339).
    WitnessTxid,
    /// 0x40000001: a transaction with its witness.
    WitnessTx,
    /// 0x40000002: a block with witnesses.
    WitnessBlock,
    /// 0x40000003: a filtered block with witnesses.
    WitnessFilteredBlock,
    /// Any other value.
    Other(u32),
}

impl InvType {
    /// The type of wire value `v`.
    pub fn from_u32(v: u32) -> InvType {
        match v {
            0 => InvType::Error,
            1 => InvType::Tx,
            2 => InvType::Block,
            3 => InvType::FilteredBlock,
            4 => InvType::CompactBlock,
            5 => InvType::WitnessTxid,
            0x4000_0001 => InvType::WitnessTx,
            0x4000_0002 => InvType::WitnessBlock,
            0x4000_0003 => InvType::WitnessFilteredBlock,
            other => InvType::Other(other),
        }
    }

    /// The wire value.
    pub fn to_u32(self) -> u32 {
        match self {
            InvType::Error => 0,
            InvType::Tx => 1,
            InvType::Block => 2,
            InvType::FilteredBlock => 3,
            InvType::CompactBlock => 4,
            InvType::WitnessTxid => 5,
            InvType::WitnessTx => 0x4000_0001,
            InvType::WitnessBlock => 0x4000_0002,
            InvType::WitnessFilteredBlock => 0x4000_0003,
            InvType::Other(v) => v,
        }
    }
}

/// An inventory entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Inventory {
    /// What kind of object.
    pub kind: InvType,
    /// Its hash, in wire order.
    pub hash: Hash256,
}

impl Inventory {
    /// Reads an entry.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        Ok(Inventory {
            kind: InvType::from_u32(r.u32_le("inv.type")?),
            hash: r.hash("inv.hash")?,
        })
    }

    /// Appends the entry.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.kind.to_u32().to_le_bytes());
        out.extend_from_slice(&self.hash.0);
    }
}
