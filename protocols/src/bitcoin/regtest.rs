//! A generated regtest chain, for fetches deeper than the real blocks
//! 0–438 and for segwit blocks: regtest's genesis block, then blocks of
//! three transactions each — a coinbase carrying the BIP141 witness
//! commitment, a segwit spend and a legacy spend — mined at regtest's
//! difficulty (nBits `207fffff`: about every other nonce works).
//!
//! Everything is a function of the height (no randomness), so every run
//! and every process generates the same chain. The spends are not valid
//! scripts (nothing here checks scripts); their shapes are real ones.

use super::block::Block;
use super::hash::{sha256, sha256d_parts, Hash256};
use super::header::BlockHeader;
use super::merkle::merkle_root;
use super::tx::{OutPoint, Transaction, TxIn, TxOut};
use super::wire::Network;
use super::witness::COMMITMENT_PREFIX;

/// Regtest's nBits.
pub const REGTEST_BITS: u32 = 0x207f_ffff;
/// Regtest genesis time (Bitcoin Core's `CreateGenesisBlock` for regtest).
const GENESIS_TIME: u32 = 1_296_688_602;
/// Regtest genesis nonce.
const GENESIS_NONCE: u32 = 2;
/// Seconds between generated blocks.
const SPACING: u32 = 600;

/// The regtest genesis block: mainnet's genesis transaction under a
/// header with regtest's time, bits and nonce.
pub fn genesis() -> Block {
    let mainnet = super::store::BlockStore::mainnet();
    let Some(block) = mainnet.block(0) else {
        unreachable!("the embedded chain starts at genesis");
    };
    let header = BlockHeader {
        time: GENESIS_TIME,
        bits: REGTEST_BITS,
        nonce: GENESIS_NONCE,
        ..*block.header()
    };
    Block::new(header, &block.transactions())
}

/// 32 bytes derived from `height` and `label`.
fn filler(height: u32, label: &[u8]) -> [u8; 32] {
    let mut input = height.to_le_bytes().to_vec();
    input.extend_from_slice(label);
    sha256(&input)
}

/// A script pushing `data` (at most 75 bytes).
fn push(data: &[u8]) -> Vec<u8> {
    let mut script = vec![data.len() as u8];
    script.extend_from_slice(data);
    script
}

/// Pay-to-witness-pubkey-hash output script.
fn p2wpkh(height: u32, label: &[u8]) -> Vec<u8> {
    let mut script = vec![0x00, 0x14];
    script.extend_from_slice(&filler(height, label)[..20]);
    script
}

/// Pay-to-pubkey-hash output script.
fn p2pkh(height: u32, label: &[u8]) -> Vec<u8> {
    let mut script = vec![0x76, 0xa9, 0x14];
    script.extend_from_slice(&filler(height, label)[..20]);
    script.extend_from_slice(&[0x88, 0xac]);
    script
}

/// A signature-shaped item (DER-like, 71 bytes) and a compressed key (33).
fn sig_and_key(height: u32, label: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut sig = vec![0x30, 0x44, 0x02, 0x20];
    sig.extend_from_slice(&filler(height, &[label, b"r"].concat()));
    sig.extend_from_slice(&[0x02, 0x20]);
    sig.extend_from_slice(&filler(height, &[label, b"s"].concat()));
    sig.push(0x01);
    let mut key = vec![0x02];
    key.extend_from_slice(&filler(height, &[label, b"k"].concat()));
    (sig, key)
}

/// The block subsidy at `height` on regtest (halving every 150 blocks).
fn subsidy(height: u32) -> u64 {
    let halvings = height / 150;
    if halvings >= 64 {
        0
    } else {
        50_0000_0000u64 >> halvings
    }
}

/// The two spends of block `height`, spending outputs of block `height - 1`.
fn spends(height: u32, prev_txids: &[Hash256]) -> [Transaction; 2] {
    let prev = |i: usize| prev_txids.get(i).copied().unwrap_or(Hash256::ZERO);
    let (sig, key) = sig_and_key(height, b"segwit");
    let segwit = Transaction {
        version: 2,
        inputs: vec![TxIn {
            prevout: OutPoint {
                txid: prev(0),
                vout: 0,
            },
            script_sig: Vec::new(),
            sequence: 0xffff_fffd,
            witness: vec![sig, key],
        }],
        outputs: vec![
            TxOut {
                value: 1_0000_0000 + u64::from(height),
                script_pubkey: p2wpkh(height, b"pay"),
            },
            TxOut {
                value: 2_5000_0000 - u64::from(height % 1000) * 1000,
                script_pubkey: p2wpkh(height, b"change"),
            },
        ],
        lock_time: height.saturating_sub(1),
    };
    let (sig, key) = sig_and_key(height, b"legacy");
    let mut script_sig = push(&sig);
    script_sig.extend_from_slice(&push(&key));
    let legacy = Transaction {
        version: 1,
        inputs: vec![TxIn {
            prevout: OutPoint {
                txid: prev(1),
                vout: 0,
            },
            script_sig,
            sequence: 0xffff_ffff,
            witness: Vec::new(),
        }],
        outputs: vec![TxOut {
            value: 5000 * u64::from(height % 97 + 1),
            script_pubkey: p2pkh(height, b"legacy-pay"),
        }],
        lock_time: 0,
    };
    [segwit, legacy]
}

/// The coinbase of block `height` committing to `witness_root` (the
/// merkle root of the wtxids, the coinbase's counted as zero).
fn coinbase(height: u32, witness_root: &Hash256) -> Transaction {
    let reserved = [0u8; 32];
    let commitment = sha256d_parts(&[&witness_root.0, &reserved]);
    let mut commit_script = COMMITMENT_PREFIX.to_vec();
    commit_script.extend_from_slice(&commitment.0);
    // BIP34: the height first, as a script number push.
    let mut script_sig = push(&height.to_le_bytes());
    script_sig.extend_from_slice(&push(b"dsim regtest"));
    Transaction {
        version: 2,
        inputs: vec![TxIn {
            prevout: OutPoint {
                txid: Hash256::ZERO,
                vout: u32::MAX,
            },
            script_sig,
            sequence: 0xffff_ffff,
            witness: vec![reserved.to_vec()],
        }],
        outputs: vec![
            TxOut {
                value: subsidy(height),
                script_pubkey: p2wpkh(height, b"miner"),
            },
            TxOut {
                value: 0,
                script_pubkey: commit_script,
            },
        ],
        lock_time: 0,
    }
}

/// The lowest nonce from 0 whose header meets `header.bits` on regtest.
fn mine(mut header: BlockHeader) -> BlockHeader {
    let limit = Network::Regtest.pow_limit();
    while header.check_pow_within(&limit).is_err() {
        header.nonce = header.nonce.wrapping_add(1);
    }
    header
}

/// Block `height` on top of `prev`.
fn next_block(height: u32, prev: &Block) -> Block {
    let spends = spends(height, &prev.txids()[1..]);
    let mut wtxids = vec![Hash256::ZERO];
    wtxids.extend(spends.iter().map(Transaction::wtxid));
    let witness_root = merkle_root(&wtxids).map_or(Hash256::ZERO, |m| m.root);
    let txs = [
        coinbase(height, &witness_root),
        spends[0].clone(),
        spends[1].clone(),
    ];
    let txids: Vec<Hash256> = txs.iter().map(Transaction::txid).collect();
    let header = mine(BlockHeader {
        version: 0x2000_0000,
        prev_blockhash: prev.block_hash(),
        merkle_root: merkle_root(&txids).map_or(Hash256::ZERO, |m| m.root),
        time: GENESIS_TIME + SPACING * height,
        bits: REGTEST_BITS,
        nonce: 0,
    });
    Block::new(header, &txs)
}

/// Genesis and `blocks` blocks after it.
pub fn generate(blocks: u32) -> Vec<Block> {
    let mut chain = Vec::with_capacity(blocks as usize + 1);
    chain.push(genesis());
    for height in 1..=blocks {
        let next = next_block(height, &chain[height as usize - 1]);
        chain.push(next);
    }
    chain
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bitcoin::pow::Target;
    use crate::bitcoin::verify::verify_within;

    #[test]
    fn genesis_is_bitcoin_cores_regtest_genesis() {
        assert_eq!(genesis().block_hash(), Network::Regtest.genesis_hash());
        assert_eq!(
            crate::bitcoin::store::BlockStore::mainnet().genesis_hash(),
            Network::Mainnet.genesis_hash()
        );
        assert_eq!(
            Target::from_bits(REGTEST_BITS),
            Ok(Network::Regtest.pow_limit())
        );
        assert_eq!(
            Target::from_bits(0x1e03_77ae),
            Ok(Network::Signet.pow_limit())
        );
    }

    #[test]
    fn generated_blocks_verify_and_carry_segwit_spends() {
        let chain = generate(20);
        assert_eq!(chain.len(), 21);
        let limit = Network::Regtest.pow_limit();
        for block in &chain[1..] {
            let v = verify_within(block, &limit);
            assert!(v.is_ok(), "{v}");
            assert!(matches!(
                v.witness,
                crate::bitcoin::witness::WitnessCheck::Valid { .. }
            ));
            assert_eq!(block.tx_count(), 3);
            assert!(block.has_witness());
        }
        // Mainnet's limit refuses regtest's easy target.
        assert!(!crate::bitcoin::verify(&chain[5]).is_ok());
        assert_eq!(generate(20), chain, "generation is deterministic");
    }
}
