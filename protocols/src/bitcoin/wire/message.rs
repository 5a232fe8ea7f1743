//! Every message the codec knows, and how each payload is laid out.

use super::super::block::Block;
use super::super::compact::write_compact;
use super::super::error::Error;
use super::super::header::{BlockHeader, HEADER_LEN};
use super::super::reader::Reader;
use super::super::tx::Transaction;
use super::addr::{TimedAddr, TIMED_ADDR_LEN};
use super::header::Command;
use super::inv::{Inventory, INV_LEN};
use super::locator::BlockLocator;
use super::merkleblock::MerkleBlock;
use super::reject::Reject;
use super::version::Version;

/// Most entries of an `inv`, `getdata` or `notfound` (`MAX_INV_SZ`).
pub const MAX_INV: u64 = 50_000;
/// Most headers in a `headers` message.
pub const MAX_HEADERS: u64 = 2_000;
/// Most addresses in an `addr` message.
pub const MAX_ADDR: u64 = 1_000;

/// A P2P message (the payload; the header is the codec's business).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// `version`: the handshake's opening.
    Version(Version),
    /// `verack`: the handshake's acknowledgement (empty).
    Verack,
    /// `ping` with a nonce (BIP31).
    Ping(u64),
    /// `pong` echoing a ping's nonce.
    Pong(u64),
    /// `getblocks`: ask for an `inv` of the blocks after the locator.
    GetBlocks(BlockLocator),
    /// `getheaders`: ask for the headers after the locator.
    GetHeaders(BlockLocator),
    /// `headers`: up to 2,000 headers (each followed by a zero tx count).
    Headers(Vec<BlockHeader>),
    /// `inv`: announce objects.
    Inv(Vec<Inventory>),
    /// `getdata`: ask for objects.
    GetData(Vec<Inventory>),
    /// `notfound`: objects asked for that the peer does not have.
    NotFound(Vec<Inventory>),
    /// `block`: a whole block.
    Block(Block),
    /// `tx`: a transaction.
    Tx(Transaction),
    /// `addr`: up to 1,000 known peers.
    Addr(Vec<TimedAddr>),
    /// `sendheaders`: announce blocks with `headers` (BIP130; empty).
    SendHeaders,
    /// `sendcmpct` (BIP152).
    SendCmpct {
        /// Announce new blocks as compact blocks.
        announce: bool,
        /// Compact block version.
        version: u64,
    },
    /// `feefilter`: the lowest fee rate (sat/kvB) to relay (BIP133).
    FeeFilter(i64),
    /// `wtxidrelay`: announce transactions by wtxid (BIP339; empty).
    WtxidRelay,
    /// `reject` (BIP61).
    Reject(Reject),
    /// `merkleblock` (BIP37).
    MerkleBlock(MerkleBlock),
    /// Any other command, with its payload kept as bytes so a reader can
    /// skip it (and a writer repeat it) exactly.
    Unknown {
        /// The command.
        command: Command,
        /// The payload.
        payload: Vec<u8>,
    },
}

/// A command from a known-valid literal.
const fn known(name: &[u8]) -> Command {
    let mut bytes = [0u8; 12];
    let mut i = 0;
    while i < name.len() {
        bytes[i] = name[i];
        i += 1;
    }
    Command::from_array(bytes)
}

/// Reads a payload with `decode`, which must use every byte.
fn whole<'a, T>(
    payload: &'a [u8],
    field: &'static str,
    decode: impl FnOnce(&mut Reader<'a>) -> Result<T, Error>,
) -> Result<T, Error> {
    let mut r = Reader::new(payload);
    let value = decode(&mut r)?;
    r.finish(field)?;
    Ok(value)
}

fn inventory(r: &mut Reader<'_>, field: &'static str) -> Result<Vec<Inventory>, Error> {
    let count = r.count(field, MAX_INV, INV_LEN)?;
    (0..count).map(|_| Inventory::decode(r)).collect()
}

fn headers(r: &mut Reader<'_>) -> Result<Vec<BlockHeader>, Error> {
    let count = r.count("headers.count", MAX_HEADERS, HEADER_LEN as u64 + 1)?;
    let mut out = Vec::with_capacity(count);
    for index in 0..count {
        out.push(BlockHeader::decode(r)?);
        let txs = r.compact("headers.tx_count")?;
        if txs != 0 {
            return Err(Error::HeaderWithTxs { index, count: txs });
        }
    }
    Ok(out)
}

fn addrs(r: &mut Reader<'_>) -> Result<Vec<TimedAddr>, Error> {
    let count = r.count("addr.count", MAX_ADDR, TIMED_ADDR_LEN)?;
    (0..count).map(|_| TimedAddr::decode(r)).collect()
}

fn empty(_: &mut Reader<'_>) -> Result<(), Error> {
    Ok(())
}

fn write_list<T>(out: &mut Vec<u8>, items: &[T], write: impl Fn(&T, &mut Vec<u8>)) {
    write_compact(out, items.len() as u64);
    for item in items {
        write(item, out);
    }
}

impl Message {
    /// The command this message is sent under.
    pub fn command(&self) -> Command {
        match self {
            Message::Version(_) => known(b"version"),
            Message::Verack => known(b"verack"),
            Message::Ping(_) => known(b"ping"),
            Message::Pong(_) => known(b"pong"),
            Message::GetBlocks(_) => known(b"getblocks"),
            Message::GetHeaders(_) => known(b"getheaders"),
            Message::Headers(_) => known(b"headers"),
            Message::Inv(_) => known(b"inv"),
            Message::GetData(_) => known(b"getdata"),
            Message::NotFound(_) => known(b"notfound"),
            Message::Block(_) => known(b"block"),
            Message::Tx(_) => known(b"tx"),
            Message::Addr(_) => known(b"addr"),
            Message::SendHeaders => known(b"sendheaders"),
            Message::SendCmpct { .. } => known(b"sendcmpct"),
            Message::FeeFilter(_) => known(b"feefilter"),
            Message::WtxidRelay => known(b"wtxidrelay"),
            Message::Reject(_) => known(b"reject"),
            Message::MerkleBlock(_) => known(b"merkleblock"),
            Message::Unknown { command, .. } => *command,
        }
    }

    /// Appends the payload.
    pub fn encode_payload(&self, out: &mut Vec<u8>) {
        match self {
            Message::Version(v) => v.encode(out),
            Message::Verack | Message::SendHeaders | Message::WtxidRelay => {}
            Message::Ping(nonce) | Message::Pong(nonce) => {
                out.extend_from_slice(&nonce.to_le_bytes())
            }
            Message::GetBlocks(l) | Message::GetHeaders(l) => l.encode(out),
            Message::Headers(hs) => write_list(out, hs, |h, out| {
                h.encode(out);
                out.push(0);
            }),
            Message::Inv(items) | Message::GetData(items) | Message::NotFound(items) => {
                write_list(out, items, Inventory::encode)
            }
            Message::Block(b) => out.extend_from_slice(b.as_bytes()),
            Message::Tx(tx) => {
                tx.encode(out);
            }
            Message::Addr(addrs) => write_list(out, addrs, TimedAddr::encode),
            Message::SendCmpct { announce, version } => {
                out.push(u8::from(*announce));
                out.extend_from_slice(&version.to_le_bytes());
            }
            Message::FeeFilter(rate) => out.extend_from_slice(&rate.to_le_bytes()),
            Message::Reject(r) => r.encode(out),
            Message::MerkleBlock(m) => m.encode(out),
            Message::Unknown { payload, .. } => out.extend_from_slice(payload),
        }
    }

    /// Reads the payload of a `command` message; it must use every byte.
    /// An unknown command's payload is kept as bytes.
    pub fn decode_payload(command: Command, payload: &[u8]) -> Result<Message, Error> {
        let p = payload;
        Ok(match command.name() {
            "version" => Message::Version(whole(p, "version", Version::decode)?),
            "verack" => whole(p, "verack", empty).map(|()| Message::Verack)?,
            "ping" => Message::Ping(whole(p, "ping", |r| r.u64_le("ping.nonce"))?),
            "pong" => Message::Pong(whole(p, "pong", |r| r.u64_le("pong.nonce"))?),
            "getblocks" => Message::GetBlocks(whole(p, "getblocks", BlockLocator::decode)?),
            "getheaders" => Message::GetHeaders(whole(p, "getheaders", BlockLocator::decode)?),
            "headers" => Message::Headers(whole(p, "headers", headers)?),
            "inv" => Message::Inv(whole(p, "inv", |r| inventory(r, "inv.count"))?),
            "getdata" => Message::GetData(whole(p, "getdata", |r| inventory(r, "getdata.count"))?),
            "notfound" => {
                Message::NotFound(whole(p, "notfound", |r| inventory(r, "notfound.count"))?)
            }
            "block" => Message::Block(Block::decode(p)?),
            "tx" => Message::Tx(whole(p, "tx", Transaction::decode)?),
            "addr" => Message::Addr(whole(p, "addr", addrs)?),
            "sendheaders" => whole(p, "sendheaders", empty).map(|()| Message::SendHeaders)?,
            "sendcmpct" => whole(p, "sendcmpct", |r| {
                Ok(Message::SendCmpct {
                    announce: r.bool("sendcmpct.announce")?,
                    version: r.u64_le("sendcmpct.version")?,
                })
            })?,
            "feefilter" => {
                Message::FeeFilter(whole(p, "feefilter", |r| r.i64_le("feefilter.rate"))?)
            }
            "wtxidrelay" => whole(p, "wtxidrelay", empty).map(|()| Message::WtxidRelay)?,
            "reject" => Message::Reject(whole(p, "reject", Reject::decode)?),
            "merkleblock" => Message::MerkleBlock(whole(p, "merkleblock", MerkleBlock::decode)?),
            _ => Message::Unknown {
                command,
                payload: payload.to_vec(),
            },
        })
    }
}
