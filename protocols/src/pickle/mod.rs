//! Python `pickle` for the course's Group Coordinator and bully peers.
//!
//! The course's Python programs (`gcd.py`, `gcd2.py`, `member.py`, the
//! reference bully and classmates' nodes) exchange `pickle.dumps` blobs over
//! TCP: one pickle per message, no length prefix, the `STOP` opcode ends the
//! message. A peer that cannot unpickle answers with raw UTF-8 text instead.
//! This module speaks exactly that:
//!
//! - [`decode`] reads protocols 2–5 into a [`Value`] (None, bool, int up to
//!   64 bits, float, str, bytes, tuple, list, dict with any hashable keys,
//!   with memo and frames). It never constructs other objects: `GLOBAL`,
//!   `REDUCE` and the like are an [`Error::UnsupportedOpcode`] naming the
//!   opcode and its offset. Lengths are checked against the bytes present
//!   before use, and nesting, memo and decoded size are bounded ([`Limits`]).
//! - [`encode`] writes the bytes of CPython's `pickle.dumps(obj)` with the
//!   default protocol 4 of Python 3.8–3.13, `FRAME` and `MEMOIZE` included
//!   (see the `encode` module for how identity-based memo sharing is
//!   rendered). Protocol 4 is what the course's peers send themselves, so our
//!   bytes are theirs; every Python 3 reads it.
//! - [`frame_len`] finds the end of the pickle at the start of a stream
//!   buffer by scanning opcodes, without building values; needed because the
//!   reference bully's OK comes back on the connection that carried ELECTION.
//! - A buffer that does not start with the `PROTO` opcode is an
//!   [`Error::NotPickle`] carrying the text, so a caller can report a peer's
//!   `Expected a pickled message, got ...` instead of failing obscurely.
//! - [`PickleCodec`] plugs message types implementing [`ToPickle`] and
//!   [`FromPickle`] into [`sim::Codec`].
//!
//! ```
//! use protocols::pickle::{decode, encode, frame_len, Value};
//!
//! let join = Value::from(("JOIN", ((20, 1234561), ("127.0.0.1", 55661))));
//! let bytes = encode(&join).unwrap(); // what Python's pickle.dumps(join) gives
//! assert_eq!(frame_len(&bytes).unwrap(), Some(bytes.len()));
//! assert_eq!(decode(&bytes).unwrap(), join);
//! assert_eq!(join.to_string(), "('JOIN', ((20, 1234561), ('127.0.0.1', 55661)))");
//! ```
//!
//! ## Why not `serde-pickle`
//!
//! `serde-pickle` (1.2 on crates.io) decodes these pickles, but it does not
//! fit: it writes protocol 2/3 without memo or frames, so its bytes differ
//! from what Python sends; its `Value::Dict` is a `BTreeMap`, losing the
//! insertion order Python keeps; it has no way to find the end of a pickle in
//! a stream; and it brings `num-bigint`, `byteorder` and `iter-read`. The
//! subset needed here is a few hundred lines, so it is written out instead.
//!
//! The test vectors were produced by `pickle.dumps` in Python 3.11; the
//! scripts are in `protocols/src/pickle/testdata/`.

mod codec;
mod decode;
mod encode;
mod error;
mod frame;
mod opcodes;
mod repr;
mod tokens;
mod value;

#[cfg(test)]
mod tests;

pub use codec::{FromPickle, PickleCodec, ToPickle};
pub use decode::{decode, decode_with, Limits};
pub use encode::{encode, encode_into, MAX_ENCODE_DEPTH, PROTOCOL};
pub use error::{Error, NOT_PICKLE_TEXT_MAX};
pub use frame::{frame_len, frame_len_resume, frame_len_with};
pub use value::Value;
