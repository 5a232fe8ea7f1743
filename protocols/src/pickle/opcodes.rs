//! The pickle opcode set (protocols 0–5): byte values, Python's names, and the
//! shape of each opcode's argument, which is all the frame scanner needs.

/// Pushes a mark onto the stack.
pub const MARK: u8 = b'(';
/// Ends the pickle.
pub const STOP: u8 = b'.';
/// Discards the top of the stack.
pub const POP: u8 = b'0';
/// Discards everything down to and including the top mark.
pub const POP_MARK: u8 = b'1';
/// Duplicates the top of the stack.
pub const DUP: u8 = b'2';
/// Pushes a signed 4-byte little-endian int.
pub const BININT: u8 = b'J';
/// Pushes an unsigned 1-byte int.
pub const BININT1: u8 = b'K';
/// Pushes an unsigned 2-byte little-endian int.
pub const BININT2: u8 = b'M';
/// Pushes `None`.
pub const NONE: u8 = b'N';
/// Pushes a str: 4-byte length then UTF-8.
pub const BINUNICODE: u8 = b'X';
/// Appends the top of the stack to the list below it.
pub const APPEND: u8 = b'a';
/// Builds a dict from the items above the top mark.
pub const DICT: u8 = b'd';
/// Pushes an empty dict.
pub const EMPTY_DICT: u8 = b'}';
/// Appends the items above the top mark to the list below it.
pub const APPENDS: u8 = b'e';
/// Pushes a memo entry: 1-byte index.
pub const BINGET: u8 = b'h';
/// Pushes a memo entry: 4-byte index.
pub const LONG_BINGET: u8 = b'j';
/// Builds a list from the items above the top mark.
pub const LIST: u8 = b'l';
/// Pushes an empty list.
pub const EMPTY_LIST: u8 = b']';
/// Stores the top of the stack in the memo: 1-byte index.
pub const BINPUT: u8 = b'q';
/// Stores the top of the stack in the memo: 4-byte index.
pub const LONG_BINPUT: u8 = b'r';
/// Sets one key/value pair in the dict below them.
pub const SETITEM: u8 = b's';
/// Builds a tuple from the items above the top mark.
pub const TUPLE: u8 = b't';
/// Pushes `()`.
pub const EMPTY_TUPLE: u8 = b')';
/// Sets the pairs above the top mark in the dict below it.
pub const SETITEMS: u8 = b'u';
/// Pushes a float: 8 bytes big-endian IEEE 754.
pub const BINFLOAT: u8 = b'G';
/// Names the protocol version (1-byte argument).
pub const PROTO: u8 = 0x80;
/// Builds a 1-tuple from the top of the stack.
pub const TUPLE1: u8 = 0x85;
/// Builds a 2-tuple from the top two items.
pub const TUPLE2: u8 = 0x86;
/// Builds a 3-tuple from the top three items.
pub const TUPLE3: u8 = 0x87;
/// Pushes `True`.
pub const NEWTRUE: u8 = 0x88;
/// Pushes `False`.
pub const NEWFALSE: u8 = 0x89;
/// Pushes an int: 1-byte length then little-endian two's complement.
pub const LONG1: u8 = 0x8a;
/// Pushes an int: 4-byte length then little-endian two's complement.
pub const LONG4: u8 = 0x8b;
/// Pushes bytes: 4-byte length.
pub const BINBYTES: u8 = b'B';
/// Pushes bytes: 1-byte length.
pub const SHORT_BINBYTES: u8 = b'C';
/// Pushes a str: 1-byte length.
pub const SHORT_BINUNICODE: u8 = 0x8c;
/// Pushes a str: 8-byte length.
pub const BINUNICODE8: u8 = 0x8d;
/// Pushes bytes: 8-byte length.
pub const BINBYTES8: u8 = 0x8e;
/// Stores the top of the stack at the next free memo index.
pub const MEMOIZE: u8 = 0x94;
/// Announces a frame: 8-byte length of the opcodes that follow in it.
pub const FRAME: u8 = 0x95;

/// How an opcode's argument is laid out after the opcode byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg {
    /// A fixed number of bytes (possibly 0).
    Fixed(usize),
    /// A little-endian length of this many bytes, then that many bytes.
    Counted(usize),
    /// This many newline-terminated text lines (protocol 0 opcodes).
    Lines(usize),
}

/// Python's name for `op` and its argument layout, or `None` if `op` is not a
/// pickle opcode.
pub fn describe(op: u8) -> Option<(&'static str, Arg)> {
    use Arg::{Counted, Fixed, Lines};
    Some(match op {
        MARK => ("MARK", Fixed(0)),
        STOP => ("STOP", Fixed(0)),
        POP => ("POP", Fixed(0)),
        POP_MARK => ("POP_MARK", Fixed(0)),
        DUP => ("DUP", Fixed(0)),
        b'F' => ("FLOAT", Lines(1)),
        b'I' => ("INT", Lines(1)),
        BININT => ("BININT", Fixed(4)),
        BININT1 => ("BININT1", Fixed(1)),
        b'L' => ("LONG", Lines(1)),
        BININT2 => ("BININT2", Fixed(2)),
        NONE => ("NONE", Fixed(0)),
        b'P' => ("PERSID", Lines(1)),
        b'Q' => ("BINPERSID", Fixed(0)),
        b'R' => ("REDUCE", Fixed(0)),
        b'S' => ("STRING", Lines(1)),
        b'T' => ("BINSTRING", Counted(4)),
        b'U' => ("SHORT_BINSTRING", Counted(1)),
        b'V' => ("UNICODE", Lines(1)),
        BINUNICODE => ("BINUNICODE", Counted(4)),
        APPEND => ("APPEND", Fixed(0)),
        b'b' => ("BUILD", Fixed(0)),
        b'c' => ("GLOBAL", Lines(2)),
        DICT => ("DICT", Fixed(0)),
        EMPTY_DICT => ("EMPTY_DICT", Fixed(0)),
        APPENDS => ("APPENDS", Fixed(0)),
        b'g' => ("GET", Lines(1)),
        BINGET => ("BINGET", Fixed(1)),
        b'i' => ("INST", Lines(2)),
        LONG_BINGET => ("LONG_BINGET", Fixed(4)),
        LIST => ("LIST", Fixed(0)),
        EMPTY_LIST => ("EMPTY_LIST", Fixed(0)),
        b'o' => ("OBJ", Fixed(0)),
        b'p' => ("PUT", Lines(1)),
        BINPUT => ("BINPUT", Fixed(1)),
        LONG_BINPUT => ("LONG_BINPUT", Fixed(4)),
        SETITEM => ("SETITEM", Fixed(0)),
        TUPLE => ("TUPLE", Fixed(0)),
        EMPTY_TUPLE => ("EMPTY_TUPLE", Fixed(0)),
        SETITEMS => ("SETITEMS", Fixed(0)),
        BINFLOAT => ("BINFLOAT", Fixed(8)),
        PROTO => ("PROTO", Fixed(1)),
        0x81 => ("NEWOBJ", Fixed(0)),
        0x82 => ("EXT1", Fixed(1)),
        0x83 => ("EXT2", Fixed(2)),
        0x84 => ("EXT4", Fixed(4)),
        TUPLE1 => ("TUPLE1", Fixed(0)),
        TUPLE2 => ("TUPLE2", Fixed(0)),
        TUPLE3 => ("TUPLE3", Fixed(0)),
        NEWTRUE => ("NEWTRUE", Fixed(0)),
        NEWFALSE => ("NEWFALSE", Fixed(0)),
        LONG1 => ("LONG1", Counted(1)),
        LONG4 => ("LONG4", Counted(4)),
        BINBYTES => ("BINBYTES", Counted(4)),
        SHORT_BINBYTES => ("SHORT_BINBYTES", Counted(1)),
        SHORT_BINUNICODE => ("SHORT_BINUNICODE", Counted(1)),
        BINUNICODE8 => ("BINUNICODE8", Counted(8)),
        BINBYTES8 => ("BINBYTES8", Counted(8)),
        0x8f => ("EMPTY_SET", Fixed(0)),
        0x90 => ("ADDITEMS", Fixed(0)),
        0x91 => ("FROZENSET", Fixed(0)),
        0x92 => ("NEWOBJ_EX", Fixed(0)),
        0x93 => ("STACK_GLOBAL", Fixed(0)),
        MEMOIZE => ("MEMOIZE", Fixed(0)),
        FRAME => ("FRAME", Fixed(8)),
        0x96 => ("BYTEARRAY8", Counted(8)),
        0x97 => ("NEXT_BUFFER", Fixed(0)),
        0x98 => ("READONLY_BUFFER", Fixed(0)),
        _ => return None,
    })
}
