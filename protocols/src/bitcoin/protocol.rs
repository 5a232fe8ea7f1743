//! The block fetcher as a [`sim::Protocol`]: nodes `0..n` are peers
//! serving a chain, each honest or tampering as `params.peers` lists them,
//! and the last node is the verifying [`Client`]. Streams (TCP), framed by the
//! P2P message header.

use super::adversary::Tamper;
use super::client::{Client, ClientConfig};
use super::frame::{Frame, FrameCodec};
use super::node::{BitcoinNode, Event};
use super::peer::{Peer, PeerConfig};
use super::properties::{accepts_only_valid, fetches_block};
use super::render::render;
use super::store::BlockStore;
use super::wire::Network;
use serde::{Deserialize, Deserializer};
use sim::{ClusterInfo, Codec, Dur, NodeSpec, Property, Protocol, Transport};
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// The port simulated nodes listen on (mainnet's).
pub const PORT: u16 = 8333;

/// Which chain the peers serve.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChainKind {
    /// The real mainnet blocks 0–438.
    #[default]
    Mainnet,
    /// A generated regtest chain (`regtest_blocks` long).
    Regtest,
    /// None: the peers are real nodes elsewhere (live tools); `network`
    /// says which network they are on.
    None,
}

/// One peer of a scenario: honest, or lying one way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeerKind(pub Option<Tamper>);

impl fmt::Display for PeerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("honest"),
            Some(t) => write!(f, "tampering: {t}"),
        }
    }
}

impl std::str::FromStr for PeerKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "honest" => Ok(PeerKind(None)),
            other => other
                .parse()
                .map(|t| PeerKind(Some(t)))
                .map_err(|e| format!("{e}, or honest")),
        }
    }
}

impl<'de> Deserialize<'de> for PeerKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// Scenario parameters of `bitcoin` (`params` in a scenario file).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioParams {
    /// The chain the peers serve: `mainnet` (the real blocks 0–438) or
    /// `regtest` (generated).
    #[serde(default)]
    pub chain: ChainKind,
    /// The height of the block to fetch.
    #[serde(default = "default_height")]
    pub height: u32,
    /// A `blk*.dat` file the peers serve instead of `chain` (its network
    /// read from the records' magic).
    #[serde(default)]
    pub chain_file: Option<PathBuf>,
    /// The network of chain `none` (default mainnet).
    #[serde(default)]
    pub network: Option<Network>,
    /// Blocks after genesis in the generated regtest chain (default: `height`).
    #[serde(default)]
    pub regtest_blocks: Option<u32>,
    /// The peers, in node order from node 0: `honest` or a tampering
    /// (`value`, `script`, `witness`, `reorder`, `duplicate`,
    /// `merkle-root`, `checksum`, `truncate`, `oversize`).
    #[serde(default = "default_peers")]
    pub peers: Vec<PeerKind>,
    /// Peers send unasked traffic (pings, addr, inv, sendcmpct...).
    #[serde(default = "yes")]
    pub chatter: bool,
    /// The planted bug: the client skips the merkle root check.
    #[serde(default)]
    pub skip_merkle: bool,
    /// Report (and print) every message with a hex dump.
    #[serde(default)]
    pub verbose: bool,
    /// How long the client waits for a peer's next answer.
    #[serde(default = "default_timeout")]
    pub peer_timeout: Dur,
    /// The client's pause between rounds over the peers.
    #[serde(default = "default_retry")]
    pub retry_after: Dur,
    /// How long after the last fault the client must have the block (when
    /// at least one peer is honest).
    #[serde(default = "default_within")]
    pub fetch_within: Dur,
}

fn default_height() -> u32 {
    438
}
fn default_peers() -> Vec<PeerKind> {
    vec![PeerKind(None)]
}
fn yes() -> bool {
    true
}
fn default_timeout() -> Dur {
    Dur::secs(5)
}
fn default_retry() -> Dur {
    Dur::secs(1)
}
fn default_within() -> Dur {
    Dur::secs(60)
}

impl ScenarioParams {
    /// The network the nodes speak.
    pub fn network(&self) -> Network {
        match (&self.chain_file, self.chain) {
            (Some(_), _) => self.store().map_or(Network::Mainnet, |s| s.network()),
            (None, ChainKind::Mainnet) => Network::Mainnet,
            (None, ChainKind::Regtest) => Network::Regtest,
            (None, ChainKind::None) => self.network.unwrap_or_default(),
        }
    }

    /// The chain the scenario's peers serve, checked to hold `height`
    /// (chain `none`: an empty one).
    pub fn store(&self) -> Result<Arc<BlockStore>, String> {
        if self.network.is_some() && (self.chain != ChainKind::None || self.chain_file.is_some()) {
            return Err(
                "params.network: only for chain \"none\" (other chains have theirs)".into(),
            );
        }
        let store = match (&self.chain_file, self.chain) {
            (Some(path), _) => {
                BlockStore::load(path).map_err(|e| format!("params.chain_file: {e}"))?
            }
            (None, ChainKind::None) => {
                return Ok(Arc::new(BlockStore::empty(
                    self.network.unwrap_or_default(),
                )))
            }
            (None, ChainKind::Mainnet) => {
                if self.regtest_blocks.is_some() {
                    return Err("params.regtest_blocks: only for chain \"regtest\"".into());
                }
                BlockStore::mainnet()
            }
            (None, ChainKind::Regtest) => {
                let blocks = self.regtest_blocks.unwrap_or(self.height);
                if blocks > super::store::MAX_REGTEST_BLOCKS {
                    return Err(format!(
                        "params.regtest_blocks: at most {}, got {blocks}",
                        super::store::MAX_REGTEST_BLOCKS
                    ));
                }
                BlockStore::regtest(blocks)
            }
        };
        if self.height > store.tip_height() {
            return Err(format!(
                "params.height: the {} chain ends at height {}, got {}",
                store.network(),
                store.tip_height(),
                self.height
            ));
        }
        Ok(store)
    }

    /// Whether any peer is honest.
    pub fn has_honest_peer(&self) -> bool {
        self.peers.iter().any(|p| p.0.is_none())
    }
}

/// The `bitcoin` description. Properties: `accepts-only-valid` (always:
/// every block the client accepts is, byte for byte, the chain's block at
/// the target height) and `fetches-block` (eventually: with an honest peer
/// the client accepts the block within `fetch_within` of the last fault).
#[derive(Clone, Copy, Debug, Default)]
pub struct BitcoinProtocol;

impl Protocol for BitcoinProtocol {
    type Machine = BitcoinNode;
    type Params = ScenarioParams;

    fn name(&self) -> &'static str {
        "bitcoin"
    }
    fn about(&self) -> &'static str {
        "course Lab 5: fetch and verify a block from honest and tampering Bitcoin peers"
    }
    fn transport(&self) -> Transport {
        Transport::Stream
    }
    fn nodes(
        &self,
        p: &ScenarioParams,
        nodes: Option<usize>,
    ) -> Result<Vec<NodeSpec<BitcoinNode>>, String> {
        if p.peers.is_empty() {
            return Err("params.peers: at least one peer".into());
        }
        let wanted = 1 + p.peers.len();
        if let Some(n) = nodes.filter(|n| *n != wanted) {
            return Err(format!(
                "nodes: bitcoin runs 1 client and the {} peers of params.peers ({wanted} nodes), got {n}",
                p.peers.len()
            ));
        }
        if p.peer_timeout.0.is_zero() {
            return Err("params.peer_timeout: must be positive".into());
        }
        let store = p.store()?;
        let client = ClientConfig {
            network: store.network(),
            genesis: store.genesis_hash(),
            height: p.height,
            peers: Vec::new(),
            peer_timeout: p.peer_timeout.0,
            retry_after: p.retry_after.0,
            skip_merkle: p.skip_merkle,
            verbose: p.verbose,
        };
        let peers = p.peers.len();
        let mut specs = Vec::with_capacity(peers + 1);
        for (i, kind) in p.peers.iter().enumerate() {
            let cfg = Arc::new(PeerConfig {
                store: store.clone(),
                tamper: kind.0,
                chatter: p.chatter,
                verbose: p.verbose,
            });
            specs.push(NodeSpec::new(
                format!("peer {i} ({kind})"),
                PORT,
                move |_, _| BitcoinNode::Peer(Box::new(Peer::new(cfg.clone()))),
            ));
        }
        specs.push(NodeSpec::new("client", PORT, move |_, book| {
            let cfg = ClientConfig {
                peers: book.iter().take(peers).copied().collect(),
                ..client.clone()
            };
            BitcoinNode::Client(Box::new(Client::new(Arc::new(cfg))))
        }));
        Ok(specs)
    }
    fn codec(&self, p: &ScenarioParams) -> Box<dyn Codec<Msg = Frame> + Send + Sync> {
        Box::new(FrameCodec::new(p.network()))
    }
    fn properties(
        &self,
        p: &ScenarioParams,
        _cluster: &ClusterInfo<'_>,
    ) -> Vec<Property<BitcoinNode>> {
        let store = p.store().ok();
        let expected = store
            .as_ref()
            .and_then(|s| s.block(p.height).map(|b| Arc::<[u8]>::from(b.as_bytes())));
        // Peers of chain `none` serve nothing: no block is owed.
        let owed = p.has_honest_peer() && store.is_some_and(|s| !s.is_empty());
        vec![
            accepts_only_valid(p.height, expected),
            fetches_block(owed, p.fetch_within.0),
        ]
    }
    fn render(&self, p: &ScenarioParams, obs: &Event) -> String {
        render(p.network(), obs)
    }
    fn scenarios(&self) -> &'static [sim::NamedScenario] {
        crate::named::named("bitcoin")
    }
    fn done(&self, _: &ScenarioParams, _: usize) -> Box<dyn FnMut(&Event) -> bool> {
        Box::new(|e| matches!(e, Event::Accepted { .. } | Event::GaveUp { .. }))
    }
}
