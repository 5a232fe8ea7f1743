//! Fuzzing as a habit: every decoder and parser of dsim gets mutated real
//! input (byte flips, cuts, insertions, splices of its own seed corpus) and
//! must answer with a value or an error — never a panic, a hang or an
//! allocation out of proportion to the input. Where a decoder has an
//! encoder, what decodes must re-encode and decode to the same value.
//!
//! CI runs 256 cases per target (a few seconds in all). The long run:
//!
//! ```text
//! DSIM_FUZZ_CASES=1000000 cargo test --release -p tests --test fuzz
//! ```
//!
//! (and `cargo +nightly fuzz run <target>` in `fuzz/` for coverage-guided
//! fuzzing). Every crash found becomes a case in [`regressions`].

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use protocols::bitcoin::wire::{BitcoinCodec, Network};
use protocols::bitcoin::Block;
use protocols::forex::{records, ForexCodec, Layout, Msg as ForexMsg};
use protocols::gcd::{CourseCodec, Msg as GcdMsg, Profile, Wire};
use protocols::pickle;
use scenarios::failure::FailureFile;
use scenarios::scenario::Scenario;
use sim::Codec;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};

fn cases() -> u32 {
    std::env::var("DSIM_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

/// One change to a byte string.
#[derive(Clone, Debug)]
enum Mutation {
    Flip {
        at: usize,
        bit: u8,
    },
    Set {
        at: usize,
        byte: u8,
    },
    Cut {
        at: usize,
        len: usize,
    },
    Insert {
        at: usize,
        bytes: Vec<u8>,
    },
    /// Copies a slice of the input elsewhere (repeats structure).
    Splice {
        from: usize,
        len: usize,
        to: usize,
    },
    Truncate {
        at: usize,
    },
    /// Replaces a byte with one of the input's "interesting" characters.
    Interesting {
        at: usize,
        pick: usize,
    },
}

const INTERESTING: &[u8] = b"{}[]\",:0123456789-.e\\\n\xff\x00\x7f";

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<usize>();
    prop_oneof![
        (at, 0u8..8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        (at, any::<u8>()).prop_map(|(at, byte)| Mutation::Set { at, byte }),
        (at, 1usize..64).prop_map(|(at, len)| Mutation::Cut { at, len }),
        (at, proptest::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        (at, 1usize..64, any::<usize>()).prop_map(|(from, len, to)| Mutation::Splice {
            from,
            len,
            to
        }),
        at.prop_map(|at| Mutation::Truncate { at }),
        (at, any::<usize>()).prop_map(|(at, pick)| Mutation::Interesting { at, pick }),
    ]
}

fn apply(mut data: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let n = data.len().max(1);
        match m {
            Mutation::Flip { at, bit } => {
                if let Some(b) = data.get_mut(at % n) {
                    *b ^= 1 << bit;
                }
            }
            Mutation::Set { at, byte } => {
                if let Some(b) = data.get_mut(at % n) {
                    *b = *byte;
                }
            }
            Mutation::Cut { at, len } => {
                let start = at % n;
                let end = (start + len).min(data.len());
                if start < end {
                    data.drain(start..end);
                }
            }
            Mutation::Insert { at, bytes } => {
                let at = at % (data.len() + 1);
                data.splice(at..at, bytes.iter().copied());
            }
            Mutation::Splice { from, len, to } => {
                let start = from % n;
                let end = (start + len).min(data.len());
                if start < end {
                    let piece = data[start..end].to_vec();
                    let to = to % (data.len() + 1);
                    data.splice(to..to, piece);
                }
            }
            Mutation::Truncate { at } => data.truncate(at % (data.len() + 1)),
            Mutation::Interesting { at, pick } => {
                if let Some(b) = data.get_mut(at % n) {
                    *b = INTERESTING[pick % INTERESTING.len()];
                }
            }
        }
    }
    data
}

/// Runs `target` on mutations of each seed of `corpus` (and on the seeds).
fn fuzz(name: &str, corpus: &[Vec<u8>], target: impl Fn(&[u8])) {
    assert!(!corpus.is_empty(), "{name}: no seeds");
    for seed in corpus {
        target(seed);
    }
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (0..corpus.len(), proptest::collection::vec(mutation(), 1..6));
    runner
        .run(&strategy, |(which, mutations)| {
            let input = apply(corpus[which].clone(), &mutations);
            target(&input);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{name}: {e}"));
}

fn pickle_corpus() -> Vec<Vec<u8>> {
    let raw = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../protocols/src/pickle/testdata/random_corpus.bin"
    ))
    .unwrap();
    let mut out = Vec::new();
    let mut rest = &raw[..];
    while let Some((len, tail)) = rest.split_first_chunk::<4>() {
        let (p, tail) = tail.split_at(u32::from_le_bytes(*len) as usize);
        out.push(p.to_vec());
        rest = tail;
    }
    out
}

#[test]
fn pickle_decoder() {
    fuzz("pickle", &pickle_corpus(), |bytes| {
        let _ = pickle::frame_len(bytes);
        if let Ok(value) = pickle::decode(bytes) {
            let again = pickle::encode(&value).expect("a decoded value encodes");
            assert_eq!(pickle::decode(&again).ok(), Some(value));
        }
    });
}

fn gcd_messages() -> Vec<GcdMsg> {
    let addr = SocketAddr::from(([127, 0, 0, 1], 23456));
    vec![
        GcdMsg::GroupJoin,
        GcdMsg::GroupList(vec![addr, SocketAddr::from(([10, 1, 2, 3], 9))]),
        GcdMsg::Hello,
        GcdMsg::HelloReply("Happy to meet you, 'x'".into()),
        GcdMsg::Text("Unexpected message".into()),
        GcdMsg::Probe,
        GcdMsg::ProbeOk,
    ]
}

#[test]
fn course_json_and_pickle_wires() {
    for wire in [Wire::Json, Wire::Pickle] {
        for profile in Profile::ALL {
            let codec = CourseCodec::new(wire, profile);
            let corpus: Vec<Vec<u8>> = gcd_messages()
                .iter()
                .map(|m| {
                    let mut out = Vec::new();
                    codec.encode(m, &mut out).unwrap();
                    out
                })
                .collect();
            fuzz(
                &format!("course {wire} {}", profile.name()),
                &corpus,
                |bytes| {
                    let _ = codec.frame_len(bytes);
                    if let Ok(msg) = codec.decode(bytes) {
                        let mut again = Vec::new();
                        if codec.encode(&msg, &mut again).is_ok() {
                            assert_eq!(codec.decode(&again).ok(), Some(msg));
                        }
                    }
                },
            );
        }
    }
}

#[test]
fn forex_records_and_subscriptions() {
    for layout in [Layout::A, Layout::B] {
        let codec = ForexCodec::new(layout);
        let sub = SocketAddrV4::new(Ipv4Addr::new(127, 0, 0, 1), 50404);
        let mut corpus = vec![records::encode_subscription(sub).to_vec()];
        let mut model = protocols::forex::price_model::PriceModel::new(layout);
        let mut rng = <sim::NodeRng as rand::SeedableRng>::seed_from_u64(7);
        for t in 0..4u64 {
            let tick = model.tick(&mut rng, 1_700_000_000_000_000 + t * 1_000_000);
            let mut out = Vec::new();
            codec
                .encode(&ForexMsg::Quotes(tick.quotes), &mut out)
                .unwrap();
            corpus.push(out);
        }
        fuzz(&format!("forex {layout:?}"), &corpus, |bytes| {
            let _ = records::decode_subscription(bytes);
            let _ = records::decode_quotes(layout, bytes);
            if let Ok(msg) = codec.decode(bytes) {
                let mut again = Vec::new();
                if codec.encode(&msg, &mut again).is_ok() {
                    assert_eq!(codec.decode(&again).ok(), Some(msg));
                }
            }
        });
    }
}

fn bitcoin_corpus() -> Vec<Vec<u8>> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../protocols/tests/data/bitcoin/p2p"
    );
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let hex: String = text.split_whitespace().collect();
        let bytes: Option<Vec<u8>> = (0..hex.len() / 2)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
            .collect();
        out.push(bytes.unwrap());
    }
    out.sort();
    out
}

#[test]
fn bitcoin_wire_codec_and_blocks() {
    let codec = BitcoinCodec {
        network: Network::Mainnet,
    };
    fuzz("bitcoin wire", &bitcoin_corpus(), |bytes| {
        let _ = codec.frame(bytes);
        if let Ok(msg) = codec.read(bytes) {
            let mut again = Vec::new();
            codec
                .write(&msg, &mut again)
                .expect("a read message writes");
            assert_eq!(codec.read(&again).ok(), Some(msg));
        }
    });
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../protocols/tests/data/bitcoin"
    );
    let blocks: Vec<Vec<u8>> = [
        "blk-0.bin",
        "blk-170.bin",
        "blk-100000.bin",
        "blk-100002.bin",
    ]
    .iter()
    .map(|f| std::fs::read(format!("{dir}/{f}")).unwrap())
    .collect();
    fuzz("bitcoin blocks", &blocks, |bytes| {
        if let Ok(block) = Block::decode(bytes) {
            assert_eq!(block.as_bytes(), bytes);
        }
    });
}

#[test]
fn chord_csv_loader() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../protocols/tests/data/chord/Career_Stats_Passing.csv"
    ))
    .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let corpus: Vec<Vec<u8>> = [1usize, 5, 20]
        .iter()
        .map(|&n| (lines[..n.min(lines.len())].join("\n") + "\n").into_bytes())
        .chain(std::iter::once(
            b"a,\"b,c\",d,e\n\"x\"\"y\",1,2,3\r\n".to_vec(),
        ))
        .collect();
    fuzz("chord csv", &corpus, |bytes| {
        if let Ok(data) = protocols::chord::csv::load(bytes) {
            assert!(data.len() <= data.rows());
        }
    });
}

fn scenario_corpus() -> Vec<Vec<u8>> {
    scenarios::registry::named()
        .into_iter()
        .map(|(_, text)| text.as_bytes().to_vec())
        .collect()
}

#[test]
fn scenario_files() {
    fuzz("scenario files", &scenario_corpus(), |bytes| {
        let text = String::from_utf8_lossy(bytes);
        if let Ok(s) = Scenario::parse("fuzz.json", &text) {
            let again =
                Scenario::parse("again.json", &s.to_json()).expect("a parsed scenario reparses");
            assert_eq!(again, s);
        }
    });
}

#[test]
fn failure_files() {
    let resolved = scenarios::runner::resolve("primary-backup-bug").unwrap();
    let file = scenarios::failure::capture(&resolved.name, &resolved.scenario, 46)
        .unwrap()
        .expect("seed 46 fails");
    let corpus = vec![file.to_json().into_bytes()];
    fuzz("failure files", &corpus, |bytes| {
        let text = String::from_utf8_lossy(bytes);
        if let Ok(f) = FailureFile::parse("fuzz.json", &text) {
            let again = FailureFile::parse("again.json", &f.to_json())
                .expect("a parsed failure file reparses");
            assert_eq!(again, f);
        }
    });
}

/// Inputs the fuzzers (or the hardening probe) once crashed on.
mod regressions {
    use super::*;

    #[test]
    fn deep_nesting_in_scenario_and_failure_files() {
        let deep = format!(
            "{{\"protocol\": {}{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert!(Scenario::parse("deep.json", &deep)
            .unwrap_err()
            .0
            .contains("nest deeper than 64"));
        assert!(FailureFile::parse("deep.json", &deep)
            .unwrap_err()
            .0
            .contains("nest deeper than 64"));
    }

    #[test]
    fn node_counts_that_overflowed_allocations() {
        for nodes in ["18446744073709551615", "1000000000", "16777217"] {
            let text = format!(r#"{{"protocol": "hot-potato", "nodes": {nodes}}}"#);
            assert!(Scenario::parse("n.json", &text)
                .unwrap_err()
                .0
                .contains("at most 1000000"));
        }
    }
}
