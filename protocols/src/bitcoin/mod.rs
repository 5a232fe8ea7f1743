//! `bitcoin`: the pure parts of course Lab 5 (the real Bitcoin network).
//!
//! - Hashes: [`hash::sha256d`] and [`Hash256`], shown byte-reversed.
//! - Encoding: CompactSize and bounded readers ([`compact`]) on a cursor
//!   whose errors name the field ([`reader`], [`Error`]).
//! - Blocks: the 80-byte [`BlockHeader`], [`Transaction`] (legacy and
//!   segwit, txid and wtxid), [`Block`] (its own bytes plus an index; txids
//!   are hashed from byte ranges while parsing, with no per-transaction
//!   allocation).
//! - Checks: [`merkle`] roots (odd levels duplicate their last hash;
//!   CVE-2012-2459 duplicate subtrees are flagged), the BIP141 [`witness`]
//!   commitment, proof of work ([`pow`]: nBits to a 256-bit target), header
//!   linkage ([`chain`]), all together in [`verify()`].
//! - The P2P protocol ([`wire`]): message header, payloads, and the codec
//!   that plugs into the simulator.
//! - [`tamper`]: the lab's extra credit as data — change an output's value
//!   and show each check that catches it.
//! - [`blkdat`]: Bitcoin Core's `blk*.dat` record framing.

pub mod blkdat;
pub mod block;
pub mod chain;
pub mod compact;
pub mod error;
pub mod hash;
pub mod header;
pub mod merkle;
pub mod pow;
pub mod reader;
pub mod tamper;
pub mod tx;
pub mod verify;
pub mod wire;
pub mod witness;

pub use block::Block;
pub use error::Error;
pub use hash::Hash256;
pub use header::BlockHeader;
pub use tx::{OutPoint, Transaction, TxIn, TxOut};
pub use verify::{verify, Verification};
