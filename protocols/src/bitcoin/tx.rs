//! Transactions: the legacy layout and BIP144's segwit layout (marker 0x00,
//! flag 0x01, then a witness stack per input before the lock time); txid
//! (without witness data) and wtxid (with it).
//!
//! One walker (`scan`) checks the grammar and records where the parts of
//! a transaction lie ([`TxSpan`]); the owned [`Transaction`] is built by a
//! visitor on that walk, and a block's transactions are walked with no
//! visitor at all, so verifying a block allocates nothing per transaction.

use super::compact::{compact_len, write_compact, write_var_bytes, MAX_SIZE};
use super::error::Error;
use super::hash::{sha256d, sha256d_parts, Hash256};
use super::reader::Reader;
use serde::Serialize;

/// Bytes of the smallest input: outpoint (36), empty script (1), sequence (4).
const MIN_INPUT_LEN: u64 = 41;
/// Bytes of the smallest output: value (8), empty script (1).
const MIN_OUTPUT_LEN: u64 = 9;
/// Bytes of the smallest transaction: version, one minimal input, no
/// outputs, lock time (a transaction without inputs would read as segwit).
pub const MIN_TX_LEN: u64 = 4 + 1 + MIN_INPUT_LEN + 1 + 4;

/// A reference to an output of an earlier transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct OutPoint {
    /// The earlier transaction's txid.
    pub txid: Hash256,
    /// The output's index in it (`u32::MAX` with a zero txid in a coinbase).
    pub vout: u32,
}

/// A transaction input.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TxIn {
    /// The output it spends.
    pub prevout: OutPoint,
    /// The unlocking script (arbitrary data in a coinbase).
    pub script_sig: Vec<u8>,
    /// The sequence number.
    pub sequence: u32,
    /// The witness stack (empty for a legacy input).
    pub witness: Vec<Vec<u8>>,
}

/// A transaction output.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TxOut {
    /// The amount in satoshis.
    pub value: u64,
    /// The locking script.
    pub script_pubkey: Vec<u8>,
}

/// A transaction.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Transaction {
    /// Version.
    pub version: i32,
    /// Inputs. A transaction with none cannot be told from the segwit
    /// marker, so it does not encode unambiguously (as in Bitcoin Core).
    pub inputs: Vec<TxIn>,
    /// Outputs.
    pub outputs: Vec<TxOut>,
    /// The lock time.
    pub lock_time: u32,
}

/// Where the parts of a serialized transaction lie, as offsets into the
/// buffer it was read from or written to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TxSpan {
    /// Offset of the version (the transaction's first byte).
    pub start: usize,
    /// Offset of the input count (after the marker and flag, if any).
    pub body: usize,
    /// Offset of the witness data (the lock time's, without witness).
    pub witness: usize,
    /// Offset just past the lock time.
    pub end: usize,
}

impl TxSpan {
    /// Whether the transaction was serialized with witness data.
    pub fn has_witness(&self) -> bool {
        self.body != self.start + 4
    }

    /// The txid: double SHA-256 of the serialization without marker, flag
    /// and witnesses, hashed straight from the three byte ranges of `buf`.
    pub fn txid(&self, buf: &[u8]) -> Hash256 {
        if self.has_witness() {
            sha256d_parts(&[
                &buf[self.start..self.start + 4],
                &buf[self.body..self.witness],
                &buf[self.end - 4..self.end],
            ])
        } else {
            sha256d(&buf[self.start..self.end])
        }
    }

    /// The wtxid: double SHA-256 of the whole serialization.
    pub fn wtxid(&self, buf: &[u8]) -> Hash256 {
        sha256d(&buf[self.start..self.end])
    }
}

/// What [`scan`] reports as it walks a transaction; every method does
/// nothing by default.
pub(crate) trait TxVisitor<'a> {
    /// The version.
    fn version(&mut self, _version: i32) {}
    /// `count` inputs follow.
    fn inputs(&mut self, _count: usize) {}
    /// One input.
    fn input(&mut self, _prevout: OutPoint, _script_sig: &'a [u8], _sequence: u32) {}
    /// `count` outputs follow.
    fn outputs(&mut self, _count: usize) {}
    /// One output.
    fn output(&mut self, _value: u64, _script_pubkey: &'a [u8]) {}
    /// Input `input`'s witness stack has `count` items.
    fn witness(&mut self, _input: usize, _count: usize) {}
    /// One witness item of input `input`.
    fn witness_item(&mut self, _input: usize, _item: &'a [u8]) {}
    /// The lock time.
    fn lock_time(&mut self, _lock_time: u32) {}
}

/// The visitor that keeps nothing.
pub(crate) struct Skip;

impl TxVisitor<'_> for Skip {}

/// Walks one transaction at the reader's position, checking its grammar
/// and every length against the bytes left.
#[inline]
pub(crate) fn scan<'a, V: TxVisitor<'a>>(r: &mut Reader<'a>, v: &mut V) -> Result<TxSpan, Error> {
    let start = r.pos();
    v.version(r.i32_le("tx.version")?);
    let mut body = r.pos();
    let mut inputs = r.count("tx.inputs.count", MAX_SIZE, MIN_INPUT_LEN)?;
    let segwit = inputs == 0;
    if segwit {
        let flag = r.u8("tx.flag")?;
        if flag != 1 {
            return Err(Error::BadSegwitFlag { flag });
        }
        body = r.pos();
        inputs = r.count("tx.inputs.count", MAX_SIZE, MIN_INPUT_LEN)?;
    }
    v.inputs(inputs);
    for _ in 0..inputs {
        let txid = r.hash("tx.input.prevout.txid")?;
        let vout = r.u32_le("tx.input.prevout.vout")?;
        let script = r.var_bytes("tx.input.script_sig", MAX_SIZE)?;
        let sequence = r.u32_le("tx.input.sequence")?;
        v.input(OutPoint { txid, vout }, script, sequence);
    }
    let outputs = r.count("tx.outputs.count", MAX_SIZE, MIN_OUTPUT_LEN)?;
    v.outputs(outputs);
    for _ in 0..outputs {
        let value = r.u64_le("tx.output.value")?;
        let script = r.var_bytes("tx.output.script_pubkey", MAX_SIZE)?;
        v.output(value, script);
    }
    let witness = r.pos();
    if segwit {
        let mut any = false;
        for input in 0..inputs {
            let items = r.count("tx.witness.count", MAX_SIZE, 1)?;
            any |= items > 0;
            v.witness(input, items);
            for _ in 0..items {
                v.witness_item(input, r.var_bytes("tx.witness.item", MAX_SIZE)?);
            }
        }
        if !any {
            return Err(Error::SuperfluousWitness);
        }
    }
    v.lock_time(r.u32_le("tx.lock_time")?);
    Ok(TxSpan {
        start,
        body,
        witness,
        end: r.pos(),
    })
}

/// Builds an owned [`Transaction`] from a walk.
struct Build(Transaction);

impl<'a> TxVisitor<'a> for Build {
    fn version(&mut self, version: i32) {
        self.0.version = version;
    }
    fn inputs(&mut self, count: usize) {
        self.0.inputs.reserve_exact(count);
    }
    fn input(&mut self, prevout: OutPoint, script_sig: &'a [u8], sequence: u32) {
        self.0.inputs.push(TxIn {
            prevout,
            script_sig: script_sig.to_vec(),
            sequence,
            witness: Vec::new(),
        });
    }
    fn outputs(&mut self, count: usize) {
        self.0.outputs.reserve_exact(count);
    }
    fn output(&mut self, value: u64, script_pubkey: &'a [u8]) {
        self.0.outputs.push(TxOut {
            value,
            script_pubkey: script_pubkey.to_vec(),
        });
    }
    fn witness(&mut self, input: usize, count: usize) {
        if let Some(i) = self.0.inputs.get_mut(input) {
            i.witness.reserve_exact(count);
        }
    }
    fn witness_item(&mut self, input: usize, item: &'a [u8]) {
        if let Some(i) = self.0.inputs.get_mut(input) {
            i.witness.push(item.to_vec());
        }
    }
    fn lock_time(&mut self, lock_time: u32) {
        self.0.lock_time = lock_time;
    }
}

impl Transaction {
    /// Reads a transaction at the reader's position.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        let mut build = Build(Transaction {
            version: 0,
            inputs: Vec::new(),
            outputs: Vec::new(),
            lock_time: 0,
        });
        scan(r, &mut build)?;
        Ok(build.0)
    }

    /// Reads a transaction that must fill `bytes` exactly.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(bytes);
        let tx = Self::decode(&mut r)?;
        r.finish("tx")?;
        Ok(tx)
    }

    /// Whether any input has a witness (then it serializes in segwit form).
    pub fn has_witness(&self) -> bool {
        self.inputs.iter().any(|i| !i.witness.is_empty())
    }

    /// Appends the serialization and returns where its parts went in `out`.
    pub fn encode(&self, out: &mut Vec<u8>) -> TxSpan {
        let start = out.len();
        out.extend_from_slice(&self.version.to_le_bytes());
        let segwit = self.has_witness();
        if segwit {
            out.extend_from_slice(&[0, 1]);
        }
        let body = out.len();
        write_compact(out, self.inputs.len() as u64);
        for i in &self.inputs {
            out.extend_from_slice(&i.prevout.txid.0);
            out.extend_from_slice(&i.prevout.vout.to_le_bytes());
            write_var_bytes(out, &i.script_sig);
            out.extend_from_slice(&i.sequence.to_le_bytes());
        }
        write_compact(out, self.outputs.len() as u64);
        for o in &self.outputs {
            out.extend_from_slice(&o.value.to_le_bytes());
            write_var_bytes(out, &o.script_pubkey);
        }
        let witness = out.len();
        if segwit {
            for i in &self.inputs {
                write_compact(out, i.witness.len() as u64);
                for item in &i.witness {
                    write_var_bytes(out, item);
                }
            }
        }
        out.extend_from_slice(&self.lock_time.to_le_bytes());
        TxSpan {
            start,
            body,
            witness,
            end: out.len(),
        }
    }

    /// The serialization.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode(&mut out);
        out
    }

    /// Length of the serialization in bytes.
    pub fn encoded_len(&self) -> usize {
        let var = |n: usize| compact_len(n as u64) + n;
        let ins: usize = self
            .inputs
            .iter()
            .map(|i| 36 + var(i.script_sig.len()) + 4)
            .sum();
        let outs: usize = self
            .outputs
            .iter()
            .map(|o| 8 + var(o.script_pubkey.len()))
            .sum();
        let witness: usize = if self.has_witness() {
            2 + self
                .inputs
                .iter()
                .map(|i| {
                    compact_len(i.witness.len() as u64)
                        + i.witness.iter().map(|w| var(w.len())).sum::<usize>()
                })
                .sum::<usize>()
        } else {
            0
        };
        4 + compact_len(self.inputs.len() as u64)
            + ins
            + compact_len(self.outputs.len() as u64)
            + outs
            + witness
            + 4
    }

    /// The txid (witness data excluded).
    pub fn txid(&self) -> Hash256 {
        let mut bytes = Vec::with_capacity(self.encoded_len());
        let span = self.encode(&mut bytes);
        span.txid(&bytes)
    }

    /// The wtxid (witness data included; equal to the txid without it).
    pub fn wtxid(&self) -> Hash256 {
        sha256d(&self.to_bytes())
    }
}
