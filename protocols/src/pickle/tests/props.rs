//! Properties over random input: no panics, and encode/decode round-trips.

use crate::pickle::{decode, encode, frame_len, Value};
use proptest::prelude::*;

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::None),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        (0i64..70000).prop_map(Value::Int),
        any::<f64>().prop_map(Value::Float),
        ".{0,20}".prop_map(Value::Str),
        "[a-c]{0,3}".prop_map(Value::Str),
        proptest::collection::vec(any::<u8>(), 0..20).prop_map(Value::Bytes),
    ]
}

/// Hashable values: scalars and tuples of them.
fn key() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(2, 8, 3, |inner| {
        proptest::collection::vec(inner, 0..3).prop_map(Value::Tuple)
    })
}

fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Tuple),
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::List),
            proptest::collection::vec((key(), inner), 0..6).prop_map(Value::Dict),
        ]
    })
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = decode(&bytes);
        let _ = frame_len(&bytes);
    }

    #[test]
    fn random_bytes_after_a_header_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let mut pickle = b"\x80\x04".to_vec();
        pickle.extend(bytes);
        let _ = decode(&pickle);
        let _ = frame_len(&pickle);
    }

    #[test]
    fn mutated_messages_never_panic(v in value(), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut bytes = encode(&v).unwrap();
        let i = at.index(bytes.len());
        bytes[i] = byte;
        let _ = decode(&bytes);
        let _ = frame_len(&bytes);
        bytes.truncate(i);
        let _ = decode(&bytes);
    }

    #[test]
    fn values_round_trip(v in value()) {
        let bytes = encode(&v).unwrap();
        prop_assert_eq!(frame_len(&bytes), Ok(Some(bytes.len())));
        let back = decode(&bytes).unwrap();
        prop_assert_eq!(&back, &v);
        prop_assert_eq!(encode(&back).unwrap(), bytes);
    }
}
