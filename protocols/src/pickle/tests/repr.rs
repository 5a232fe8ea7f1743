//! `Display` prints values as Python's `repr` does.

use super::cases;
use super::vectors as v;
use crate::pickle::Value;

#[test]
fn messages_print_like_python() {
    assert_eq!(
        cases::value_of("MSG_OK_HELLO").to_string(),
        v::REPR_MSG_OK_HELLO
    );
    assert_eq!(
        cases::value_of("MSG_GCD_REPLY").to_string(),
        v::REPR_MSG_GCD_REPLY
    );
    assert_eq!(
        cases::value_of("MSG_MEMBER_LIST").to_string(),
        v::REPR_MSG_MEMBER_LIST
    );
    assert_eq!(cases::value_of("NESTED").to_string(), v::REPR_NESTED);
}

#[test]
fn strings_pick_quotes_and_escapes_like_python() {
    let quotes =
        Value::list(["it's", "say \"hi\"", "both ' and \"", "back\\slash"].map(Value::str));
    assert_eq!(quotes.to_string(), v::REPR_QUOTES);
    let escapes = Value::str("\t\n\r\x00\x1f\x7f\u{80}\u{a0}\u{ad}\u{e9}\u{65e5}\u{1f389}\u{2028}");
    assert_eq!(escapes.to_string(), v::REPR_ESCAPES);
    assert_eq!(
        Value::Bytes(b"\x00ab'\"\\\x7f\xff\t".to_vec()).to_string(),
        v::REPR_BYTES
    );
}

#[test]
fn floats_print_like_python() {
    let floats = [
        1.5,
        1e16,
        1e15,
        0.0001,
        1e-05,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        0.1,
        123456789.123,
        1e300,
        5e-324,
        -2.5e-7,
        100.0,
    ];
    assert_eq!(
        Value::list(floats.map(Value::Float)).to_string(),
        v::REPR_FLOATS
    );
}

#[test]
fn small_containers_print_like_python() {
    let small = Value::tuple([
        Value::from((1,)),
        Value::tuple([]),
        Value::dict([]),
        Value::list([]),
        Value::Bool(true),
        Value::Bool(false),
        Value::None,
        Value::Int(-42),
    ]);
    assert_eq!(small.to_string(), v::REPR_SMALL);
}
