//! Tampering is detected.
//!
//! Byte coverage: for blocks 0, 170 and 100000 every byte offset is changed
//! (three different ways), and every change is caught: a header byte
//! changes the block hash, which then fails proof of work; a transaction
//! byte either breaks the parse (a length, a count, the segwit marker, a
//! trailing byte) or changes a txid, so the merkle root no longer matches.
//! Bytes that are not covered: none. For the large blocks, offsets are
//! sampled; there witness bytes, which no txid covers, are caught by the
//! witness commitment instead.

use super::data;
use protocols::bitcoin::header::HEADER_LEN;
use protocols::bitcoin::tamper::{tamper, TamperError, Tampering};
use protocols::bitcoin::{verify, Block, BlockHeader};

/// Whether changed block bytes are refused: a decode error or a failed check.
fn refused(bytes: &[u8]) -> bool {
    match Block::decode(bytes) {
        Err(_) => true,
        Ok(b) => !verify(&b).is_ok(),
    }
}

#[test]
fn every_byte_of_small_blocks_is_covered() {
    for height in [0, 170, 100_000] {
        let original = data::block(height);
        assert!(!refused(&original));
        for at in 0..original.len() {
            for xor in [0x01, 0x80, 0xff] {
                let mut bytes = original.clone();
                bytes[at] ^= xor;
                assert!(
                    refused(&bytes),
                    "block {height}: byte {at} ^ {xor:#x} not caught"
                );
            }
        }
    }
}

#[test]
fn sampled_bytes_of_large_blocks_are_covered() {
    for height in [481_829, 702_861] {
        let original = data::block(height);
        let block = Block::decode(&original).unwrap();
        let mut offsets: Vec<usize> = (0..HEADER_LEN).step_by(7).collect();
        // Some bytes of the coinbase (commitment, reserved value) and of
        // segwit transactions' witness data.
        let coinbase = block.span(0).unwrap();
        offsets.extend((coinbase.start..coinbase.end).step_by(13));
        let witnessed: Vec<usize> = (1..block.tx_count())
            .filter(|&i| block.span(i).unwrap().has_witness())
            .take(3)
            .collect();
        for i in witnessed {
            let s = block.span(i).unwrap();
            offsets.extend([
                s.start,
                s.start + 4,
                s.start + 5,
                s.body,
                s.witness,
                s.witness + 2,
                s.end - 1,
            ]);
        }
        // And a spread over the whole block.
        offsets.extend((0..24).map(|k| k * original.len() / 24 + 5));
        for at in offsets {
            let mut bytes = original.clone();
            bytes[at] ^= 0x01;
            assert!(refused(&bytes), "block {height}: byte {at} not caught");
        }
    }
}

#[test]
fn the_demonstration_catches_a_changed_value() {
    let b170 = Block::decode(&data::block(170)).unwrap();
    let chain = data::bytes("blocks-0-438.blkdat");
    let b171: Vec<u8> =
        protocols::bitcoin::blkdat::BlkDat::new(&chain, protocols::bitcoin::wire::Network::Mainnet)
            .nth(171)
            .unwrap()
            .unwrap()
            .to_vec();
    let next = BlockHeader::from_bytes(&b171[..80].try_into().unwrap());
    // Satoshi's 10 BTC to Hal Finney become 1,000 BTC.
    let change = Tampering {
        tx: 1,
        output: 0,
        value: 100_000_000_000,
    };
    let r = tamper(&b170, change, Some(&next)).unwrap();
    assert!(r.original_ok);
    assert_eq!(r.old_value, 1_000_000_000);
    assert_ne!(r.old_txid, r.new_txid);
    assert_eq!(r.old_txid, b170.txids()[1]);
    assert!(r.merkle_mismatch);
    assert_ne!(r.recomputed_merkle_root, r.header_merkle_root);
    assert!(!r.forged.pow_ok && r.forged.pow_error.is_some());
    assert_ne!(r.forged.hash, r.block_hash);
    let link = r.next.unwrap();
    assert!(link.links_to_original && !link.links_to_forged);
    assert!(r.caught);
    let text = r.to_string();
    assert!(
        text.contains("CAUGHT") && text.contains("1000.00000000 BTC"),
        "{text}"
    );
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["caught"], true);
    assert_eq!(json["block_hash"], r.block_hash.to_string());

    // The same value changes nothing, and nothing is caught.
    let same = tamper(
        &b170,
        Tampering {
            value: 1_000_000_000,
            ..change
        },
        None,
    )
    .unwrap();
    assert!(!same.merkle_mismatch && !same.caught);

    // Out of range: a clear error.
    assert_eq!(
        tamper(&b170, Tampering { tx: 2, ..change }, None),
        Err(TamperError::NoSuchTx { tx: 2, count: 2 })
    );
    assert_eq!(
        tamper(
            &b170,
            Tampering {
                output: 5,
                ..change
            },
            None
        ),
        Err(TamperError::NoSuchOutput {
            tx: 1,
            output: 5,
            count: 2
        })
    );
}

#[test]
fn tampering_a_segwit_transaction_also_breaks_the_witness_commitment() {
    // (In block 481829 only the coinbase carries a witness.)
    let block = Block::decode(&data::block(702_861)).unwrap();
    let i = (1..block.tx_count())
        .find(|&i| block.span(i).unwrap().has_witness())
        .unwrap();
    let r = tamper(
        &block,
        Tampering {
            tx: i,
            output: 0,
            value: 1,
        },
        None,
    )
    .unwrap();
    assert!(r.caught);
    assert!(!r.forged.witness.is_ok(), "{}", r.forged.witness);
}
