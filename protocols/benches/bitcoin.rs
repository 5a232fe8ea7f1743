//! Block decoding and verification speed, against rust-bitcoin, on mainnet
//! block 702861 (1.38 MB, 2,500 transactions, 2,065 of them segwit).
//!
//! Ours: decode (txids hashed while parsing) + merkle root + witness
//! commitment (wtxids) + proof of work, on one thread and on two
//! (`parallel::decode_and_verify`). rust-bitcoin: `consensus::deserialize`
//! alone, then also with its merkle and witness checks. For scale, one
//! SHA-256 pass over the block's bytes (our verification hashes about 1.9
//! times that). Each figure is the fastest of several rounds. Run:
//! `cargo bench -p protocols --bench bitcoin`.

use protocols::bitcoin::hash::sha256;
use protocols::bitcoin::parallel::decode_and_verify;
use protocols::bitcoin::pow::Target;
use protocols::bitcoin::{verify, Block};
use std::hint::black_box;
use std::time::{Duration, Instant};

const ROUNDS: usize = 200;

fn fastest(mut f: impl FnMut()) -> Duration {
    f(); // warm up
    (0..ROUNDS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/bitcoin/blk-702861.bin"
    );
    let bytes = std::fs::read(path).expect("block 702861");
    let mb = bytes.len() as f64 / 1e6;
    let rate = |d: Duration| mb / d.as_secs_f64();

    let ours_verify = fastest(|| {
        let block = Block::decode(black_box(&bytes)).expect("decodes");
        let v = verify(&block);
        assert!(v.is_ok());
        black_box(v);
    });
    let ours_two_threads = fastest(|| {
        let (block, v) =
            decode_and_verify(black_box(&bytes), &Target::MAINNET_LIMIT).expect("decodes");
        assert!(v.is_ok());
        black_box((block, v));
    });
    let one_sha_pass = fastest(|| {
        black_box(sha256(black_box(&bytes)));
    });
    let ours_decode = fastest(|| {
        black_box(Block::decode(black_box(&bytes)).expect("decodes"));
    });
    let theirs_decode = fastest(|| {
        let b: bitcoin::Block =
            bitcoin::consensus::deserialize(black_box(&bytes)).expect("decodes");
        black_box(b);
    });
    let theirs_verify = fastest(|| {
        let b: bitcoin::Block =
            bitcoin::consensus::deserialize(black_box(&bytes)).expect("decodes");
        assert!(b.check_merkle_root() && b.check_witness_commitment());
        black_box(b);
    });

    println!("block 702861: {:.2} MB, fastest of {ROUNDS} rounds", mb);
    for (what, d) in [
        ("ours: decode + merkle + witness + PoW", ours_verify),
        ("ours: the same on two threads", ours_two_threads),
        ("ours: decode (with txids)", ours_decode),
        ("rust-bitcoin: deserialize", theirs_decode),
        (
            "rust-bitcoin: deserialize + merkle + witness",
            theirs_verify,
        ),
        ("one SHA-256 pass over the block (reference)", one_sha_pass),
    ] {
        println!(
            "  {what:<46} {:>8.3} ms {:>8.1} MB/s",
            d.as_secs_f64() * 1e3,
            rate(d)
        );
    }
    let ratio = |theirs: Duration, ours: Duration| theirs.as_secs_f64() / ours.as_secs_f64();
    println!(
        "ratio rust-bitcoin deserialize / our full verification: {:.2}",
        ratio(theirs_decode, ours_verify)
    );
    println!(
        "ratio rust-bitcoin deserialize / our full verification on two threads: {:.2}",
        ratio(theirs_decode, ours_two_threads)
    );
    println!(
        "ratio rust-bitcoin deserialize / our decode:            {:.2}",
        ratio(theirs_decode, ours_decode)
    );
    println!(
        "ratio rust-bitcoin full check / our full verification:  {:.2}",
        ratio(theirs_verify, ours_verify)
    );
}
