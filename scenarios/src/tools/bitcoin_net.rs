//! `dsim bitcoin serve` and `dsim bitcoin fetch`: a peer and the client of
//! the `bitcoin` description on real TCP, speaking the real P2P protocol.

use super::one_node::{duration_arg, exit, nobody, run_one, OneNode, FOREVER};
use crate::commands::Exit;
use clap::Args;
use net_real::{LiveStop, Transport};
use protocols::bitcoin::adversary::Tamper;
use protocols::bitcoin::node::Event;
use protocols::bitcoin::protocol::{ChainKind, PeerKind};
use protocols::bitcoin::wire::Network;
use protocols::bitcoin::{BitcoinProtocol, ScenarioParams};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Mutex;
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

/// Parameters every tool starts from (the description's defaults).
fn defaults() -> Result<ScenarioParams, String> {
    sim::parse_params(&serde_json::json!({}))
}

fn one(book: Vec<SocketAddr>, index: usize, duration: Duration, stamp: bool) -> OneNode {
    OneNode {
        book,
        index,
        transport: Transport::Tcp,
        duration,
        verbose: false,
        stamp,
        seed: None,
        announce: None,
    }
}

/// Runs `dsim bitcoin serve`: node 0 (a peer) of a description with one
/// peer; the client (node 1) is whoever connects.
pub fn serve(a: &ServeArgs) -> Result<Exit, String> {
    let p = ScenarioParams {
        chain: if a.regtest.is_some() {
            ChainKind::Regtest
        } else {
            ChainKind::Mainnet
        },
        chain_file: a.chain.clone(),
        regtest_blocks: a.regtest,
        height: 0,
        peers: vec![PeerKind(a.tamper)],
        chatter: !a.quiet,
        verbose: a.verbose,
        ..defaults()?
    };
    let node = one(
        vec![a.listen, nobody()],
        0,
        a.run_for.unwrap_or(FOREVER),
        true,
    );
    let report = run_one(&BitcoinProtocol, &p, Some(2), node, |_| false)?;
    Ok(exit(&report))
}

/// Runs `dsim bitcoin fetch`: the client (the last node) of a description
/// whose peers are the given real nodes. Exit 0 with a verified block, 1
/// when no peer gave one (every one lied, or time ran out).
pub fn fetch(a: &FetchArgs) -> Result<Exit, String> {
    if a.timeout.is_zero() || a.within.is_zero() {
        return Err("--timeout and --within must be positive".into());
    }
    let p = ScenarioParams {
        chain: ChainKind::None,
        network: Some(a.network),
        height: a.height,
        peers: vec![PeerKind(None); a.peer.len()],
        peer_timeout: sim::Dur(a.timeout),
        verbose: a.verbose,
        ..defaults()?
    };
    let mut book = a.peer.clone();
    book.push(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
    let node = one(book, a.peer.len(), a.within, false);
    let outcome: Mutex<Option<Event>> = Mutex::new(None);
    let report = run_one(&BitcoinProtocol, &p, None, node, |e| {
        let end = matches!(e, Event::Accepted { .. } | Event::GaveUp { .. });
        if end {
            *outcome.lock().unwrap_or_else(|p| p.into_inner()) = Some(e.clone());
        }
        end
    })?;
    if let Some(code) = report.signal_exit_code() {
        return Ok(Exit::Signal(code));
    }
    match outcome.into_inner().unwrap_or_else(|p| p.into_inner()) {
        Some(Event::Accepted { height, .. }) => {
            println!("ok: block {height} verified");
            Ok(Exit::Ok)
        }
        Some(Event::GaveUp { why }) => {
            eprintln!("error: no valid block {}: {why}", a.height);
            Ok(Exit::Violation)
        }
        _ => {
            debug_assert_ne!(report.stop, LiveStop::Done);
            eprintln!(
                "error: no valid block {} within {:?} (see the peers' failures above)",
                a.height, a.within
            );
            Ok(Exit::Violation)
        }
    }
}
