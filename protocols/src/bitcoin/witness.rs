//! The BIP141 witness commitment: the coinbase commits to the merkle root
//! of the wtxids (the coinbase's counted as zero) in an output whose script
//! is `OP_RETURN 0x24 aa21a9ed <32 bytes>`, hashed together with the
//! coinbase input's one 32-byte witness item (the "witness reserved value").

use super::block::Block;
use super::hash::{sha256d_parts, Hash256};
use super::merkle::{merkle_root_in_place, MerkleRoot};
use super::tx::Transaction;
use serde::Serialize;
use std::fmt;

/// The first 6 bytes of a commitment output's script.
pub const COMMITMENT_PREFIX: [u8; 6] = [0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed];

/// The committed hash in the coinbase: the last output whose script starts
/// with [`COMMITMENT_PREFIX`] and is at least 38 bytes long.
pub fn find_commitment(coinbase: &Transaction) -> Option<Hash256> {
    coinbase.outputs.iter().rev().find_map(|o| {
        let script = &o.script_pubkey;
        match (script.get(..6), script.get(6..38)) {
            (Some(prefix), Some(hash)) if prefix == COMMITMENT_PREFIX => {
                let mut h = [0u8; 32];
                h.copy_from_slice(hash);
                Some(Hash256(h))
            }
            _ => None,
        }
    })
}

/// What the witness commitment check found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum WitnessCheck {
    /// No commitment and no witness data: nothing to check (pre-segwit).
    NotApplicable,
    /// The commitment matches the wtxids.
    Valid {
        /// The committed hash.
        commitment: Hash256,
    },
    /// Transactions carry witness data but the coinbase commits to none.
    Missing,
    /// The coinbase input's witness is not exactly one 32-byte item.
    BadReservedValue,
    /// The commitment does not match the wtxids.
    Mismatch {
        /// The hash in the coinbase.
        committed: Hash256,
        /// The hash of the wtxid root and the reserved value.
        computed: Hash256,
    },
    /// The block has no transactions (so no coinbase).
    NoCoinbase,
}

impl WitnessCheck {
    /// Whether the block passes (valid, or nothing to check).
    pub fn is_ok(&self) -> bool {
        matches!(
            self,
            WitnessCheck::NotApplicable | WitnessCheck::Valid { .. }
        )
    }
}

impl fmt::Display for WitnessCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WitnessCheck::NotApplicable => f.write_str("no witness data, nothing committed"),
            WitnessCheck::Valid { commitment } => write!(f, "commitment {commitment} matches"),
            WitnessCheck::Missing => f.write_str("witness data without a commitment"),
            WitnessCheck::BadReservedValue => {
                f.write_str("coinbase witness is not one 32-byte reserved value")
            }
            WitnessCheck::Mismatch {
                committed,
                computed,
            } => write!(f, "commitment {committed} but the wtxids give {computed}"),
            WitnessCheck::NoCoinbase => f.write_str("no coinbase"),
        }
    }
}

/// Checks `block`'s witness commitment as Bitcoin Core's
/// `CheckWitnessMalleation` does.
pub fn check(block: &Block) -> WitnessCheck {
    check_with_root(block, || {
        let mut wtxids: Vec<Hash256> = (0..block.tx_count())
            .filter_map(|i| block.wtxid(i))
            .collect();
        merkle_root_in_place(&mut wtxids)
    })
}

/// [`check`] with the wtxids' merkle root computed by `root` (asked only
/// when the coinbase commits to one).
pub(crate) fn check_with_root(
    block: &Block,
    root: impl FnOnce() -> Option<MerkleRoot>,
) -> WitnessCheck {
    let Some(coinbase) = block.transaction(0) else {
        return WitnessCheck::NoCoinbase;
    };
    let Some(committed) = find_commitment(&coinbase) else {
        return if block.has_witness() {
            WitnessCheck::Missing
        } else {
            WitnessCheck::NotApplicable
        };
    };
    let reserved = match coinbase.inputs.first().map(|i| i.witness.as_slice()) {
        Some([item]) if item.len() == 32 => item,
        _ => return WitnessCheck::BadReservedValue,
    };
    let Some(root) = root() else {
        return WitnessCheck::NoCoinbase;
    };
    let computed = sha256d_parts(&[&root.root.0, reserved]);
    if computed == committed {
        WitnessCheck::Valid {
            commitment: committed,
        }
    } else {
        WitnessCheck::Mismatch {
            committed,
            computed,
        }
    }
}
