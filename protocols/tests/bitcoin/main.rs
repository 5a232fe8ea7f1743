//! Tests of the Bitcoin module against real mainnet data (blocks, the chain
//! of blocks 0–438, P2P captures), hostile input, and rust-bitcoin.

mod bad_input;
mod blocks;
mod data;
mod differential;
mod p2p;
mod tampering;
