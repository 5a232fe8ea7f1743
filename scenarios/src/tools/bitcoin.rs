//! `dsim bitcoin ...`: the tamper demonstration (no network), and the
//! fetcher's peer and client on real sockets ([`super::bitcoin_net`]).

use crate::commands::{print_json, Exit};
use clap::{Args, Subcommand};
use protocols::bitcoin::hash::from_hex;
use protocols::bitcoin::header::HEADER_LEN;
use protocols::bitcoin::tamper::{tamper, Tampering};
use protocols::bitcoin::{Block, BlockHeader};
use std::path::{Path, PathBuf};

/// `dsim bitcoin ...`.
#[derive(Debug, Subcommand)]
pub enum BitcoinCommand {
    /// Change one output's value in a block and show each check that
    /// catches it: txid, merkle root, proof of work, the next block's link.
    #[command(after_help = "\
Block files hold the raw block (.bin) or its hex (.hex, whitespace ignored).
Exit status: 0 the tampering was caught, 1 it was not (e.g. the value did not
change), 2 bad input (unreadable block, index out of range).

Examples:
  dsim bitcoin tamper --block blk-170.bin --tx 1 --output 0 --value 100000000000
  dsim bitcoin tamper --block blk-170.hex --tx 1 --output 0 --value 1 --next blk-171.bin
  dsim bitcoin tamper --block blk-100000.bin --tx 3 --output 1 --value 0 --json")]
    Tamper(TamperArgs),
    /// Serve a chain to fetchers over the real P2P protocol (our honest
    /// peer, or a tampering one).
    #[command(after_help = "\
Prints `peer listening on ADDR: ...` first, then every block it serves.

Examples:
  dsim bitcoin serve --chain blocks-0-438.blkdat --listen 127.0.0.1:8333
  dsim bitcoin serve --chain blocks-0-438.blkdat --listen 127.0.0.1:0 --tamper value
  dsim bitcoin serve --regtest 5000 --listen 127.0.0.1:18444 --verbose")]
    Serve(super::bitcoin_net::ServeArgs),
    /// Fetch one block over the real P2P protocol, verify it (header chain,
    /// merkle root, witness commitment, proof of work) and print it.
    #[command(after_help = "\
Walks the headers from genesis with getheaders, asks for the block with
getdata, and accepts it only if it is the block the header chain names and
passes every check; a peer that lies is disconnected and the next one tried.
Exit status: 0 a verified block, 1 no peer gave one (every one lied, or time
ran out), 2 bad usage.

Examples:
  dsim bitcoin fetch --peer 127.0.0.1:8333 --height 438
  dsim bitcoin fetch --peer 127.0.0.1:18444 --network regtest --height 4000 --verbose
  dsim bitcoin fetch --peer 127.0.0.1:8333 --peer 127.0.0.1:8334 --height 170")]
    Fetch(super::bitcoin_net::FetchArgs),
}

/// `dsim bitcoin tamper`.
#[derive(Debug, Args)]
pub struct TamperArgs {
    /// The block to tamper with (raw `.bin` or `.hex`).
    #[arg(long, value_name = "FILE")]
    pub block: PathBuf,
    /// Index of the transaction (0 is the coinbase).
    #[arg(long, value_name = "I")]
    pub tx: usize,
    /// Index of the output in that transaction.
    #[arg(long, value_name = "J")]
    pub output: usize,
    /// The new value, in satoshis.
    #[arg(long, value_name = "V")]
    pub value: u64,
    /// The block after it (or just its 80-byte header), to show the broken link.
    #[arg(long, value_name = "FILE")]
    pub next: Option<PathBuf>,
    /// Machine-readable output (one JSON object).
    #[arg(long)]
    pub json: bool,
}

/// Runs a `dsim bitcoin` verb.
pub fn run(command: &BitcoinCommand) -> Result<Exit, String> {
    match command {
        BitcoinCommand::Tamper(a) => run_tamper(a),
        BitcoinCommand::Serve(a) => super::bitcoin_net::serve(a),
        BitcoinCommand::Fetch(a) => super::bitcoin_net::fetch(a),
    }
}

/// The bytes of a block file: hex if it is named `.hex` or holds only hex
/// digits and whitespace, raw otherwise.
fn read_block_file(path: &Path) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let named_hex = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("hex"));
    let looks_hex = !bytes.is_empty()
        && bytes
            .iter()
            .all(|b| b.is_ascii_hexdigit() || b.is_ascii_whitespace());
    if named_hex || looks_hex {
        let text =
            std::str::from_utf8(&bytes).map_err(|_| format!("{}: not hex", path.display()))?;
        from_hex(text).ok_or_else(|| format!("{}: not hex", path.display()))
    } else {
        Ok(bytes)
    }
}

fn run_tamper(a: &TamperArgs) -> Result<Exit, String> {
    let bytes = read_block_file(&a.block)?;
    let block =
        Block::from_vec(bytes).map_err(|e| format!("{}: not a block: {e}", a.block.display()))?;
    let next = match &a.next {
        None => None,
        Some(path) => {
            let bytes = read_block_file(path)?;
            let header: &[u8; HEADER_LEN] = bytes
                .get(..HEADER_LEN)
                .and_then(|h| h.try_into().ok())
                .ok_or_else(|| {
                    format!("{}: shorter than an 80-byte block header", path.display())
                })?;
            Some(BlockHeader::from_bytes(header))
        }
    };
    let change = Tampering {
        tx: a.tx,
        output: a.output,
        value: a.value,
    };
    let report = tamper(&block, change, next.as_ref()).map_err(|e| e.to_string())?;
    if a.json {
        print_json(&report)?;
    } else {
        println!("{report}");
    }
    Ok(if report.caught {
        Exit::Ok
    } else {
        Exit::Violation
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../protocols/tests/data/bitcoin")
            .join(name)
    }

    fn args(tx: usize, value: u64) -> TamperArgs {
        TamperArgs {
            block: data("blk-170.hex"),
            tx,
            output: 0,
            value,
            next: None,
            json: true,
        }
    }

    #[test]
    fn exit_codes_follow_the_outcome() {
        assert_eq!(run_tamper(&args(1, 1)), Ok(Exit::Ok));
        // The same value: nothing changes, nothing is caught.
        assert_eq!(run_tamper(&args(1, 1_000_000_000)), Ok(Exit::Violation));
        let err = run_tamper(&args(9, 1)).unwrap_err();
        assert!(err.contains("transaction index 9 is out of range"), "{err}");
        let raw = TamperArgs {
            block: data("blk-100000.bin"),
            next: Some(data("blk-100002.bin")),
            ..args(3, 5)
        };
        assert_eq!(run_tamper(&raw), Ok(Exit::Ok));
        let bad = TamperArgs {
            block: data("blocks.json"),
            ..args(0, 1)
        };
        assert!(run_tamper(&bad).unwrap_err().contains("not a block"));
    }
}
