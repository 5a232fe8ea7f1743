//! The decoder reads what CPython writes, with any protocol from 2 to 5.

use super::cases;
use super::vectors as v;
use crate::pickle::{decode, encode, Value};

#[test]
fn every_protocol_4_vector_decodes_to_its_value() {
    for (name, python, value) in cases::all() {
        assert_eq!(decode(python).unwrap(), value, "{name}");
    }
}

#[test]
fn course_messages_decode_from_protocols_2_3_and_5() {
    let other = [
        (
            "MSG_JOIN_PID",
            [v::MSG_JOIN_PID_P2, v::MSG_JOIN_PID_P3, v::MSG_JOIN_PID_P5],
        ),
        (
            "MSG_GCD_REPLY",
            [
                v::MSG_GCD_REPLY_P2,
                v::MSG_GCD_REPLY_P3,
                v::MSG_GCD_REPLY_P5,
            ],
        ),
        (
            "MSG_OK_HELLO",
            [v::MSG_OK_HELLO_P2, v::MSG_OK_HELLO_P3, v::MSG_OK_HELLO_P5],
        ),
        (
            "MSG_ELECTION",
            [v::MSG_ELECTION_P2, v::MSG_ELECTION_P3, v::MSG_ELECTION_P5],
        ),
        (
            "MSG_MEMBER_LIST_3",
            [
                v::MSG_MEMBER_LIST_3_P2,
                v::MSG_MEMBER_LIST_3_P3,
                v::MSG_MEMBER_LIST_3_P5,
            ],
        ),
    ];
    for (name, pickles) in other {
        let expected = cases::value_of(name);
        for (bytes, proto) in pickles.iter().zip([2, 3, 5]) {
            assert_eq!(bytes[1], proto, "{name} header");
            assert_eq!(decode(bytes).unwrap(), expected, "{name} protocol {proto}");
        }
    }
}

#[test]
fn a_reply_python_built_at_run_time_decodes_to_the_same_value() {
    // Python repeats the second '127.0.0.1' (a distinct object) in full...
    assert!(v::RUNTIME_GCD_REPLY.len() > v::MSG_GCD_REPLY.len());
    let value = decode(v::RUNTIME_GCD_REPLY).unwrap();
    assert_eq!(value, cases::gcd_reply());
    // ...and our encoder shares equal strings, as Python does for constants.
    assert_eq!(encode(&value).unwrap(), v::MSG_GCD_REPLY);
}

#[test]
fn a_list_filled_after_memoizing_is_seen_filled_through_the_memo() {
    // x = [1]; pickle.dumps((x, x), 4): ] MEMOIZE K1 APPEND  BINGET 0  TUPLE2
    let bytes = b"\x80\x04\x95\x0a\x00\x00\x00\x00\x00\x00\x00]\x94K\x01ah\x00\x86\x94.";
    assert_eq!(decode(bytes).unwrap(), Value::from((vec![1], vec![1])));
}

#[test]
fn dup_pop_and_mark_based_containers_are_understood() {
    // MARK 1 2 LIST, MARK 'a' 1 DICT, DUP, POP_MARK-discarded junk, TUPLE3
    let bytes = b"\x80\x02(K\x01K\x02l(X\x01\x00\x00\x00aK\x01d2(N1K\x070\x87.";
    // Stack before TUPLE3: [1, 2], {'a': 1}, {'a': 1} (DUP), then a MARK with
    // None is dropped by POP_MARK, 7 is pushed and POPped.
    let expected = Value::tuple([
        Value::from(vec![1, 2]),
        Value::dict([(Value::str("a"), Value::Int(1))]),
        Value::dict([(Value::str("a"), Value::Int(1))]),
    ]);
    assert_eq!(decode(bytes).unwrap(), expected);
}

#[test]
fn long_binput_and_long_binget_work_with_any_index() {
    // 'x' stored at memo index 0xffffffff and fetched back.
    let bytes = b"\x80\x04\x8c\x01xr\xff\xff\xff\xffj\xff\xff\xff\xff\x86.";
    assert_eq!(decode(bytes).unwrap(), Value::from(("x", "x")));
}

#[test]
fn long1_and_long4_of_any_width_in_range_decode() {
    // LONG1 with 0 bytes is 0; LONG4 with 9 bytes whose top byte is sign fill.
    assert_eq!(decode(b"\x80\x02\x8a\x00.").unwrap(), Value::Int(0));
    let bytes = b"\x80\x02\x8b\x09\x00\x00\x00\xfe\xff\xff\xff\xff\xff\xff\xff\xff.";
    assert_eq!(decode(bytes).unwrap(), Value::Int(-2));
    let bytes = b"\x80\x02\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x80\xff.";
    assert_eq!(decode(bytes).unwrap(), Value::Int(i64::MIN));
}

#[test]
fn accessors_read_the_course_messages() {
    let join = decode(v::MSG_JOIN_PID).unwrap();
    let (name, data) = join.message_parts().unwrap();
    assert_eq!(name, "JOIN");
    let [pid, addr] = data.expect_tuple("JOIN data").unwrap();
    assert_eq!(
        pid.expect_tuple::<2>("pid").unwrap()[1]
            .expect_int("su_id")
            .unwrap(),
        1234561
    );
    let port: u16 = addr.expect_tuple::<2>("addr").unwrap()[1]
        .expect_int_as("port")
        .unwrap();
    assert_eq!(port, 55661);

    let bare = decode(v::MSG_JOIN).unwrap();
    assert_eq!(bare.message_parts().unwrap(), ("JOIN", &Value::None));

    let members = decode(v::MSG_MEMBER_LIST_3).unwrap();
    let last = &members.expect_list("members").unwrap()[2];
    assert_eq!(
        last.get_str("host").and_then(Value::as_str),
        Some("localhost")
    );
    assert_eq!(last.get_str("port").and_then(Value::as_int), Some(23015));

    let reply = decode(v::MSG_GCD_REPLY).unwrap();
    let key = Value::from((300, 7654321));
    assert_eq!(reply.get(&key), Some(&Value::from(("127.0.0.1", 55662))));
}

#[test]
fn shape_errors_name_the_context_and_what_was_found() {
    let reply = decode(v::MSG_GCD_REPLY).unwrap();
    let err = reply.expect_list("GCD reply").unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("GCD reply: expected a list, found dict {(20, 1234561)"),
        "{text}"
    );
    let big = Value::Int(70000);
    assert!(big
        .expect_int_as::<u16>("port")
        .unwrap_err()
        .to_string()
        .contains("u16"));
    assert!(Value::Int(3).message_parts().is_err());
    let pair = Value::from((1, 2));
    assert!(pair
        .expect_tuple::<3>("triple")
        .unwrap_err()
        .to_string()
        .contains("a 3-tuple"));
}

#[test]
fn repeated_dict_keys_read_last_wins_like_python() {
    // {'a': 1} then SETITEM 'a' -> 2: Python keeps 2.
    let bytes = b"\x80\x04}\x94\x8c\x01a\x94K\x01sh\x01K\x02s.";
    let dict = decode(bytes).unwrap();
    assert_eq!(dict.get_str("a"), Some(&Value::Int(2)));
}
