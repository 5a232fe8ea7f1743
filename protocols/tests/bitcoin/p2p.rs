//! Captured P2P messages decode to the expected fields and re-encode byte
//! for byte; checksum and magic errors are typed; streams split anywhere.

use super::data;
use protocols::bitcoin::chain::check_links;
use protocols::bitcoin::wire::{
    BitcoinCodec, Command, InvType, Inventory, Message, Network, Version,
};
use protocols::bitcoin::{BlockHeader, Error, Hash256};
use sim::{Codec, CodecError};

const MAINNET: BitcoinCodec = BitcoinCodec {
    network: Network::Mainnet,
};

fn version(file: &str) -> Version {
    let bytes = data::hex(file);
    let Message::Version(v) = MAINNET.read(&bytes).unwrap() else {
        panic!("{file}: not a version message");
    };
    let mut again = Vec::new();
    MAINNET
        .write(&Message::Version(v.clone()), &mut again)
        .unwrap();
    assert_eq!(again, bytes, "{file}: round trip");
    v
}

#[test]
fn version_from_satoshi_0_17_1() {
    let v = version("p2p/msg-version-satoshi-0.17.1.hex");
    assert_eq!(v.version, 70015);
    assert_eq!(v.services, 0x40d);
    assert_eq!(v.timestamp, 1_548_554_224);
    assert_eq!(v.user_agent, "/Satoshi:0.17.1/");
    assert_eq!(v.start_height, 560_275);
    assert_eq!(v.relay, Some(true));
    assert_eq!(v.receiver.socket_addr().to_string(), "91.240.140.128:46269");
}

#[test]
fn version_from_satoshi_0_9_3() {
    let v = version("p2p/msg-version-satoshi-0.9.3.hex");
    assert_eq!(v.version, 70002);
    assert_eq!(v.services, 1);
    assert_eq!(v.timestamp, 1_415_483_324);
    assert_eq!(v.user_agent, "/Satoshi:0.9.3/");
    assert_eq!(v.start_height, 329_167);
    assert_eq!(v.relay, Some(true));
    assert_eq!(v.receiver.socket_addr().to_string(), "198.27.100.9:8333");
    assert_eq!(v.sender.socket_addr().to_string(), "203.0.113.192:8333");
}

#[test]
fn verack_is_24_bytes_with_the_empty_checksum() {
    let bytes = data::hex("p2p/msg-verack.hex");
    assert_eq!(bytes.len(), 24);
    assert_eq!(MAINNET.read(&bytes), Ok(Message::Verack));
    let mut again = Vec::new();
    MAINNET.write(&Message::Verack, &mut again).unwrap();
    assert_eq!(again, bytes);
}

#[test]
fn merkleblock_proves_its_match() {
    let payload = data::hex("p2p/payload-merkleblock-100002.hex");
    let command = Command::new("merkleblock").unwrap();
    let Message::MerkleBlock(m) = Message::decode_payload(command, &payload).unwrap() else {
        panic!("not a merkleblock");
    };
    let known: Hash256 = "0000000000013b8ab2cd513b0261a14096412195a72a0c4827d229dcc7e0f7af"
        .parse()
        .unwrap();
    assert_eq!(m.header.block_hash(), known);
    assert_eq!((m.total_txs, m.hashes.len()), (9, 5));
    let proof = m.extract().unwrap();
    assert_eq!(proof.root, m.header.merkle_root);
    let txid: Hash256 = "220ebc64e21abece964927322cba69180ed853bb187fbc6923bac7d010b9d87a"
        .parse()
        .unwrap();
    assert_eq!(proof.matches, vec![(3, txid)]);
    // The same txid sits at index 3 of the full block 100002.
    let block = protocols::bitcoin::Block::decode(&data::block(100_002)).unwrap();
    assert_eq!(block.txids()[3], txid);
    let mut again = Vec::new();
    Message::MerkleBlock(m.clone()).encode_payload(&mut again);
    assert_eq!(again, payload);
    // A flipped flag bit breaks the proof.
    let mut bad = m;
    bad.flags[0] ^= 1;
    assert!(bad.extract().map(|p| p.root) != Ok(proof.root));
}

#[test]
fn headers_900000_to_900002_meet_their_targets_and_link() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/bitcoin/p2p/headers-900000-900002.hex"),
    )
    .unwrap();
    let headers: Vec<BlockHeader> = text
        .lines()
        .map(|l| {
            let b = protocols::bitcoin::hash::from_hex(l).unwrap();
            BlockHeader::from_bytes(&b.try_into().unwrap())
        })
        .collect();
    let hashes: Vec<String> = headers.iter().map(|h| h.block_hash().to_string()).collect();
    assert_eq!(
        hashes,
        [
            "000000000000000000010538edbfd2d5b809a33dd83f284aeea41c6d0d96968a",
            "00000000000000000001a8ff030609a6248e0f6e77f9f141aeb21e4eac4f83fc",
            "00000000000000000001045e6be5e294b6c3a12e3ae00ad36287cf9579e0c1c6",
        ]
    );
    for h in &headers {
        h.check_pow().unwrap();
    }
    assert!(check_links(&headers).is_ok());
    let msg = Message::Headers(headers);
    let mut wire = Vec::new();
    MAINNET.write(&msg, &mut wire).unwrap();
    assert_eq!(wire.len(), 24 + 1 + 3 * 81);
    assert_eq!(MAINNET.read(&wire), Ok(msg));
}

#[test]
fn checksum_magic_and_command_errors_are_typed() {
    let good = data::hex("p2p/msg-version-satoshi-0.17.1.hex");
    let mut bad = good.clone();
    bad[50] ^= 0x10;
    assert!(matches!(
        MAINNET.read(&bad),
        Err(Error::BadChecksum { got, .. }) if got == [0xbe, 0x61, 0xb8, 0x27]
    ));
    let testnet = BitcoinCodec::new(Network::Testnet);
    assert_eq!(
        testnet.read(&good),
        Err(Error::WrongMagic {
            expected: Network::Testnet.magic(),
            got: Network::Mainnet.magic()
        })
    );
    // The stream framing refuses the magic from its first byte on.
    assert!(matches!(
        testnet.frame(&good[..1]),
        Err(Error::WrongMagic { .. })
    ));
    assert!(matches!(
        Codec::decode(&testnet, &good),
        Err(CodecError::Invalid(why)) if why.contains("magic")
    ));
    let mut cmd = good.clone();
    cmd[13] = b'x'; // "version\0\0x\0\0": a letter after the padding
    assert!(matches!(MAINNET.read(&cmd), Err(Error::BadCommand { .. })));
    let mut long = good.clone();
    long.push(0);
    assert_eq!(
        MAINNET.read(&long),
        Err(Error::TrailingBytes {
            field: "message",
            extra: 1
        })
    );
}

#[test]
fn unknown_commands_are_kept_and_skipped_by_length() {
    let odd = Message::Unknown {
        command: Command::new("getaddr2").unwrap(),
        payload: vec![1, 2, 3],
    };
    let mut stream = Vec::new();
    for msg in [&odd, &Message::Ping(7), &Message::Verack] {
        MAINNET.write(msg, &mut stream).unwrap();
    }
    let mut rest = &stream[..];
    let mut got = Vec::new();
    while let Some(n) = MAINNET.frame(rest).unwrap() {
        got.push(MAINNET.read(&rest[..n]).unwrap());
        rest = &rest[n..];
    }
    assert!(rest.is_empty());
    assert_eq!(got, vec![odd, Message::Ping(7), Message::Verack]);
}

#[test]
fn a_stream_split_at_every_point_yields_the_same_messages() {
    let mut stream = data::hex("p2p/msg-version-satoshi-0.9.3.hex");
    stream.extend(data::hex("p2p/msg-verack.hex"));
    let inv = Message::Inv(vec![Inventory {
        kind: InvType::Block,
        hash: Hash256([7; 32]),
    }]);
    MAINNET.write(&inv, &mut stream).unwrap();
    for split in 0..=stream.len() {
        let mut buf = Vec::new();
        let mut out = Vec::new();
        for chunk in [&stream[..split], &stream[split..]] {
            buf.extend_from_slice(chunk);
            while let Some(n) = Codec::frame_len(&MAINNET, &buf).unwrap() {
                out.push(Codec::decode_frame(&MAINNET, &buf[..n]).unwrap());
                buf.drain(..n);
            }
        }
        assert!(buf.is_empty());
        assert_eq!(out.len(), 3, "split at {split}");
        assert_eq!(out[2], inv);
    }
}
