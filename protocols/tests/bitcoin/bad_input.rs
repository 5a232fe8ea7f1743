//! Hostile input: huge length claims, counts of 2^64−1, truncation at every
//! byte, wrong magic, random bytes. Each is a typed error, never a panic,
//! and nothing is allocated for a claim the bytes do not back.

use super::data;
use proptest::prelude::*;
use protocols::bitcoin::compact::write_compact;
use protocols::bitcoin::wire::{checksum, BitcoinCodec, Command, Message, Network, MAX_PAYLOAD};
use protocols::bitcoin::{Block, Error, Transaction};
use sim::{Codec, CodecError};

const MAINNET: BitcoinCodec = BitcoinCodec {
    network: Network::Mainnet,
};

/// A message with `command` and `payload` and a correct checksum.
fn message(command: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Network::Mainnet.magic().to_vec();
    out.extend_from_slice(Command::new(command).unwrap().as_bytes());
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(&checksum(payload));
    out.extend_from_slice(payload);
    out
}

fn max_count() -> Vec<u8> {
    let mut out = Vec::new();
    write_compact(&mut out, u64::MAX);
    out
}

#[test]
fn a_32_mib_length_claim_is_refused_from_the_header_alone() {
    let mut header = message("block", &[])[..24].to_vec();
    header[16..20].copy_from_slice(&(MAX_PAYLOAD as u32 + 1).to_le_bytes());
    assert_eq!(
        MAINNET.frame(&header),
        Err(Error::TooLarge {
            field: "message.length",
            claimed: MAX_PAYLOAD + 1,
            max: MAX_PAYLOAD
        })
    );
    assert!(matches!(
        Codec::frame_len(&MAINNET, &header),
        Err(CodecError::TooLarge { .. })
    ));
    // Exactly 32 MiB is allowed: the frame just is not complete yet.
    header[16..20].copy_from_slice(&(MAX_PAYLOAD as u32).to_le_bytes());
    assert_eq!(MAINNET.frame(&header), Ok(None));
    header[16..20].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(MAINNET.read(&header).is_err());
}

#[test]
fn counts_of_2_pow_64_minus_1_are_refused_before_allocating() {
    let huge = max_count();
    for (command, field) in [
        ("inv", "inv.count"),
        ("getdata", "getdata.count"),
        ("notfound", "notfound.count"),
        ("headers", "headers.count"),
        ("addr", "addr.count"),
    ] {
        let err = MAINNET.read(&message(command, &huge)).unwrap_err();
        assert!(
            matches!(err, Error::TooMany { field: f, count: u64::MAX, .. } if f == field),
            "{command}: {err}"
        );
    }
    // Within the limit but beyond the bytes present: truncated, no allocation.
    let mut inv = Vec::new();
    write_compact(&mut inv, 50_000);
    assert!(matches!(
        MAINNET.read(&message("inv", &inv)),
        Err(Error::Truncated {
            field: "inv.count",
            needed: 1_800_000,
            have: 0
        })
    ));
    let mut inv = Vec::new();
    write_compact(&mut inv, 50_001);
    assert!(matches!(
        MAINNET.read(&message("inv", &inv)),
        Err(Error::TooMany { max: 50_000, .. })
    ));
    let mut headers = Vec::new();
    write_compact(&mut headers, 2_001);
    assert!(matches!(
        MAINNET.read(&message("headers", &headers)),
        Err(Error::TooMany { max: 2_000, .. })
    ));
    let mut addr = Vec::new();
    write_compact(&mut addr, 1_001);
    assert!(matches!(
        MAINNET.read(&message("addr", &addr)),
        Err(Error::TooMany { max: 1_000, .. })
    ));

    // In a block: the transaction count, an input count, a script length.
    let genesis = data::block(0);
    let mut block = genesis[..80].to_vec();
    block.extend_from_slice(&huge);
    assert!(matches!(
        Block::decode(&block),
        Err(Error::TooMany {
            field: "block.tx_count",
            ..
        })
    ));
    let mut tx = vec![1, 0, 0, 0];
    tx.extend_from_slice(&huge);
    assert!(matches!(
        Transaction::from_bytes(&tx),
        Err(Error::TooMany {
            field: "tx.inputs.count",
            ..
        })
    ));
    let mut tx = vec![1, 0, 0, 0, 1];
    tx.extend_from_slice(&[0; 36]);
    tx.extend_from_slice(&huge);
    assert!(matches!(
        Transaction::from_bytes(&tx),
        Err(Error::TooLarge {
            field: "tx.input.script_sig",
            ..
        })
    ));
}

#[test]
fn every_truncation_of_real_data_is_a_typed_error() {
    let mut messages = vec![
        data::hex("p2p/msg-version-satoshi-0.17.1.hex"),
        data::hex("p2p/msg-version-satoshi-0.9.3.hex"),
    ];
    let mut block_msg = Vec::new();
    MAINNET
        .write(
            &Message::Block(Block::decode(&data::block(100_000)).unwrap()),
            &mut block_msg,
        )
        .unwrap();
    messages.push(block_msg);
    for msg in &messages {
        for cut in 0..msg.len() {
            assert_eq!(MAINNET.frame(&msg[..cut]), Ok(None), "cut {cut}");
            assert!(MAINNET.read(&msg[..cut]).is_err());
            // A payload cut short under a header whose length and checksum
            // agree with it: the payload decoder meets the end.
            let payload = &msg[24..];
            // (A version message may end before its optional relay byte.)
            let optional_tail = msg[4..11] == *b"version" && cut == payload.len() - 1;
            if cut < payload.len() && !optional_tail {
                let command = std::str::from_utf8(&msg[4..16])
                    .unwrap()
                    .trim_end_matches('\0');
                assert!(MAINNET.read(&message(command, &payload[..cut])).is_err());
            }
        }
    }
    let block = data::block(170);
    for cut in 0..block.len() {
        assert!(Block::decode(&block[..cut]).is_err(), "cut {cut}");
    }
}

#[test]
fn non_canonical_sizes_and_bad_flags_are_refused() {
    // A ping with 9 bytes, a verack with one.
    assert!(matches!(
        MAINNET.read(&message("ping", &[0; 9])),
        Err(Error::TrailingBytes {
            field: "ping",
            extra: 1
        })
    ));
    assert!(matches!(
        MAINNET.read(&message("verack", &[0])),
        Err(Error::TrailingBytes {
            field: "verack",
            ..
        })
    ));
    assert!(matches!(
        MAINNET.read(&message("sendcmpct", &[2, 0, 0, 0, 0, 0, 0, 0, 0])),
        Err(Error::BadBool {
            field: "sendcmpct.announce",
            value: 2
        })
    ));
    // An inv count of 1 written in 3 bytes.
    let mut inv = vec![0xfd, 1, 0];
    inv.extend_from_slice(&[0; 36]);
    assert!(matches!(
        MAINNET.read(&message("inv", &inv)),
        Err(Error::NonCanonical { field: "inv.count" })
    ));
    // Segwit marker with flag 2; flag 1 with no witness at all.
    let tx = [1, 0, 0, 0, 0, 2];
    assert_eq!(
        Transaction::from_bytes(&tx),
        Err(Error::BadSegwitFlag { flag: 2 })
    );
    let mut tx = vec![1, 0, 0, 0, 0, 1, 1];
    tx.extend_from_slice(&[0; 36]);
    tx.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(Transaction::from_bytes(&tx), Err(Error::SuperfluousWitness));
    // A header in `headers` claiming transactions.
    let mut headers = vec![1];
    headers.extend_from_slice(&data::block(0)[..80]);
    headers.push(1);
    assert_eq!(
        MAINNET.read(&message("headers", &headers)),
        Err(Error::HeaderWithTxs { index: 0, count: 1 })
    );
}

#[test]
fn an_endless_stream_of_garbage_is_refused_at_once() {
    // Bytes that are not a message header: the first byte already fails.
    let garbage = vec![0x42u8; 1 << 20];
    assert!(matches!(
        MAINNET.frame(&garbage),
        Err(Error::WrongMagic { .. })
    ));
    // A valid header that promises the most: the frame waits, holding no
    // more than what arrived.
    let mut header = message("block", &[])[..24].to_vec();
    header[16..20].copy_from_slice(&(MAX_PAYLOAD as u32).to_le_bytes());
    let mut buf = header.clone();
    buf.extend_from_slice(&garbage);
    assert_eq!(MAINNET.frame(&buf), Ok(None));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = Block::decode(&bytes);
        let _ = Transaction::from_bytes(&bytes);
        let _ = MAINNET.frame(&bytes);
        let _ = MAINNET.read(&bytes);
        for command in ["version", "inv", "headers", "addr", "tx", "block", "reject", "merkleblock", "getblocks"] {
            let _ = MAINNET.read(&message(command, &bytes));
        }
    }

    #[test]
    fn real_messages_with_a_random_byte_changed_never_panic(
        at in 0usize..2000,
        xor in 1u8..=255,
    ) {
        let mut bytes = Vec::new();
        MAINNET.write(&Message::Block(Block::decode(&data::block(100_000)).unwrap()), &mut bytes).unwrap();
        bytes.extend(data::hex("p2p/msg-version-satoshi-0.17.1.hex"));
        let i = at % bytes.len();
        bytes[i] ^= xor;
        if let Ok(Some(n)) = MAINNET.frame(&bytes) {
            let _ = MAINNET.read(&bytes[..n]);
        }
        let payload = &bytes[24..24 + 957];
        if let Ok(m) = Message::decode_payload(Command::new("block").unwrap(), payload) {
            let Message::Block(b) = m else { panic!() };
            let _ = protocols::bitcoin::verify(&b);
        }
    }
}
