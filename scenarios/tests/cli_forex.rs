//! `dsim forex provider` and `dsim forex subscribe` as a person runs them,
//! on loopback: the subscriber prints quotes and an arbitrage report.

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

fn dsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dsim"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The subscriber listens for 4 s: about four datagrams, each carrying an
/// arbitrage 95% of the time (a fresh subscriber can only miss the first's,
/// when a reference quote it needs was left out).
#[test]
fn provider_and_subscriber_talk_over_loopback() {
    let mut provider = dsim()
        .args(["forex", "provider", "--listen", "127.0.0.1:0"])
        .args([
            "--layout", "b", "--lease", "19s", "--for", "6s", "--seed", "5",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("provider starts");
    let mut lines = BufReader::new(provider.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let addr = first
        .strip_prefix("waiting for subscribers on ")
        .unwrap_or_else(|| panic!("{first}"))
        .to_string();
    let sub = dsim()
        .args(["forex", "subscribe", "--provider", &addr, "--layout", "b"])
        .args(["--lease", "19s", "--for", "4s"])
        .output()
        .expect("subscriber runs");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    provider.wait().unwrap();
    assert_eq!(sub.status.code(), Some(0));
    let out = stdout(&sub);
    let quote = out
        .lines()
        .find(|l| l.ends_with(char::is_numeric) && l.contains(" USD "))
        .unwrap_or_else(|| panic!("no quote line in {out}"));
    assert_eq!(quote.as_bytes()[4], b'-', "{quote}");
    assert!(
        out.contains("ARBITRAGE:\n\tstart with USD 100\n\texchange USD for "),
        "{out}"
    );
    assert!(out.contains("undecodable 0"), "{out}");
    assert!(
        rest.iter()
            .any(|l| l.starts_with("registering subscription for ('127.0.0.1', ")),
        "{rest:?}"
    );
    assert!(
        rest.iter().any(|l| l.starts_with("publishing ")),
        "{rest:?}"
    );
}

#[test]
fn bad_arguments_are_named() {
    for (args, named) in [
        (
            vec!["subscribe", "--provider", "no-port-here"],
            "--provider",
        ),
        (
            vec![
                "subscribe",
                "--provider",
                "127.0.0.1:9",
                "--listen",
                "0.0.0.0:0",
            ],
            "--listen",
        ),
        (
            vec!["subscribe", "--provider", "127.0.0.1:9", "--layout", "c"],
            "layout",
        ),
        (vec!["provider", "--lease", "0s"], "--lease"),
        (
            vec!["subscribe", "--provider", "127.0.0.1:9", "--tolerance=-1"],
            "--tolerance",
        ),
    ] {
        let o = dsim().arg("forex").args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(named), "{args:?}: {err}");
    }
}
