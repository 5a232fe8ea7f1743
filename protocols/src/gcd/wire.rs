//! The JSON wire codec: the Python values of [`super::python`] (one
//! profile's dialect) written as JSON, so both wires carry the same shapes.
//!
//! | Python | JSON |
//! |---|---|
//! | `None`, `bool`, `int`, `float`, `str` | `null`, `true`/`false`, number, string |
//! | `tuple`, `list` | array (read back as a tuple; the mapping accepts either) |
//! | `dict` | object; a `str` key as is, any other key as its Python text (`"(20, 1234561)"`) |
//! | `bytes` (raw input) | string (read back as text) |
//!
//! e.g. `["ELECTION", {"(20, 1234561)": ["127.0.0.1", 5]}]`. Streams use the
//! default 4-byte length prefix.

use super::{Msg, Pid, Profile};
use crate::pickle::Value;
use serde_json::Value as Json;
use sim::{Codec, CodecError};

/// The course messages as JSON, in one profile's dialect.
#[derive(Clone, Copy, Debug, Default)]
pub struct CourseJson {
    /// Which year's dialect.
    pub profile: Profile,
}

impl CourseJson {
    /// A codec speaking `profile`.
    pub fn new(profile: Profile) -> Self {
        CourseJson { profile }
    }
}

/// A Python value as JSON (see the module table).
fn to_json(v: &Value) -> Json {
    match v {
        Value::None => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::Str(s) => Json::String(s.clone()),
        Value::Bytes(b) => Json::String(String::from_utf8_lossy(b).into_owned()),
        Value::Tuple(items) | Value::List(items) => {
            Json::Array(items.iter().map(to_json).collect())
        }
        Value::Dict(pairs) => Json::Object(
            pairs
                .iter()
                .map(|(k, v)| {
                    let key = match k {
                        Value::Str(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
    }
}

/// JSON as a Python value; an object key written as a `(days, id)` tuple
/// becomes that tuple again.
fn from_json(j: &Json) -> Result<Value, String> {
    Ok(match j {
        Json::Null => Value::None,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(
                n.as_f64()
                    .ok_or_else(|| format!("number {n} is out of range"))?,
            ),
        },
        Json::String(s) => Value::Str(s.clone()),
        Json::Array(items) => Value::Tuple(items.iter().map(from_json).collect::<Result<_, _>>()?),
        Json::Object(map) => Value::Dict(
            map.iter()
                .map(|(k, v)| Ok((key_value(k)?, from_json(v)?)))
                .collect::<Result<_, String>>()?,
        ),
    })
}

fn key_value(k: &str) -> Result<Value, String> {
    if k.starts_with('(') {
        let pid = Pid::parse(k)?;
        Ok((pid.days, pid.id).into())
    } else {
        Ok(Value::str(k))
    }
}

impl Codec for CourseJson {
    type Msg = Msg;

    fn encode(&self, msg: &Msg, out: &mut Vec<u8>) -> Result<(), CodecError> {
        serde_json::to_writer(out, &to_json(&self.profile.to_python(msg)))
            .map_err(|e| CodecError::Encode(e.to_string()))
    }

    fn decode(&self, bytes: &[u8]) -> Result<Msg, CodecError> {
        let json: Json =
            serde_json::from_slice(bytes).map_err(|e| CodecError::Invalid(e.to_string()))?;
        let value = from_json(&json).map_err(CodecError::Invalid)?;
        self.profile
            .from_python(&value)
            .map_err(CodecError::Invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gcd::python::tests::samples;
    use crate::gcd::Members;

    #[test]
    fn every_message_round_trips_to_its_canonical_form_in_every_profile() {
        for profile in Profile::ALL {
            let codec = CourseJson::new(profile);
            for msg in samples() {
                let mut bytes = Vec::new();
                codec.encode(&msg, &mut bytes).unwrap();
                assert_eq!(
                    codec.decode(&bytes).unwrap(),
                    profile.canonical(&msg),
                    "{profile}: {msg:?}"
                );
            }
        }
    }

    #[test]
    fn names_and_shapes_follow_the_profile() {
        let f23 = CourseJson::new(Profile::F23);
        let mut bytes = Vec::new();
        f23.encode(&Msg::Election(Members::new()), &mut bytes)
            .unwrap();
        assert_eq!(bytes, br#"["ELECT",{}]"#);
        let join = br#"["JOIN",[[20,1234561],["127.0.0.1",5]]]"#;
        assert!(CourseJson::new(Profile::F19).decode(join).is_ok());
        let err = f23.decode(join).unwrap_err().to_string();
        assert!(err.contains("unknown message `JOIN`"), "{err}");
        let mut bytes = Vec::new();
        CourseJson::new(Profile::F24)
            .encode(&Msg::GroupJoin, &mut bytes)
            .unwrap();
        assert_eq!(bytes, br#""BEGIN""#);
        let mut bytes = Vec::new();
        let members: Members = [(Pid::new(20, 1234561), "127.0.0.1:5".parse().unwrap())].into();
        CourseJson::new(Profile::Dsim)
            .encode(
                &Msg::Coordinator {
                    leader: Some(Pid::new(20, 1234561)),
                    members,
                },
                &mut bytes,
            )
            .unwrap();
        assert_eq!(
            bytes,
            br#"["COORDINATOR",[[20,1234561],{"(20, 1234561)":["127.0.0.1",5]}]]"#
        );
    }

    #[test]
    fn bad_input_is_an_error_naming_the_problem() {
        let codec = CourseJson::default();
        for (bytes, expect) in [
            (&b"\xff{"[..], "invalid"),
            (br#"{"(1, 2)": ["nowhere", 1]}"#, "not an IP"),
            (br#"{"(1 2)": ["1.2.3.4", 1]}"#, "no comma"),
            (br#"[{"host": "1.2.3.4"}]"#, "no 'port'"),
            (br#"[{"host": "1.2.3.4", "port": 65536}]"#, "out of range"),
            (br#"["ELECTION", [1, 2]]"#, "not a dict"),
            (br#"["COORDINATOR", [[1, -2], {}]]"#, "out of range"),
            (br#"["JOIN", [[1, 2.5], ["h", 1]]]"#, "not an int"),
            (b"17", "unexpected int"),
        ] {
            let err = codec.decode(bytes).unwrap_err().to_string();
            assert!(
                err.contains(expect),
                "{}: {err}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
}
