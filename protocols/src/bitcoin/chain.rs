//! A chain of headers: each one's `prev_blockhash` is the hash of the one
//! before it.

use super::hash::Hash256;
use super::header::BlockHeader;
use std::fmt;

/// Header `index` does not point at the header before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkError {
    /// Position of the header that does not link.
    pub index: usize,
    /// The hash of header `index - 1`.
    pub expected_prev: Hash256,
    /// The `prev_blockhash` header `index` has.
    pub got_prev: Hash256,
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "header {} points at {} but the header before it is {}",
            self.index, self.got_prev, self.expected_prev
        )
    }
}

impl std::error::Error for LinkError {}

/// Checks that every header links to the one before; returns the last
/// header's hash (`None` for no headers).
pub fn check_links<'h>(
    headers: impl IntoIterator<Item = &'h BlockHeader>,
) -> Result<Option<Hash256>, LinkError> {
    let mut prev: Option<Hash256> = None;
    for (index, header) in headers.into_iter().enumerate() {
        if let Some(expected_prev) = prev {
            if header.prev_blockhash != expected_prev {
                return Err(LinkError {
                    index,
                    expected_prev,
                    got_prev: header.prev_blockhash,
                });
            }
        }
        prev = Some(header.block_hash());
    }
    Ok(prev)
}
