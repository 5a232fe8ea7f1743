//! A [`Value`] to the bytes CPython's `pickle.dumps(obj, protocol=4)` writes.
//!
//! This follows CPython's C pickler (`_pickle.c`) exactly for these types:
//! - ints in `i32` range as `BININT1` (0..=255), `BININT2` (0..=65535) or
//!   `BININT`, larger ones as `LONG1` with the minimal two's-complement bytes;
//! - strs as `SHORT_BINUNICODE` (< 256 bytes) or `BINUNICODE`, bytes as
//!   `SHORT_BINBYTES`/`BINBYTES`, each followed by `MEMOIZE`;
//! - tuples as `EMPTY_TUPLE`, `TUPLE1..3` or `MARK ... TUPLE`, then `MEMOIZE`;
//! - lists and dicts as `EMPTY_LIST`/`EMPTY_DICT`, `MEMOIZE`, then one item
//!   with `APPEND`/`SETITEM`, or batches of up to 1000 between `MARK` and
//!   `APPENDS`/`SETITEMS` (a dict of a multiple of 1000 items ends with an
//!   empty batch, as CPython's does);
//! - the output is cut into `FRAME`s: a frame is closed after the object that
//!   brings it to 64 KiB (checked before each object is written), a str or bytes payload of 64 KiB or more is written
//!   outside any frame, and a frame under 4 bytes gets no `FRAME` header.
//!
//! Python memoizes by object identity. A `Value` has none, so the encoder
//! shares equal strs, bytes and tuples (a later equal one becomes a `BINGET`)
//! and never shares lists or dicts. That is what Python does for the
//! constants and interned names messages are built from (the compiler merges
//! equal constants, identifier-like strings are interned); a message Python
//! builds at run time from separately computed equal strings would instead
//! repeat them. Either way both sides decode the same value.

use super::error::Error;
use super::opcodes::*;
use super::value::Value;
use std::collections::HashMap;

/// The protocol [`encode`] writes: Python 3.8–3.13's default.
pub const PROTOCOL: u8 = 4;

/// Container nesting beyond which [`encode`] refuses a value.
pub const MAX_ENCODE_DEPTH: usize = 100;

const FRAME_SIZE_TARGET: usize = 64 * 1024;
const FRAME_SIZE_MIN: usize = 4;
const FRAME_HEADER_SIZE: usize = 9;
const BATCH_SIZE: usize = 1000;

/// Encodes `value` as Python's `pickle.dumps(value, protocol=4)` would.
/// Errors if Python could not load the result (a list or dict used as a dict
/// key) or if containers nest deeper than [`MAX_ENCODE_DEPTH`].
pub fn encode(value: &Value) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    encode_into(value, &mut out)?;
    Ok(out)
}

/// [`encode`], appending to `out` (left unchanged on error).
pub fn encode_into(value: &Value, out: &mut Vec<u8>) -> Result<(), Error> {
    let start = out.len();
    let mut pickler = Pickler {
        out: Framer {
            buf: std::mem::take(out),
            frame_start: None,
            framing: false,
        },
        memo: HashMap::new(),
        memo_len: 0,
    };
    pickler.out.write(&[PROTO, PROTOCOL]);
    pickler.out.framing = true;
    let result = pickler.save(value, MAX_ENCODE_DEPTH);
    let mut buf = if result.is_ok() {
        pickler.out.write(&[STOP]);
        pickler.out.commit_frame();
        pickler.out.buf
    } else {
        let mut buf = pickler.out.buf;
        buf.truncate(start);
        buf
    };
    std::mem::swap(out, &mut buf);
    result
}

/// The output buffer with CPython's framing rules.
struct Framer {
    buf: Vec<u8>,
    /// Where the open frame's reserved header starts.
    frame_start: Option<usize>,
    framing: bool,
}

impl Framer {
    fn write(&mut self, data: &[u8]) {
        if self.framing && self.frame_start.is_none() {
            self.frame_start = Some(self.buf.len());
            self.buf.extend_from_slice(&[FRAME; FRAME_HEADER_SIZE]);
        }
        self.buf.extend_from_slice(data);
    }

    fn commit_frame(&mut self) {
        let Some(start) = self.frame_start.take() else {
            return;
        };
        let len = self.buf.len() - start - FRAME_HEADER_SIZE;
        if len >= FRAME_SIZE_MIN {
            self.buf[start] = FRAME;
            self.buf[start + 1..start + FRAME_HEADER_SIZE]
                .copy_from_slice(&(len as u64).to_le_bytes());
        } else {
            self.buf.drain(start..start + FRAME_HEADER_SIZE);
        }
    }

    fn opcode_boundary(&mut self) {
        if let Some(start) = self.frame_start {
            if self.buf.len() - start - FRAME_HEADER_SIZE >= FRAME_SIZE_TARGET {
                self.commit_frame();
            }
        }
    }

    /// Writes an opcode with a payload; a large payload goes outside frames.
    fn write_payload(&mut self, header: &[u8], payload: &[u8]) {
        let bypass = payload.len() >= FRAME_SIZE_TARGET;
        if bypass {
            self.commit_frame();
            self.framing = false;
        }
        self.write(header);
        self.write(payload);
        self.framing = true;
    }
}

struct Pickler<'v> {
    out: Framer,
    /// Memo indices of the strs, bytes and tuples written so far.
    memo: HashMap<&'v Value, u32>,
    /// Memo indices taken so far (by every memoized object).
    memo_len: u32,
}

impl<'v> Pickler<'v> {
    fn save(&mut self, value: &'v Value, depth: usize) -> Result<(), Error> {
        self.out.opcode_boundary();
        match value {
            Value::None => self.out.write(&[NONE]),
            Value::Bool(true) => self.out.write(&[NEWTRUE]),
            Value::Bool(false) => self.out.write(&[NEWFALSE]),
            Value::Int(i) => self.save_int(*i),
            Value::Float(f) => {
                let mut op = [BINFLOAT; 9];
                op[1..].copy_from_slice(&f.to_be_bytes());
                self.out.write(&op);
            }
            _ if self.memo.contains_key(value) => self.save_get(self.memo[value]),
            Value::Str(s) => {
                let len = s.len();
                if len <= 0xff {
                    self.out
                        .write_payload(&[SHORT_BINUNICODE, len as u8], s.as_bytes());
                } else {
                    if len > u32::MAX as usize {
                        return Err(Error::Unencodable("str over 4 GiB".into()));
                    }
                    let mut header = [BINUNICODE; 5];
                    header[1..].copy_from_slice(&(len as u32).to_le_bytes());
                    self.out.write_payload(&header, s.as_bytes());
                }
                self.memoize(Some(value));
            }
            Value::Bytes(b) => {
                let len = b.len();
                if len <= 0xff {
                    self.out.write_payload(&[SHORT_BINBYTES, len as u8], b);
                } else {
                    if len > u32::MAX as usize {
                        return Err(Error::Unencodable("bytes over 4 GiB".into()));
                    }
                    let mut header = [BINBYTES; 5];
                    header[1..].copy_from_slice(&(len as u32).to_le_bytes());
                    self.out.write_payload(&header, b);
                }
                self.memoize(Some(value));
            }
            Value::Tuple(items) => {
                if items.is_empty() {
                    self.out.write(&[EMPTY_TUPLE]);
                    return Ok(());
                }
                let depth = deeper(depth)?;
                if items.len() > 3 {
                    self.out.write(&[MARK]);
                }
                for item in items {
                    self.save(item, depth)?;
                }
                self.out.write(&[match items.len() {
                    1 => TUPLE1,
                    2 => TUPLE2,
                    3 => TUPLE3,
                    _ => TUPLE,
                }]);
                self.memoize(Some(value));
            }
            Value::List(items) => {
                let depth = deeper(depth)?;
                self.out.write(&[EMPTY_LIST]);
                self.memoize(None);
                if let [item] = items.as_slice() {
                    self.save(item, depth)?;
                    self.out.write(&[APPEND]);
                } else {
                    for batch in items.chunks(BATCH_SIZE) {
                        self.out.write(&[MARK]);
                        for item in batch {
                            self.save(item, depth)?;
                        }
                        self.out.write(&[APPENDS]);
                    }
                }
            }
            Value::Dict(pairs) => {
                let depth = deeper(depth)?;
                self.out.write(&[EMPTY_DICT]);
                self.memoize(None);
                if let Some((key, _)) = pairs.iter().find(|(k, _)| !k.is_hashable()) {
                    return Err(Error::Unencodable(format!(
                        "a {} cannot be a dict key",
                        key.type_name()
                    )));
                }
                if let [(key, item)] = pairs.as_slice() {
                    self.save(key, depth)?;
                    self.save(item, depth)?;
                    self.out.write(&[SETITEM]);
                } else if !pairs.is_empty() {
                    let mut batches = pairs.chunks(BATCH_SIZE);
                    loop {
                        let batch = batches.next().unwrap_or_default();
                        self.out.write(&[MARK]);
                        for (key, item) in batch {
                            self.save(key, depth)?;
                            self.save(item, depth)?;
                        }
                        self.out.write(&[SETITEMS]);
                        if batch.len() < BATCH_SIZE {
                            break;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn save_int(&mut self, i: i64) {
        match i {
            0..=0xff => self.out.write(&[BININT1, i as u8]),
            0x100..=0xffff => {
                let b = (i as u16).to_le_bytes();
                self.out.write(&[BININT2, b[0], b[1]]);
            }
            _ if i32::try_from(i).is_ok() => {
                let b = (i as i32).to_le_bytes();
                self.out.write(&[BININT, b[0], b[1], b[2], b[3]]);
            }
            _ => {
                let bytes = long_bytes(i);
                let mut op = vec![LONG1, bytes.len() as u8];
                op.extend_from_slice(&bytes);
                self.out.write(&op);
            }
        }
    }

    fn save_get(&mut self, index: u32) {
        match u8::try_from(index) {
            Ok(i) => self.out.write(&[BINGET, i]),
            Err(_) => {
                let b = index.to_le_bytes();
                self.out.write(&[LONG_BINGET, b[0], b[1], b[2], b[3]]);
            }
        }
    }

    /// Writes `MEMOIZE` and remembers `shared` (a str, bytes or tuple) under
    /// the new index; lists and dicts take an index but are never shared.
    fn memoize(&mut self, shared: Option<&'v Value>) {
        let index = self.memo_len;
        self.memo_len += 1;
        if let Some(value) = shared {
            self.memo.insert(value, index);
        }
        self.out.write(&[MEMOIZE]);
    }
}

/// One level deeper, or an error past [`MAX_ENCODE_DEPTH`].
fn deeper(depth: usize) -> Result<usize, Error> {
    depth.checked_sub(1).ok_or_else(|| {
        Error::Unencodable(format!(
            "containers nest deeper than {MAX_ENCODE_DEPTH} levels"
        ))
    })
}

/// Python's `encode_long`: the shortest little-endian two's complement of `i`.
fn long_bytes(i: i64) -> Vec<u8> {
    let bits = 64 - i.unsigned_abs().leading_zeros() as usize;
    let mut n = (bits >> 3) + 1;
    let all = i128::from(i).to_le_bytes();
    if i < 0 && n > 1 && all[n - 1] == 0xff && all[n - 2] & 0x80 != 0 {
        n -= 1;
    }
    all[..n].to_vec()
}
