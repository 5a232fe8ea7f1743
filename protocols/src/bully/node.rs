//! The nodes of a bully run (the GCD and the peers) as one machine, and
//! what they report.

use super::peer::{self, Peer};
use crate::gcd::pyrepr::py_addr;
use crate::gcd::{GcdServer, Msg, Pid, ServerEvent};
use sim::{Connection, Ctx, Machine};
use std::net::SocketAddr;

/// What the bully nodes report.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    /// The GCD handled a request.
    Gcd(ServerEvent),
    /// A peer started.
    Started {
        /// Its identity.
        pid: Pid,
        /// Its listen address.
        addr: SocketAddr,
    },
    /// A peer joined the GCD.
    Joined {
        /// The GCD.
        gcd: SocketAddr,
        /// Members it now knows (itself included).
        members: usize,
    },
    /// The GCD refused the peer's join.
    JoinRefused {
        /// The GCD's reply.
        reason: String,
    },
    /// A peer started an election.
    ElectionStarted {
        /// Its identity.
        pid: Pid,
    },
    /// A peer won an election.
    Victory {
        /// Its identity.
        pid: Pid,
    },
    /// A peer accepted a leader.
    Leader {
        /// The leader.
        leader: Pid,
    },
    /// A peer got an OK but no COORDINATOR in time.
    NoCoordinator,
    /// A peer's leader did not answer its first PROBE: it is taken for a
    /// course peer, followed, and checked with ELECTION from now on.
    CourseLeader {
        /// The leader.
        leader: Pid,
    },
    /// A peer's probe (or check) of its leader went unanswered.
    ProbeFailed {
        /// The leader probed.
        leader: Pid,
    },
    /// A peer began to feign a failure.
    Feigning {
        /// For how long.
        lasts: sim::Dur,
    },
    /// A peer ended its feigned failure (it rejoins and starts an election).
    Recovered,
}

/// Renders an event as the course's bully prints it.
pub fn render(e: &Event) -> String {
    match e {
        Event::Gcd(ServerEvent::Registered { pid, addr, .. }) => {
            format!("GCD: {pid} joined at {}", py_addr(*addr))
        }
        Event::Gcd(ServerEvent::Listed { count }) => format!("GCD: listed {count} members"),
        Event::Gcd(ServerEvent::Refused { reason }) => format!("GCD: refused: {reason}"),
        Event::Started { pid, addr } => {
            format!("STARTING WORK for pid {pid} on {}", py_addr(*addr))
        }
        Event::Joined { gcd, members } => {
            format!("JOIN {}: {members} members", py_addr(*gcd))
        }
        Event::JoinRefused { reason } => format!("JOIN refused: {reason}"),
        Event::ElectionStarted { pid } => format!("Starting an election at {pid}"),
        Event::Victory { pid } => format!("Victory by {pid}"),
        Event::Leader { leader } => format!("Leader is now {leader}"),
        Event::NoCoordinator => "no COORDINATOR in time: starting again".to_string(),
        Event::CourseLeader { leader } => {
            format!("leader {leader} does not answer PROBE: checking it with ELECTION")
        }
        Event::ProbeFailed { leader } => format!("PROBE of leader {leader} failed"),
        Event::Feigning { lasts } => format!("feigning failure for {lasts}"),
        Event::Recovered => "recovered from feigned failure".to_string(),
    }
}

/// A node of a bully run.
#[derive(Clone, Debug)]
// All nodes but one are peers: boxing them would only add an indirection.
#[allow(clippy::large_enum_variant)]
pub enum BullyNode {
    /// The group coordinator.
    Gcd(GcdServer),
    /// A bully peer.
    Peer(Peer),
}

impl BullyNode {
    /// The peer, if this node is one.
    pub fn peer(&self) -> Option<&Peer> {
        match self {
            BullyNode::Peer(p) => Some(p),
            BullyNode::Gcd(_) => None,
        }
    }
}

impl Machine for BullyNode {
    type Msg = Msg;
    type Timer = peer::Timer;
    type Obs = Event;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        if let BullyNode::Peer(p) = self {
            p.on_start(ctx);
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: SocketAddr, msg: Msg) {
        match self {
            BullyNode::Gcd(gcd) => {
                let (reply, event) = gcd.handle(msg);
                ctx.send(from, reply);
                ctx.observe(Event::Gcd(event));
            }
            BullyNode::Peer(p) => p.on_message(ctx, from, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: peer::Timer) {
        if let BullyNode::Peer(p) = self {
            p.on_timer(ctx, timer);
        }
    }

    fn on_connection(&mut self, ctx: &mut Ctx<'_, Self>, peer: SocketAddr, event: Connection) {
        if let BullyNode::Peer(p) = self {
            p.on_connection(ctx, peer, event);
        }
    }
}
