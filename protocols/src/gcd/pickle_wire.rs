//! The pickle wire codec: the course messages as the Python objects the
//! course's programs pickle, with one profile's names, byte-compatible with
//! `pickle.dumps` (see [`crate::pickle`]). On streams a message is one pickle
//! ended by its STOP opcode; a raw text line (the GCD's "Expected a pickled
//! message" answer) decodes as [`Msg::Text`].
//!
//! | message | Python value |
//! |---|---|
//! | group join / hello | `'JOIN'` / `'HELLO'` |
//! | group list | `[{'host': '127.0.0.1', 'port': 7001}, ...]` |
//! | join | `('JOIN', ((days, id), (host, port)))` |
//! | members | `{(days, id): (host, port), ...}` |
//! | text | any other `str` |
//! | hello reply | `('OK', 'Happy to meet you, ...')` |
//! | election / ok | `('ELECTION', members)` / `('OK', members)` |
//! | coordinator | `('COORDINATOR', ((days, id), members))`; a bare `(days, id)` (f23, f24 peers) is read too |
//! | probe / probe ok | `('PROBE', None)` / `'OK'` (or `('OK', None)`) |

use super::{JoinRequest, Members, Msg, Pid, Profile};
use crate::pickle::{Error, FromPickle, PickleCodec, ToPickle, Value};
use sim::{Codec, CodecError};
use std::net::SocketAddr;

/// A decoded pickle or a raw text reply, before the profile gives it a meaning.
enum Raw {
    Value(Value),
    Text(String),
}

impl ToPickle for Raw {
    fn to_pickle(&self) -> Value {
        match self {
            Raw::Value(v) => v.clone(),
            Raw::Text(t) => Value::str(t.as_str()),
        }
    }
}

impl FromPickle for Raw {
    fn from_pickle(value: &Value) -> Result<Self, Error> {
        Ok(Raw::Value(value.clone()))
    }

    fn from_text_reply(text: &str) -> Result<Self, Error> {
        Ok(Raw::Text(text.to_owned()))
    }
}

/// The course messages as Python pickles, with one profile's names.
#[derive(Clone, Default)]
pub struct CoursePickle {
    profile: Profile,
    inner: PickleCodec<Raw>,
}

impl CoursePickle {
    /// A codec with `profile`'s names.
    pub fn new(profile: Profile) -> Self {
        CoursePickle {
            profile,
            inner: PickleCodec::new(),
        }
    }

    /// The Python value of `msg`.
    pub fn to_value(&self, msg: &Msg) -> Value {
        let n = self.profile.names();
        let named = |name: &str, data: Value| Value::tuple([Value::str(name), data]);
        match msg {
            Msg::GroupJoin => Value::str(n.join),
            Msg::GroupList(list) => Value::list(list.iter().map(|a| {
                Value::dict([
                    (Value::str("host"), Value::str(a.ip().to_string())),
                    (Value::str("port"), a.port().into()),
                ])
            })),
            Msg::Join(r) => named(n.join, ((r.days, r.id), (r.host.as_str(), r.port)).into()),
            Msg::Members(m) => members_value(m),
            Msg::Text(t) => Value::str(t.as_str()),
            Msg::Hello => Value::str(n.hello),
            Msg::HelloReply(t) => named(n.ok, Value::str(t.as_str())),
            Msg::Election(m) => named(n.election, members_value(m)),
            Msg::Ok(m) => named(n.ok, members_value(m)),
            Msg::Coordinator { leader, members } => named(
                n.coordinator,
                Value::tuple([pid_value(*leader), members_value(members)]),
            ),
            Msg::Probe => named(n.probe, Value::None),
            Msg::ProbeOk => Value::str(n.ok),
        }
    }

    /// The message a Python value stands for; the error names what is wrong.
    pub fn from_value(&self, v: &Value) -> Result<Msg, String> {
        let n = self.profile.names();
        match v {
            Value::Str(s) if s == n.join => Ok(Msg::GroupJoin),
            Value::Str(s) if s == n.hello => Ok(Msg::Hello),
            Value::Str(s) if s == n.ok => Ok(Msg::ProbeOk),
            Value::Str(s) => Ok(Msg::Text(s.clone())),
            Value::Dict(_) => members_from(v).map(Msg::Members),
            Value::List(items) => items
                .iter()
                .map(host_port_record)
                .collect::<Result<_, _>>()
                .map(Msg::GroupList),
            Value::Tuple(items) => match items.as_slice() {
                [Value::Str(name), data] => self.named(name, data),
                _ => Err(format!("unexpected tuple {}", short(v))),
            },
            other => Err(format!("unexpected {} {}", other.type_name(), short(other))),
        }
    }

    fn named(&self, name: &str, data: &Value) -> Result<Msg, String> {
        let n = self.profile.names();
        if name == n.join {
            let [id_pair, addr_pair] = pair(data, "join data")?;
            let [days, id] = pair(id_pair, "join identity")?;
            let [host, port] = pair(addr_pair, "join address")?;
            return Ok(Msg::Join(JoinRequest {
                days: int(days, "days")?,
                id: int(id, "id")?,
                host: host
                    .as_str()
                    .ok_or_else(|| format!("join host {} is not a str", short(host)))?
                    .to_string(),
                port: int(port, "port")?,
            }));
        }
        if name == n.ok {
            return match data {
                Value::Str(t) => Ok(Msg::HelloReply(t.clone())),
                Value::None => Ok(Msg::ProbeOk),
                _ => members_from(data).map(Msg::Ok),
            };
        }
        if name == n.election {
            return members_from(data).map(Msg::Election);
        }
        if name == n.coordinator {
            if let Ok(leader) = pid_from(data) {
                return Ok(Msg::Coordinator {
                    leader,
                    members: Members::new(),
                });
            }
            let [leader, members] = pair(data, "coordinator data")?;
            return Ok(Msg::Coordinator {
                leader: pid_from(leader)?,
                members: members_from(members)?,
            });
        }
        if name == n.probe && data.is_none() {
            return Ok(Msg::Probe);
        }
        if name == n.hello && data.is_none() {
            return Ok(Msg::Hello);
        }
        Err(format!(
            "unknown message `{name}` for profile {} (data {})",
            self.profile,
            short(data)
        ))
    }
}

fn pid_value(p: Pid) -> Value {
    (p.days, p.id).into()
}

fn members_value(m: &Members) -> Value {
    Value::dict(
        m.iter()
            .map(|(pid, a)| (pid_value(*pid), (a.ip().to_string(), a.port()).into())),
    )
}

fn pid_from(v: &Value) -> Result<Pid, String> {
    let [days, id] = pair(v, "identity")?;
    let small = |v: &Value, what: &str| {
        u32::try_from(int(v, what)?).map_err(|_| format!("{what} {} is out of range", short(v)))
    };
    Ok(Pid::new(small(days, "days")?, small(id, "id")?))
}

fn members_from(v: &Value) -> Result<Members, String> {
    let pairs = v
        .as_dict()
        .ok_or_else(|| format!("members {} are not a dict", short(v)))?;
    pairs
        .iter()
        .map(|(k, v)| {
            let [host, port] = pair(v, "member address")?;
            Ok((pid_from(k)?, addr(host, port)?))
        })
        .collect()
}

fn host_port_record(v: &Value) -> Result<SocketAddr, String> {
    let field = |name: &str| {
        v.get_str(name)
            .ok_or_else(|| format!("member record {} has no '{name}'", short(v)))
    };
    addr(field("host")?, field("port")?)
}

fn addr(host: &Value, port: &Value) -> Result<SocketAddr, String> {
    let text = host
        .as_str()
        .ok_or_else(|| format!("host {} is not a str", short(host)))?;
    super::host::socket_addr(text, int(port, "port")?)
}

fn pair<'v>(v: &'v Value, what: &str) -> Result<[&'v Value; 2], String> {
    match v.as_tuple().or_else(|| v.as_list()) {
        Some([a, b]) => Ok([a, b]),
        _ => Err(format!("{what} {} is not a pair", short(v))),
    }
}

fn int(v: &Value, what: &str) -> Result<i64, String> {
    v.as_int()
        .ok_or_else(|| format!("{what} {} is not an int", short(v)))
}

/// A value's Python text, cut to 60 characters for error messages.
fn short(v: &Value) -> String {
    let text = v.to_string();
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

impl Codec for CoursePickle {
    type Msg = Msg;

    fn encode(&self, msg: &Msg, out: &mut Vec<u8>) -> Result<(), CodecError> {
        self.inner.encode(&Raw::Value(self.to_value(msg)), out)
    }

    fn decode(&self, bytes: &[u8]) -> Result<Msg, CodecError> {
        match self.inner.decode(bytes)? {
            Raw::Value(v) => self.from_value(&v).map_err(CodecError::Invalid),
            Raw::Text(t) => Ok(Msg::Text(t)),
        }
    }

    fn max_frame_len(&self) -> usize {
        self.inner.max_frame_len()
    }

    fn encode_frame(&self, msg: &Msg, out: &mut Vec<u8>) -> Result<(), CodecError> {
        self.inner
            .encode_frame(&Raw::Value(self.to_value(msg)), out)
    }

    fn frame_len(&self, buf: &[u8]) -> Result<Option<usize>, CodecError> {
        self.inner.frame_len(buf)
    }
    fn frame_len_resume(
        &self,
        buf: &[u8],
        scanned: &mut usize,
    ) -> Result<Option<usize>, CodecError> {
        self.inner.frame_len_resume(buf, scanned)
    }

    fn decode_frame(&self, frame: &[u8]) -> Result<Msg, CodecError> {
        self.decode(frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn every_message_round_trips_in_every_profile() {
        for profile in Profile::ALL {
            let codec = CoursePickle::new(profile);
            for msg in super::super::wire::tests::samples() {
                let mut framed = Vec::new();
                codec.encode_frame(&msg, &mut framed).unwrap();
                codec.encode_frame(&Msg::Probe, &mut framed).unwrap();
                let first = codec.frame_len(&framed).unwrap().unwrap();
                assert_eq!(
                    codec.decode_frame(&framed[..first]).unwrap(),
                    msg,
                    "{profile}"
                );
                assert_eq!(codec.decode(&framed[first..]).unwrap(), Msg::Probe);
            }
        }
    }

    /// Bytes of Python 3's `pickle.dumps` for the same objects.
    #[test]
    fn bytes_match_python_pickle_dumps() {
        let codec = CoursePickle::new(Profile::F19);
        let members: Members = [(Pid::new(20, 1234561), "127.0.0.1:55661".parse().unwrap())].into();
        for (msg, python) in [
            (
                Msg::Join(JoinRequest {
                    days: 20,
                    id: 1234561,
                    host: "127.0.0.1".into(),
                    port: 55661,
                }),
                "80049526000000000000008c044a4f494e944b144a81d6120086948c093132372e302e302e31944d6dd98694869486942e",
            ),
            (Msg::GroupJoin, "80049508000000000000008c044a4f494e942e"),
            (
                Msg::HelloReply("Happy to meet you, ('127.0.0.1', 44338)".into()),
                "80049532000000000000008c024f4b948c27486170707920746f206d65657420796f752c2028273132372e302e302e31272c203434333338299486942e",
            ),
            (
                Msg::Election(members),
                "8004952b000000000000008c08454c454354494f4e947d944b144a81d6120086948c093132372e302e302e31944d6dd986947386942e",
            ),
        ] {
            let mut bytes = Vec::new();
            codec.encode(&msg, &mut bytes).unwrap();
            assert_eq!(bytes, hex(python), "{msg:?}");
        }
    }

    #[test]
    fn reads_what_python_peers_send() {
        let gcd2_reply = hex("80049538000000000000007d94284b144a81d6120086948c093132372e302e302e31944d6dd986944b034ab1cb740086948c0831302e302e302e32944d581b8694752e");
        let Msg::Members(m) = CoursePickle::new(Profile::F19).decode(&gcd2_reply).unwrap() else {
            panic!("a members dict")
        };
        assert_eq!(m.len(), 2);
        let gcd1_reply = hex("80049525000000000000005d947d94288c04686f7374948c096c6f63616c686f7374948c04706f7274944de75975612e");
        assert_eq!(
            CoursePickle::new(Profile::F19).decode(&gcd1_reply).unwrap(),
            Msg::GroupList(vec!["127.0.0.1:23015".parse().unwrap()])
        );
        let f23_leader =
            hex("8004951a000000000000008c0b495f414d5f4c4541444552944b144a81d61200869486942e");
        assert_eq!(
            CoursePickle::new(Profile::F23).decode(&f23_leader).unwrap(),
            Msg::Coordinator {
                leader: Pid::new(20, 1234561),
                members: Members::new()
            }
        );
        let text = b"Expected a pickled message, got b'x'\n";
        let codec = CoursePickle::default();
        assert_eq!(codec.frame_len(text).unwrap(), Some(text.len()));
        assert_eq!(
            codec.decode_frame(text).unwrap(),
            Msg::Text(String::from_utf8_lossy(text).into_owned())
        );
    }

    #[test]
    fn wrong_shapes_are_errors_naming_the_problem() {
        let codec = CoursePickle::default();
        for (value, expect) in [
            (
                Value::tuple([Value::str("ELECTION"), Value::Int(3)]),
                "not a dict",
            ),
            (
                Value::tuple([Value::str("NOPE"), Value::None]),
                "unknown message `NOPE`",
            ),
            (Value::Int(5), "unexpected int"),
            (
                Value::dict([(Value::tuple([1.into(), (-2).into()]), ("1.2.3.4", 5).into())]),
                "out of range",
            ),
        ] {
            let mut bytes = Vec::new();
            crate::pickle::encode_into(&value, &mut bytes).unwrap();
            let err = codec.decode(&bytes).unwrap_err().to_string();
            assert!(err.contains(expect), "{value}: {err}");
        }
    }
}
