//! The Rust [`Value`] of every vector `gen_vectors.py` encodes.

use super::vectors as v;
use crate::pickle::Value;

fn pid(days: i64, su_id: i64) -> Value {
    Value::tuple([Value::Int(days), Value::Int(su_id)])
}

fn addr(host: &str, port: i64) -> Value {
    Value::tuple([Value::str(host), Value::Int(port)])
}

pub fn gcd_reply() -> Value {
    Value::dict([
        (pid(20, 1234561), addr("127.0.0.1", 55661)),
        (pid(300, 7654321), addr("127.0.0.1", 55662)),
    ])
}

pub fn nested() -> Value {
    Value::dict([
        (
            Value::str("k"),
            Value::list([Value::tuple([]), Value::list([]), Value::dict([])]),
        ),
        (
            Value::tuple([Value::Int(1), Value::tuple([Value::Int(2), Value::Int(3)])]),
            Value::None,
        ),
        (
            Value::Float(2.5),
            Value::list([Value::Bool(true), Value::Bytes(b"x".to_vec())]),
        ),
    ])
}

fn member(host: &str, port: i64) -> Value {
    Value::dict([
        (Value::str("host"), Value::str(host)),
        (Value::str("port"), Value::Int(port)),
    ])
}

/// (name, Python's protocol-4 bytes, the same value built in Rust).
pub fn all() -> Vec<(&'static str, &'static [u8], Value)> {
    let join_pid = Value::from(("JOIN", (pid(20, 1234561), ("127.0.0.1", 55661))));
    let election = Value::tuple([
        Value::str("ELECTION"),
        Value::dict([
            (pid(20, 1234561), addr("127.0.0.1", 55661)),
            (pid(300, 7654321), addr("127.0.0.1", 55662)),
            (pid(365, 9999999), addr("127.0.0.1", 55663)),
        ]),
    ]);
    vec![
        ("NONE", v::NONE, Value::None),
        ("TRUE", v::TRUE, Value::Bool(true)),
        ("FALSE", v::FALSE, Value::Bool(false)),
        ("INT_0", v::INT_0, Value::Int(0)),
        ("INT_255", v::INT_255, Value::Int(255)),
        ("INT_256", v::INT_256, Value::Int(256)),
        ("INT_65535", v::INT_65535, Value::Int(65535)),
        ("INT_65536", v::INT_65536, Value::Int(65536)),
        ("INT_NEG_1", v::INT_NEG_1, Value::Int(-1)),
        ("INT_NEG_129", v::INT_NEG_129, Value::Int(-129)),
        ("INT_I32_MAX", v::INT_I32_MAX, Value::Int(i32::MAX.into())),
        ("INT_I32_MIN", v::INT_I32_MIN, Value::Int(i32::MIN.into())),
        ("INT_2_POW_31", v::INT_2_POW_31, Value::Int(1 << 31)),
        (
            "INT_BELOW_I32_MIN",
            v::INT_BELOW_I32_MIN,
            Value::Int(-(1 << 31) - 1),
        ),
        ("INT_2_POW_40", v::INT_2_POW_40, Value::Int(1 << 40)),
        ("INT_I64_MAX", v::INT_I64_MAX, Value::Int(i64::MAX)),
        ("INT_I64_MIN", v::INT_I64_MIN, Value::Int(i64::MIN)),
        ("FLOAT_1_5", v::FLOAT_1_5, Value::Float(1.5)),
        ("FLOAT_NEG_ZERO", v::FLOAT_NEG_ZERO, Value::Float(-0.0)),
        ("FLOAT_INF", v::FLOAT_INF, Value::Float(f64::INFINITY)),
        ("FLOAT_NAN", v::FLOAT_NAN, Value::Float(f64::NAN)),
        ("STR_EMPTY", v::STR_EMPTY, Value::str("")),
        ("STR_JOIN", v::STR_JOIN, Value::str("JOIN")),
        (
            "STR_UNICODE",
            v::STR_UNICODE,
            Value::str("h\u{e9}llo \u{65e5}\u{672c} \u{1f389}"),
        ),
        ("STR_255", v::STR_255, Value::str("a".repeat(255))),
        ("STR_256", v::STR_256, Value::str("b".repeat(256))),
        ("BYTES_EMPTY", v::BYTES_EMPTY, Value::Bytes(vec![])),
        (
            "BYTES_SMALL",
            v::BYTES_SMALL,
            Value::Bytes(b"\x00\xffab".to_vec()),
        ),
        ("BYTES_256", v::BYTES_256, Value::Bytes((0..=255).collect())),
        ("TUPLE_EMPTY", v::TUPLE_EMPTY, Value::tuple([])),
        ("TUPLE_1", v::TUPLE_1, Value::from((1,))),
        ("TUPLE_2", v::TUPLE_2, Value::from((1, "a"))),
        ("TUPLE_3", v::TUPLE_3, Value::from((1, "a", Value::None))),
        ("TUPLE_4", v::TUPLE_4, Value::tuple((1..=4).map(Value::Int))),
        ("LIST_EMPTY", v::LIST_EMPTY, Value::list([])),
        ("LIST_1", v::LIST_1, Value::from(vec![1])),
        (
            "LIST_3",
            v::LIST_3,
            Value::list([Value::Int(1), Value::str("a"), Value::None]),
        ),
        ("DICT_EMPTY", v::DICT_EMPTY, Value::dict([])),
        (
            "DICT_1",
            v::DICT_1,
            Value::dict([(Value::str("a"), Value::Int(1))]),
        ),
        (
            "DICT_2",
            v::DICT_2,
            Value::dict([
                (Value::str("b"), Value::Int(2)),
                (Value::str("a"), Value::Int(1)),
            ]),
        ),
        ("SHARED_STR", v::SHARED_STR, Value::from(("JOIN", "JOIN"))),
        (
            "SHARED_TUPLE",
            v::SHARED_TUPLE,
            Value::from(((1, 2), (1, 2))),
        ),
        ("NESTED", v::NESTED, nested()),
        ("MSG_JOIN", v::MSG_JOIN, Value::str("JOIN")),
        ("MSG_JOIN_PID", v::MSG_JOIN_PID, join_pid),
        ("MSG_GCD_REPLY", v::MSG_GCD_REPLY, gcd_reply()),
        (
            "MSG_OK_HELLO",
            v::MSG_OK_HELLO,
            Value::from(("OK", "Happy to meet you, ('127.0.0.1', 44338)")),
        ),
        ("MSG_ELECTION", v::MSG_ELECTION, election),
        (
            "MSG_OK_NONE",
            v::MSG_OK_NONE,
            Value::from(("OK", Value::None)),
        ),
        (
            "MSG_MEMBER_LIST",
            v::MSG_MEMBER_LIST,
            Value::list([member("localhost", 23015)]),
        ),
        (
            "MSG_MEMBER_LIST_3",
            v::MSG_MEMBER_LIST_3,
            Value::list([
                member("cs1.seattleu.edu", 21313),
                member("cs2.seattleu.edu", 33313),
                member("localhost", 23015),
            ]),
        ),
        (
            "MSG_GCD_ERROR",
            v::MSG_GCD_ERROR,
            Value::str("Unexpected message: FOO"),
        ),
    ]
}

/// The value of vector `name`.
pub fn value_of(name: &str) -> Value {
    all()
        .into_iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, _, value)| value)
        .unwrap_or_else(|| panic!("no case {name}"))
}
