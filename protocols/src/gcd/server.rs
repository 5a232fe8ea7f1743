//! The group coordinator daemon (GCD): answers Lab 1 joins with its fixed
//! member list, and keeps the Lab 2 registry of identities and addresses.

use super::pyrepr::not_a_pickle;
use super::{JoinRequest, Members, Msg, Pid};
use std::net::{IpAddr, SocketAddr};

/// Valid days until a birthday.
pub const DAYS: std::ops::RangeInclusive<i64> = 1..=365;
/// Valid student ids: seven digits.
pub const IDS: std::ops::RangeInclusive<i64> = 1_000_000..=9_999_999;
/// Valid ports.
pub const PORTS: std::ops::RangeInclusive<i64> = 1..=65_535;

/// What the GCD did with a request (reported as an observation).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ServerEvent {
    /// A Lab 1 join was answered with the member list.
    Listed {
        /// Members listed.
        count: usize,
    },
    /// A Lab 2 member joined; entries it replaced are listed.
    Registered {
        /// The new member.
        pid: Pid,
        /// Its listen address.
        addr: SocketAddr,
        /// Entries removed: the same id joined before, or the address was taken.
        replaced: Vec<(Pid, SocketAddr)>,
    },
    /// A request was refused; the reply was this text.
    Refused {
        /// The error text sent back.
        reason: String,
    },
}

/// The GCD's state: the Lab 1 list and the Lab 2 registry.
#[derive(Clone, Debug, Default)]
pub struct GcdServer {
    group: Vec<SocketAddr>,
    members: Members,
}

impl GcdServer {
    /// A GCD whose Lab 1 join answers `group` (the course's list is fixed).
    pub fn new(group: Vec<SocketAddr>) -> Self {
        GcdServer {
            group,
            members: Members::new(),
        }
    }

    /// The Lab 2 registry.
    pub fn members(&self) -> &Members {
        &self.members
    }

    /// Handles one request; returns the reply and what happened.
    pub fn handle(&mut self, msg: Msg) -> (Msg, ServerEvent) {
        match msg {
            Msg::GroupJoin => (
                Msg::GroupList(self.group.clone()),
                ServerEvent::Listed {
                    count: self.group.len(),
                },
            ),
            Msg::Join(request) => match validate(&request) {
                Ok((pid, addr)) => {
                    let replaced = self.register(pid, addr);
                    (
                        Msg::Members(self.members.clone()),
                        ServerEvent::Registered {
                            pid,
                            addr,
                            replaced,
                        },
                    )
                }
                Err(reason) => refuse(reason),
            },
            Msg::Raw(raw) => {
                let reply = not_a_pickle(&raw);
                let reason = String::from_utf8_lossy(&reply).trim_end().to_string();
                (Msg::Raw(reply), ServerEvent::Refused { reason })
            }
            other => refuse(format!("Unexpected message: {}", other.kind())),
        }
    }

    /// Adds `pid` at `addr`: an earlier entry with the same student id is
    /// replaced, and an entry on the same address is evicted. Failed members
    /// are never removed otherwise.
    fn register(&mut self, pid: Pid, addr: SocketAddr) -> Vec<(Pid, SocketAddr)> {
        let stale: Vec<(Pid, SocketAddr)> = self
            .members
            .iter()
            .filter(|(p, a)| p.id == pid.id || **a == addr)
            .map(|(p, a)| (*p, *a))
            .collect();
        for (p, _) in &stale {
            self.members.remove(p);
        }
        self.members.insert(pid, addr);
        stale
    }
}

fn refuse(reason: String) -> (Msg, ServerEvent) {
    (Msg::Text(reason.clone()), ServerEvent::Refused { reason })
}

/// Checks a join request as the course's GCD does; the error is the reply text.
pub fn validate(r: &JoinRequest) -> Result<(Pid, SocketAddr), String> {
    if !DAYS.contains(&r.days) {
        return Err(format!(
            "Days to birthday must be between 1 and 365, got {}",
            r.days
        ));
    }
    if !IDS.contains(&r.id) {
        return Err(format!("SU ID must be a 7-digit number, got {}", r.id));
    }
    if !PORTS.contains(&r.port) {
        return Err(format!("Port must be between 1 and 65535, got {}", r.port));
    }
    let ip: IpAddr = if r.host == "localhost" {
        IpAddr::from([127, 0, 0, 1])
    } else {
        r.host
            .parse()
            .map_err(|_| format!("Cannot resolve host {:?}", r.host))?
    };
    // The ranges above make these conversions exact.
    let pid = Pid::new(r.days as u32, r.id as u32);
    Ok((pid, SocketAddr::new(ip, r.port as u16)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn join(days: i64, id: i64, host: &str, port: i64) -> Msg {
        Msg::Join(JoinRequest {
            days,
            id,
            host: host.into(),
            port,
        })
    }

    fn a(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    fn members(reply: Msg) -> Members {
        match reply {
            Msg::Members(m) => m,
            other => panic!("expected members, got {other:?}"),
        }
    }

    #[test]
    fn validation_rules_reply_with_an_error_text() {
        let mut gcd = GcdServer::default();
        for (msg, expect) in [
            (join(0, 1_234_567, "127.0.0.1", 5), "Days"),
            (join(366, 1_234_567, "127.0.0.1", 5), "Days"),
            (join(1, 999_999, "127.0.0.1", 5), "SU ID"),
            (join(1, 10_000_000, "127.0.0.1", 5), "SU ID"),
            (join(1, 1_234_567, "127.0.0.1", 0), "Port"),
            (join(1, 1_234_567, "127.0.0.1", 65_536), "Port"),
            (join(1, 1_234_567, "no.such.host", 5), "resolve"),
            (Msg::Hello, "Unexpected message"),
        ] {
            let (reply, event) = gcd.handle(msg);
            let Msg::Text(text) = reply else {
                panic!("expected an error text, got {reply:?}")
            };
            assert!(text.contains(expect), "{text}");
            assert_eq!(event, ServerEvent::Refused { reason: text });
        }
        assert!(gcd.members().is_empty());
        // The bounds themselves are valid.
        let (reply, _) = gcd.handle(join(365, 9_999_999, "localhost", 65_535));
        assert_eq!(
            members(reply),
            [(Pid::new(365, 9_999_999), a("127.0.0.1:65535"))].into()
        );
        let (reply, _) = gcd.handle(join(1, 1_000_000, "10.0.0.1", 1));
        assert_eq!(members(reply).len(), 2);
    }

    #[test]
    fn rejoin_by_the_same_id_replaces_the_old_entry() {
        let mut gcd = GcdServer::default();
        gcd.handle(join(10, 1_111_111, "127.0.0.1", 1000));
        gcd.handle(join(20, 2_222_222, "127.0.0.1", 2000));
        let (reply, event) = gcd.handle(join(30, 1_111_111, "127.0.0.1", 3000));
        assert_eq!(
            members(reply),
            [
                (Pid::new(20, 2_222_222), a("127.0.0.1:2000")),
                (Pid::new(30, 1_111_111), a("127.0.0.1:3000")),
            ]
            .into()
        );
        assert_eq!(
            event,
            ServerEvent::Registered {
                pid: Pid::new(30, 1_111_111),
                addr: a("127.0.0.1:3000"),
                replaced: vec![(Pid::new(10, 1_111_111), a("127.0.0.1:1000"))],
            }
        );
    }

    #[test]
    fn join_on_a_taken_address_evicts_its_owner_and_failed_members_stay() {
        let mut gcd = GcdServer::default();
        gcd.handle(join(10, 1_111_111, "127.0.0.1", 1000));
        gcd.handle(join(20, 2_222_222, "127.0.0.1", 2000));
        let (reply, _) = gcd.handle(join(5, 3_333_333, "localhost", 1000));
        assert_eq!(
            members(reply),
            [
                (Pid::new(5, 3_333_333), a("127.0.0.1:1000")),
                (Pid::new(20, 2_222_222), a("127.0.0.1:2000")),
            ]
            .into()
        );
        // Same id and a taken address at once: both entries go.
        let (reply, event) = gcd.handle(join(7, 2_222_222, "127.0.0.1", 1000));
        assert_eq!(
            members(reply),
            [(Pid::new(7, 2_222_222), a("127.0.0.1:1000"))].into()
        );
        let ServerEvent::Registered { replaced, .. } = event else {
            panic!("{event:?}")
        };
        assert_eq!(replaced.len(), 2);
    }

    #[test]
    fn input_that_is_no_pickle_gets_the_raw_expected_a_pickled_message_line() {
        let mut gcd = GcdServer::default();
        let (reply, event) = gcd.handle(Msg::Raw(b"hello\n".to_vec()));
        let expected = b"Expected a pickled message, got b'hello\\n'\n".to_vec();
        assert_eq!(reply, Msg::Raw(expected.clone()));
        assert!(matches!(event, ServerEvent::Refused { reason } if reason.starts_with("Expected")));
        let from = a("127.0.0.1:4000");
        assert_eq!(
            crate::gcd::member::answer(from, &Msg::Raw(b"hello\n".to_vec())),
            Msg::Raw(expected)
        );
    }

    #[test]
    fn group_join_answers_the_fixed_list() {
        let list = vec![a("127.0.0.1:1"), a("127.0.0.1:2")];
        let mut gcd = GcdServer::new(list.clone());
        gcd.handle(join(10, 1_111_111, "127.0.0.1", 1000));
        assert_eq!(gcd.handle(Msg::GroupJoin).0, Msg::GroupList(list));
    }
}
