//! `PickleCodec` carries message types over streams and datagrams.

use super::vectors as v;
use crate::pickle::{Error, FromPickle, Limits, PickleCodec, ToPickle, Value};
use sim::{Codec, CodecError};

/// A stand-in message type: a member list or a named message.
#[derive(Clone, Debug, PartialEq)]
enum Msg {
    Members(Vec<(String, u16)>),
    Named(String),
}

impl ToPickle for Msg {
    fn to_pickle(&self) -> Value {
        match self {
            Msg::Members(members) => Value::list(members.iter().map(|(host, port)| {
                Value::dict([
                    (Value::str("host"), Value::str(host.as_str())),
                    (Value::str("port"), Value::from(*port)),
                ])
            })),
            Msg::Named(name) => Value::str(name.as_str()),
        }
    }
}

impl FromPickle for Msg {
    fn from_pickle(value: &Value) -> Result<Self, Error> {
        if let Some(name) = value.as_str() {
            return Ok(Msg::Named(name.to_owned()));
        }
        let members = value.expect_list("member list")?;
        members
            .iter()
            .map(|m| {
                let host = m
                    .get_str("host")
                    .ok_or_else(|| m.unexpected("member", "a 'host' key"))?;
                let port = m
                    .get_str("port")
                    .ok_or_else(|| m.unexpected("member", "a 'port' key"))?;
                Ok((
                    host.expect_str("host")?.to_owned(),
                    port.expect_int_as("port")?,
                ))
            })
            .collect::<Result<_, _>>()
            .map(Msg::Members)
    }
}

#[test]
fn the_codec_writes_pythons_bytes_without_a_length_prefix() {
    let codec = PickleCodec::<Msg>::new();
    let msg = Msg::Members(vec![("localhost".into(), 23015)]);
    let mut out = Vec::new();
    codec.encode_frame(&msg, &mut out).unwrap();
    assert_eq!(out, v::MSG_MEMBER_LIST);
    out.clear();
    codec.encode(&msg, &mut out).unwrap();
    assert_eq!(out, v::MSG_MEMBER_LIST);
    assert_eq!(codec.decode(v::MSG_MEMBER_LIST_3).unwrap(), {
        Msg::Members(vec![
            ("cs1.seattleu.edu".into(), 21313),
            ("cs2.seattleu.edu".into(), 33313),
            ("localhost".into(), 23015),
        ])
    });
}

#[test]
fn frames_split_a_stream_of_messages() {
    let codec = PickleCodec::<Msg>::new();
    let mut stream = Vec::new();
    codec
        .encode_frame(&Msg::Named("JOIN".into()), &mut stream)
        .unwrap();
    stream.extend_from_slice(v::MSG_MEMBER_LIST_3);
    let first = codec.frame_len(&stream).unwrap().unwrap();
    assert_eq!(
        codec.decode_frame(&stream[..first]).unwrap(),
        Msg::Named("JOIN".into())
    );
    let rest = &stream[first..];
    assert_eq!(codec.frame_len(&rest[..rest.len() - 1]).unwrap(), None);
    assert_eq!(codec.frame_len(rest).unwrap(), Some(rest.len()));
}

#[test]
fn a_text_reply_is_one_line_and_reported_with_its_text() {
    let codec = PickleCodec::<Msg>::new();
    let reply = b"Expected a pickled message, got b'HELLO'\nmore";
    assert_eq!(codec.frame_len(&reply[..10]).unwrap(), None);
    let n = codec.frame_len(reply).unwrap().unwrap();
    assert_eq!(n, reply.len() - 4);
    match codec.decode_frame(&reply[..n]) {
        Err(CodecError::Invalid(why)) => {
            assert!(why.contains("text instead of a pickle"), "{why}");
            assert!(
                why.contains("Expected a pickled message, got b'HELLO'"),
                "{why}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn wrong_shapes_and_bad_bytes_map_to_codec_errors() {
    let codec = PickleCodec::<Msg>::new();
    match codec.decode(v::MSG_GCD_REPLY) {
        Err(CodecError::Invalid(why)) => {
            assert!(why.starts_with("member list: expected a list"), "{why}")
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        codec.decode(&v::MSG_MEMBER_LIST[..5]),
        Err(CodecError::Truncated { have: 5, .. })
    ));
    assert!(matches!(
        codec.frame_len(b"\x80\x04X\xff\xff\xff\x7f"),
        Err(CodecError::TooLarge {
            claimed: 0x7fffffff,
            ..
        })
    ));
}

#[test]
fn the_frame_limit_applies_to_both_directions() {
    let codec = PickleCodec::<Msg>::with_limits(Limits {
        max_message: 32,
        ..Limits::default()
    });
    assert_eq!(codec.max_frame_len(), 32);
    let mut out = b"kept".to_vec();
    let big = Msg::Members(vec![("localhost".into(), 1); 3]);
    assert!(matches!(
        codec.encode_frame(&big, &mut out),
        Err(CodecError::Encode(_))
    ));
    assert_eq!(out, b"kept");
    assert!(matches!(
        codec.frame_len(&[b'x'; 40]),
        Err(CodecError::TooLarge { .. })
    ));
}
