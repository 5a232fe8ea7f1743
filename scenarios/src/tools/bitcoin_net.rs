//! `dsim bitcoin serve` and `dsim bitcoin fetch`: the fetcher's peer and
//! client machines on real TCP, speaking the real P2P protocol.

use super::one_node::{duration_arg, run_one, OneNode, FOREVER};
use crate::commands::Exit;
use clap::Args;
use protocols::bitcoin::adversary::Tamper;
use protocols::bitcoin::client::{Client, ClientConfig};
use protocols::bitcoin::frame::FrameCodec;
use protocols::bitcoin::node::{BitcoinNode, Event};
use protocols::bitcoin::peer::{Peer, PeerConfig};
use protocols::bitcoin::render::render;
use protocols::bitcoin::store::{BlockStore, MAX_REGTEST_BLOCKS};
use protocols::bitcoin::wire::Network;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// `dsim bitcoin serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The chain to serve: a Bitcoin Core `blk*.dat` file holding blocks
    /// from genesis on (its network is read from the records' magic).
    #[arg(long, value_name = "FILE", required_unless_present = "regtest")]
    pub chain: Option<PathBuf>,
    /// Serve a generated regtest chain of N blocks after genesis instead.
    #[arg(long, value_name = "N", conflicts_with = "chain")]
    pub regtest: Option<u32>,
    /// Address to listen on (port 0: any free port; the first line says which).
    #[arg(long, default_value = "127.0.0.1:8333")]
    pub listen: SocketAddr,
    /// Lie to every client this way (value, script, witness, reorder,
    /// duplicate, merkle-root, checksum, truncate, oversize).
    #[arg(long, value_name = "KIND")]
    pub tamper: Option<Tamper>,
    /// Send no unasked traffic (pings, addr, inv, sendcmpct...).
    #[arg(long)]
    pub quiet: bool,
    /// Print every message with its fields and a hex dump.
    #[arg(long)]
    pub verbose: bool,
    /// Stop after this long (default: run until interrupted).
    #[arg(long = "for", value_parser = duration_arg)]
    pub run_for: Option<Duration>,
}

/// `dsim bitcoin fetch`.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// A peer to fetch from, HOST:PORT (repeat for several; the client moves
    /// on from one that lies, refuses or goes silent).
    #[arg(long, required = true)]
    pub peer: Vec<SocketAddr>,
    /// Height of the block to fetch.
    #[arg(long)]
    pub height: u32,
    /// The peers' network (magic, genesis, proof-of-work limit).
    #[arg(long, default_value = "mainnet")]
    pub network: Network,
    /// How long to wait for each answer of a peer.
    #[arg(long, default_value = "10s", value_parser = duration_arg)]
    pub timeout: Duration,
    /// Give up after this long in all.
    #[arg(long, default_value = "60s", value_parser = duration_arg)]
    pub within: Duration,
    /// Print every message sent and received, with its fields and a hex dump.
    #[arg(long)]
    pub verbose: bool,
}

/// The chain `--chain` or `--regtest` names.
fn load_chain(a: &ServeArgs) -> Result<Arc<BlockStore>, String> {
    if let Some(n) = a.regtest {
        if n > MAX_REGTEST_BLOCKS {
            return Err(format!(
                "--regtest: at most {MAX_REGTEST_BLOCKS} blocks, got {n}"
            ));
        }
        return Ok(BlockStore::regtest(n));
    }
    let Some(path) = &a.chain else {
        return Err("--chain FILE or --regtest N is required".into());
    };
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let magic: [u8; 4] = bytes
        .get(..4)
        .and_then(|m| m.try_into().ok())
        .ok_or_else(|| format!("{}: empty, not a blk*.dat file", path.display()))?;
    let network = Network::from_magic(magic).ok_or_else(|| {
        format!(
            "{}: starts with {magic:02x?}, no network's magic (not a blk*.dat file)",
            path.display()
        )
    })?;
    BlockStore::from_blkdat(&bytes, network)
        .map(Arc::new)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Runs `dsim bitcoin serve`.
pub fn serve(a: &ServeArgs) -> Result<Exit, String> {
    let store = load_chain(a)?;
    let network = store.network();
    let cfg = Arc::new(PeerConfig {
        store,
        tamper: a.tamper,
        chatter: !a.quiet,
        verbose: a.verbose,
    });
    let node = OneNode {
        book: vec![a.listen],
        index: 0,
        duration: a.run_for.unwrap_or(FOREVER),
        verbose: a.verbose,
        stamp: true,
    };
    run_one(
        node,
        move |_, _| BitcoinNode::Peer(Box::new(Peer::new(cfg.clone()))),
        FrameCodec::new(network),
        move |e| render(network, e),
        |_| false,
    )?;
    Ok(Exit::Ok)
}

/// Runs `dsim bitcoin fetch`: exit 0 with a verified block, 1 when no peer
/// gave one (every one lied, or time ran out).
pub fn fetch(a: &FetchArgs) -> Result<Exit, String> {
    if a.timeout.is_zero() || a.within.is_zero() {
        return Err("--timeout and --within must be positive".into());
    }
    let network = a.network;
    let peers = a.peer.len();
    let cfg = ClientConfig {
        network,
        genesis: network.genesis_hash(),
        height: a.height,
        peers: Vec::new(),
        peer_timeout: a.timeout,
        retry_after: Duration::from_secs(1),
        skip_merkle: false,
        verbose: a.verbose,
    };
    let mut book = a.peer.clone();
    book.push(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
    let node = OneNode {
        book,
        index: peers,
        duration: a.within,
        verbose: a.verbose,
        stamp: false,
    };
    let outcome: Arc<Mutex<Option<Event>>> = Arc::default();
    let seen = outcome.clone();
    run_one(
        node,
        move |_, book| {
            let cfg = ClientConfig {
                peers: book.iter().take(peers).copied().collect(),
                ..cfg.clone()
            };
            BitcoinNode::Client(Box::new(Client::new(Arc::new(cfg))))
        },
        FrameCodec::new(network),
        move |e| render(network, e),
        move |e| {
            let end = matches!(e, Event::Accepted { .. } | Event::GaveUp { .. });
            if end {
                *seen.lock().unwrap_or_else(|p| p.into_inner()) = Some(e.clone());
            }
            end
        },
    )?;
    let outcome = outcome.lock().unwrap_or_else(|p| p.into_inner()).take();
    match outcome {
        Some(Event::Accepted { height, .. }) => {
            println!("ok: block {height} verified");
            Ok(Exit::Ok)
        }
        Some(Event::GaveUp { why }) => {
            eprintln!("error: no valid block {}: {why}", a.height);
            Ok(Exit::Violation)
        }
        _ => {
            eprintln!(
                "error: no valid block {} within {:?} (see the peers' failures above)",
                a.height, a.within
            );
            Ok(Exit::Violation)
        }
    }
}
