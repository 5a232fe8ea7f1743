//! A block held as its own serialization plus an index: the header, and per
//! transaction its [`TxSpan`] and txid (hashed while parsing). Decoding a
//! block makes three allocations however many transactions it has; a
//! transaction becomes an owned [`Transaction`] only when asked for.

use super::compact::{write_compact, MAX_SIZE};
use super::error::Error;
use super::hash::Hash256;
use super::header::{BlockHeader, HEADER_LEN};
use super::reader::Reader;
use super::tx::{scan, Skip, Transaction, TxSpan, MIN_TX_LEN};
use std::fmt;

/// A block: header and transactions, in one buffer.
#[derive(Clone, PartialEq, Eq)]
pub struct Block {
    header: BlockHeader,
    bytes: Vec<u8>,
    spans: Vec<TxSpan>,
    txids: Vec<Hash256>,
}

impl Block {
    /// Reads a block that fills `bytes` exactly (copying them).
    pub fn decode(bytes: &[u8]) -> Result<Block, Error> {
        Self::from_vec(bytes.to_vec())
    }

    /// Reads a block that fills `bytes` exactly, keeping the buffer.
    pub fn from_vec(bytes: Vec<u8>) -> Result<Block, Error> {
        let mut txids = Vec::new();
        let (header, spans) = walk(&bytes, Some(&mut txids))?;
        Ok(Block {
            header,
            bytes,
            spans,
            txids,
        })
    }

    /// A block from its parts, as [`walk`] and a txid pass found them.
    pub(crate) fn from_parts(
        header: BlockHeader,
        bytes: Vec<u8>,
        spans: Vec<TxSpan>,
        txids: Vec<Hash256>,
    ) -> Block {
        Block {
            header,
            bytes,
            spans,
            txids,
        }
    }

    /// A block of `header` and `txs` (the header is kept as given: its
    /// merkle root is not recomputed).
    pub fn new(header: BlockHeader, txs: &[Transaction]) -> Block {
        let len = HEADER_LEN + 9 + txs.iter().map(Transaction::encoded_len).sum::<usize>();
        let mut bytes = Vec::with_capacity(len);
        header.encode(&mut bytes);
        write_compact(&mut bytes, txs.len() as u64);
        let spans: Vec<TxSpan> = txs.iter().map(|tx| tx.encode(&mut bytes)).collect();
        let txids = spans.iter().map(|s| s.txid(&bytes)).collect();
        Block {
            header,
            bytes,
            spans,
            txids,
        }
    }

    /// The header.
    pub fn header(&self) -> &BlockHeader {
        &self.header
    }

    /// The block hash.
    pub fn block_hash(&self) -> Hash256 {
        self.header.block_hash()
    }

    /// The serialization.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Number of transactions.
    pub fn tx_count(&self) -> usize {
        self.spans.len()
    }

    /// The txids, in block order.
    pub fn txids(&self) -> &[Hash256] {
        &self.txids
    }

    /// Where transaction `index` lies in [`Block::as_bytes`].
    pub fn span(&self, index: usize) -> Option<TxSpan> {
        self.spans.get(index).copied()
    }

    /// The serialization of transaction `index`.
    pub fn tx_bytes(&self, index: usize) -> Option<&[u8]> {
        self.spans
            .get(index)
            .and_then(|s| self.bytes.get(s.start..s.end))
    }

    /// Transaction `index`, decoded into an owned [`Transaction`].
    pub fn transaction(&self, index: usize) -> Option<Transaction> {
        // The bytes were checked when the block was built.
        self.tx_bytes(index)
            .and_then(|b| Transaction::from_bytes(b).ok())
    }

    /// Every transaction, owned.
    pub fn transactions(&self) -> Vec<Transaction> {
        (0..self.tx_count())
            .filter_map(|i| self.transaction(i))
            .collect()
    }

    /// The wtxid of transaction `index`: zero for the coinbase (BIP141),
    /// the txid for one without witness data.
    pub fn wtxid(&self, index: usize) -> Option<Hash256> {
        let span = self.spans.get(index)?;
        Some(if index == 0 {
            Hash256::ZERO
        } else if span.has_witness() {
            span.wtxid(&self.bytes)
        } else {
            self.txids[index]
        })
    }

    /// Whether any transaction carries witness data.
    pub fn has_witness(&self) -> bool {
        self.spans.iter().any(TxSpan::has_witness)
    }
}

/// Walks a block that fills `bytes` exactly: its header and where each
/// transaction lies; with `txids`, also hashes each txid while the
/// transaction's bytes are in cache.
pub(crate) fn walk(
    bytes: &[u8],
    mut txids: Option<&mut Vec<Hash256>>,
) -> Result<(BlockHeader, Vec<TxSpan>), Error> {
    let mut r = Reader::new(bytes);
    let header = BlockHeader::decode(&mut r)?;
    let n = r.count("block.tx_count", MAX_SIZE, MIN_TX_LEN)?;
    if let Some(t) = txids.as_deref_mut() {
        t.reserve_exact(n);
    }
    let mut spans = Vec::with_capacity(n);
    for _ in 0..n {
        let span = scan(&mut r, &mut Skip)?;
        if let Some(t) = txids.as_deref_mut() {
            t.push(span.txid(bytes));
        }
        spans.push(span);
    }
    r.finish("block")?;
    Ok((header, spans))
}

impl fmt::Debug for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Block")
            .field("hash", &self.block_hash())
            .field("header", &self.header)
            .field("tx_count", &self.tx_count())
            .field("bytes", &self.bytes.len())
            .finish()
    }
}
