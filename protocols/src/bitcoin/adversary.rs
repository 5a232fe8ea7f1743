//! How an adversarial peer lies: each [`Tamper`] turns the honest answer
//! (a `block`, or a `headers` list) into the frame it sends instead.
//!
//! Every lie is one the client must catch by a different check: a changed
//! output value or script byte changes a txid (merkle root), a changed
//! witness does not (witness commitment), reordered or duplicated
//! transactions keep the txids but not the tree (merkle root, and the
//! CVE-2012-2459 mutation flag), a rewritten merkle root changes the block
//! hash (the link to the header chain), and the frame-level lies break the
//! decoding (checksum, a truncated payload, more headers than allowed).

use super::block::Block;
use super::compact::write_compact;
use super::frame::Frame;
use super::header::BlockHeader;
use super::merkle::merkle_root;
use super::tx::Transaction;
use super::wire::{Command, Network, MAX_HEADERS};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One way to lie about a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tamper {
    /// Add one satoshi to an output of the last transaction.
    Value,
    /// Flip a byte of an output script of the last transaction.
    Script,
    /// Flip a byte of a witness (or give a legacy input one): txids stay.
    Witness,
    /// Swap the last two transactions (a one-transaction block lists it twice).
    Reorder,
    /// Repeat the last transaction (CVE-2012-2459: with an odd count of
    /// three or more the merkle root stays the same).
    Duplicate,
    /// Change an output value and rewrite the header's merkle root to match.
    MerkleRoot,
    /// Send the block with a wrong checksum.
    Checksum,
    /// Send half the block under a header that matches that half.
    Truncate,
    /// Answer `getheaders` with one header more than the 2,000 allowed.
    Oversize,
}

impl Tamper {
    /// Every kind.
    pub const ALL: [Tamper; 9] = [
        Tamper::Value,
        Tamper::Script,
        Tamper::Witness,
        Tamper::Reorder,
        Tamper::Duplicate,
        Tamper::MerkleRoot,
        Tamper::Checksum,
        Tamper::Truncate,
        Tamper::Oversize,
    ];

    /// The name scenario files and the command line use.
    pub fn name(self) -> &'static str {
        match self {
            Tamper::Value => "value",
            Tamper::Script => "script",
            Tamper::Witness => "witness",
            Tamper::Reorder => "reorder",
            Tamper::Duplicate => "duplicate",
            Tamper::MerkleRoot => "merkle-root",
            Tamper::Checksum => "checksum",
            Tamper::Truncate => "truncate",
            Tamper::Oversize => "oversize",
        }
    }

    /// The frame sent for `block` instead of the honest one.
    pub fn block_frame(self, network: Network, block: &Block) -> Frame {
        let honest = || block_message(network, block);
        match self {
            Tamper::Oversize => honest(),
            Tamper::Checksum => {
                let mut bytes = honest().bytes().to_vec();
                bytes[20] ^= 0xff;
                Frame::from_bytes(&bytes)
            }
            Tamper::Truncate => {
                let payload = block.as_bytes();
                Frame::raw(network, command(b"block"), &payload[..payload.len() / 2])
            }
            _ => block_message(network, &self.tampered_block(block)),
        }
    }

    /// The block with its transactions (and maybe header) changed.
    fn tampered_block(self, block: &Block) -> Block {
        let mut header = *block.header();
        let mut txs = block.transactions();
        let last = txs.len().saturating_sub(1);
        match self {
            Tamper::Value | Tamper::MerkleRoot => {
                if let Some(out) = txs.get_mut(last).and_then(|t| t.outputs.first_mut()) {
                    out.value = out.value.wrapping_add(1);
                }
            }
            Tamper::Script => {
                if let Some(out) = txs.get_mut(last).and_then(|t| t.outputs.first_mut()) {
                    match out.script_pubkey.last_mut() {
                        Some(byte) => *byte ^= 0x01,
                        None => out.script_pubkey.push(0x51),
                    }
                }
            }
            Tamper::Witness => tamper_witness(&mut txs),
            Tamper::Reorder => {
                if txs.len() >= 2 {
                    txs.swap(last - 1, last);
                } else if let Some(only) = txs.first().cloned() {
                    txs.push(only);
                }
            }
            Tamper::Duplicate => {
                if let Some(tx) = txs.last().cloned() {
                    txs.push(tx);
                }
            }
            Tamper::Checksum | Tamper::Truncate | Tamper::Oversize => {}
        }
        if self == Tamper::MerkleRoot {
            let txids: Vec<_> = txs.iter().map(Transaction::txid).collect();
            if let Some(m) = merkle_root(&txids) {
                header.merkle_root = m.root;
            }
        }
        Block::new(header, &txs)
    }

    /// The frame sent for a `headers` answer of `headers` (only
    /// [`Tamper::Oversize`] changes it: 2,001 headers, the list repeated).
    pub fn headers_frame(self, network: Network, headers: Vec<BlockHeader>) -> Frame {
        if self != Tamper::Oversize || headers.is_empty() {
            return headers_message(network, headers);
        }
        let count = MAX_HEADERS as usize + 1;
        let mut payload = Vec::with_capacity(9 + count * 81);
        write_compact(&mut payload, count as u64);
        for header in headers.iter().cycle().take(count) {
            header.encode(&mut payload);
            payload.push(0);
        }
        Frame::raw(network, command(b"headers"), &payload)
    }
}

/// Flips a byte of the first witness item found after the coinbase, or
/// gives the last transaction's first input a witness if none has one.
fn tamper_witness(txs: &mut [Transaction]) {
    let item = txs
        .iter_mut()
        .skip(1)
        .flat_map(|t| t.inputs.iter_mut())
        .flat_map(|i| i.witness.iter_mut())
        .find(|w| !w.is_empty());
    match item {
        Some(item) => item[0] ^= 0x01,
        None => {
            if let Some(input) = txs.last_mut().and_then(|t| t.inputs.first_mut()) {
                input.witness = vec![vec![0x01]];
            }
        }
    }
}

fn command(name: &[u8]) -> Command {
    let mut bytes = [0u8; 12];
    bytes[..name.len()].copy_from_slice(name);
    Command::from_bytes(bytes).unwrap_or_else(|_| unreachable!("literal command names are valid"))
}

/// A `block` message.
pub fn block_message(network: Network, block: &Block) -> Frame {
    Frame::raw(network, command(b"block"), block.as_bytes())
}

/// A `headers` message (at most 2,000 headers are ever passed).
pub fn headers_message(network: Network, headers: Vec<BlockHeader>) -> Frame {
    let mut payload = Vec::with_capacity(3 + headers.len() * 81);
    write_compact(&mut payload, headers.len() as u64);
    for header in &headers {
        header.encode(&mut payload);
        payload.push(0);
    }
    Frame::raw(network, command(b"headers"), &payload)
}

impl fmt::Display for Tamper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Tamper {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Tamper::ALL
            .into_iter()
            .find(|t| t.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Tamper::ALL.iter().map(|t| t.name()).collect();
                format!("unknown tampering {s:?} (one of {})", names.join(", "))
            })
    }
}
