//! Differential tests against rust-bitcoin.
