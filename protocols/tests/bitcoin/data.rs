//! The test data in `tests/data/bitcoin` (copied from real mainnet data).

use protocols::bitcoin::hash::from_hex;
use protocols::bitcoin::Hash256;
use serde_json::Value;
use std::path::PathBuf;

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/bitcoin")
        .join(name)
}

/// The bytes of a data file.
pub fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The bytes a hex data file spells.
pub fn hex(name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(path(name)).unwrap();
    from_hex(&text).unwrap_or_else(|| panic!("{name}: not hex"))
}

/// Facts about one block, from `blocks.json`.
pub struct Known {
    pub height: u64,
    pub bytes: Vec<u8>,
    pub hash: Hash256,
    pub prev_hash: Hash256,
    pub merkle_root: Hash256,
    pub tx_count: usize,
    pub segwit_tx_count: usize,
    pub coinbase_txid: Hash256,
    pub witness_commitment_ok: Option<bool>,
    pub bits: u32,
    pub nonce: u32,
    pub time: u32,
}

fn hash(v: &Value) -> Hash256 {
    v.as_str().unwrap().parse().unwrap()
}

/// `blocks.json` itself.
pub fn index() -> Value {
    serde_json::from_slice(&bytes("blocks.json")).unwrap()
}

/// Every block of the data set, with its known facts.
pub fn blocks() -> Vec<Known> {
    index()["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| Known {
            height: b["height"].as_u64().unwrap(),
            bytes: bytes(b["file"].as_str().unwrap()),
            hash: hash(&b["hash"]),
            prev_hash: hash(&b["prev_hash"]),
            merkle_root: hash(&b["merkle_root"]),
            tx_count: b["tx_count"].as_u64().unwrap() as usize,
            segwit_tx_count: b["segwit_tx_count"].as_u64().unwrap() as usize,
            coinbase_txid: hash(&b["coinbase_txid"]),
            witness_commitment_ok: b["witness_commitment_ok"].as_bool(),
            bits: u32::from_str_radix(b["bits"].as_str().unwrap(), 16).unwrap(),
            nonce: b["nonce"].as_u64().unwrap() as u32,
            time: b["time"].as_u64().unwrap() as u32,
        })
        .collect()
}

/// The block at `height` from the data set.
pub fn block(height: u64) -> Vec<u8> {
    bytes(&format!("blk-{height}.bin"))
}
