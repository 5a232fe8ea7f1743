//! [`PickleCodec`]: a [`sim::Codec`] for message types that map to and from
//! [`Value`]s, framed on streams by the pickle's own `STOP` opcode.
//!
//! A message type implements [`ToPickle`] and [`FromPickle`]; the codec does
//! the bytes. Example, with the course's Lab 2 messages reduced to two:
//!
//! ```
//! use protocols::pickle::{Error, FromPickle, PickleCodec, ToPickle, Value};
//! use sim::Codec;
//!
//! /// A process id: (days to birthday, SU id).
//! type Pid = (i64, i64);
//!
//! #[derive(Debug, PartialEq)]
//! enum Msg {
//!     /// `('JOIN', ((days, su_id), (host, port)))`
//!     Join { pid: Pid, host: String, port: u16 },
//!     /// A bare `'OK'` or `('OK', anything)`.
//!     Ok,
//!     /// A peer answered with raw text instead of a pickle.
//!     PeerText(String),
//! }
//!
//! impl ToPickle for Msg {
//!     fn to_pickle(&self) -> Value {
//!         match self {
//!             Msg::Join { pid, host, port } => {
//!                 ("JOIN", (*pid, (host.as_str(), *port))).into()
//!             }
//!             Msg::Ok => ("OK", Value::None).into(),
//!             Msg::PeerText(text) => Value::str(text.as_str()),
//!         }
//!     }
//! }
//!
//! impl FromPickle for Msg {
//!     fn from_pickle(value: &Value) -> Result<Self, Error> {
//!         let (name, data) = value.message_parts()?;
//!         match name {
//!             "JOIN" => {
//!                 let [pid, addr] = data.expect_tuple("JOIN data")?;
//!                 let [days, su_id] = pid.expect_tuple("JOIN pid")?;
//!                 let [host, port] = addr.expect_tuple("JOIN address")?;
//!                 Ok(Msg::Join {
//!                     pid: (days.expect_int("days")?, su_id.expect_int("SU id")?),
//!                     host: host.expect_str("host")?.to_owned(),
//!                     port: port.expect_int_as("port")?,
//!                 })
//!             }
//!             "OK" => Ok(Msg::Ok),
//!             _ => Err(value.unexpected("message", "JOIN or OK")),
//!         }
//!     }
//!
//!     fn from_text_reply(text: &str) -> Result<Self, Error> {
//!         Ok(Msg::PeerText(text.to_owned()))
//!     }
//! }
//!
//! let codec = PickleCodec::<Msg>::new();
//! let join = Msg::Join { pid: (20, 1234561), host: "127.0.0.1".into(), port: 55661 };
//! let mut wire = Vec::new();
//! codec.encode_frame(&join, &mut wire).unwrap();
//! codec.encode_frame(&Msg::Ok, &mut wire).unwrap();
//! // Byte for byte what Python's pickle.dumps writes for the same tuple:
//! assert!(wire.starts_with(b"\x80\x04\x95"));
//! let first = codec.frame_len(&wire).unwrap().unwrap();
//! assert_eq!(codec.decode_frame(&wire[..first]).unwrap(), join);
//! let rest = &wire[first..];
//! assert_eq!(codec.frame_len(rest).unwrap(), Some(rest.len()));
//! assert_eq!(codec.decode_frame(rest).unwrap(), Msg::Ok);
//!
//! // The course GCD answers a non-pickle with a raw text line:
//! let reply = b"Expected a pickled message, got b'garbage'\n";
//! let n = codec.frame_len(reply).unwrap().unwrap();
//! assert_eq!(
//!     codec.decode_frame(&reply[..n]).unwrap(),
//!     Msg::PeerText("Expected a pickled message, got b'garbage'\n".into())
//! );
//! ```

use super::decode::{decode_with, Limits};
use super::encode::encode_into;
use super::error::Error;
use super::frame::frame_len_resume;
use super::value::Value;
use sim::{Codec, CodecError};
use std::marker::PhantomData;

/// A message type that can be written as a pickle.
pub trait ToPickle {
    /// The Python object this message is sent as.
    fn to_pickle(&self) -> Value;
}

/// A message type that can be read from a pickle.
pub trait FromPickle: Sized {
    /// The message for a decoded Python object; [`Error::Shape`] (see
    /// [`Value::unexpected`] and the `expect_*` accessors) if it is none.
    fn from_pickle(value: &Value) -> Result<Self, Error>;

    /// The message for a peer's raw text reply (a non-pickle, framed on
    /// streams as one line). By default such a reply is an
    /// [`Error::NotPickle`]; a type that wants to observe these replies
    /// returns a message carrying the text.
    fn from_text_reply(text: &str) -> Result<Self, Error> {
        Err(Error::NotPickle {
            text: text.to_owned(),
        })
    }

    /// The message for raw non-pickle bytes (one line on streams). By
    /// default [`FromPickle::from_text_reply`] of the bytes as text; a type
    /// that must answer the exact bytes (as the course's GCD quotes them)
    /// overrides this.
    fn from_raw(bytes: &[u8]) -> Result<Self, Error> {
        Self::from_text_reply(&String::from_utf8_lossy(bytes))
    }
}

/// A [`Codec`] writing Python protocol-4 pickles of `M`'s [`Value`]s.
///
/// On streams a message is one pickle with no length prefix (as the course's
/// Python programs send them); its `STOP` opcode ends it. A stream that does
/// not start with a pickle is framed as one text line (up to and including
/// `\n`) and handed to [`FromPickle::from_text_reply`].
pub struct PickleCodec<M> {
    limits: Limits,
    message: PhantomData<fn() -> M>,
}

impl<M> PickleCodec<M> {
    /// A codec with [`Limits::default`].
    pub fn new() -> Self {
        Self::with_limits(Limits::default())
    }

    /// A codec with the given decoding limits; `max_message` is also the
    /// largest message it encodes.
    pub fn with_limits(limits: Limits) -> Self {
        PickleCodec {
            limits,
            message: PhantomData,
        }
    }
}

impl<M> Default for PickleCodec<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M> Clone for PickleCodec<M> {
    fn clone(&self) -> Self {
        Self::with_limits(self.limits.clone())
    }
}

/// Maps a pickle error to the codec error a driver reports.
fn codec_error(e: Error) -> CodecError {
    match e {
        Error::Truncated { needed, have } => CodecError::Truncated { needed, have },
        Error::TooLarge { claimed, max, .. } => CodecError::TooLarge { claimed, max },
        other => CodecError::Invalid(other.to_string()),
    }
}

impl<M: ToPickle + FromPickle> Codec for PickleCodec<M> {
    type Msg = M;

    fn encode(&self, msg: &M, out: &mut Vec<u8>) -> Result<(), CodecError> {
        encode_into(&msg.to_pickle(), out).map_err(|e| CodecError::Encode(e.to_string()))
    }

    fn decode(&self, bytes: &[u8]) -> Result<M, CodecError> {
        let decoded = match decode_with(bytes, &self.limits) {
            Ok(value) => M::from_pickle(&value),
            Err(Error::NotPickle { .. }) => M::from_raw(bytes),
            Err(e) => Err(e),
        };
        decoded.map_err(codec_error)
    }

    fn max_frame_len(&self) -> usize {
        self.limits.max_message
    }

    fn encode_frame(&self, msg: &M, out: &mut Vec<u8>) -> Result<(), CodecError> {
        let start = out.len();
        self.encode(msg, out)?;
        let len = out.len() - start;
        if len > self.limits.max_message {
            out.truncate(start);
            return Err(CodecError::Encode(format!(
                "message of {len} bytes exceeds the frame limit of {}",
                self.limits.max_message
            )));
        }
        Ok(())
    }

    fn frame_len(&self, buf: &[u8]) -> Result<Option<usize>, CodecError> {
        self.frame_len_resume(buf, &mut 0)
    }

    fn frame_len_resume(
        &self,
        buf: &[u8],
        scanned: &mut usize,
    ) -> Result<Option<usize>, CodecError> {
        match frame_len_resume(buf, &self.limits, scanned) {
            Err(Error::NotPickle { .. }) => {
                // A text line (the course's error replies): resume the
                // search for its end where the last one stopped.
                let max = self.limits.max_message;
                let from = (*scanned).min(buf.len());
                let found = buf[from..]
                    .iter()
                    .take(max.saturating_sub(from))
                    .position(|&b| b == b'\n');
                *scanned = buf.len();
                match found.map(|i| i + from) {
                    Some(i) => Ok(Some(i + 1)),
                    None if buf.len() >= max => Err(CodecError::TooLarge {
                        claimed: buf.len() as u64 + 1,
                        max: max as u64,
                    }),
                    None => Ok(None),
                }
            }
            other => other.map_err(codec_error),
        }
    }

    fn decode_frame(&self, frame: &[u8]) -> Result<M, CodecError> {
        self.decode(frame)
    }
}

impl ToPickle for Value {
    fn to_pickle(&self) -> Value {
        self.clone()
    }
}

impl FromPickle for Value {
    /// Any decoded value as is: `PickleCodec<Value>` carries raw Python objects.
    fn from_pickle(value: &Value) -> Result<Self, Error> {
        Ok(value.clone())
    }
}
