//! Everything a block's own bytes can prove about it: its hash, the merkle
//! root of its txids against the header's, the witness commitment, and
//! proof of work against its nBits (within the mainnet limit). Rules that
//! need the chain (difficulty retargets, spent outputs, scripts) are not
//! checked here.

use super::block::Block;
use super::hash::Hash256;
use super::merkle::{merkle_root, MerkleRoot};
use super::pow::{PowError, Target};
use super::witness::{self, WitnessCheck};
use std::fmt;

/// The header's merkle root against the one the transactions give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MerkleCheck {
    /// The root in the header.
    pub in_header: Hash256,
    /// The root of the txids (`None`: no transactions).
    pub computed: Option<MerkleRoot>,
}

impl MerkleCheck {
    /// Whether the roots agree and the tree is not mutated (CVE-2012-2459).
    pub fn is_ok(&self) -> bool {
        self.computed
            .is_some_and(|m| m.root == self.in_header && !m.mutated)
    }
}

/// The result of [`verify`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verification {
    /// The block hash.
    pub hash: Hash256,
    /// Merkle root check.
    pub merkle: MerkleCheck,
    /// Witness commitment check.
    pub witness: WitnessCheck,
    /// Proof of work: the target met, or why not.
    pub pow: Result<Target, PowError>,
}

impl Verification {
    /// Whether every check passed.
    pub fn is_ok(&self) -> bool {
        self.merkle.is_ok() && self.witness.is_ok() && self.pow.is_ok()
    }
}

impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = |ok: bool| if ok { "ok  " } else { "FAIL" };
        writeln!(f, "block {}", self.hash)?;
        match self.merkle.computed {
            Some(m) => writeln!(
                f,
                "  {} merkle root {} (header {}){}",
                mark(self.merkle.is_ok()),
                m.root,
                self.merkle.in_header,
                if m.mutated { ", mutated tree" } else { "" }
            )?,
            None => writeln!(f, "  FAIL merkle root: no transactions")?,
        }
        writeln!(
            f,
            "  {} witness: {}",
            mark(self.witness.is_ok()),
            self.witness
        )?;
        match &self.pow {
            Ok(target) => write!(f, "  ok   proof of work: hash <= {target}"),
            Err(e) => write!(f, "  FAIL proof of work: {e}"),
        }
    }
}

/// Checks `block` against itself, with mainnet's proof-of-work limit.
pub fn verify(block: &Block) -> Verification {
    verify_within(block, &Target::MAINNET_LIMIT)
}

/// Checks `block` against itself; its nBits must be within `pow_limit`
/// (a network's [`pow_limit`](super::wire::Network::pow_limit)).
pub fn verify_within(block: &Block, pow_limit: &Target) -> Verification {
    Verification {
        hash: block.block_hash(),
        merkle: MerkleCheck {
            in_header: block.header().merkle_root,
            computed: merkle_root(block.txids()),
        },
        witness: witness::check(block),
        pow: block.header().check_pow_within(pow_limit),
    }
}
