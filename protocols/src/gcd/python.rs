//! The one mapping between the course messages and the Python values the
//! course's programs send, per [`Profile`]. The pickle wire
//! ([`super::CoursePickle`]) and the JSON wire ([`super::CourseJson`]) are two
//! views of these values; neither knows a message name or a shape.
//!
//! Sending, a profile writes exactly what that year's programs write (see the
//! table on [`Profile`]). Receiving, it reads every shape any profile writes
//! under its names, plus the variants course programs are known to send:
//!
//! | message | read as |
//! |---|---|
//! | `'JOIN'` (the profile's join name) | group join |
//! | `[{'host': h, 'port': p}, ...]` (list or tuple) | group list |
//! | `(join, ((days, id), (host, port)))` | join |
//! | `{(days, id): (host, port), ...}` | members |
//! | `'HELLO'`, `('HELLO', None)` | hello |
//! | `('OK', 'text')` | hello reply |
//! | `(election, members)`, `(election, None)`, `(election, pid, members)` | election |
//! | `(ok, members)` | ok |
//! | `ok`, `(ok, None)` | probe ok (an answer without members: also an election's ok) |
//! | `(coordinator, members)` | coordinator, winner unknown |
//! | `(coordinator, pid)` | coordinator, no members |
//! | `(coordinator, (pid, members))` | coordinator |
//! | `'PROBE'`, `('PROBE', None)` | probe |
//! | any other `str` | text |
//! | a `bytes` object | raw bytes |

use super::{JoinRequest, Members, Msg, Pid, Profile};
use crate::gcd::profile::{CoordinatorData, OkData};
use crate::pickle::Value;
use std::net::SocketAddr;

/// The name of the Lab 1 member's answer, the same every year.
const HELLO_REPLY: &str = "OK";

impl Profile {
    /// The Python value this profile sends for `msg`. [`Msg::Raw`] is a
    /// `bytes` object here; the pickle wire sends its bytes unpickled.
    pub fn to_python(self, msg: &Msg) -> Value {
        let n = self.names();
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
            Msg::Raw(bytes) => Value::Bytes(bytes.clone()),
            Msg::Hello => Value::str(n.hello),
            Msg::HelloReply(t) => named(HELLO_REPLY, Value::str(t.as_str())),
            Msg::Election(m) => named(n.election, members_value(m)),
            Msg::Ok(m) => match self.ok_data() {
                OkData::Members => named(n.ok, members_value(m)),
                OkData::None => named(n.ok, Value::None),
                OkData::Bare => Value::str(n.ok),
            },
            Msg::Coordinator { leader, members } => {
                let data = match (self.coordinator_data(), leader) {
                    (CoordinatorData::Identity, Some(l)) => pid_value(*l),
                    (CoordinatorData::IdentityAndMembers, Some(l)) => {
                        Value::tuple([pid_value(*l), members_value(members)])
                    }
                    // No winner to name (or f19): the members, as f19 sends.
                    _ => members_value(members),
                };
                named(n.coordinator, data)
            }
            Msg::Probe => named(n.probe, Value::None),
            Msg::ProbeOk => match self.ok_data() {
                OkData::None => named(n.ok, Value::None),
                OkData::Members | OkData::Bare => Value::str(n.ok),
            },
        }
    }

    /// The message a Python value stands for in this profile; the error
    /// names what is wrong.
    pub fn from_python(self, v: &Value) -> Result<Msg, String> {
        let n = self.names();
        match v {
            Value::Str(s) if s == n.join => Ok(Msg::GroupJoin),
            Value::Str(s) if s == n.hello => Ok(Msg::Hello),
            Value::Str(s) if s == n.ok => Ok(Msg::ProbeOk),
            Value::Str(s) if s == n.probe => Ok(Msg::Probe),
            Value::Str(s) => Ok(Msg::Text(s.clone())),
            Value::Bytes(b) => Ok(Msg::Raw(b.clone())),
            Value::Dict(_) => members_from(v).map(Msg::Members),
            Value::Tuple(items) | Value::List(items) => match items.as_slice() {
                [Value::Str(name), data] => self.named(name, data),
                [Value::Str(name), pid, members] if name == n.election => {
                    pid_from(pid)?;
                    members_from(members).map(Msg::Election)
                }
                _ => items
                    .iter()
                    .map(host_port_record)
                    .collect::<Result<_, _>>()
                    .map(Msg::GroupList)
                    .map_err(|e| format!("unexpected {} {}: {e}", v.type_name(), short(v))),
            },
            other => Err(format!("unexpected {} {}", other.type_name(), short(other))),
        }
    }

    fn named(self, name: &str, data: &Value) -> Result<Msg, String> {
        let n = self.names();
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
        if name == HELLO_REPLY {
            if let Value::Str(t) = data {
                return Ok(Msg::HelloReply(t.clone()));
            }
        }
        if name == n.ok {
            return match data {
                Value::None => Ok(Msg::ProbeOk),
                _ => members_from(data).map(Msg::Ok),
            };
        }
        if name == n.election {
            return match data {
                Value::None => Ok(Msg::Election(Members::new())),
                _ => members_from(data).map(Msg::Election),
            };
        }
        if name == n.coordinator {
            if data.as_dict().is_some() {
                return Ok(Msg::Coordinator {
                    leader: None,
                    members: members_from(data)?,
                });
            }
            if let Ok(leader) = pid_from(data) {
                return Ok(Msg::Coordinator {
                    leader: Some(leader),
                    members: Members::new(),
                });
            }
            let [leader, members] = pair(data, "coordinator data")?;
            return Ok(Msg::Coordinator {
                leader: Some(pid_from(leader)?),
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
            "unknown message `{name}` for profile {self} (data {})",
            short(data)
        ))
    }

    /// What `msg` becomes after a trip through this profile's wire: the
    /// fields the dialect cannot carry are gone (f19 drops the winner, f23
    /// and f24 the winner's members and the answer's members).
    pub fn canonical(self, msg: &Msg) -> Msg {
        match msg {
            Msg::Ok(_) if self.ok_data() != OkData::Members => Msg::ProbeOk,
            Msg::Coordinator { leader, members } => match (self.coordinator_data(), leader) {
                (CoordinatorData::Identity, Some(l)) => Msg::Coordinator {
                    leader: Some(*l),
                    members: Members::new(),
                },
                (CoordinatorData::IdentityAndMembers, Some(_)) => msg.clone(),
                _ => Msg::Coordinator {
                    leader: None,
                    members: members.clone(),
                },
            },
            other => other.clone(),
        }
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn a(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    /// One message of every kind (shared with the wire codecs' tests).
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
                leader: Some(Pid::new(20, 1234561)),
                members: members.clone(),
            },
            Msg::Coordinator {
                leader: None,
                members,
            },
            Msg::Probe,
            Msg::ProbeOk,
        ]
    }

    #[test]
    fn every_message_maps_back_to_its_canonical_form_in_every_profile() {
        for profile in Profile::ALL {
            for msg in samples() {
                let value = profile.to_python(&msg);
                let back = profile.from_python(&value).unwrap();
                assert_eq!(back, profile.canonical(&msg), "{profile}: {value}");
                assert_eq!(profile.to_python(&back), value, "{profile}: stable");
            }
        }
    }

    #[test]
    fn each_profile_writes_its_years_shapes() {
        let pid = Pid::new(20, 1234561);
        let members: Members = [(pid, a("127.0.0.1:5"))].into();
        let coordinator = Msg::Coordinator {
            leader: Some(pid),
            members: members.clone(),
        };
        let text = |p: Profile, m: &Msg| p.to_python(m).to_string();
        let m = "{(20, 1234561): ('127.0.0.1', 5)}";
        assert_eq!(
            text(Profile::F19, &coordinator),
            format!("('COORDINATOR', {m})")
        );
        assert_eq!(
            text(Profile::F23, &coordinator),
            "('I_AM_LEADER', (20, 1234561))"
        );
        assert_eq!(
            text(Profile::F24, &coordinator),
            "('COORDINATOR', (20, 1234561))"
        );
        assert_eq!(
            text(Profile::Dsim, &coordinator),
            format!("('COORDINATOR', ((20, 1234561), {m}))")
        );
        let ok = Msg::Ok(members);
        assert_eq!(text(Profile::F19, &ok), format!("('OK', {m})"));
        assert_eq!(text(Profile::F23, &ok), "'GOT_IT'");
        assert_eq!(text(Profile::F24, &ok), "('OK', None)");
        assert_eq!(text(Profile::F23, &Msg::ProbeOk), "'GOT_IT'");
        assert_eq!(text(Profile::F19, &Msg::Probe), "('PROBE', None)");
    }

    #[test]
    fn reads_the_variants_course_programs_send() {
        let pid = Value::from((20, 1234561));
        let members = Value::dict([(pid.clone(), ("127.0.0.1", 5).into())]);
        let f24 = Profile::F24;
        let triple = Value::tuple([Value::str("ELECTION"), pid.clone(), members.clone()]);
        assert!(matches!(f24.from_python(&triple), Ok(Msg::Election(m)) if m.len() == 1));
        let f19 = Profile::F19;
        let anonymous = Value::tuple([Value::str("COORDINATOR"), members.clone()]);
        assert!(matches!(
            f19.from_python(&anonymous),
            Ok(Msg::Coordinator { leader: None, members: m }) if m.len() == 1
        ));
        let bare_ok = Value::tuple([Value::str("OK"), Value::None]);
        assert_eq!(f19.from_python(&bare_ok), Ok(Msg::ProbeOk));
        assert_eq!(
            Profile::F23.from_python(&Value::str("GOT_IT")),
            Ok(Msg::ProbeOk)
        );
        let hello = Value::tuple([Value::str("OK"), Value::str("Happy to meet you")]);
        assert_eq!(
            Profile::F23.from_python(&hello),
            Ok(Msg::HelloReply("Happy to meet you".into()))
        );
    }

    #[test]
    fn wrong_shapes_are_errors_naming_the_problem() {
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
            (
                Value::list([Value::dict([(Value::str("host"), Value::str("h"))])]),
                "has no 'port'",
            ),
            (
                Value::tuple([Value::str("COORDINATOR"), Value::Int(1)]),
                "coordinator data 1 is not a pair",
            ),
        ] {
            let err = Profile::F19.from_python(&value).unwrap_err();
            assert!(err.contains(expect), "{value}: {err}");
        }
    }
}
