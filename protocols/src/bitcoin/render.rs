//! The fetcher's output for a person, in the course's spirit: a fetched
//! block's header fields and transactions, and (verbose) every message as
//! its header fields, its decoded payload and a hex dump.

use super::frame::Frame;
use super::hash::to_hex;
use super::node::Event;
use super::pow::Target;
use super::verify::verify_within;
use super::wire::{Message, Network, HEADER_LEN};
use super::{Block, Transaction};
use std::fmt::Write as _;

/// Most transactions listed for one block (the rest are counted).
const MAX_LISTED_TXS: usize = 10;
/// Most payload bytes hex-dumped for one message (the rest are counted).
const MAX_DUMP: usize = 512;

/// An observation as lines for a person (`network` decodes wire dumps).
pub fn render(network: Network, e: &Event) -> String {
    match e {
        Event::Connecting { peer } => format!("connecting to {peer}"),
        Event::Handshaken {
            peer,
            user_agent,
            start_height,
        } => format!("handshake with {peer} done: {user_agent}, height {start_height}"),
        Event::Headers { peer, first, last } => {
            format!("headers {first}..={last} from {peer}: linked, proof of work ok")
        }
        Event::Requested { peer, height, hash } => {
            format!("asking {peer} for block {height} ({hash})")
        }
        Event::Accepted {
            peer,
            height,
            block,
        } => match Block::decode(&block.0) {
            Ok(b) => format!(
                "block {height} from {peer}: verified\n{}",
                describe_block(network, &b)
            ),
            Err(e) => format!("block {height} from {peer}: {e}"),
        },
        Event::Rejected { peer, why } => format!("REJECTED {peer}: {why}; disconnected"),
        Event::PeerFailed { peer, why } => format!("peer {peer}: {why}; trying another"),
        Event::Waiting { usable } => {
            format!("tried all {usable} usable peers; trying again shortly")
        }
        Event::GaveUp { why } => format!("gave up: {why}"),
        Event::Wire {
            peer,
            outgoing,
            frame,
        } => {
            let arrow = if *outgoing { "->" } else { "<-" };
            format!("{arrow} {peer}\n{}", describe_frame(network, frame))
        }
        Event::Listening {
            at,
            network,
            tip,
            tamper,
        } => {
            let lies = tamper.map_or(String::new(), |t| format!(", tampering ({t})"));
            format!("peer listening on {at}: {network} blocks 0-{tip}{lies}")
        }
        Event::Served { to, height, tamper } => match tamper {
            Some(t) => format!("served block {height} to {to}, tampered ({t})"),
            None => format!("served block {height} to {to}"),
        },
        Event::PeerDropped { from, why } => format!("dropped {from}: {why}"),
    }
}

/// Satoshis as BTC with 8 decimals.
fn btc(sats: u64) -> String {
    format!("{}.{:08} BTC", sats / 100_000_000, sats % 100_000_000)
}

/// Unix seconds as `YYYY-MM-DD HH:MM:SS UTC` (proleptic Gregorian).
pub fn utc(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A block's header fields, its checks and its transactions.
pub fn describe_block(network: Network, b: &Block) -> String {
    let h = b.header();
    let v = verify_within(b, &network.pow_limit());
    let mut s = String::new();
    let _ = writeln!(s, "  hash         {}", b.block_hash());
    let _ = writeln!(s, "  version      {:#010x}", h.version);
    let _ = writeln!(s, "  prev block   {}", h.prev_blockhash);
    let _ = writeln!(s, "  merkle root  {}", h.merkle_root);
    let _ = writeln!(s, "  time         {} ({})", utc(i64::from(h.time)), h.time);
    let target = Target::from_bits(h.bits).map_or_else(|e| e.to_string(), |t| t.to_string());
    let _ = writeln!(s, "  bits         {:08x} (target {target})", h.bits);
    let _ = writeln!(s, "  nonce        {}", h.nonce);
    let _ = writeln!(s, "  size         {} bytes", b.as_bytes().len());
    for line in v.to_string().lines().skip(1) {
        let _ = writeln!(s, "  {}", line.trim_start());
    }
    let _ = writeln!(s, "  {} transaction(s):", b.tx_count());
    for (i, tx) in
        (0..b.tx_count().min(MAX_LISTED_TXS)).filter_map(|i| Some((i, b.transaction(i)?)))
    {
        describe_tx(&mut s, i, b.txids()[i], &tx);
    }
    if b.tx_count() > MAX_LISTED_TXS {
        let _ = writeln!(s, "    ... {} more", b.tx_count() - MAX_LISTED_TXS);
    }
    s.trim_end().to_string()
}

fn describe_tx(s: &mut String, i: usize, txid: super::Hash256, tx: &Transaction) {
    let kind = if i == 0 { " (coinbase)" } else { "" };
    let segwit = if tx.has_witness() { ", segwit" } else { "" };
    let _ = writeln!(s, "    tx {i} {txid}{kind}{segwit}");
    for (j, input) in tx.inputs.iter().enumerate() {
        if i == 0 {
            let _ = writeln!(
                s,
                "      in  {j}: coinbase data {}",
                to_hex(&input.script_sig)
            );
        } else {
            let _ = writeln!(
                s,
                "      in  {j}: {}:{}",
                input.prevout.txid, input.prevout.vout
            );
        }
    }
    for (j, out) in tx.outputs.iter().enumerate() {
        let _ = writeln!(
            s,
            "      out {j}: {}  script {}",
            btc(out.value),
            to_hex(&out.script_pubkey)
        );
    }
}

/// A message: header fields, decoded payload, hex dump.
pub fn describe_frame(network: Network, frame: &Frame) -> String {
    let bytes = frame.bytes();
    let mut s = String::new();
    if let Some(header) = bytes.get(..HEADER_LEN) {
        let command = frame.command().map_or("?".into(), |c| c.to_string());
        let _ = writeln!(
            s,
            "  magic {}  command {command:?}  length {}  checksum {}",
            to_hex(&header[..4]),
            u32::from_le_bytes([header[16], header[17], header[18], header[19]]),
            to_hex(&header[20..24])
        );
    }
    match frame.decode(network) {
        Ok(msg) => {
            for line in describe_message(&msg).lines() {
                let _ = writeln!(s, "  {line}");
            }
        }
        Err(e) => {
            let _ = writeln!(s, "  does not decode: {e}");
        }
    }
    hex_dump(&mut s, bytes);
    s.trim_end().to_string()
}

/// The fields of a decoded message.
fn describe_message(msg: &Message) -> String {
    match msg {
        Message::Version(v) => format!(
            "version {} services {:#x} time {} ({})\nreceiver {} sender {}\nnonce {:#018x} user agent {:?} start height {} relay {:?}",
            v.version,
            v.services,
            v.timestamp,
            utc(v.timestamp),
            v.receiver.socket_addr(),
            v.sender.socket_addr(),
            v.nonce,
            v.user_agent,
            v.start_height,
            v.relay
        ),
        Message::GetHeaders(l) | Message::GetBlocks(l) => format!(
            "locator of {} hash(es), first {}, stop {}",
            l.hashes.len(),
            l.hashes.first().map_or("-".into(), ToString::to_string),
            l.stop
        ),
        Message::Headers(hs) => match (hs.first(), hs.last()) {
            (Some(first), Some(last)) => format!(
                "{} header(s): {} .. {}",
                hs.len(),
                first.block_hash(),
                last.block_hash()
            ),
            _ => "no headers".into(),
        },
        Message::Inv(items) | Message::GetData(items) | Message::NotFound(items) => items
            .iter()
            .take(5)
            .map(|i| format!("{:?} {}", i.kind, i.hash))
            .chain((items.len() > 5).then(|| format!("... {} more", items.len() - 5)))
            .collect::<Vec<_>>()
            .join("\n"),
        Message::Block(b) => format!(
            "block {} with {} transaction(s), {} bytes",
            b.block_hash(),
            b.tx_count(),
            b.as_bytes().len()
        ),
        Message::Ping(n) => format!("ping nonce {n:#018x}"),
        Message::Pong(n) => format!("pong nonce {n:#018x}"),
        Message::Unknown { command, payload } => {
            format!("unknown command {command:?}, {} byte(s) skipped", payload.len())
        }
        other => format!("{other:?}"),
    }
}

/// 16 bytes a line: offset, hex, ASCII; at most [`MAX_DUMP`] bytes.
fn hex_dump(s: &mut String, bytes: &[u8]) {
    for (line, chunk) in bytes[..bytes.len().min(MAX_DUMP)].chunks(16).enumerate() {
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        let ascii: String = chunk
            .iter()
            .map(|&b| {
                if b.is_ascii_graphic() {
                    char::from(b)
                } else {
                    '.'
                }
            })
            .collect();
        let _ = writeln!(s, "  {:06x}  {:<47}  {ascii}", line * 16, hex.join(" "));
    }
    if bytes.len() > MAX_DUMP {
        let _ = writeln!(s, "  ... {} more bytes", bytes.len() - MAX_DUMP);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_amounts_read_as_people_write_them() {
        assert_eq!(utc(1_231_006_505), "2009-01-03 18:15:05 UTC");
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(btc(5_000_000_000), "50.00000000 BTC");
        assert_eq!(btc(1), "0.00000001 BTC");
    }

    #[test]
    fn a_message_shows_its_header_fields_payload_and_bytes() {
        let frame = Frame::encode(Network::Mainnet, &Message::Ping(1)).unwrap();
        let text = describe_frame(Network::Mainnet, &frame);
        assert!(
            text.contains("magic f9beb4d9  command \"ping\"  length 8"),
            "{text}"
        );
        assert!(text.contains("ping nonce 0x0000000000000001"), "{text}");
        assert!(text.contains("000000  f9 be b4 d9 70 69 6e 67"), "{text}");
    }
}
