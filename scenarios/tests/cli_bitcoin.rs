//! `dsim bitcoin serve` and `dsim bitcoin fetch` on loopback TCP: an honest
//! peer's block is verified (exit 0), a tampering peer's is caught (exit 1
//! with the reason), and among both the client ends with the real block.
//! Servers listen on port 0 and print their address first: no port races.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

fn dsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dsim"))
}

const CHAIN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../protocols/tests/data/bitcoin/blocks-0-438.blkdat"
);

/// A server, and the address its first line says it listens on.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(args: &[&str]) -> Server {
    let mut child = dsim()
        .args([
            "bitcoin",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--for",
            "60s",
        ])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dsim starts");
    let stdout = child.stdout.take().expect("piped");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("a first line");
    // `[0.000339254s] peer listening on 127.0.0.1:40123: mainnet blocks 0-438`
    let addr = first
        .split_once("listening on ")
        .and_then(|(_, rest)| rest.split_once(": "))
        .map(|(addr, _)| addr.to_string())
        .unwrap_or_else(|| panic!("no address in {first:?}"));
    Server { child, addr }
}

fn fetch(peers: &[&Server], args: &[&str]) -> (Option<i32>, String, String) {
    let mut cmd = dsim();
    cmd.args(["bitcoin", "fetch", "--timeout", "5s", "--within", "30s"]);
    for p in peers {
        cmd.args(["--peer", &p.addr]);
    }
    let out: Output = cmd.args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn fetch_verifies_an_honest_peers_block() {
    let honest = serve(&["--chain", CHAIN]);
    let (code, out, err) = fetch(&[&honest], &["--height", "170"]);
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(out.contains("headers 1..=438"), "{out}");
    assert!(
        out.contains(
            "hash         00000000d1145790a8694403d4063f323d499e655c83426834d4ce2f8dd4a2ee"
        ),
        "{out}"
    );
    assert!(out.contains("2 transaction(s):"), "{out}");
    assert!(out.contains("out 0: 10.00000000 BTC"), "{out}");
    assert!(out.ends_with("ok: block 170 verified\n"), "{out}");
}

#[test]
fn fetch_catches_a_tampering_peer_and_exits_1() {
    let liar = serve(&["--chain", CHAIN, "--tamper", "merkle-root"]);
    let (code, out, err) = fetch(&[&liar], &["--height", "438"]);
    assert_eq!(code, Some(1), "{out}\n{err}");
    assert!(out.contains("REJECTED"), "{out}");
    assert!(out.contains("the block's header was changed"), "{out}");
    assert!(!out.contains("verified"), "{out}");
    assert!(
        err.contains("error: no valid block 438: every peer (1) sent invalid data"),
        "{err}"
    );
}

#[test]
fn among_a_liar_and_an_honest_peer_the_real_block_wins() {
    let liar = serve(&["--regtest", "300", "--tamper", "witness"]);
    let honest = serve(&["--regtest", "300", "--quiet"]);
    let (code, out, err) = fetch(
        &[&liar, &honest],
        &["--network", "regtest", "--height", "250", "--verbose"],
    );
    assert_eq!(code, Some(0), "{out}\n{err}");
    // The client asks the peers in a random order; the liar, if asked, is caught.
    if out.contains("REJECTED") {
        assert!(out.contains("witness commitment"), "{out}");
    }
    assert!(out.contains("block 250 from "), "{out}");
    assert!(out.contains("command \"getheaders\""), "{out}");
    assert!(
        out.contains("000000  fa bf b5 da"),
        "the verbose hex dump: {out}"
    );
}

#[test]
fn bad_usage_exits_2_with_a_message() {
    let out = dsim()
        .args([
            "bitcoin",
            "serve",
            "--chain",
            "/nonexistent.blkdat",
            "--listen",
            "127.0.0.1:0",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent.blkdat"));
    let out = dsim()
        .args([
            "bitcoin",
            "fetch",
            "--peer",
            "127.0.0.1:1",
            "--height",
            "1",
            "--network",
            "moon",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown network"));
}
