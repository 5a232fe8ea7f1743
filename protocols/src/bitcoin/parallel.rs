//! Decoding and verifying a block on two threads, for big blocks outside
//! the simulator (the benchmark, live tools). Simulated runs never use it:
//! a simulated node runs on the simulator's one thread.
//!
//! Nearly all the work is SHA-256: every byte once for the txids (without
//! witness data) and every segwit transaction's bytes again for the wtxids
//! (the two serializations part after the 4-byte version, so no hashing
//! state can be shared), then two merkle trees. So: walk the block for the
//! transaction spans without hashing; hash txids and wtxids on two threads,
//! each taking a contiguous run of transactions holding half the bytes to
//! hash; then build the txid tree on this thread and the wtxid tree on the
//! other. The result is the same as [`Block::decode`] then
//! [`verify_within`](super::verify_within).

use super::block::{walk, Block};
use super::error::Error;
use super::hash::Hash256;
use super::merkle::{merkle_root, merkle_root_in_place};
use super::pow::Target;
use super::tx::TxSpan;
use super::verify::{MerkleCheck, Verification};
use super::witness::check_with_root;
use std::thread;

/// Bytes hashed for a transaction: the witness-free serialization, plus the
/// whole one if it has witness data (the coinbase's wtxid is zero).
fn hashed_len(index: usize, span: &TxSpan) -> usize {
    let whole = span.end - span.start;
    let stripped = whole - (span.body - span.start - 4) - (span.end - 4 - span.witness);
    if index > 0 && span.has_witness() {
        stripped + whole
    } else {
        stripped
    }
}

/// Hashes txids and wtxids of the transactions `first..` given by `spans`.
fn hash_range(
    bytes: &[u8],
    first: usize,
    spans: &[TxSpan],
    txids: &mut [Hash256],
    wtxids: &mut [Hash256],
) {
    for (k, span) in spans.iter().enumerate() {
        let txid = span.txid(bytes);
        txids[k] = txid;
        wtxids[k] = if first + k == 0 {
            Hash256::ZERO
        } else if span.has_witness() {
            span.wtxid(bytes)
        } else {
            txid
        };
    }
}

/// [`Block::decode`] and [`verify_within`](super::verify_within) of
/// `bytes`, the hashing shared by two threads.
pub fn decode_and_verify(bytes: &[u8], pow_limit: &Target) -> Result<(Block, Verification), Error> {
    let (header, spans) = walk(bytes, None)?;
    let n = spans.len();
    let total: usize = spans
        .iter()
        .enumerate()
        .map(|(i, s)| hashed_len(i, s))
        .sum();
    let mut split = 0;
    let mut acc = 0;
    while split < n && acc * 2 < total {
        acc += hashed_len(split, &spans[split]);
        split += 1;
    }
    let mut txids = vec![Hash256::ZERO; n];
    let mut wtxids = vec![Hash256::ZERO; n];
    thread::scope(|scope| {
        let (txids_a, txids_b) = txids.split_at_mut(split);
        let (wtxids_a, wtxids_b) = wtxids.split_at_mut(split);
        let (spans_a, spans_b) = spans.split_at(split);
        scope.spawn(move || hash_range(bytes, split, spans_b, txids_b, wtxids_b));
        hash_range(bytes, 0, spans_a, txids_a, wtxids_a);
    });
    let has_witness = spans.iter().any(TxSpan::has_witness);
    let (merkle, witness_root) = thread::scope(|scope| {
        let witness = has_witness.then(|| scope.spawn(|| merkle_root_in_place(&mut wtxids)));
        let merkle = merkle_root(&txids);
        (merkle, witness.and_then(|h| h.join().ok()).flatten())
    });
    let block = Block::from_parts(header, bytes.to_vec(), spans, txids);
    let witness = check_with_root(&block, || match witness_root {
        Some(root) => Some(root),
        // Committed without witness data (or the helper failed): hash here.
        None => {
            let mut wtxids: Vec<Hash256> = (0..block.tx_count())
                .filter_map(|i| block.wtxid(i))
                .collect();
            merkle_root_in_place(&mut wtxids)
        }
    });
    let verification = Verification {
        hash: block.block_hash(),
        merkle: MerkleCheck {
            in_header: header.merkle_root,
            computed: merkle,
        },
        witness,
        pow: header.check_pow_within(pow_limit),
    };
    Ok((block, verification))
}
