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
//!   linkage ([`chain`]), all together in [`verify()`] (and on two threads,
//!   for big blocks outside the simulator, in [`parallel`]).
//! - The P2P protocol ([`wire`]): message header, payloads, and the codec
//!   that plugs into the simulator.
//! - [`tamper`]: the lab's extra credit as data — change an output's value
//!   and show each check that catches it.
//! - [`blkdat`]: Bitcoin Core's `blk*.dat` record framing.
//!
//! The block fetcher (the lab itself), as a [`sim::Protocol`]
//! ([`BitcoinProtocol`], in [`protocol`]): the verifying [`client`] and the
//! serving [`peer`]s ([`node`]) exchange [`frame`]s over streams; peers
//! serve a [`store`] of blocks (the real mainnet blocks 0–438, or a
//! [`regtest`] chain) honestly or as an [`adversary`] says; [`properties`]
//! and [`render`] for checking and reading runs; `scenarios/*.json` are the
//! named scenarios.

pub mod adversary;
pub mod blkdat;
pub mod block;
pub mod chain;
pub mod client;
pub mod compact;
pub mod error;
pub mod frame;
pub mod hash;
pub mod header;
pub mod merkle;
pub mod node;
pub mod parallel;
pub mod peer;
pub mod pow;
pub mod properties;
pub mod protocol;
pub mod reader;
pub mod regtest;
pub mod render;
pub mod store;
pub mod tamper;
#[cfg(test)]
mod tests;
pub mod tx;
pub mod verify;
pub mod wire;
pub mod witness;

pub use block::Block;
pub use error::Error;
pub use hash::Hash256;
pub use header::BlockHeader;
pub use protocol::{BitcoinProtocol, ScenarioParams};
pub use tx::{OutPoint, Transaction, TxIn, TxOut};
pub use verify::{verify, verify_within, Verification};
