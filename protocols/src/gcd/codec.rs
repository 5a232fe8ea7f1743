//! Choosing the wire encoding of the course messages: JSON (ours) or pickle
//! (what the course's Python programs speak).

use super::{CourseJson, CoursePickle, Msg, Profile};
use serde::Deserialize;
use sim::{Codec, CodecError};
use std::fmt;
use std::str::FromStr;

/// The encoding on the wire.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Wire {
    /// JSON, length-prefixed on streams.
    #[default]
    Json,
    /// Python pickle (protocol 4), ended by its STOP opcode on streams.
    Pickle,
}

impl fmt::Display for Wire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Wire::Json => "json",
            Wire::Pickle => "pickle",
        })
    }
}

impl FromStr for Wire {
    type Err = String;
    fn from_str(s: &str) -> Result<Wire, String> {
        match s {
            "json" => Ok(Wire::Json),
            "pickle" => Ok(Wire::Pickle),
            other => Err(format!(
                "unknown wire format `{other}` (known: json, pickle)"
            )),
        }
    }
}

/// The codec of the course messages: an encoding and a profile's names.
#[derive(Clone)]
pub enum CourseCodec {
    /// JSON.
    Json(CourseJson),
    /// Python pickle.
    Pickle(CoursePickle),
}

impl CourseCodec {
    /// The codec for `wire` with `profile`'s message names.
    pub fn new(wire: Wire, profile: Profile) -> Self {
        match wire {
            Wire::Json => CourseCodec::Json(CourseJson::new(profile)),
            Wire::Pickle => CourseCodec::Pickle(CoursePickle::new(profile)),
        }
    }

    fn inner(&self) -> &dyn Codec<Msg = Msg> {
        match self {
            CourseCodec::Json(c) => c,
            CourseCodec::Pickle(c) => c,
        }
    }
}

/// The largest course message a live reader accepts.
pub const COURSE_MAX_FRAME: usize = 64 << 10;

impl Codec for CourseCodec {
    type Msg = Msg;

    fn encode(&self, msg: &Msg, out: &mut Vec<u8>) -> Result<(), CodecError> {
        self.inner().encode(msg, out)
    }
    fn decode(&self, bytes: &[u8]) -> Result<Msg, CodecError> {
        self.inner().decode(bytes)
    }
    /// Course messages are tiny: a live reader holds at most 64 KiB of a
    /// frame per connection (the encodings' own limits are larger).
    fn max_frame_len(&self) -> usize {
        self.inner().max_frame_len().min(COURSE_MAX_FRAME)
    }
    fn encode_frame(&self, msg: &Msg, out: &mut Vec<u8>) -> Result<(), CodecError> {
        self.inner().encode_frame(msg, out)
    }
    fn frame_len(&self, buf: &[u8]) -> Result<Option<usize>, CodecError> {
        self.inner().frame_len(buf)
    }
    fn frame_len_resume(
        &self,
        buf: &[u8],
        scanned: &mut usize,
    ) -> Result<Option<usize>, CodecError> {
        self.inner().frame_len_resume(buf, scanned)
    }
    fn decode_frame(&self, frame: &[u8]) -> Result<Msg, CodecError> {
        self.inner().decode_frame(frame)
    }
}
