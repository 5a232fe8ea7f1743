//! The blocks a simulated (or `dsim bitcoin serve`) peer holds: a chain
//! from genesis, indexed by hash, answering the locator questions of
//! `getheaders` and `getblocks`.
//!
//! Two chains ship: the real mainnet blocks 0–438 ([`BlockStore::mainnet`],
//! embedded from the test data) and a generated regtest chain of any length
//! ([`BlockStore::regtest`], see [`super::regtest`]). Both are built once per
//! process and shared: they are pure functions of their arguments.

use super::blkdat::BlkDat;
use super::block::Block;
use super::chain::check_links;
use super::error::Error;
use super::hash::Hash256;
use super::header::BlockHeader;
use super::regtest;
use super::wire::{BlockLocator, Network};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// The mainnet blocks 0–438 as Bitcoin Core stores them (`blk*.dat` records).
const MAINNET_0_438: &[u8] = include_bytes!("../../tests/data/bitcoin/blocks-0-438.blkdat");

/// Longest generated regtest chain (blocks after genesis).
pub const MAX_REGTEST_BLOCKS: u32 = 100_000;

/// Why a chain file cannot be served.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// Record or block `index` does not decode.
    Decode {
        /// Position in the file.
        index: usize,
        /// What was wrong.
        error: Error,
    },
    /// The file holds no block.
    Empty,
    /// The first block is not a genesis block (its previous hash is not zero).
    NoGenesis,
    /// Block `index` does not link to the one before.
    Unlinked {
        /// Position of the block.
        index: usize,
    },
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Decode { index, error } => write!(f, "block {index}: {error}"),
            StoreError::Empty => f.write_str("no blocks"),
            StoreError::NoGenesis => {
                f.write_str("the first block is not a genesis block (previous hash not zero)")
            }
            StoreError::Unlinked { index } => {
                write!(f, "block {index} does not link to the block before it")
            }
        }
    }
}

impl std::error::Error for StoreError {}

/// A chain of blocks from genesis on one network.
pub struct BlockStore {
    network: Network,
    blocks: Vec<Block>,
    hashes: Vec<Hash256>,
    heights: BTreeMap<Hash256, u32>,
}

impl fmt::Debug for BlockStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "BlockStore({}, blocks 0-{})",
            self.network,
            self.tip_height()
        )
    }
}

impl BlockStore {
    /// A chain of `blocks` (genesis first), checked to link.
    pub fn new(network: Network, blocks: Vec<Block>) -> Result<BlockStore, StoreError> {
        let first = blocks.first().ok_or(StoreError::Empty)?;
        if first.header().prev_blockhash != Hash256::ZERO {
            return Err(StoreError::NoGenesis);
        }
        check_links(blocks.iter().map(Block::header))
            .map_err(|e| StoreError::Unlinked { index: e.index })?;
        let hashes: Vec<Hash256> = blocks.iter().map(Block::block_hash).collect();
        let heights = hashes
            .iter()
            .enumerate()
            .map(|(h, hash)| (*hash, h as u32))
            .collect();
        Ok(BlockStore {
            network,
            blocks,
            hashes,
            heights,
        })
    }

    /// The chain in a `blk*.dat` file of `network`.
    pub fn from_blkdat(bytes: &[u8], network: Network) -> Result<BlockStore, StoreError> {
        let blocks = BlkDat::new(bytes, network)
            .enumerate()
            .map(|(index, record)| {
                record
                    .and_then(Block::decode)
                    .map_err(|error| StoreError::Decode { index, error })
            })
            .collect::<Result<Vec<_>, _>>()?;
        BlockStore::new(network, blocks)
    }

    /// The real mainnet blocks 0–438 (built once per process).
    pub fn mainnet() -> Arc<BlockStore> {
        static CHAIN: OnceLock<Arc<BlockStore>> = OnceLock::new();
        CHAIN
            .get_or_init(|| {
                // The embedded file is checked by the tests of blocks 0–438.
                Arc::new(
                    BlockStore::from_blkdat(MAINNET_0_438, Network::Mainnet)
                        .expect("the embedded blocks 0-438 form a chain"),
                )
            })
            .clone()
    }

    /// The generated regtest chain of `blocks` blocks after genesis (built
    /// once per length per process; at most [`MAX_REGTEST_BLOCKS`]).
    pub fn regtest(blocks: u32) -> Arc<BlockStore> {
        static CHAINS: OnceLock<Mutex<BTreeMap<u32, Arc<BlockStore>>>> = OnceLock::new();
        let blocks = blocks.min(MAX_REGTEST_BLOCKS);
        let cache = CHAINS.get_or_init(Default::default);
        let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry(blocks)
            .or_insert_with(|| {
                Arc::new(
                    BlockStore::new(Network::Regtest, regtest::generate(blocks))
                        .expect("generated blocks link"),
                )
            })
            .clone()
    }

    /// A store with no blocks at all: a peer that serves nothing (for a
    /// description whose peers are real nodes elsewhere).
    pub fn empty(network: Network) -> BlockStore {
        BlockStore {
            network,
            blocks: Vec::new(),
            hashes: Vec::new(),
            heights: BTreeMap::new(),
        }
    }

    /// The chain in the `blk*.dat` file at `path`, its network read from
    /// the first record's magic (each file is read once per process).
    pub fn load(path: &Path) -> Result<Arc<BlockStore>, String> {
        static FILES: OnceLock<Mutex<BTreeMap<PathBuf, Arc<BlockStore>>>> = OnceLock::new();
        let cache = FILES.get_or_init(Default::default);
        let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(store) = cache.get(path) {
            return Ok(store.clone());
        }
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let magic: [u8; 4] = bytes
            .get(..4)
            .and_then(|m| m.try_into().ok())
            .ok_or_else(|| format!("{}: empty, not a blk*.dat file", path.display()))?;
        let network = Network::from_magic(magic).ok_or_else(|| {
            format!(
                "{}: starts with {magic:02x?}, no network's magic (not a blk*.dat file)",
                path.display()
            )
        })?;
        let store = BlockStore::from_blkdat(&bytes, network)
            .map(Arc::new)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        cache.insert(path.to_path_buf(), store.clone());
        Ok(store)
    }

    /// Whether the store holds no block.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// The network.
    pub fn network(&self) -> Network {
        self.network
    }

    /// Height of the last block (0 when empty).
    pub fn tip_height(&self) -> u32 {
        self.blocks.len().saturating_sub(1) as u32
    }

    /// The genesis block's hash (the network's when empty).
    pub fn genesis_hash(&self) -> Hash256 {
        self.hashes
            .first()
            .copied()
            .unwrap_or_else(|| self.network.genesis_hash())
    }

    /// The block at `height`.
    pub fn block(&self, height: u32) -> Option<&Block> {
        self.blocks.get(height as usize)
    }

    /// The hash of the block at `height`.
    pub fn hash(&self, height: u32) -> Option<Hash256> {
        self.hashes.get(height as usize).copied()
    }

    /// The height of the block with this hash.
    pub fn height_of(&self, hash: &Hash256) -> Option<u32> {
        self.heights.get(hash).copied()
    }

    /// The header at `height`.
    pub fn header(&self, height: u32) -> Option<&BlockHeader> {
        self.block(height).map(Block::header)
    }

    /// Heights answering a locator: from just after the first hash we know
    /// (genesis if none) up to `max` blocks, ending at the locator's stop
    /// hash if we reach it.
    pub fn after_locator(&self, locator: &BlockLocator, max: usize) -> std::ops::Range<u32> {
        let fork = locator
            .hashes
            .iter()
            .find_map(|h| self.height_of(h))
            .unwrap_or(0);
        let start = fork + 1;
        let mut end = (start as usize + max).min(self.blocks.len()) as u32;
        if let Some(stop) = self.height_of(&locator.stop) {
            if stop >= start && stop < end {
                end = stop + 1;
            }
        }
        start..end.max(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_mainnet_chain_is_blocks_0_to_438() {
        let chain = BlockStore::mainnet();
        assert_eq!(chain.tip_height(), 438);
        assert_eq!(
            chain.genesis_hash().to_string(),
            "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
        );
        assert_eq!(chain.height_of(&chain.hash(170).unwrap()), Some(170));
        let locator = BlockLocator {
            version: 70016,
            hashes: vec![chain.hash(10).unwrap(), chain.genesis_hash()],
            stop: Hash256::ZERO,
        };
        assert_eq!(chain.after_locator(&locator, 2000), 11..439);
        assert_eq!(chain.after_locator(&locator, 5), 11..16);
        let stopped = BlockLocator {
            stop: chain.hash(12).unwrap(),
            ..locator
        };
        assert_eq!(chain.after_locator(&stopped, 2000), 11..13);
    }

    #[test]
    fn an_empty_store_serves_nothing() {
        let empty = BlockStore::empty(Network::Testnet);
        assert!(empty.is_empty());
        assert_eq!(empty.genesis_hash(), Network::Testnet.genesis_hash());
        let locator = BlockLocator {
            version: 70016,
            hashes: vec![empty.genesis_hash()],
            stop: Hash256::ZERO,
        };
        assert!(empty.after_locator(&locator, 2000).is_empty());
        assert!(empty.block(0).is_none());
    }

    #[test]
    fn a_file_that_does_not_start_at_genesis_is_refused() {
        let chain = BlockStore::mainnet();
        let blocks = vec![chain.block(1).unwrap().clone()];
        assert_eq!(
            BlockStore::new(Network::Mainnet, blocks).err(),
            Some(StoreError::NoGenesis)
        );
        let blocks = vec![
            chain.block(0).unwrap().clone(),
            chain.block(2).unwrap().clone(),
        ];
        assert_eq!(
            BlockStore::new(Network::Mainnet, blocks).err(),
            Some(StoreError::Unlinked { index: 1 })
        );
    }
}
