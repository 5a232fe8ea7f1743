//! `dsim gcd ...` and `dsim bully run` as a person calls them, on loopback TCP.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Output, Stdio};

fn dsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dsim"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Starts a long-running tool and waits (at most 10 s) for its ready line.
fn spawn(args: &[&str]) -> Child {
    let mut child = dsim()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dsim starts");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stderr).lines();
        if let Some(Ok(line)) = lines.next() {
            let _ = tx.send(line);
        }
        for _ in lines {}
    });
    let line = rx
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("a ready line within 10 s");
    assert!(line.starts_with("listening on "), "{line}");
    child
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn gcd_hello_greets_the_members_the_gcd_lists() {
    let (gcd, m1, dead) = (free_port(), free_port(), free_port());
    let at = |p: u16| format!("127.0.0.1:{p}");
    let member = spawn(&["gcd", "member", "--listen", &at(m1), "--for", "30s"]);
    let server = spawn(&[
        "gcd",
        "serve",
        "--listen",
        &at(gcd),
        "--member",
        &at(m1),
        "--member",
        &at(dead),
        "--for",
        "30s",
    ]);
    let out = dsim()
        .args(["gcd", "hello", &at(gcd), "--timeout", "1s"])
        .output()
        .unwrap();
    let stdout = text(&out);
    // A member failed: exit status 1.
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], format!("JOIN ('127.0.0.1', {gcd})"));
    assert!(
        lines[2].starts_with(&format!(
            "HELLO to {{'host': '127.0.0.1', 'port': {m1}}} -> ('OK', \"Happy to meet you, ("
        )),
        "{stdout}"
    );
    assert!(
        // Nothing listens there: the refusal is reported at once.
        lines[3].ends_with("failed to connect: connection refused"),
        "{stdout}"
    );
    assert_eq!(lines[4], "done: 1 replied, 1 failed");
    let (mut server, mut member) = (server, member);
    server.kill().unwrap();
    member.kill().unwrap();
    let server = server.wait_with_output().unwrap();
    assert!(
        text(&server).contains("GCD: listed 2 members"),
        "{}",
        text(&server)
    );
    let member = member.wait_with_output().unwrap();
    assert!(text(&member).contains("member listening on"));
}

#[test]
fn bad_identities_and_addresses_are_refused_with_a_message() {
    for (args, expect) in [
        (vec!["--days", "0", "--id", "1234567"], "--days"),
        (vec!["--days", "10", "--id", "123"], "--id"),
        (
            vec!["--days", "10", "--id", "1234567", "--listen", "0.0.0.0:0"],
            "wildcard",
        ),
    ] {
        let out = dsim()
            .args(["bully", "run", "--gcd", "127.0.0.1:9"])
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(expect), "{args:?}: {err}");
    }
}
