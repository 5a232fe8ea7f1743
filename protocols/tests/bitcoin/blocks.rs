//! Every real block verifies and re-encodes byte for byte; the chain 0–438
//! links.

use super::data;
use protocols::bitcoin::blkdat::BlkDat;
use protocols::bitcoin::chain::check_links;
use protocols::bitcoin::wire::{BitcoinCodec, Message, Network};
use protocols::bitcoin::witness::WitnessCheck;
use protocols::bitcoin::{verify, Block, BlockHeader, Hash256, Transaction};

#[test]
fn every_block_matches_its_known_facts_and_verifies() {
    let blocks = data::blocks();
    assert_eq!(blocks.len(), 9);
    for k in &blocks {
        let block = Block::decode(&k.bytes).unwrap_or_else(|e| panic!("{}: {e}", k.height));
        let h = block.header();
        assert_eq!(block.block_hash(), k.hash, "{}", k.height);
        assert_eq!(h.prev_blockhash, k.prev_hash);
        assert_eq!(h.merkle_root, k.merkle_root);
        assert_eq!((h.bits, h.nonce, h.time), (k.bits, k.nonce, k.time));
        assert_eq!(block.tx_count(), k.tx_count);
        assert_eq!(block.txids()[0], k.coinbase_txid);
        let segwit = (0..block.tx_count())
            .filter(|&i| block.span(i).unwrap().has_witness())
            .count();
        assert_eq!(segwit, k.segwit_tx_count, "{}", k.height);

        let v = verify(&block);
        assert!(v.is_ok(), "{}:\n{v}", k.height);
        assert_eq!(v.hash, k.hash);
        assert_eq!(v.merkle.computed.unwrap().root, k.merkle_root);
        assert!(!v.merkle.computed.unwrap().mutated);
        match k.witness_commitment_ok {
            Some(true) => assert!(matches!(v.witness, WitnessCheck::Valid { .. }), "{v}"),
            _ => assert_eq!(v.witness, WitnessCheck::NotApplicable),
        }
        assert!(v.pow.unwrap().is_met_by(&k.hash));
    }
}

#[test]
fn every_block_re_encodes_byte_for_byte() {
    let codec = BitcoinCodec::new(Network::Mainnet);
    for k in data::blocks() {
        let block = Block::decode(&k.bytes).unwrap();
        // Through owned transactions and back.
        let txs = block.transactions();
        assert_eq!(txs.len(), k.tx_count);
        let rebuilt = Block::new(*block.header(), &txs);
        assert_eq!(rebuilt.as_bytes(), &k.bytes[..], "{}", k.height);
        assert_eq!(rebuilt.txids(), block.txids());
        // Each transaction on its own.
        for (i, tx) in txs.iter().enumerate() {
            assert_eq!(tx.to_bytes(), block.tx_bytes(i).unwrap());
            assert_eq!(tx.encoded_len(), block.tx_bytes(i).unwrap().len());
            assert_eq!(tx.txid(), block.txids()[i]);
            if i > 0 {
                assert_eq!(Some(tx.wtxid()), block.wtxid(i));
            }
            assert_eq!(Transaction::from_bytes(&tx.to_bytes()).as_ref(), Ok(tx));
        }
        // As a `block` message.
        let mut wire = Vec::new();
        codec
            .write(&Message::Block(block.clone()), &mut wire)
            .unwrap();
        assert_eq!(&wire[24..], &k.bytes[..]);
        assert_eq!(codec.frame(&wire), Ok(Some(wire.len())));
        assert_eq!(codec.read(&wire), Ok(Message::Block(block)));
    }
}

#[test]
fn the_chain_0_to_438_links_and_verifies() {
    let index = data::index();
    let chain = &index["chain_file"];
    let bytes = data::bytes("blocks-0-438.blkdat");
    let blocks: Vec<Block> = BlkDat::new(&bytes, Network::Mainnet)
        .map(|b| Block::decode(b.unwrap()).unwrap())
        .collect();
    assert_eq!(blocks.len() as u64, chain["block_count"].as_u64().unwrap());
    for (height, b) in blocks.iter().enumerate() {
        let v = verify(b);
        assert!(v.is_ok(), "{height}:\n{v}");
    }
    let headers: Vec<BlockHeader> = blocks.iter().map(|b| *b.header()).collect();
    let last: Hash256 = chain["last_hash"].as_str().unwrap().parse().unwrap();
    assert_eq!(check_links(&headers), Ok(Some(last)));
    assert_eq!(headers[0].prev_blockhash, Hash256::ZERO);
    let first: Hash256 = chain["first_hash"].as_str().unwrap().parse().unwrap();
    assert_eq!(headers[0].block_hash(), first);
    let multi: Vec<u64> = (0..blocks.len())
        .filter(|&h| blocks[h].tx_count() > 1)
        .map(|h| h as u64)
        .collect();
    let expected: Vec<u64> = chain["multi_tx_heights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(multi, expected);
    // blk-0 and blk-170 were cut from this file.
    assert_eq!(blocks[0].as_bytes(), &data::block(0)[..]);
    assert_eq!(blocks[170].as_bytes(), &data::block(170)[..]);

    // A broken link is found and named.
    let mut broken = headers.clone();
    broken.remove(200);
    let err = check_links(&broken).unwrap_err();
    assert_eq!(err.index, 200);
    assert_eq!(err.got_prev, headers[200].block_hash());
    assert_eq!(err.expected_prev, headers[199].block_hash());
}

#[test]
fn the_hex_file_holds_the_same_block() {
    assert_eq!(data::hex("blk-170.hex"), data::block(170));
}

#[test]
fn the_two_thread_verifier_agrees_with_the_one_thread_one() {
    use protocols::bitcoin::parallel::decode_and_verify;
    use protocols::bitcoin::pow::Target;
    let limit = Target::MAINNET_LIMIT;
    for k in data::blocks() {
        let block = Block::decode(&k.bytes).unwrap();
        let (same, v) = decode_and_verify(&k.bytes, &limit).unwrap();
        assert_eq!(same, block, "{}", k.height);
        assert_eq!(v, verify(&block), "{}", k.height);
    }
    // A changed witness (a txid-neutral byte) fails the same way on both.
    let k = data::blocks()
        .into_iter()
        .find(|k| k.height == 702861)
        .unwrap();
    let block = Block::decode(&k.bytes).unwrap();
    let span = (1..block.tx_count())
        .map(|i| block.span(i).unwrap())
        .find(|s| s.has_witness())
        .unwrap();
    let mut bytes = k.bytes.clone();
    bytes[span.witness + 2] ^= 1;
    let (tampered, v) = decode_and_verify(&bytes, &limit).unwrap();
    assert!(v.merkle.is_ok() && !v.witness.is_ok(), "{v}");
    assert_eq!(v, verify(&tampered));
    assert!(decode_and_verify(&bytes[..1000], &limit).is_err());
}
