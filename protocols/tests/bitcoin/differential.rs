//! Differential tests against rust-bitcoin: every real block and every
//! captured message decodes to the same fields with both, and random
//! messages encode to the same bytes with both.

use super::data;
use bitcoin::consensus::{deserialize, serialize};
use bitcoin::hashes::Hash as _;
use bitcoin::p2p::address::Address as TheirAddress;
use bitcoin::p2p::message::{NetworkMessage, RawNetworkMessage};
use bitcoin::p2p::message_blockdata::{GetBlocksMessage, GetHeadersMessage, Inventory as TheirInv};
use bitcoin::p2p::message_compact_blocks::SendCmpct;
use bitcoin::p2p::message_network::VersionMessage;
use bitcoin::p2p::{Magic, ServiceFlags};
use proptest::prelude::*;
use protocols::bitcoin::wire::{
    BitcoinCodec, BlockLocator, InvType, Inventory, Message, NetAddr, Network, TimedAddr, Version,
};
use protocols::bitcoin::{Block, BlockHeader, Hash256, OutPoint, Transaction, TxIn, TxOut};
use std::net::Ipv6Addr;

const MAINNET: BitcoinCodec = BitcoinCodec {
    network: Network::Mainnet,
};

fn same_tx(ours: &Transaction, theirs: &bitcoin::Transaction) {
    assert_eq!(ours.version, theirs.version.0);
    assert_eq!(ours.lock_time, theirs.lock_time.to_consensus_u32());
    assert_eq!(ours.inputs.len(), theirs.input.len());
    for (a, b) in ours.inputs.iter().zip(&theirs.input) {
        assert_eq!(a.prevout.txid.0, b.previous_output.txid.to_byte_array());
        assert_eq!(a.prevout.vout, b.previous_output.vout);
        assert_eq!(a.script_sig, b.script_sig.as_bytes());
        assert_eq!(a.sequence, b.sequence.0);
        assert_eq!(a.witness, b.witness.to_vec());
    }
    assert_eq!(ours.outputs.len(), theirs.output.len());
    for (a, b) in ours.outputs.iter().zip(&theirs.output) {
        assert_eq!(a.value, b.value.to_sat());
        assert_eq!(a.script_pubkey, b.script_pubkey.as_bytes());
    }
}

fn same_header(ours: &BlockHeader, theirs: &bitcoin::block::Header) {
    assert_eq!(ours.version, theirs.version.to_consensus());
    assert_eq!(ours.prev_blockhash.0, theirs.prev_blockhash.to_byte_array());
    assert_eq!(ours.merkle_root.0, theirs.merkle_root.to_byte_array());
    assert_eq!(ours.time, theirs.time);
    assert_eq!(ours.bits, theirs.bits.to_consensus());
    assert_eq!(ours.nonce, theirs.nonce);
    assert_eq!(
        ours.block_hash().to_string(),
        theirs.block_hash().to_string()
    );
}

#[test]
fn every_real_block_decodes_alike() {
    for k in data::blocks() {
        let ours = Block::decode(&k.bytes).unwrap();
        let theirs: bitcoin::Block = deserialize(&k.bytes).unwrap();
        same_header(ours.header(), &theirs.header);
        assert!(theirs.check_merkle_root());
        if k.witness_commitment_ok == Some(true) {
            assert!(theirs.check_witness_commitment());
        }
        assert_eq!(ours.tx_count(), theirs.txdata.len());
        for (i, (tx, theirs_tx)) in ours.transactions().iter().zip(&theirs.txdata).enumerate() {
            same_tx(tx, theirs_tx);
            assert_eq!(ours.txids()[i].0, theirs_tx.compute_txid().to_byte_array());
            if i > 0 {
                assert_eq!(
                    ours.wtxid(i).unwrap().0,
                    theirs_tx.compute_wtxid().to_byte_array()
                );
            }
        }
        assert_eq!(serialize(&theirs), ours.as_bytes());
    }
}

#[test]
fn every_captured_message_decodes_alike() {
    for file in [
        "p2p/msg-version-satoshi-0.17.1.hex",
        "p2p/msg-version-satoshi-0.9.3.hex",
        "p2p/msg-verack.hex",
    ] {
        let bytes = data::hex(file);
        let ours = MAINNET.read(&bytes).unwrap();
        let theirs: RawNetworkMessage = deserialize(&bytes).unwrap();
        assert_eq!(theirs.magic(), &Magic::BITCOIN);
        assert_eq!(theirs.cmd(), ours.command().name());
        match (ours, theirs.payload()) {
            (Message::Verack, NetworkMessage::Verack) => {}
            (Message::Version(a), NetworkMessage::Version(b)) => {
                assert_eq!(a.version as u32, b.version);
                assert_eq!(a.services, b.services.to_u64());
                assert_eq!(a.timestamp, b.timestamp);
                assert_eq!(a.nonce, b.nonce);
                assert_eq!(a.user_agent, b.user_agent);
                assert_eq!(a.start_height, b.start_height);
                assert_eq!(a.relay, Some(b.relay));
                for (x, y) in [(a.receiver, &b.receiver), (a.sender, &b.sender)] {
                    assert_eq!(x.ip.segments(), y.address);
                    assert_eq!(x.port, y.port);
                    assert_eq!(x.services, y.services.to_u64());
                }
            }
            (a, b) => panic!("{file}: {a:?} vs {b:?}"),
        }
        assert_eq!(serialize(&theirs), bytes);
    }
    // The 80-byte headers as a `headers` message, and the merkleblock payload.
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/bitcoin/p2p/headers-900000-900002.hex"),
    )
    .unwrap();
    for line in text.lines() {
        let bytes = protocols::bitcoin::hash::from_hex(line).unwrap();
        let theirs: bitcoin::block::Header = deserialize(&bytes).unwrap();
        same_header(
            &BlockHeader::from_bytes(&bytes.try_into().unwrap()),
            &theirs,
        );
    }
    let payload = data::hex("p2p/payload-merkleblock-100002.hex");
    let theirs: bitcoin::MerkleBlock = deserialize(&payload).unwrap();
    let Message::MerkleBlock(ours) = Message::decode_payload(
        protocols::bitcoin::wire::Command::new("merkleblock").unwrap(),
        &payload,
    )
    .unwrap() else {
        panic!("not a merkleblock")
    };
    same_header(&ours.header, &theirs.header);
    let (mut matches, mut indexes) = (Vec::new(), Vec::new());
    let root = theirs
        .txn
        .extract_matches(&mut matches, &mut indexes)
        .unwrap();
    let proof = ours.extract().unwrap();
    assert_eq!(proof.root.0, root.to_byte_array());
    let ours_matches: Vec<(u32, [u8; 32])> = proof.matches.iter().map(|(i, h)| (*i, h.0)).collect();
    let theirs_matches: Vec<(u32, [u8; 32])> = indexes
        .iter()
        .zip(&matches)
        .map(|(i, h)| (*i, h.to_byte_array()))
        .collect();
    assert_eq!(ours_matches, theirs_matches);
}

// ---- random messages through both encoders ----

fn hash() -> impl Strategy<Value = [u8; 32]> {
    any::<[u8; 32]>()
}

fn inv_type() -> impl Strategy<Value = u32> {
    // Types whose hash both sides keep (rust-bitcoin writes type 0 with a
    // zero hash and reads type 3 as unknown, which is fine too).
    prop_oneof![
        Just(1u32),
        Just(2),
        Just(3),
        Just(4),
        Just(5),
        Just(0x4000_0001),
        Just(0x4000_0002),
        6u32..0x4000_0000,
    ]
}

fn their_inv(kind: u32, h: [u8; 32]) -> TheirInv {
    use bitcoin::{BlockHash, Txid, Wtxid};
    match kind {
        1 => TheirInv::Transaction(Txid::from_byte_array(h)),
        2 => TheirInv::Block(BlockHash::from_byte_array(h)),
        4 => TheirInv::CompactBlock(BlockHash::from_byte_array(h)),
        5 => TheirInv::WTx(Wtxid::from_byte_array(h)),
        0x4000_0001 => TheirInv::WitnessTransaction(Txid::from_byte_array(h)),
        0x4000_0002 => TheirInv::WitnessBlock(BlockHash::from_byte_array(h)),
        inv_type => TheirInv::Unknown { inv_type, hash: h },
    }
}

fn header() -> impl Strategy<Value = BlockHeader> {
    (
        any::<i32>(),
        hash(),
        hash(),
        any::<u32>(),
        any::<u32>(),
        any::<u32>(),
    )
        .prop_map(|(version, prev, root, time, bits, nonce)| BlockHeader {
            version,
            prev_blockhash: Hash256(prev),
            merkle_root: Hash256(root),
            time,
            bits,
            nonce,
        })
}

fn their_header(h: &BlockHeader) -> bitcoin::block::Header {
    bitcoin::block::Header {
        version: bitcoin::block::Version::from_consensus(h.version),
        prev_blockhash: bitcoin::BlockHash::from_byte_array(h.prev_blockhash.0),
        merkle_root: bitcoin::TxMerkleNode::from_byte_array(h.merkle_root.0),
        time: h.time,
        bits: bitcoin::CompactTarget::from_consensus(h.bits),
        nonce: h.nonce,
    }
}

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..max)
}

fn tx() -> impl Strategy<Value = Transaction> {
    let input = (
        hash(),
        any::<u32>(),
        bytes(300),
        any::<u32>(),
        proptest::collection::vec(bytes(80), 0..4),
    )
        .prop_map(|(txid, vout, script_sig, sequence, witness)| TxIn {
            prevout: OutPoint {
                txid: Hash256(txid),
                vout,
            },
            script_sig,
            sequence,
            witness,
        });
    let output = (any::<u64>(), bytes(300)).prop_map(|(value, script_pubkey)| TxOut {
        value,
        script_pubkey,
    });
    (
        any::<i32>(),
        proptest::collection::vec(input, 1..5),
        proptest::collection::vec(output, 0..5),
        any::<u32>(),
    )
        .prop_map(|(version, inputs, outputs, lock_time)| Transaction {
            version,
            inputs,
            outputs,
            lock_time,
        })
}

fn their_tx(t: &Transaction) -> bitcoin::Transaction {
    bitcoin::Transaction {
        version: bitcoin::transaction::Version(t.version),
        lock_time: bitcoin::absolute::LockTime::from_consensus(t.lock_time),
        input: t
            .inputs
            .iter()
            .map(|i| bitcoin::TxIn {
                previous_output: bitcoin::OutPoint {
                    txid: bitcoin::Txid::from_byte_array(i.prevout.txid.0),
                    vout: i.prevout.vout,
                },
                script_sig: bitcoin::ScriptBuf::from_bytes(i.script_sig.clone()),
                sequence: bitcoin::Sequence(i.sequence),
                witness: bitcoin::Witness::from_slice(&i.witness),
            })
            .collect(),
        output: t
            .outputs
            .iter()
            .map(|o| bitcoin::TxOut {
                value: bitcoin::Amount::from_sat(o.value),
                script_pubkey: bitcoin::ScriptBuf::from_bytes(o.script_pubkey.clone()),
            })
            .collect(),
    }
}

fn net_addr() -> impl Strategy<Value = NetAddr> {
    (any::<u64>(), any::<u128>(), any::<u16>()).prop_map(|(services, ip, port)| NetAddr {
        services,
        ip: Ipv6Addr::from(ip),
        port,
    })
}

fn their_addr(a: &NetAddr) -> TheirAddress {
    TheirAddress {
        services: ServiceFlags::from(a.services),
        address: a.ip.segments(),
        port: a.port,
    }
}

/// A random message, as ours and as rust-bitcoin's.
fn message() -> impl Strategy<Value = (Message, NetworkMessage)> {
    let inventory = || proptest::collection::vec((inv_type(), hash()), 0..40);
    let invs = |items: &Vec<(u32, [u8; 32])>| -> (Vec<Inventory>, Vec<TheirInv>) {
        (
            items
                .iter()
                .map(|&(k, h)| Inventory {
                    kind: InvType::from_u32(k),
                    hash: Hash256(h),
                })
                .collect(),
            items.iter().map(|&(k, h)| their_inv(k, h)).collect(),
        )
    };
    let locator = || {
        (
            any::<u32>(),
            proptest::collection::vec(hash(), 0..20),
            hash(),
        )
    };
    let version = (
        any::<i32>(),
        any::<u64>(),
        any::<i64>(),
        net_addr(),
        net_addr(),
        any::<u64>(),
        "[ -~]{0,40}",
        any::<i32>(),
        any::<bool>(),
    );
    prop_oneof![
        inventory().prop_map(move |items| {
            let (a, b) = invs(&items);
            (Message::Inv(a), NetworkMessage::Inv(b))
        }),
        inventory().prop_map(move |items| {
            let (a, b) = invs(&items);
            (Message::GetData(a), NetworkMessage::GetData(b))
        }),
        inventory().prop_map(move |items| {
            let (a, b) = invs(&items);
            (Message::NotFound(a), NetworkMessage::NotFound(b))
        }),
        proptest::collection::vec(header(), 0..30).prop_map(|hs| {
            let theirs = hs.iter().map(their_header).collect();
            (Message::Headers(hs), NetworkMessage::Headers(theirs))
        }),
        any::<u64>().prop_map(|n| (Message::Ping(n), NetworkMessage::Ping(n))),
        any::<u64>().prop_map(|n| (Message::Pong(n), NetworkMessage::Pong(n))),
        // rust-bitcoin refuses fee rates outside 0..=MAX_MONEY; we keep any i64
        // (Bitcoin Core ignores such a rate rather than the message).
        (0i64..=2_100_000_000_000_000)
            .prop_map(|n| (Message::FeeFilter(n), NetworkMessage::FeeFilter(n))),
        (any::<bool>(), any::<u64>()).prop_map(|(announce, version)| (
            Message::SendCmpct { announce, version },
            NetworkMessage::SendCmpct(SendCmpct {
                send_compact: announce,
                version
            })
        )),
        Just((Message::Verack, NetworkMessage::Verack)),
        Just((Message::SendHeaders, NetworkMessage::SendHeaders)),
        Just((Message::WtxidRelay, NetworkMessage::WtxidRelay)),
        locator().prop_map(|(version, hashes, stop)| (
            Message::GetBlocks(BlockLocator {
                version,
                hashes: hashes.iter().map(|h| Hash256(*h)).collect(),
                stop: Hash256(stop),
            }),
            NetworkMessage::GetBlocks(GetBlocksMessage {
                version,
                locator_hashes: hashes
                    .iter()
                    .map(|h| bitcoin::BlockHash::from_byte_array(*h))
                    .collect(),
                stop_hash: bitcoin::BlockHash::from_byte_array(stop),
            })
        )),
        locator().prop_map(|(version, hashes, stop)| (
            Message::GetHeaders(BlockLocator {
                version,
                hashes: hashes.iter().map(|h| Hash256(*h)).collect(),
                stop: Hash256(stop),
            }),
            NetworkMessage::GetHeaders(GetHeadersMessage {
                version,
                locator_hashes: hashes
                    .iter()
                    .map(|h| bitcoin::BlockHash::from_byte_array(*h))
                    .collect(),
                stop_hash: bitcoin::BlockHash::from_byte_array(stop),
            })
        )),
        proptest::collection::vec((any::<u32>(), net_addr()), 0..20).prop_map(|addrs| (
            Message::Addr(
                addrs
                    .iter()
                    .map(|&(time, addr)| TimedAddr { time, addr })
                    .collect()
            ),
            NetworkMessage::Addr(addrs.iter().map(|(t, a)| (*t, their_addr(a))).collect())
        )),
        tx().prop_map(|t| {
            let theirs = their_tx(&t);
            (Message::Tx(t), NetworkMessage::Tx(theirs))
        }),
        version.prop_map(
            |(
                version,
                services,
                timestamp,
                receiver,
                sender,
                nonce,
                user_agent,
                start_height,
                relay,
            )| {
                let theirs = VersionMessage {
                    version: version as u32,
                    services: ServiceFlags::from(services),
                    timestamp,
                    receiver: their_addr(&receiver),
                    sender: their_addr(&sender),
                    nonce,
                    user_agent: user_agent.clone(),
                    start_height,
                    relay,
                };
                (
                    Message::Version(Version {
                        version,
                        services,
                        timestamp,
                        receiver,
                        sender,
                        nonce,
                        user_agent,
                        start_height,
                        relay: Some(relay),
                    }),
                    NetworkMessage::Version(theirs),
                )
            }
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn random_messages_encode_to_the_same_bytes((ours, theirs) in message()) {
        let mut our_bytes = Vec::new();
        MAINNET.write(&ours, &mut our_bytes).unwrap();
        let their_bytes = serialize(&RawNetworkMessage::new(Magic::BITCOIN, theirs));
        prop_assert_eq!(&our_bytes, &their_bytes);
        prop_assert_eq!(MAINNET.frame(&their_bytes), Ok(Some(their_bytes.len())));
        prop_assert_eq!(MAINNET.read(&their_bytes), Ok(ours));
        let back: RawNetworkMessage = deserialize(&our_bytes).unwrap();
        prop_assert_eq!(serialize(&back), our_bytes);
    }

    #[test]
    fn random_transactions_hash_alike(t in tx()) {
        let theirs = their_tx(&t);
        prop_assert_eq!(t.to_bytes(), serialize(&theirs));
        prop_assert_eq!(t.txid().0, theirs.compute_txid().to_byte_array());
        prop_assert_eq!(t.wtxid().0, theirs.compute_wtxid().to_byte_array());
        prop_assert_eq!(t.encoded_len(), t.to_bytes().len());
    }
}
