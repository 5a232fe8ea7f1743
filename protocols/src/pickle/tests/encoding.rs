//! The encoder writes exactly CPython's bytes.

use super::cases;
use super::vectors as v;
use crate::pickle::{decode, encode, encode_into, Error, Value, MAX_ENCODE_DEPTH};
use sha2::{Digest, Sha256};

#[test]
fn every_vector_encodes_to_pythons_bytes() {
    for (name, python, value) in cases::all() {
        assert_eq!(encode(&value).unwrap(), python, "{name}");
    }
}

#[test]
fn repeated_equal_strings_become_a_memo_reference() {
    // ('JOIN', 'JOIN'): the second str is BINGET 0.
    let bytes = encode(&Value::from(("JOIN", "JOIN"))).unwrap();
    assert!(bytes.ends_with(b"h\x00\x86\x94."), "{bytes:x?}");
    assert_eq!(
        bytes.iter().filter(|&&b| b == b'J').count(),
        1,
        "JOIN written once"
    );
}

#[test]
fn equal_lists_are_not_shared() {
    // Python memoizes by identity; two equal list literals are two objects.
    let one = Value::from(vec![1]);
    let bytes = encode(&Value::tuple([one.clone(), one])).unwrap();
    assert!(!bytes.contains(&b'h'), "no BINGET: {bytes:x?}");
    assert_eq!(decode(&bytes).unwrap(), Value::from((vec![1], vec![1])));
}

/// Builds the value of one of the large vectors.
fn large(name: &str) -> Value {
    let ints = |n: i64| Value::list((0..n).map(Value::Int));
    match name {
        "RANGE_40000" => ints(40000),
        "RANGE_1001" => ints(1001),
        "BIG_STR_THEN_SMALL" => Value::list([Value::str("x".repeat(70000)), Value::str("y")]),
        "PAIRS_20000" => {
            Value::list((0..20000).map(|i| Value::list([Value::Int(i), Value::str(i.to_string())])))
        }
        "DICT_5000" => Value::dict((0..5000).map(|i| {
            (
                Value::Int(i),
                Value::tuple([Value::str(i.to_string()), Value::Float(i as f64 * 1.5)]),
            )
        })),
        "PAYLOADS_AT_FRAME_TARGET" => Value::list([
            Value::Bytes(vec![b'q'; 65535]),
            Value::Bytes(vec![b'r'; 65536]),
            Value::str("s".repeat(65536)),
            Value::str("t".repeat(65535)),
        ]),
        "DICT_1000" => Value::dict((0..1000).map(|i| (Value::Int(i), Value::None))),
        "DICT_2000" => Value::dict((0..2000).map(|i| (Value::Int(i), Value::None))),
        _ => panic!("no large case {name}"),
    }
}

#[test]
fn large_values_match_pythons_frames_and_batches() {
    let expected = [
        ("RANGE_40000", v::RANGE_40000),
        ("BIG_STR_THEN_SMALL", v::BIG_STR_THEN_SMALL),
        ("PAIRS_20000", v::PAIRS_20000),
        ("DICT_5000", v::DICT_5000),
        ("PAYLOADS_AT_FRAME_TARGET", v::PAYLOADS_AT_FRAME_TARGET),
        ("RANGE_1001", v::RANGE_1001),
        ("DICT_1000", v::DICT_1000),
        ("DICT_2000", v::DICT_2000),
    ];
    for (name, (len, sha)) in expected {
        let value = large(name);
        let bytes = encode(&value).unwrap();
        assert_eq!(bytes.len(), len, "{name} length");
        let digest: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(digest, sha, "{name} bytes");
        let limits = crate::pickle::Limits {
            max_message: 1 << 22,
            ..Default::default()
        };
        assert_eq!(
            crate::pickle::decode_with(&bytes, &limits).unwrap(),
            value,
            "{name} round trip"
        );
    }
}

#[test]
fn a_list_as_dict_key_is_refused() {
    let bad = Value::dict([(Value::from(vec![1]), Value::None)]);
    assert!(matches!(encode(&bad), Err(Error::Unencodable(why)) if why.contains("list")));
    let hidden = Value::dict([(Value::from((1, Value::dict([]))), Value::None)]);
    assert!(matches!(encode(&hidden), Err(Error::Unencodable(_))));
}

#[test]
fn too_deep_a_value_is_refused_and_leaves_the_buffer_alone() {
    let mut deep = Value::None;
    for _ in 0..=MAX_ENCODE_DEPTH {
        deep = Value::list([deep]);
    }
    let mut out = b"keep".to_vec();
    assert!(matches!(
        encode_into(&deep, &mut out),
        Err(Error::Unencodable(_))
    ));
    assert_eq!(out, b"keep");

    let mut ok = Value::None;
    for _ in 0..MAX_ENCODE_DEPTH {
        ok = Value::list([ok]);
    }
    assert_eq!(decode(&encode(&ok).unwrap()).unwrap(), ok);
}

#[test]
fn encode_into_appends() {
    let mut out = b"prefix".to_vec();
    encode_into(&Value::str("JOIN"), &mut out).unwrap();
    assert_eq!(&out[..6], b"prefix");
    assert_eq!(&out[6..], v::MSG_JOIN);
}
