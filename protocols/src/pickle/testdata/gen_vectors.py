#!/usr/bin/env python3
"""Regenerates vectors.rs: what CPython's pickle writes for the test values.

Run from this directory: python3 gen_vectors.py > vectors.rs
(The committed file was made with Python 3.11; pickle's output for these
types has been stable since 3.8.)
"""
import datetime
import hashlib
import pickle

# Name -> value. Every literal is a constant, so equal strs and tuples in one
# value are one object and Python memoizes them: see the encode module docs.
ENCODE = {
    "NONE": None,
    "TRUE": True,
    "FALSE": False,
    "INT_0": 0,
    "INT_255": 255,
    "INT_256": 256,
    "INT_65535": 65535,
    "INT_65536": 65536,
    "INT_NEG_1": -1,
    "INT_NEG_129": -129,
    "INT_I32_MAX": 2**31 - 1,
    "INT_I32_MIN": -(2**31),
    "INT_2_POW_31": 2**31,
    "INT_BELOW_I32_MIN": -(2**31) - 1,
    "INT_2_POW_40": 2**40,
    "INT_I64_MAX": 2**63 - 1,
    "INT_I64_MIN": -(2**63),
    "FLOAT_1_5": 1.5,
    "FLOAT_NEG_ZERO": -0.0,
    "FLOAT_INF": float("inf"),
    "FLOAT_NAN": float("nan"),
    "STR_EMPTY": "",
    "STR_JOIN": "JOIN",
    "STR_UNICODE": "h\u00e9llo \u65e5\u672c \U0001f389",
    "STR_255": "a" * 255,
    "STR_256": "b" * 256,
    "BYTES_EMPTY": b"",
    "BYTES_SMALL": b"\x00\xffab",
    "BYTES_256": bytes(range(256)),
    "TUPLE_EMPTY": (),
    "TUPLE_1": (1,),
    "TUPLE_2": (1, "a"),
    "TUPLE_3": (1, "a", None),
    "TUPLE_4": (1, 2, 3, 4),
    "LIST_EMPTY": [],
    "LIST_1": [1],
    "LIST_3": [1, "a", None],
    "DICT_EMPTY": {},
    "DICT_1": {"a": 1},
    "DICT_2": {"b": 2, "a": 1},
    "SHARED_STR": ("JOIN", "JOIN"),
    "SHARED_TUPLE": ((1, 2), (1, 2)),
    "NESTED": {"k": [(), [], {}], (1, (2, 3)): None, 2.5: [True, b"x"]},
    "MSG_JOIN": "JOIN",
    "MSG_JOIN_PID": ("JOIN", ((20, 1234561), ("127.0.0.1", 55661))),
    "MSG_GCD_REPLY": {(20, 1234561): ("127.0.0.1", 55661), (300, 7654321): ("127.0.0.1", 55662)},
    "MSG_OK_HELLO": ("OK", "Happy to meet you, ('127.0.0.1', 44338)"),
    "MSG_ELECTION": (
        "ELECTION",
        {
            (20, 1234561): ("127.0.0.1", 55661),
            (300, 7654321): ("127.0.0.1", 55662),
            (365, 9999999): ("127.0.0.1", 55663),
        },
    ),
    "MSG_OK_NONE": ("OK", None),
    "MSG_MEMBER_LIST": [{"host": "localhost", "port": 23015}],
    "MSG_MEMBER_LIST_3": [
        {"host": "cs1.seattleu.edu", "port": 21313},
        {"host": "cs2.seattleu.edu", "port": 33313},
        {"host": "localhost", "port": 23015},
    ],
    "MSG_GCD_ERROR": "Unexpected message: FOO",
}

# Decoded only: the course messages as other protocols write them.
# (NESTED holds bytes, which protocol 2 writes as a call to _codecs.encode.)
OTHER_PROTOCOLS = ["MSG_JOIN_PID", "MSG_GCD_REPLY", "MSG_OK_HELLO", "MSG_ELECTION", "MSG_MEMBER_LIST_3"]

# A reply built at run time: the two IPs are equal but distinct objects, so
# Python writes the second one out again instead of a BINGET.
ip1 = "".join(["127.0.0.", "1"])
ip2 = "".join(["127.0.0.", "1"])
RUNTIME_GCD_REPLY = {(20, 1234561): (ip1, 55661), (300, 7654321): (ip2, 55662)}

# Large values (frames, batches): (name, Python expression) -> length and SHA-256.
LARGE = [
    ("RANGE_40000", "list(range(40000))"),
    ("BIG_STR_THEN_SMALL", "['x' * 70000, 'y']"),
    ("PAIRS_20000", "[[i, str(i)] for i in range(20000)]"),
    ("DICT_5000", "{i: (str(i), i * 1.5) for i in range(5000)}"),
    ("PAYLOADS_AT_FRAME_TARGET", "[b'q' * 65535, b'r' * 65536, 's' * 65536, 't' * 65535]"),
    ("RANGE_1001", "list(range(1001))"),
    ("DICT_1000", "{i: None for i in range(1000)}"),
    ("DICT_2000", "{i: None for i in range(2000)}"),
]

# Decoded to an error: objects a Value cannot hold.
REJECT = {
    "REJECT_SET_P4": pickle.dumps({1, 2}, protocol=4),
    "REJECT_STACK_GLOBAL_P4": pickle.dumps(len, protocol=4),
    "REJECT_GLOBAL_P2": pickle.dumps(len, protocol=2),
    "REJECT_REDUCE_P2": pickle.dumps(datetime.date(2020, 1, 1), protocol=2),
    "REJECT_BYTES_P2": pickle.dumps(b"x", protocol=2),
    "REJECT_INT_2_POW_64": pickle.dumps(2**64, protocol=4),
    "REJECT_PROTOCOL_0": pickle.dumps(("JOIN", 1), protocol=0),
}

REPR = {
    "MSG_OK_HELLO": ENCODE["MSG_OK_HELLO"],
    "MSG_GCD_REPLY": ENCODE["MSG_GCD_REPLY"],
    "MSG_MEMBER_LIST": ENCODE["MSG_MEMBER_LIST"],
    "NESTED": ENCODE["NESTED"],
    "QUOTES": ["it's", 'say "hi"', "both ' and \"", "back\\slash"],
    "ESCAPES": "\t\n\r\x00\x1f\x7f\x80\xa0\xad\xe9\u65e5\U0001f389\u2028",
    "BYTES": b"\x00ab'\"\\\x7f\xff\t",
    "FLOATS": [1.5, 1e16, 1e15, 0.0001, 1e-05, -0.0, float("inf"), float("-inf"), float("nan"), 0.1, 123456789.123, 1e300, 5e-324, -2.5e-7, 100.0],
    "SMALL": ((1,), (), {}, [], True, False, None, -42),
}


def rust_bytes(b):
    out = []
    for byte in b:
        c = chr(byte)
        if c == '"' or c == "\\":
            out.append("\\" + c)
        elif 0x20 <= byte < 0x7F:
            out.append(c)
        else:
            out.append("\\x%02x" % byte)
    return 'b"' + "".join(out) + '"'


def rust_str(s):
    out = []
    for c in s:
        if c in '"\\':
            out.append("\\" + c)
        elif 0x20 <= ord(c) < 0x7F:
            out.append(c)
        else:
            out.append("\\u{%x}" % ord(c))
    return '"' + "".join(out) + '"'


print("// Generated by gen_vectors.py from CPython's pickle; do not edit.")
print()
for name, value in ENCODE.items():
    print(f"/// `pickle.dumps({value!r:.60}, protocol=4)`")
    print(f"pub const {name}: &[u8] = {rust_bytes(pickle.dumps(value, protocol=4))};")
for proto in (2, 3, 5):
    for name in OTHER_PROTOCOLS:
        print(f"/// `{name}` with protocol {proto}.")
        print(f"pub const {name}_P{proto}: &[u8] = {rust_bytes(pickle.dumps(ENCODE[name], protocol=proto))};")
print("/// The GCD reply built at run time (equal IPs, distinct objects).")
print(f"pub const RUNTIME_GCD_REPLY: &[u8] = {rust_bytes(pickle.dumps(RUNTIME_GCD_REPLY, protocol=4))};")
for name, data in REJECT.items():
    print(f"/// Rejected: {name}.")
    print(f"pub const {name}: &[u8] = {rust_bytes(data)};")
for name, expr in LARGE:
    data = pickle.dumps(eval(expr), protocol=4)
    print(f"/// `pickle.dumps({expr}, protocol=4)`: length and SHA-256.")
    print(f'pub const {name}: (usize, &str) = ({len(data)}, "{hashlib.sha256(data).hexdigest()}");')
for name, value in REPR.items():
    print(f"/// `repr()` of the {name} value.")
    print(f"pub const REPR_{name}: &str = {rust_str(repr(value))};")
