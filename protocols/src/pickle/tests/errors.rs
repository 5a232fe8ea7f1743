//! Bad input is a typed error naming what was wrong, never a panic.

use super::vectors as v;
use crate::pickle::{decode, decode_with, Error, Limits};

fn unsupported(bytes: &[u8]) -> (&'static str, usize) {
    match decode(bytes) {
        Err(Error::UnsupportedOpcode { name, offset }) => (name, offset),
        other => panic!("expected an unsupported opcode, got {other:?}"),
    }
}

#[test]
fn objects_beyond_plain_data_are_refused_by_opcode_and_offset() {
    assert_eq!(unsupported(v::REJECT_SET_P4), ("EMPTY_SET", 11));
    assert_eq!(unsupported(v::REJECT_STACK_GLOBAL_P4).0, "STACK_GLOBAL");
    assert_eq!(unsupported(v::REJECT_GLOBAL_P2), ("GLOBAL", 2));
    assert_eq!(unsupported(v::REJECT_REDUCE_P2), ("GLOBAL", 2));
    // Protocol 2 has no bytes opcode: Python writes a call to _codecs.encode.
    assert_eq!(unsupported(v::REJECT_BYTES_P2), ("GLOBAL", 2));
    let text = decode(v::REJECT_GLOBAL_P2).unwrap_err().to_string();
    assert_eq!(text, "pickle opcode GLOBAL at offset 2 is not supported");
}

#[test]
fn an_int_beyond_64_bits_is_malformed() {
    match decode(v::REJECT_INT_2_POW_64) {
        Err(Error::Malformed {
            name: "LONG1",
            offset: 11,
            why,
        }) => assert!(why.contains("64 bits")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn raw_text_is_not_a_pickle_and_keeps_the_text() {
    let reply = b"Expected a pickled message, got b'\\x00garbage'\n";
    match decode(reply) {
        Err(Error::NotPickle { text }) => assert_eq!(text.as_bytes(), reply),
        other => panic!("{other:?}"),
    }
    let err = decode(reply).unwrap_err().to_string();
    assert!(
        err.starts_with("peer sent text instead of a pickle: \"Expected a pickled"),
        "{err}"
    );
    // Protocol 0 pickles have no PROTO header: also not a pickle here.
    assert!(matches!(
        decode(v::REJECT_PROTOCOL_0),
        Err(Error::NotPickle { .. })
    ));
    // Long text is kept only up to a bound.
    let long = vec![b'E'; 100_000];
    match decode(&long) {
        Err(Error::NotPickle { text }) => {
            assert_eq!(text.len(), crate::pickle::NOT_PICKLE_TEXT_MAX)
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unsupported_protocols_are_named() {
    assert_eq!(
        decode(b"\x80\x01N."),
        Err(Error::UnsupportedProtocol {
            version: 1,
            offset: 0
        })
    );
    assert_eq!(
        decode(b"\x80\x06N."),
        Err(Error::UnsupportedProtocol {
            version: 6,
            offset: 0
        })
    );
}

#[test]
fn truncated_input_at_every_length_is_an_error() {
    for python in [
        v::MSG_ELECTION,
        v::MSG_MEMBER_LIST_3,
        v::STR_256,
        v::INT_I64_MIN,
    ] {
        for cut in 0..python.len() {
            match decode(&python[..cut]) {
                Err(Error::Truncated { needed, have }) => {
                    assert_eq!(have, cut);
                    assert!(needed > cut);
                }
                other => panic!("cut at {cut}: {other:?}"),
            }
        }
    }
}

#[test]
fn absurd_lengths_are_refused_before_allocating() {
    // BINUNICODE8 claiming 2^64-1 bytes, BINUNICODE claiming 2 GiB.
    let huge8 = b"\x80\x04\x8d\xff\xff\xff\xff\xff\xff\xff\xffabc.";
    assert!(matches!(
        decode(huge8),
        Err(Error::TooLarge {
            what: "length field",
            ..
        })
    ));
    let huge4 = b"\x80\x04X\xff\xff\xff\x7fabc.";
    assert!(matches!(
        decode(huge4),
        Err(Error::TooLarge {
            claimed: 0x7fffffff,
            ..
        })
    ));
    // Within the limit but not present: truncated.
    let short = b"\x80\x04X\x10\x00\x00\x00abc.";
    assert!(matches!(
        decode(short),
        Err(Error::Truncated {
            needed: 23,
            have: 11
        })
    ));
    // A frame claiming more than follows.
    let frame = b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00N.";
    assert_eq!(
        decode(frame),
        Err(Error::Truncated {
            needed: 27,
            have: 13
        })
    );
}

#[test]
fn garbage_gives_precise_errors() {
    let cases: [(&[u8], &str); 10] = [
        (b"", "truncated"),
        (b"\x80\x04\xff.", "0xff at offset 2 is not a pickle opcode"),
        (b"\x80\x04a.", "APPEND at offset 2: stack underflow"),
        (b"\x80\x04K\x01t.", "TUPLE at offset 4: no mark"),
        (b"\x80\x04K\x01K\x02.", "2 objects left"),
        (b"\x80\x04(K\x01.", "mark was never closed"),
        (b"\x80\x04.", "nothing on the stack"),
        (b"\x80\x04}]Ns.", "unhashable dict key of type list"),
        (b"\x80\x04\x8c\x01\xff.", "invalid UTF-8"),
        (b"\x80\x04h\x05.", "memo index 5 was never stored"),
    ];
    for (bytes, expected) in cases {
        let err = decode(bytes).unwrap_err().to_string();
        assert!(err.contains(expected), "{bytes:x?}: {err}");
    }
    assert_eq!(
        decode(b"\x80\x04N.N"),
        Err(Error::TrailingBytes { offset: 4 })
    );
    assert!(decode(b"\x80\x04K\x01K\x01u.")
        .unwrap_err()
        .to_string()
        .contains("SETITEMS"));
    assert!(decode(b"\x80\x04](K\x01K\x02u.")
        .unwrap_err()
        .to_string()
        .contains("not a dict"));
}

#[test]
fn a_self_containing_list_is_too_deep_not_a_hang() {
    // x = []; x.append(x); pickle.dumps(x, 4)
    assert_eq!(
        decode(b"\x80\x04]\x94h\x00a."),
        Err(Error::TooDeep { max: 100 })
    );
}

#[test]
fn nesting_is_bounded() {
    let nest = |depth: usize| {
        let mut bytes = b"\x80\x04".to_vec();
        bytes.extend(std::iter::repeat_n(b']', depth));
        bytes.extend(std::iter::repeat_n(b'a', depth - 1));
        bytes.push(b'.');
        bytes
    };
    assert!(decode(&nest(100)).is_ok());
    assert_eq!(decode(&nest(101)), Err(Error::TooDeep { max: 100 }));
    // A deep chain of tuples: refused, and no stack overflow on the way.
    let mut tuples = b"\x80\x04N".to_vec();
    tuples.extend(std::iter::repeat_n(0x85, 500_000));
    tuples.push(b'.');
    assert_eq!(decode(&tuples), Err(Error::TooDeep { max: 100 }));
}

#[test]
fn memo_references_cannot_blow_up_the_decoded_size() {
    // One 4 KiB str memoized, then a list of 100 000 references to it:
    // 200 KB of pickle that would decode to 400 MB.
    let mut bytes = b"\x80\x04X\x00\x10\x00\x00".to_vec();
    bytes.extend(std::iter::repeat_n(b's', 4096));
    bytes.extend(b"\x940]\x94(");
    for _ in 0..100_000 {
        bytes.extend(b"h\x00");
    }
    bytes.extend(b"e.");
    match decode(&bytes) {
        Err(Error::TooLarge { what, .. }) => assert!(what.contains("decoded value")),
        other => panic!("{:?}", other.map(|_| ())),
    }
}

#[test]
fn memo_and_message_size_are_bounded() {
    let limits = Limits {
        max_memo: 3,
        ..Limits::default()
    };
    let four = b"\x80\x04N\x94\x940N\x94N\x94\x86\x86.";
    assert!(matches!(
        decode_with(four, &limits),
        Err(Error::TooLarge {
            what: "memo entry count",
            ..
        })
    ));
    let small = Limits {
        max_message: 10,
        ..Limits::default()
    };
    assert!(matches!(
        decode_with(v::MSG_JOIN_PID, &small),
        Err(Error::TooLarge {
            what: "pickle message",
            ..
        })
    ));
}
