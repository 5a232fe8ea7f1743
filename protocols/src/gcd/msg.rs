//! The messages of the course's Lab 1 and Lab 2: GCD requests and replies,
//! the Lab 1 greeting, and the bully peer messages. One type for all of
//! them, because a bully node talks to the GCD and its peers on one socket.
//!
//! Each variant mirrors a Python value the course puts on the wire; the one
//! mapping to and from those values, per [`super::Profile`], is
//! [`super::python`], and the wire codecs only turn values into bytes.

use super::Pid;
use std::collections::BTreeMap;
use std::net::SocketAddr;

/// The GCD's view of a group: identity to listen address.
pub type Members = BTreeMap<Pid, SocketAddr>;

/// A Lab 2 join request, as sent: the GCD validates it, so the numbers are
/// kept as the sender wrote them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct JoinRequest {
    /// Days until the birthday (valid: 1..=365).
    pub days: i64,
    /// Student id (valid: seven digits).
    pub id: i64,
    /// Listen host (an IP address, or `localhost`).
    pub host: String,
    /// Listen port (valid: 1..=65535).
    pub port: i64,
}

/// Every message of the GCD, member, Lab 1 client and bully peers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// Lab 1 join: the bare name (`'JOIN'`).
    GroupJoin,
    /// Lab 1 reply: the members as `{'host', 'port'}` records.
    GroupList(Vec<SocketAddr>),
    /// Lab 2 join: `('JOIN', ((days, id), (host, port)))`.
    Join(JoinRequest),
    /// Lab 2 reply: every member, identity to address.
    Members(Members),
    /// A bare text reply: a GCD validation error or "Unexpected message".
    Text(String),
    /// Raw bytes that are not a pickle (on streams: one line). The course's
    /// GCD and members answer such input with the raw, unpickled line
    /// `Expected a pickled message, got b'...'`.
    Raw(Vec<u8>),
    /// Lab 1 greeting: the bare name (`'HELLO'`).
    Hello,
    /// A member's answer to HELLO: `('OK', 'Happy to meet you, ...')`.
    HelloReply(String),
    /// Bully: an election, with the sender's members.
    Election(Members),
    /// Bully: the answer to an election, with the sender's members.
    Ok(Members),
    /// Bully: the winner's announcement, with its members.
    Coordinator {
        /// The winner; `None` when the dialect does not say (f19: the
        /// receiver infers it, see [`crate::bully::Peer`]).
        leader: Option<Pid>,
        /// The winner's members.
        members: Members,
    },
    /// Bully: is the leader alive?
    Probe,
    /// Bully: the answer to a probe.
    ProbeOk,
}

impl Msg {
    /// A short name for logs ("Unexpected message: ...").
    pub fn kind(&self) -> &'static str {
        match self {
            Msg::GroupJoin => "group join",
            Msg::GroupList(_) => "group list",
            Msg::Join(_) => "join",
            Msg::Members(_) => "members",
            Msg::Text(_) => "text",
            Msg::Raw(_) => "raw bytes",
            Msg::Hello => "hello",
            Msg::HelloReply(_) => "hello reply",
            Msg::Election(_) => "election",
            Msg::Ok(_) => "ok",
            Msg::Coordinator { .. } => "coordinator",
            Msg::Probe => "probe",
            Msg::ProbeOk => "probe ok",
        }
    }
}
