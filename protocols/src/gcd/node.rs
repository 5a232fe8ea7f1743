//! The nodes of a Lab 1 run: the GCD, members, and the client, as one machine.

use super::client::{Action, Lab1Client, Step};
use super::pyrepr::{py_addr, py_host_port, py_str};
use super::server::{GcdServer, ServerEvent};
use super::{member, Msg};
use sim::{Connection, Ctx, Machine};
use std::net::SocketAddr;

/// What the Lab 1 nodes report.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    /// The GCD or a member is up and listening.
    Listening {
        /// Its address.
        addr: SocketAddr,
        /// Whether it is the GCD (else a member).
        gcd: bool,
    },
    /// The GCD handled a request.
    Server(ServerEvent),
    /// The client sent its join to the GCD.
    Joining {
        /// The GCD.
        gcd: SocketAddr,
        /// The client's own address.
        me: SocketAddr,
    },
    /// The client got the member list.
    Listed {
        /// The members, in the GCD's order.
        members: Vec<SocketAddr>,
    },
    /// The GCD did not answer in time; the client gives up.
    JoinFailed {
        /// The GCD.
        gcd: SocketAddr,
    },
    /// The client greeted a member: its reply, or why there is none.
    Greeted {
        /// The member.
        member: SocketAddr,
        /// The reply text, or the failure.
        reply: Result<String, String>,
    },
    /// The client is done.
    Finished {
        /// Members that answered.
        replies: usize,
        /// Members that did not.
        failures: usize,
    },
}

/// Renders an event as the course's client prints it.
pub fn render(e: &Event) -> String {
    match e {
        Event::Listening { addr, gcd } => format!(
            "{} listening on {}",
            if *gcd { "GCD" } else { "member" },
            py_addr(*addr)
        ),
        Event::Server(ServerEvent::Listed { count }) => format!("GCD: listed {count} members"),
        Event::Server(ServerEvent::Registered {
            pid,
            addr,
            replaced,
        }) => {
            let mut line = format!("GCD: {pid} joined at {}", py_addr(*addr));
            for (p, a) in replaced {
                line.push_str(&format!(", replacing {p} at {}", py_addr(*a)));
            }
            line
        }
        Event::Server(ServerEvent::Refused { reason }) => format!("GCD: refused: {reason}"),
        Event::Joining { gcd, .. } => format!("JOIN {}", py_addr(*gcd)),
        Event::Listed { members } => format!("{} members", members.len()),
        Event::JoinFailed { gcd } => format!("failed to join {}: no reply", py_addr(*gcd)),
        Event::Greeted { member, reply } => match reply {
            Ok(text) => format!(
                "HELLO to {} -> ({}, {})",
                py_host_port(*member),
                py_str("OK"),
                py_str(text)
            ),
            Err(why) => format!(
                "HELLO to {} -> failed to connect: {why}",
                py_host_port(*member)
            ),
        },
        Event::Finished { replies, failures } => {
            format!("done: {replies} replied, {failures} failed")
        }
    }
}

/// A node of a Lab 1 run.
#[derive(Clone, Debug)]
pub enum GcdNode {
    /// The group coordinator.
    Server(GcdServer),
    /// A member answering HELLO.
    Member,
    /// The Lab 1 client.
    Client(Lab1Client),
}

impl GcdNode {
    fn act(ctx: &mut Ctx<'_, Self>, actions: Vec<Action>) {
        for a in actions {
            match a {
                Action::Send(to, msg) => ctx.send(to, msg),
                Action::Wait(step, after) => ctx.set_timer(after, step),
                Action::Cancel(step) => ctx.cancel_timer(step),
                Action::Report(e) => ctx.observe(e),
            }
        }
    }
}

impl Machine for GcdNode {
    type Msg = Msg;
    type Timer = Step;
    type Obs = Event;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        let addr = ctx.me();
        match self {
            GcdNode::Server(_) => ctx.observe(Event::Listening { addr, gcd: true }),
            GcdNode::Member => ctx.observe(Event::Listening { addr, gcd: false }),
            GcdNode::Client(c) => {
                let actions = c.start(ctx.me());
                Self::act(ctx, actions);
            }
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: SocketAddr, msg: Msg) {
        match self {
            GcdNode::Server(gcd) => {
                let (reply, event) = gcd.handle(msg);
                ctx.send(from, reply);
                ctx.observe(Event::Server(event));
            }
            GcdNode::Member => ctx.send(from, member::answer(from, &msg)),
            GcdNode::Client(c) => {
                let actions = c.on_message(from, msg);
                Self::act(ctx, actions);
            }
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, step: Step) {
        if let GcdNode::Client(c) = self {
            let actions = c.on_timeout(step);
            Self::act(ctx, actions);
        }
    }

    fn on_connection(&mut self, ctx: &mut Ctx<'_, Self>, peer: SocketAddr, event: Connection) {
        if let (GcdNode::Client(c), Connection::Refused) = (self, event) {
            let actions = c.on_refused(peer);
            Self::act(ctx, actions);
        }
    }
}
