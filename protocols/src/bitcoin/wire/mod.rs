//! The Bitcoin P2P wire protocol: the 24-byte message header of each
//! [`Network`], the payloads of the messages a node needs to sync blocks
//! ([`Message`]), and [`BitcoinCodec`], which implements [`sim::Codec`] with
//! the message header as its stream framing.
//!
//! Limits (a longer claim is an error before anything is allocated for it):
//! payload 32 MiB, `inv`/`getdata`/`notfound` 50,000 entries, `headers`
//! 2,000, `addr` 1,000, locator 101 hashes, user agent 256 bytes. Unknown
//! commands decode to [`Message::Unknown`] with their payload, so a reader
//! skips them by their length.

mod addr;
mod codec;
mod header;
mod inv;
mod locator;
mod merkleblock;
mod message;
mod network;
mod reject;
mod version;

pub use addr::{NetAddr, TimedAddr, NET_ADDR_LEN, TIMED_ADDR_LEN};
pub use codec::BitcoinCodec;
pub use header::{checksum, Command, MessageHeader, HEADER_LEN, MAX_PAYLOAD};
pub use inv::{InvType, Inventory, INV_LEN};
pub use locator::{BlockLocator, MAX_LOCATOR};
pub use merkleblock::{MerkleBlock, PartialTreeError, PartialTreeMatch, MAX_TREE_TXS};
pub use message::{Message, MAX_ADDR, MAX_HEADERS, MAX_INV};
pub use network::Network;
pub use reject::{Reject, MAX_REJECT_TEXT};
pub use version::{Version, MAX_USER_AGENT};
