//! The fetcher's nodes as one machine type: the verifying [`Client`] or a
//! serving [`Peer`] (honest or tampering); their timers and observations.

use super::adversary::Tamper;
use super::client::Client;
use super::frame::Frame;
use super::hash::Hash256;
use super::header::{BlockHeader, HEADER_LEN};
use super::peer::Peer;
use sim::{Connection, Ctx, Machine};
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

/// What the fetcher's nodes report.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    /// The client opens a session with `peer` (sends `version`).
    Connecting {
        /// The peer.
        peer: SocketAddr,
    },
    /// The handshake with `peer` is complete.
    Handshaken {
        /// The peer.
        peer: SocketAddr,
        /// Its user agent.
        user_agent: String,
        /// The height it says it has.
        start_height: i32,
    },
    /// Headers `first..=last` were checked (linked, proof of work) and added.
    Headers {
        /// The peer that sent them.
        peer: SocketAddr,
        /// Height of the first new header.
        first: u32,
        /// Height of the last.
        last: u32,
    },
    /// The client asks `peer` for the block at `height`.
    Requested {
        /// The peer.
        peer: SocketAddr,
        /// The height.
        height: u32,
        /// Its hash, from the header chain.
        hash: Hash256,
    },
    /// The client verified and accepted the block at `height`.
    Accepted {
        /// The peer that sent it.
        peer: SocketAddr,
        /// Its height.
        height: u32,
        /// The block's bytes.
        block: BlockBytes,
    },
    /// `peer` sent something invalid: the client closed the connection and
    /// will not use it again.
    Rejected {
        /// The peer.
        peer: SocketAddr,
        /// What was wrong.
        why: String,
    },
    /// The session with `peer` ended without a block (refused, closed,
    /// silent, or the peer lacks the block); it may be tried again later.
    PeerFailed {
        /// The peer.
        peer: SocketAddr,
        /// What happened.
        why: String,
    },
    /// Every usable peer was tried this round; the client tries again after
    /// a pause.
    Waiting {
        /// Peers still usable.
        usable: usize,
    },
    /// Every peer was rejected: the client stops.
    GaveUp {
        /// Why.
        why: String,
    },
    /// A message sent or received (with `verbose` on).
    Wire {
        /// The other end.
        peer: SocketAddr,
        /// Sent by this node (else received).
        outgoing: bool,
        /// The bytes.
        frame: Frame,
    },
    /// A peer is up, serving blocks `0..=tip`.
    Listening {
        /// Its address.
        at: SocketAddr,
        /// Its network.
        network: super::wire::Network,
        /// The height of its last block.
        tip: u32,
        /// How it lies, if it does.
        tamper: Option<Tamper>,
    },
    /// A peer sent the block at `height` to `to`.
    Served {
        /// The client.
        to: SocketAddr,
        /// The height.
        height: u32,
        /// How it was changed on the way, if it was.
        tamper: Option<Tamper>,
    },
    /// A peer dropped a connection that sent it something it could not read.
    PeerDropped {
        /// The other end.
        from: SocketAddr,
        /// What was wrong.
        why: String,
    },
}

/// A block's serialization, shown in traces by its hash and size.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BlockBytes(pub Arc<[u8]>);

impl fmt::Debug for BlockBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self
            .0
            .get(..HEADER_LEN)
            .and_then(|h| <&[u8; HEADER_LEN]>::try_from(h).ok())
        {
            Some(header) => write!(
                f,
                "Block({}, {} bytes)",
                BlockHeader::from_bytes(header).block_hash(),
                self.0.len()
            ),
            None => write!(f, "Block({} bytes)", self.0.len()),
        }
    }
}

/// The fetcher's timers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// The session numbered so waited too long for its next answer.
    Stall(u64),
    /// Start another round over the usable peers.
    Retry,
}

/// A node of the fetcher.
#[derive(Debug)]
pub enum BitcoinNode {
    /// The verifying client.
    Client(Box<Client>),
    /// A peer serving a chain.
    Peer(Box<Peer>),
}

impl Machine for BitcoinNode {
    type Msg = Frame;
    type Timer = Timer;
    type Obs = Event;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        match self {
            BitcoinNode::Client(c) => c.on_start(ctx),
            BitcoinNode::Peer(p) => p.on_start(ctx),
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: SocketAddr, frame: Frame) {
        match self {
            BitcoinNode::Client(c) => c.on_message(ctx, from, frame),
            BitcoinNode::Peer(p) => p.on_message(ctx, from, frame),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match self {
            BitcoinNode::Client(c) => c.on_timer(ctx, timer),
            BitcoinNode::Peer(p) => p.on_timer(ctx, timer),
        }
    }

    fn on_connection(&mut self, ctx: &mut Ctx<'_, Self>, peer: SocketAddr, event: Connection) {
        match self {
            BitcoinNode::Client(c) => c.on_connection(ctx, peer, event),
            BitcoinNode::Peer(p) => p.on_connection(ctx, peer, event),
        }
    }
}
