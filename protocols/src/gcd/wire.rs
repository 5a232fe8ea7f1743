//! The JSON wire codec. Messages are laid out as the Python values the
//! course pickles, with the profile's names:
//!
//! | message | JSON |
//! |---|---|
//! | group join | `"JOIN"` |
//! | group list | `[{"host": "127.0.0.1", "port": 7001}, ...]` |
//! | join | `["JOIN", [[days, id], [host, port]]]` |
//! | members | `{"(days, id)": [host, port], ...}` (tuple keys as their Python text) |
//! | text | `"any other text"` |
//! | hello | `"HELLO"` |
//! | hello reply | `["OK", "Happy to meet you, ..."]` |
//! | election / ok | `["ELECTION", members]` / `["OK", members]` |
//! | coordinator | `["COORDINATOR", [[days, id], members]]` |
//! | probe / probe ok | `["PROBE", null]` / `"OK"` |
//!
//! Streams use the default 4-byte length prefix.

use super::{JoinRequest, Members, Msg, Pid, Profile};
use serde_json::{json, Value};
use sim::{Codec, CodecError};
use std::net::SocketAddr;

/// The course messages as JSON, with one profile's names.
#[derive(Clone, Copy, Debug, Default)]
pub struct CourseJson {
    /// Which year's message names.
    pub profile: Profile,
}

impl CourseJson {
    /// A codec with `profile`'s names.
    pub fn new(profile: Profile) -> Self {
        CourseJson { profile }
    }

    /// The JSON value of `msg`.
    pub fn to_value(&self, msg: &Msg) -> Value {
        let n = self.profile.names();
        match msg {
            Msg::GroupJoin => json!(n.join),
            Msg::GroupList(list) => Value::Array(
                list.iter()
                    .map(|a| json!({"host": a.ip().to_string(), "port": a.port()}))
                    .collect(),
            ),
            Msg::Join(r) => json!([n.join, [[r.days, r.id], [r.host, r.port]]]),
            Msg::Members(m) => members_value(m),
            Msg::Text(t) => json!(t),
            Msg::Hello => json!(n.hello),
            Msg::HelloReply(t) => json!([n.ok, t]),
            Msg::Election(m) => json!([n.election, members_value(m)]),
            Msg::Ok(m) => json!([n.ok, members_value(m)]),
            Msg::Coordinator { leader, members } => json!([
                n.coordinator,
                [[leader.days, leader.id], members_value(members)]
            ]),
            Msg::Probe => json!([n.probe, null]),
            Msg::ProbeOk => json!(n.ok),
        }
    }

    /// The message a JSON value stands for; the error names what is wrong.
    pub fn from_value(&self, v: &Value) -> Result<Msg, String> {
        let n = self.profile.names();
        match v {
            Value::String(s) if s == n.join => Ok(Msg::GroupJoin),
            Value::String(s) if s == n.hello => Ok(Msg::Hello),
            Value::String(s) if s == n.ok => Ok(Msg::ProbeOk),
            Value::String(s) => Ok(Msg::Text(s.clone())),
            Value::Object(_) => Ok(Msg::Members(members_from(v)?)),
            Value::Array(items) => match items.as_slice() {
                [Value::String(name), data] => self.named(name, data),
                _ => items
                    .iter()
                    .map(host_port_record)
                    .collect::<Result<_, _>>()
                    .map(Msg::GroupList),
            },
            other => Err(format!("unexpected JSON value {}", short(other))),
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
                    .ok_or_else(|| format!("join host {} is not text", short(host)))?
                    .to_string(),
                port: int(port, "port")?,
            }));
        }
        if name == n.ok {
            return match data {
                Value::String(t) => Ok(Msg::HelloReply(t.clone())),
                Value::Null => Ok(Msg::ProbeOk),
                _ => Ok(Msg::Ok(members_from(data)?)),
            };
        }
        if name == n.election {
            return Ok(Msg::Election(members_from(data)?));
        }
        if name == n.coordinator {
            let [leader, members] = pair(data, "coordinator data")?;
            let [days, id] = pair(leader, "leader")?;
            return Ok(Msg::Coordinator {
                leader: Pid::new(small(days, "leader days")?, small(id, "leader id")?),
                members: members_from(members)?,
            });
        }
        if name == n.probe && data.is_null() {
            return Ok(Msg::Probe);
        }
        if name == n.hello && data.is_null() {
            return Ok(Msg::Hello);
        }
        Err(format!(
            "unknown message `{name}` for profile {} (data {})",
            self.profile,
            short(data)
        ))
    }
}

fn members_value(m: &Members) -> Value {
    Value::Object(
        m.iter()
            .map(|(pid, a)| (pid.to_string(), json!([a.ip().to_string(), a.port()])))
            .collect(),
    )
}

fn members_from(v: &Value) -> Result<Members, String> {
    let obj = v
        .as_object()
        .ok_or_else(|| format!("members {} are not an object", short(v)))?;
    obj.iter()
        .map(|(k, v)| {
            let pid = Pid::parse(k)?;
            let [host, port] = pair(v, "member address")?;
            Ok((pid, addr(host, port)?))
        })
        .collect()
}

fn host_port_record(v: &Value) -> Result<SocketAddr, String> {
    let obj = v
        .as_object()
        .ok_or_else(|| format!("member record {} is not an object", short(v)))?;
    let field = |name: &str| {
        obj.get(name)
            .ok_or_else(|| format!("member record {} has no `{name}`", short(v)))
    };
    addr(field("host")?, field("port")?)
}

fn addr(host: &Value, port: &Value) -> Result<SocketAddr, String> {
    let text = host
        .as_str()
        .ok_or_else(|| format!("host {} is not text", short(host)))?;
    super::host::socket_addr(text, int(port, "port")?)
}

fn pair<'v>(v: &'v Value, what: &str) -> Result<[&'v Value; 2], String> {
    match v.as_array().map(Vec::as_slice) {
        Some([a, b]) => Ok([a, b]),
        _ => Err(format!("{what} {} is not a pair", short(v))),
    }
}

fn int(v: &Value, what: &str) -> Result<i64, String> {
    v.as_i64()
        .ok_or_else(|| format!("{what} {} is not an integer", short(v)))
}

fn small(v: &Value, what: &str) -> Result<u32, String> {
    u32::try_from(int(v, what)?).map_err(|_| format!("{what} {} is out of range", short(v)))
}

/// A value's JSON text, cut to 60 characters for error messages.
fn short(v: &Value) -> String {
    let text = v.to_string();
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

impl Codec for CourseJson {
    type Msg = Msg;

    fn encode(&self, msg: &Msg, out: &mut Vec<u8>) -> Result<(), CodecError> {
        serde_json::to_writer(out, &self.to_value(msg))
            .map_err(|e| CodecError::Encode(e.to_string()))
    }

    fn decode(&self, bytes: &[u8]) -> Result<Msg, CodecError> {
        let value: Value =
            serde_json::from_slice(bytes).map_err(|e| CodecError::Invalid(e.to_string()))?;
        self.from_value(&value).map_err(CodecError::Invalid)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn a(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    /// One message of every kind (shared with the pickle codec's tests).
    pub(crate) fn samples() -> Vec<Msg> {
        let members: Members = [
            (Pid::new(20, 1234561), a("127.0.0.1:55661")),
            (Pid::new(3, 7654321), a("10.0.0.2:7000")),
        ]
        .into();
        vec![
            Msg::GroupJoin,
            Msg::GroupList(vec![a("127.0.0.1:23015"), a("10.0.0.3:1")]),
            Msg::GroupList(vec![]),
            Msg::Join(JoinRequest {
                days: -4,
                id: 12,
                host: "localhost".into(),
                port: 70000,
            }),
            Msg::Members(members.clone()),
            Msg::Members(Members::new()),
            Msg::Text("Unexpected message: x".into()),
            Msg::Hello,
            Msg::HelloReply("Happy to meet you, ('127.0.0.1', 4)".into()),
            Msg::Election(members.clone()),
            Msg::Ok(members.clone()),
            Msg::Coordinator {
                leader: Pid::new(20, 1234561),
                members,
            },
            Msg::Probe,
            Msg::ProbeOk,
        ]
    }

    #[test]
    fn every_message_round_trips_in_every_profile() {
        for profile in Profile::ALL {
            let codec = CourseJson::new(profile);
            for msg in samples() {
                let mut bytes = Vec::new();
                codec.encode(&msg, &mut bytes).unwrap();
                assert_eq!(codec.decode(&bytes).unwrap(), msg, "{profile}: {msg:?}");
            }
        }
    }

    #[test]
    fn names_follow_the_profile() {
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
    }

    #[test]
    fn bad_input_is_an_error_naming_the_problem() {
        let codec = CourseJson::default();
        for (bytes, expect) in [
            (&b"\xff{"[..], "invalid"),
            (br#"{"(1, 2)": ["nowhere", 1]}"#, "not an IP"),
            (br#"{"(1 2)": ["1.2.3.4", 1]}"#, "no comma"),
            (br#"[{"host": "1.2.3.4"}]"#, "no `port`"),
            (br#"[{"host": "1.2.3.4", "port": 65536}]"#, "out of range"),
            (br#"["ELECTION", [1, 2]]"#, "not an object"),
            (br#"["COORDINATOR", [[1, -2], {}]]"#, "out of range"),
            (br#"["JOIN", [[1, 2.5], ["h", 1]]]"#, "not an integer"),
            (b"17", "unexpected JSON value"),
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
