//! `frame_len` finds where each pickle ends in a byte stream.

use super::cases;
use super::vectors as v;
use crate::pickle::{decode, frame_len, frame_len_with, Error, Limits};

#[test]
fn a_whole_message_is_one_frame() {
    for (name, python, _) in cases::all() {
        assert_eq!(frame_len(python), Ok(Some(python.len())), "{name}");
    }
}

#[test]
fn every_split_point_needs_more_bytes() {
    for (name, python, _) in cases::all() {
        for cut in 0..python.len() {
            assert_eq!(frame_len(&python[..cut]), Ok(None), "{name} cut at {cut}");
        }
    }
}

#[test]
fn two_messages_back_to_back_split_correctly() {
    // The reference bully's ELECTION then OK, as a peer would read them
    // from one connection, arriving in two reads split at every point.
    let mut stream = v::MSG_ELECTION.to_vec();
    stream.extend_from_slice(v::MSG_OK_NONE);
    for split in 0..=stream.len() {
        let mut buf = stream[..split].to_vec();
        let mut messages = Vec::new();
        let mut rest = &stream[split..];
        loop {
            match frame_len(&buf).unwrap() {
                Some(n) => {
                    messages.push(decode(&buf[..n]).unwrap());
                    buf.drain(..n);
                }
                None if rest.is_empty() => break,
                None => {
                    buf.extend_from_slice(rest);
                    rest = &[];
                }
            }
        }
        assert!(buf.is_empty(), "split {split}");
        let expected = vec![
            cases::value_of("MSG_ELECTION"),
            cases::value_of("MSG_OK_NONE"),
        ];
        assert_eq!(messages, expected, "split {split}");
    }
}

#[test]
fn other_protocols_frame_too() {
    for python in [
        v::MSG_GCD_REPLY_P2,
        v::MSG_GCD_REPLY_P3,
        v::MSG_GCD_REPLY_P5,
        v::REJECT_REDUCE_P2,
    ] {
        let mut two = python.to_vec();
        two.extend_from_slice(python);
        assert_eq!(frame_len(&two), Ok(Some(python.len())));
    }
}

#[test]
fn text_is_not_a_pickle() {
    let reply = b"Expected a pickled message, got b'JOIN'\n";
    assert_eq!(
        frame_len(reply),
        Err(Error::NotPickle {
            text: String::from_utf8_lossy(reply).into_owned()
        })
    );
    assert_eq!(frame_len(b""), Ok(None));
}

#[test]
fn corrupt_streams_are_errors_not_waits() {
    assert!(matches!(
        frame_len(b"\x80\x04\xff"),
        Err(Error::UnknownOpcode {
            opcode: 0xff,
            offset: 2
        })
    ));
    assert!(matches!(
        frame_len(b"\x80\x09"),
        Err(Error::UnsupportedProtocol { version: 9, .. })
    ));
    // A length field beyond the limit is refused at once.
    assert!(matches!(
        frame_len(b"\x80\x04X\xff\xff\xff\x7f"),
        Err(Error::TooLarge {
            what: "length field",
            ..
        })
    ));
    assert!(matches!(
        frame_len(b"\x80\x04\x95\xff\xff\xff\xff\xff\xff\xff\xff"),
        Err(Error::TooLarge {
            what: "frame length",
            ..
        })
    ));
    // A message that has not ended by the limit is refused.
    let limits = Limits {
        max_message: 64,
        ..Limits::default()
    };
    let mut long = b"\x80\x04]\x94(".to_vec();
    long.extend(std::iter::repeat_n(b'N', 100));
    assert!(matches!(
        frame_len_with(&long, &limits),
        Err(Error::TooLarge { .. })
    ));
    assert_eq!(frame_len_with(&long[..60], &limits), Ok(None));
    // Text-line opcodes cannot wait forever for their newline either.
    let mut global = b"\x80\x02cmodule".to_vec();
    global.extend(std::iter::repeat_n(b'x', 100));
    assert!(matches!(
        frame_len_with(&global, &limits),
        Err(Error::TooLarge { .. })
    ));
}

#[test]
fn unsupported_opcodes_still_frame_so_the_stream_survives() {
    let mut two = v::REJECT_SET_P4.to_vec();
    two.extend_from_slice(v::MSG_OK_NONE);
    let first = frame_len(&two).unwrap().unwrap();
    assert!(matches!(
        decode(&two[..first]),
        Err(Error::UnsupportedOpcode { .. })
    ));
    assert_eq!(
        decode(&two[first..]).unwrap(),
        cases::value_of("MSG_OK_NONE")
    );
}
