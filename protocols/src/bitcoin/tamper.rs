//! The lab's extra credit as data: change the value of one output of one
//! transaction and show, check by check, why no node would accept the block.
//!
//! 1. The transaction's txid changes, so the merkle root of the txids no
//!    longer matches the one in the header.
//! 2. An attacker who also writes the new root into the header changes the
//!    header, so the block hash changes and (barring a new proof of work)
//!    is above the target its nBits demand.
//! 3. A block already built on top names the old hash as its previous
//!    block, so the forged block does not link into the chain either.

use super::block::Block;
use super::hash::Hash256;
use super::header::BlockHeader;
use super::merkle::merkle_root;
use super::pow::{PowError, Target};
use super::verify::verify;
use super::witness::{self, WitnessCheck};
use serde::Serialize;
use std::fmt;

/// Which output to change, and to what.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Tampering {
    /// Index of the transaction in the block (0 is the coinbase).
    pub tx: usize,
    /// Index of the output in the transaction.
    pub output: usize,
    /// The new value in satoshis.
    pub value: u64,
}

/// The tampering asked for does not exist in the block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TamperError {
    /// The block has no transaction `tx`.
    NoSuchTx {
        /// The index asked for.
        tx: usize,
        /// Transactions in the block.
        count: usize,
    },
    /// The transaction has no output `output`.
    NoSuchOutput {
        /// The transaction.
        tx: usize,
        /// The index asked for.
        output: usize,
        /// Outputs of the transaction.
        count: usize,
    },
}

impl fmt::Display for TamperError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TamperError::NoSuchTx { tx, count } => write!(
                f,
                "transaction index {tx} is out of range: the block has {count} transactions (0..={})",
                count.saturating_sub(1)
            ),
            TamperError::NoSuchOutput { tx, output, count } => write!(
                f,
                "output index {output} is out of range: transaction {tx} has {count} outputs (0..={})",
                count.saturating_sub(1)
            ),
        }
    }
}

impl std::error::Error for TamperError {}

/// Step 2: the header with the recomputed merkle root written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ForgedHeader {
    /// The new header's hash.
    pub hash: Hash256,
    /// The target of the block's nBits (`None` if nBits is invalid).
    pub target: Option<Target>,
    /// Whether the new hash still meets it.
    pub pow_ok: bool,
    /// Why proof of work fails, when it does.
    pub pow_error: Option<PowError>,
    /// The witness commitment of the tampered block (a segwit transaction's
    /// wtxid changes too).
    pub witness: WitnessCheck,
}

/// Step 3: the block built on top of the original.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct NextLink {
    /// The next block's hash.
    pub hash: Hash256,
    /// Its `prev_blockhash`.
    pub prev_blockhash: Hash256,
    /// Whether it points at the original block.
    pub links_to_original: bool,
    /// Whether it points at the forged header.
    pub links_to_forged: bool,
}

/// Everything the demonstration shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TamperReport {
    /// The original block's hash.
    pub block_hash: Hash256,
    /// Its nBits.
    pub bits: u32,
    /// Transactions in the block.
    pub tx_count: usize,
    /// Whether the untouched block passes every check (see [`verify()`]).
    pub original_ok: bool,
    /// The change.
    pub tampering: Tampering,
    /// The output's value before.
    pub old_value: u64,
    /// The transaction's txid before.
    pub old_txid: Hash256,
    /// Its txid after.
    pub new_txid: Hash256,
    /// The merkle root in the header.
    pub header_merkle_root: Hash256,
    /// The merkle root of the tampered txids.
    pub recomputed_merkle_root: Hash256,
    /// Step 1 caught it: the roots differ.
    pub merkle_mismatch: bool,
    /// Step 2.
    pub forged: ForgedHeader,
    /// Step 3, when the next block was given.
    pub next: Option<NextLink>,
    /// Every step caught the tampering.
    pub caught: bool,
}

/// Applies `change` to a copy of `block` and reports what gives it away;
/// `next` is the header of the block after it, if known.
pub fn tamper(
    block: &Block,
    change: Tampering,
    next: Option<&BlockHeader>,
) -> Result<TamperReport, TamperError> {
    let mut txs = block.transactions();
    let count = txs.len();
    let tx = txs.get_mut(change.tx).ok_or(TamperError::NoSuchTx {
        tx: change.tx,
        count,
    })?;
    let outputs = tx.outputs.len();
    let output = tx
        .outputs
        .get_mut(change.output)
        .ok_or(TamperError::NoSuchOutput {
            tx: change.tx,
            output: change.output,
            count: outputs,
        })?;
    let old_value = output.value;
    output.value = change.value;
    let new_txid = tx.txid();

    let header = *block.header();
    let old_txid = block.txids()[change.tx];
    let mut txids = block.txids().to_vec();
    txids[change.tx] = new_txid;
    let recomputed = merkle_root(&txids).map_or(Hash256::ZERO, |m| m.root);

    let forged_header = BlockHeader {
        merkle_root: recomputed,
        ..header
    };
    let forged_block = Block::new(forged_header, &txs);
    let pow = forged_header.check_pow();
    let forged = ForgedHeader {
        hash: forged_header.block_hash(),
        target: Target::from_bits(header.bits).ok(),
        pow_ok: pow.is_ok(),
        pow_error: pow.err(),
        witness: witness::check(&forged_block),
    };
    let block_hash = header.block_hash();
    let next = next.map(|n| NextLink {
        hash: n.block_hash(),
        prev_blockhash: n.prev_blockhash,
        links_to_original: n.prev_blockhash == block_hash,
        links_to_forged: n.prev_blockhash == forged.hash,
    });
    let merkle_mismatch = recomputed != header.merkle_root;
    let caught = merkle_mismatch && !forged.pow_ok && next.is_none_or(|n| !n.links_to_forged);
    Ok(TamperReport {
        block_hash,
        bits: header.bits,
        tx_count: count,
        original_ok: verify(block).is_ok(),
        tampering: change,
        old_value,
        old_txid,
        new_txid,
        header_merkle_root: header.merkle_root,
        recomputed_merkle_root: recomputed,
        merkle_mismatch,
        forged,
        next,
        caught,
    })
}

fn btc(sat: u64) -> String {
    format!("{}.{:08} BTC", sat / 100_000_000, sat % 100_000_000)
}

fn verdict(caught: bool) -> &'static str {
    if caught {
        "CAUGHT"
    } else {
        "NOT CAUGHT"
    }
}

impl fmt::Display for TamperReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.tampering;
        writeln!(
            f,
            "Block {} ({} transactions; untouched block {})",
            self.block_hash,
            self.tx_count,
            if self.original_ok {
                "passes every check"
            } else {
                "already FAILS a check"
            }
        )?;
        writeln!(
            f,
            "Change: transaction {} output {}: {} -> {}",
            t.tx,
            t.output,
            btc(self.old_value),
            btc(t.value)
        )?;
        writeln!(f, "  txid before  {}", self.old_txid)?;
        writeln!(f, "  txid after   {}", self.new_txid)?;
        writeln!(f)?;
        writeln!(f, "1. Merkle root of the txids against the header:")?;
        writeln!(f, "  in header    {}", self.header_merkle_root)?;
        writeln!(f, "  recomputed   {}", self.recomputed_merkle_root)?;
        writeln!(
            f,
            "  -> {}: {}",
            verdict(self.merkle_mismatch),
            if self.merkle_mismatch {
                "the header does not commit to these transactions"
            } else {
                "the roots are equal (nothing changed)"
            }
        )?;
        writeln!(f)?;
        writeln!(f, "2. The attacker writes the new root into the header:")?;
        writeln!(f, "  new block hash  {}", self.forged.hash)?;
        match self.forged.target {
            Some(target) => writeln!(f, "  target (nBits {:08x})  {target}", self.bits)?,
            None => writeln!(f, "  target: nBits {:08x} is invalid", self.bits)?,
        }
        match &self.forged.pow_error {
            Some(e) => writeln!(f, "  -> CAUGHT: no proof of work: {e}")?,
            None => writeln!(f, "  -> NOT CAUGHT: the new hash still meets the target")?,
        }
        writeln!(f, "  witness commitment: {}", self.forged.witness)?;
        writeln!(f)?;
        match &self.next {
            Some(n) => {
                writeln!(f, "3. The next block {} names as previous:", n.hash)?;
                writeln!(f, "  prev_blockhash  {}", n.prev_blockhash)?;
                writeln!(
                    f,
                    "  original hash   {} ({})",
                    self.block_hash,
                    if n.links_to_original {
                        "links"
                    } else {
                        "does not link"
                    }
                )?;
                writeln!(f, "  forged hash     {}", self.forged.hash)?;
                writeln!(
                    f,
                    "  -> {}: {}",
                    verdict(!n.links_to_forged),
                    if n.links_to_forged {
                        "the chain still links"
                    } else {
                        "the forged block does not link into the chain"
                    }
                )?;
            }
            None => writeln!(
                f,
                "3. Next block not given (--next): chain link not checked."
            )?,
        }
        writeln!(f)?;
        write!(
            f,
            "Verdict: {}",
            if self.caught {
                "tampering CAUGHT: peers reject the block"
            } else {
                "tampering NOT CAUGHT"
            }
        )
    }
}
