//! A peer serving a chain, as a full node would answer a block fetcher:
//! `version`/`verack`, `headers` after a locator, `inv` for `getblocks`,
//! blocks for `getdata` (`notfound` for the rest), `pong` for `ping`.
//! With `chatter` it also sends what real nodes send unasked (`sendheaders`,
//! `sendcmpct`, `feefilter`, `wtxidrelay`, a `ping`, `addr`, an `inv`, an
//! unknown command). A tampering peer lies as its [`Tamper`] says.

use super::adversary::{block_message, headers_message, Tamper};
use super::client::{send, version_message};
use super::frame::Frame;
use super::hash::sha256d;
use super::node::{BitcoinNode, Event, Timer};
use super::store::BlockStore;
use super::wire::{Command, InvType, Inventory, Message, NetAddr, TimedAddr, MAX_HEADERS};
use rand::Rng;
use sim::{Connection, Ctx};
use std::net::SocketAddr;
use std::sync::Arc;

/// Most block hashes in an answer to `getblocks` (as Bitcoin Core).
const MAX_GETBLOCKS: usize = 500;

/// What a peer serves and how.
#[derive(Clone, Debug)]
pub struct PeerConfig {
    /// The chain.
    pub store: Arc<BlockStore>,
    /// How it lies (`None`: honest).
    pub tamper: Option<Tamper>,
    /// Send unasked traffic after the handshake.
    pub chatter: bool,
    /// Report every message sent and received ([`Event::Wire`]).
    pub verbose: bool,
}

/// The peer machine (it keeps no per-connection state).
#[derive(Debug)]
pub struct Peer {
    cfg: Arc<PeerConfig>,
}

type Cx<'a> = Ctx<'a, BitcoinNode>;

impl Peer {
    /// A peer serving as `cfg` says.
    pub fn new(cfg: Arc<PeerConfig>) -> Peer {
        Peer { cfg }
    }

    pub(crate) fn on_start(&mut self, ctx: &mut Cx<'_>) {
        ctx.observe(Event::Listening {
            at: ctx.me(),
            network: self.cfg.store.network(),
            tip: self.cfg.store.tip_height(),
            tamper: self.cfg.tamper,
        });
    }

    pub(crate) fn on_timer(&mut self, _ctx: &mut Cx<'_>, _timer: Timer) {}

    pub(crate) fn on_connection(&mut self, _: &mut Cx<'_>, _: SocketAddr, _: Connection) {}

    pub(crate) fn on_message(&mut self, ctx: &mut Cx<'_>, from: SocketAddr, frame: Frame) {
        let network = self.cfg.store.network();
        if self.cfg.verbose {
            ctx.observe(Event::Wire {
                peer: from,
                outgoing: false,
                frame: frame.clone(),
            });
        }
        let msg = match frame.decode(network) {
            Ok(msg) => msg,
            Err(e) => {
                ctx.observe(Event::PeerDropped {
                    from,
                    why: e.to_string(),
                });
                ctx.close(from);
                return;
            }
        };
        match msg {
            Message::Version(_) => {
                let tip = self.cfg.store.tip_height() as i32;
                let version = version_message(ctx, from, "/dsim-peer:0.1/", tip);
                self.send(ctx, from, &version);
                if self.cfg.chatter {
                    self.send(ctx, from, &Message::WtxidRelay);
                }
                self.send(ctx, from, &Message::Verack);
            }
            Message::Verack if self.cfg.chatter => self.chatter(ctx, from),
            Message::Ping(nonce) => self.send(ctx, from, &Message::Pong(nonce)),
            Message::GetHeaders(locator) => {
                let store = &self.cfg.store;
                let headers: Vec<_> = store
                    .after_locator(&locator, MAX_HEADERS as usize)
                    .filter_map(|h| store.header(h).copied())
                    .collect();
                let frame = match self.cfg.tamper {
                    Some(t) => t.headers_frame(network, headers),
                    None => headers_message(network, headers),
                };
                self.send_frame(ctx, from, frame);
            }
            Message::GetBlocks(locator) => {
                let store = &self.cfg.store;
                let inv = store
                    .after_locator(&locator, MAX_GETBLOCKS)
                    .filter_map(|h| store.hash(h))
                    .map(|hash| Inventory {
                        kind: InvType::Block,
                        hash,
                    })
                    .collect();
                self.send(ctx, from, &Message::Inv(inv));
            }
            Message::GetData(items) => self.get_data(ctx, from, items),
            _ => {}
        }
    }

    fn get_data(&mut self, ctx: &mut Cx<'_>, from: SocketAddr, items: Vec<Inventory>) {
        let network = self.cfg.store.network();
        let mut missing = Vec::new();
        for item in items {
            let block = matches!(item.kind, InvType::Block | InvType::WitnessBlock)
                .then(|| self.cfg.store.height_of(&item.hash))
                .flatten();
            let Some(height) = block else {
                missing.push(item);
                continue;
            };
            let Some(block) = self.cfg.store.block(height) else {
                missing.push(item);
                continue;
            };
            let frame = match self.cfg.tamper {
                Some(t) => t.block_frame(network, block),
                None => block_message(network, block),
            };
            ctx.observe(Event::Served {
                to: from,
                height,
                tamper: self.cfg.tamper.filter(|t| *t != Tamper::Oversize),
            });
            self.send_frame(ctx, from, frame);
        }
        if !missing.is_empty() {
            self.send(ctx, from, &Message::NotFound(missing));
        }
    }

    /// What real nodes send unasked after the handshake.
    fn chatter(&mut self, ctx: &mut Cx<'_>, to: SocketAddr) {
        let now = ctx.wall_clock().0.div_euclid(1_000_000_000) as u32;
        let nonce: u64 = ctx.rng().random();
        let tx = sha256d(&nonce.to_le_bytes());
        let unknown = Command::new("dsimhello").map(|command| Message::Unknown {
            command,
            payload: b"unknown commands are skipped by their length".to_vec(),
        });
        let mut msgs = vec![
            Message::SendHeaders,
            Message::SendCmpct {
                announce: false,
                version: 2,
            },
            Message::FeeFilter(1000),
            Message::Ping(nonce),
            Message::Addr(vec![TimedAddr {
                time: now,
                addr: NetAddr::new(ctx.me(), 1 | 8),
            }]),
            Message::Inv(vec![Inventory {
                kind: InvType::WitnessTx,
                hash: tx,
            }]),
        ];
        msgs.extend(unknown);
        for msg in &msgs {
            self.send(ctx, to, msg);
        }
    }

    fn send(&self, ctx: &mut Cx<'_>, to: SocketAddr, msg: &Message) {
        send(ctx, self.cfg.store.network(), self.cfg.verbose, to, msg);
    }

    fn send_frame(&self, ctx: &mut Cx<'_>, to: SocketAddr, frame: Frame) {
        if self.cfg.verbose {
            ctx.observe(Event::Wire {
                peer: to,
                outgoing: true,
                frame: frame.clone(),
            });
        }
        ctx.send(to, frame);
    }
}
