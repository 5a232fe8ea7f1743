//! The verifying block fetcher (course Lab 5), sans-IO: the same code runs
//! in the simulator and on real sockets.
//!
//! With one peer at a time: `version`/`verack` handshake; `getheaders`
//! from genesis until the header chain (each header linked to the one
//! before and meeting its proof of work) reaches the target height;
//! `getdata` for that block; then the block must be the one the header
//! chain names (same hash) and pass every check of [`verify_within`]
//! (merkle root, CVE-2012-2459 mutation, witness commitment, proof of
//! work). It answers `ping` and ignores the rest of a peer's chatter.
//!
//! A peer that sends anything invalid is rejected for good (the connection
//! closed); one that refuses, closes, goes silent for `peer_timeout` or
//! lacks the block is left for the next; after a round over every usable
//! peer the client waits `retry_after` and starts another.

use super::frame::Frame;
use super::hash::Hash256;
use super::header::BlockHeader;
use super::node::{BitcoinNode, BlockBytes, Event, Timer};
use super::verify::{verify_within, Verification};
use super::wire::{
    BlockLocator, InvType, Inventory, Message, NetAddr, Network, Version, MAX_HEADERS,
};
use super::Block;
use rand::seq::SliceRandom;
use rand::Rng;
use sim::{Connection, Ctx};
use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// The protocol version the client speaks (Bitcoin Core 0.21+).
pub const PROTOCOL_VERSION: i32 = 70016;
/// `NODE_NETWORK | NODE_WITNESS`.
const SERVICES: u64 = 1 | 8;

/// What the client fetches, from whom, and how patiently.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The network (magic, proof-of-work limit).
    pub network: Network,
    /// The genesis block's hash, where the header chain starts.
    pub genesis: Hash256,
    /// The height of the block to fetch.
    pub height: u32,
    /// The peers to try.
    pub peers: Vec<SocketAddr>,
    /// How long to wait for a peer's next answer.
    pub peer_timeout: Duration,
    /// The pause between rounds over the peers.
    pub retry_after: Duration,
    /// A planted bug for sweeps to find: accept a block whose transactions
    /// do not match the header's merkle root.
    pub skip_merkle: bool,
    /// Report every message sent and received ([`Event::Wire`]).
    pub verbose: bool,
}

/// Where a session with a peer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Waiting for `version` and `verack`.
    Handshake,
    /// Walking the headers.
    Headers,
    /// Waiting for the block at `height`.
    Block { height: u32, hash: Hash256 },
}

/// The session with the current peer.
#[derive(Debug)]
struct Session {
    peer: SocketAddr,
    id: u64,
    version: Option<(String, i32)>,
    verack: bool,
    phase: Phase,
}

/// The client machine.
#[derive(Debug)]
pub struct Client {
    cfg: Arc<ClientConfig>,
    /// Hashes of the header chain by height (genesis first).
    chain: Vec<Hash256>,
    heights: BTreeMap<Hash256, u32>,
    order: Vec<SocketAddr>,
    next: usize,
    /// Peers tried in this round.
    round: BTreeSet<SocketAddr>,
    banned: BTreeSet<SocketAddr>,
    session: Option<Session>,
    sessions: u64,
    done: bool,
}

type Cx<'a> = Ctx<'a, BitcoinNode>;

impl Client {
    /// A client that has not started.
    pub fn new(cfg: Arc<ClientConfig>) -> Client {
        let genesis = cfg.genesis;
        Client {
            chain: vec![genesis],
            heights: BTreeMap::from([(genesis, 0)]),
            order: cfg.peers.clone(),
            cfg,
            next: 0,
            round: BTreeSet::new(),
            banned: BTreeSet::new(),
            session: None,
            sessions: 0,
            done: false,
        }
    }

    /// Height of the header chain's tip.
    pub fn tip_height(&self) -> u32 {
        self.chain.len().saturating_sub(1) as u32
    }

    /// Whether the block was fetched (or every peer rejected).
    pub fn is_done(&self) -> bool {
        self.done
    }

    pub(crate) fn on_start(&mut self, ctx: &mut Cx<'_>) {
        self.order.shuffle(ctx.rng());
        self.connect_next(ctx);
    }

    pub(crate) fn on_timer(&mut self, ctx: &mut Cx<'_>, timer: Timer) {
        match timer {
            Timer::Stall(id) if self.session.as_ref().is_some_and(|s| s.id == id) => {
                let why = format!("no answer within {:?}", self.cfg.peer_timeout);
                self.end_session(ctx, why, false);
            }
            Timer::Stall(_) => {}
            Timer::Retry => {
                if self.session.is_none() {
                    self.connect_next(ctx);
                }
            }
        }
    }

    pub(crate) fn on_connection(&mut self, ctx: &mut Cx<'_>, peer: SocketAddr, event: Connection) {
        if self.session.as_ref().is_none_or(|s| s.peer != peer) {
            return;
        }
        match event {
            Connection::Established => {}
            Connection::Refused => self.end_session(ctx, "connection refused".into(), false),
            Connection::Closed => self.end_session(ctx, "connection closed".into(), false),
        }
    }

    pub(crate) fn on_message(&mut self, ctx: &mut Cx<'_>, from: SocketAddr, frame: Frame) {
        if self.session.as_ref().is_none_or(|s| s.peer != from) {
            return;
        }
        if self.cfg.verbose {
            ctx.observe(Event::Wire {
                peer: from,
                outgoing: false,
                frame: frame.clone(),
            });
        }
        let msg = match frame.decode(self.cfg.network) {
            Ok(msg) => msg,
            Err(e) => {
                let what = frame
                    .command()
                    .map_or("unreadable".into(), |c| c.to_string());
                return self.end_session(ctx, format!("sent a bad `{what}` message: {e}"), true);
            }
        };
        match msg {
            Message::Version(v) => {
                self.send(ctx, from, &Message::Verack);
                if let Some(s) = self.session.as_mut() {
                    s.version = Some((v.user_agent, v.start_height));
                }
                self.progress(ctx);
                self.after_handshake_step(ctx);
            }
            Message::Verack => {
                if let Some(s) = self.session.as_mut() {
                    s.verack = true;
                }
                self.progress(ctx);
                self.after_handshake_step(ctx);
            }
            Message::Ping(nonce) => self.send(ctx, from, &Message::Pong(nonce)),
            Message::Headers(headers) => self.on_headers(ctx, from, &headers),
            Message::Block(block) => self.on_block(ctx, from, block),
            Message::NotFound(items) => {
                let wanted = match self.session.as_ref().map(|s| s.phase) {
                    Some(Phase::Block { hash, .. }) => Some(hash),
                    _ => None,
                };
                if let Some(hash) = wanted.filter(|h| items.iter().any(|i| i.hash == *h)) {
                    self.end_session(ctx, format!("does not have block {hash}"), false);
                }
            }
            // Chatter: addr, inv, sendheaders, sendcmpct, feefilter, pong,
            // unknown commands...
            _ => {}
        }
    }

    /// The peer answered what we waited for: give it another timeout.
    fn progress(&mut self, ctx: &mut Cx<'_>) {
        if let Some(s) = &self.session {
            ctx.set_timer(self.cfg.peer_timeout, Timer::Stall(s.id));
        }
    }

    fn after_handshake_step(&mut self, ctx: &mut Cx<'_>) {
        let Some(s) = self.session.as_mut() else {
            return;
        };
        if s.phase != Phase::Handshake || !s.verack {
            return;
        }
        let Some((user_agent, start_height)) = s.version.clone() else {
            return;
        };
        s.phase = Phase::Headers;
        let peer = s.peer;
        ctx.observe(Event::Handshaken {
            peer,
            user_agent,
            start_height,
        });
        self.next_request(ctx, peer);
    }

    /// Asks for more headers, or for the block once the chain reaches it.
    fn next_request(&mut self, ctx: &mut Cx<'_>, peer: SocketAddr) {
        let target = self.cfg.height;
        match self.chain.get(target as usize).copied() {
            Some(hash) => {
                if let Some(s) = self.session.as_mut() {
                    s.phase = Phase::Block {
                        height: target,
                        hash,
                    };
                }
                ctx.observe(Event::Requested {
                    peer,
                    height: target,
                    hash,
                });
                let inv = Inventory {
                    kind: InvType::WitnessBlock,
                    hash,
                };
                self.send(ctx, peer, &Message::GetData(vec![inv]));
            }
            None => {
                let locator = BlockLocator {
                    version: PROTOCOL_VERSION as u32,
                    hashes: self.locator(),
                    stop: Hash256::ZERO,
                };
                self.send(ctx, peer, &Message::GetHeaders(locator));
            }
        }
    }

    /// The tip, the 10 blocks before it, then back in doubling steps, and
    /// genesis (as Bitcoin Core builds a locator).
    fn locator(&self) -> Vec<Hash256> {
        let mut hashes = Vec::new();
        let mut height = self.chain.len() - 1;
        let mut step = 1;
        loop {
            hashes.push(self.chain[height]);
            if height == 0 {
                break;
            }
            if hashes.len() >= 10 {
                step *= 2;
            }
            height = height.saturating_sub(step);
        }
        hashes
    }

    fn on_headers(&mut self, ctx: &mut Cx<'_>, peer: SocketAddr, headers: &[BlockHeader]) {
        if self.session.as_ref().map(|s| s.phase) != Some(Phase::Headers) {
            return; // an announcement: not asked for
        }
        let limit = self.cfg.network.pow_limit();
        let first = self.tip_height() + 1;
        for header in headers {
            let hash = header.block_hash();
            if self.heights.contains_key(&hash) {
                continue; // overlaps what we have
            }
            let height = self.tip_height() + 1;
            let tip = self.chain[height as usize - 1];
            if header.prev_blockhash != tip {
                let why = format!(
                    "header {hash} does not link to our header at height {} ({tip})",
                    height - 1
                );
                return self.end_session(ctx, why, true);
            }
            if let Err(e) = header.check_pow_within(&limit) {
                let why = format!("header at height {height} fails proof of work: {e}");
                return self.end_session(ctx, why, true);
            }
            self.chain.push(hash);
            self.heights.insert(hash, height);
        }
        if self.tip_height() >= first {
            ctx.observe(Event::Headers {
                peer,
                first,
                last: self.tip_height(),
            });
        }
        self.progress(ctx);
        if self.tip_height() >= self.cfg.height || headers.len() as u64 == MAX_HEADERS {
            self.next_request(ctx, peer);
        } else {
            let why = format!(
                "has headers only up to height {}, not {}",
                self.tip_height(),
                self.cfg.height
            );
            self.end_session(ctx, why, false);
        }
    }

    fn on_block(&mut self, ctx: &mut Cx<'_>, peer: SocketAddr, block: Block) {
        let Some(Phase::Block { height, hash }) = self.session.as_ref().map(|s| s.phase) else {
            return; // not asked for
        };
        let got = block.block_hash();
        if got != hash {
            if self.heights.contains_key(&got) {
                return; // another block of the chain: not the one asked for
            }
            let why = format!(
                "sent block {got} for height {height}, but the header chain says {hash}: \
                 the block's header was changed"
            );
            return self.end_session(ctx, why, true);
        }
        let v = verify_within(&block, &self.cfg.network.pow_limit());
        if let Some(why) = self.failed_checks(&v) {
            return self.end_session(ctx, format!("block {height} fails: {why}"), true);
        }
        self.done = true;
        if let Some(s) = self.session.take() {
            ctx.cancel_timer(Timer::Stall(s.id));
            ctx.close(s.peer);
        }
        ctx.observe(Event::Accepted {
            peer,
            height,
            block: BlockBytes(block.as_bytes().into()),
        });
    }

    /// What `v` found wrong (the merkle check skipped under `skip_merkle`).
    fn failed_checks(&self, v: &Verification) -> Option<String> {
        let mut failed = Vec::new();
        if !self.cfg.skip_merkle && !v.merkle.is_ok() {
            failed.push(match v.merkle.computed {
                Some(m) if m.root != v.merkle.in_header => format!(
                    "the transactions' merkle root {} is not the header's {}",
                    m.root, v.merkle.in_header
                ),
                Some(_) => "duplicated transactions (a mutated merkle tree, CVE-2012-2459)".into(),
                None => "no transactions".into(),
            });
        }
        if !v.witness.is_ok() {
            failed.push(format!("witness commitment: {}", v.witness));
        }
        if let Err(e) = &v.pow {
            failed.push(format!("proof of work: {e}"));
        }
        (!failed.is_empty()).then(|| failed.join("; "))
    }

    /// Ends the session with the current peer and moves on; `ban`: the peer
    /// lied and is not tried again.
    fn end_session(&mut self, ctx: &mut Cx<'_>, why: String, ban: bool) {
        let Some(s) = self.session.take() else {
            return;
        };
        ctx.cancel_timer(Timer::Stall(s.id));
        ctx.close(s.peer);
        if ban {
            self.banned.insert(s.peer);
            ctx.observe(Event::Rejected { peer: s.peer, why });
        } else {
            ctx.observe(Event::PeerFailed { peer: s.peer, why });
        }
        self.connect_next(ctx);
    }

    /// Opens a session with the next usable peer, or waits for another round.
    fn connect_next(&mut self, ctx: &mut Cx<'_>) {
        if self.done {
            return;
        }
        let usable = self
            .order
            .iter()
            .filter(|p| !self.banned.contains(p))
            .count();
        if usable == 0 {
            self.done = true;
            let why = if self.order.is_empty() {
                "no peers to ask".to_string()
            } else {
                format!("every peer ({}) sent invalid data", self.order.len())
            };
            ctx.observe(Event::GaveUp { why });
            return;
        }
        let fresh = (0..self.order.len())
            .map(|k| (self.next + k) % self.order.len())
            .find(|&i| {
                let p = &self.order[i];
                !self.banned.contains(p) && !self.round.contains(p)
            });
        let Some(i) = fresh else {
            self.round.clear();
            ctx.observe(Event::Waiting { usable });
            ctx.set_timer(self.cfg.retry_after, Timer::Retry);
            return;
        };
        let peer = self.order[i];
        self.next = i + 1;
        self.round.insert(peer);
        self.sessions += 1;
        self.session = Some(Session {
            peer,
            id: self.sessions,
            version: None,
            verack: false,
            phase: Phase::Handshake,
        });
        ctx.observe(Event::Connecting { peer });
        let version = version_message(ctx, peer, "/dsim-fetch:0.1/", 0);
        self.send(ctx, peer, &version);
        self.progress(ctx);
    }

    fn send(&self, ctx: &mut Cx<'_>, to: SocketAddr, msg: &Message) {
        send(ctx, self.cfg.network, self.cfg.verbose, to, msg);
    }
}

/// A `version` message from this node to `peer`.
pub(crate) fn version_message(
    ctx: &mut Cx<'_>,
    peer: SocketAddr,
    user_agent: &str,
    start_height: i32,
) -> Message {
    Message::Version(Version {
        version: PROTOCOL_VERSION,
        services: SERVICES,
        timestamp: ctx.wall_clock().0.div_euclid(1_000_000_000),
        receiver: NetAddr::new(peer, 0),
        sender: NetAddr::new(ctx.me(), SERVICES),
        nonce: ctx.rng().random(),
        user_agent: user_agent.into(),
        start_height,
        relay: Some(false),
    })
}

/// Sends `msg` framed for `network`, reporting it when `verbose`. Messages
/// this code builds are far below the 32 MiB cap, so framing cannot fail.
pub(crate) fn send(
    ctx: &mut Cx<'_>,
    network: Network,
    verbose: bool,
    to: SocketAddr,
    msg: &Message,
) {
    let Ok(frame) = Frame::encode(network, msg) else {
        return;
    };
    if verbose {
        ctx.observe(Event::Wire {
            peer: to,
            outgoing: true,
            frame: frame.clone(),
        });
    }
    ctx.send(to, frame);
}
