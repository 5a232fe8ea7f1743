//! A stop you can trust: SIGTERM (and Ctrl-C) end a 100-node live TCP run
//! and every per-protocol tool promptly, with the summary printed and the
//! conventional exit status; the README's 100-node runs deliver every token.
//!
//! Each test waits for the program's ready line (bounded), then signals it,
//! then waits for its exit within a bound and reports how long it took.

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a program may take to start listening.
const READY_WITHIN: Duration = Duration::from_secs(30);
/// How long it may take to exit once signalled (the goal is 1 s; the bound
/// leaves room for a loaded machine).
const EXIT_WITHIN: Duration = Duration::from_secs(5);

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

struct Running {
    child: Child,
    stderr: mpsc::Receiver<String>,
}

/// Starts dsim and waits for a stderr line starting with `ready`.
fn start(args: &[&str], ready: &str) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dsim"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dsim starts");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + READY_WITHIN;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line.starts_with(ready) => break,
            Ok(_) => {}
            Err(_) => {
                let _ = child.kill();
                panic!("{args:?}: no `{ready}` line within {READY_WITHIN:?}");
            }
        }
    }
    Running { child, stderr: rx }
}

/// Sends `signal`, waits (bounded) for the exit; returns (status, stdout, time).
fn signal(mut run: Running, signal: &str) -> (Option<i32>, String, Duration) {
    let sent = Instant::now();
    let killed = Command::new("kill")
        .args([signal, &run.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = loop {
        if let Some(status) = run.child.try_wait().expect("wait") {
            break status;
        }
        if sent.elapsed() > EXIT_WITHIN {
            let _ = run.child.kill();
            let rest: Vec<String> = run.stderr.try_iter().collect();
            panic!("still running {EXIT_WITHIN:?} after {signal}: {rest:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let took = sent.elapsed();
    let mut stdout = String::new();
    if let Some(mut out) = run.child.stdout.take() {
        let _ = out.read_to_string(&mut stdout);
    }
    println!("exited {took:?} after {signal}");
    (status.code(), stdout, took)
}

fn scenario_file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("dsim-cli-stop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn sigterm_ends_a_100_node_tcp_run_with_a_summary() {
    let path = scenario_file(
        "endless-100.json",
        r#"{ "protocol": "hot-potato", "nodes": 100,
             "params": { "tokens": 10, "hops": 4000000000 }, "stop": { "duration": "600s" } }"#,
    );
    let run = start(&["run", &path, "--net", "tcp"], "ready:");
    // Let tokens fly (and connections open) for a moment first.
    std::thread::sleep(Duration::from_millis(300));
    let (code, stdout, _) = signal(run, "-TERM");
    assert_eq!(code, Some(143), "{stdout}");
    assert!(
        stdout.contains("stopped      Interrupted by signal 15"),
        "{stdout}"
    );
    assert!(stdout.contains("connections  "), "{stdout}");
}

#[test]
fn ctrl_c_ends_a_udp_run_with_status_130() {
    let path = scenario_file(
        "endless-udp.json",
        r#"{ "protocol": "hot-potato", "nodes": 10,
             "params": { "tokens": 2, "hops": 4000000000 }, "stop": { "duration": "600s" } }"#,
    );
    let run = start(&["run", &path, "--net", "udp"], "ready:");
    let (code, stdout, _) = signal(run, "-INT");
    assert_eq!(code, Some(130), "{stdout}");
    assert!(stdout.contains("Interrupted by signal 2"), "{stdout}");
}

fn readme_run_delivers_every_token(net: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_dsim"))
        .args(["run", "hot-potato", "--net", net, "--seed", "1", "--json"])
        .output()
        .expect("dsim runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["stop"], "done", "{v}");
    // 100 nodes x 10 tokens x (99 hops + 1).
    assert_eq!(v["delivered"], 100_000, "{v}");
    assert_eq!(v["counters"]["observations"], 1000, "{v}");
    assert_eq!(v["counters"]["descriptor_exhaustion"], 0, "{v}");
    assert!(!err.contains("Too many open files"), "{err}");
}

#[test]
fn the_readme_tcp_run_delivers_every_token_in_one_process() {
    readme_run_delivers_every_token("tcp");
}

#[test]
fn the_readme_udp_run_delivers_every_token_in_one_process() {
    readme_run_delivers_every_token("udp");
}

/// Starts a tool, waits for its ready line, SIGTERMs it: exit 143 and the
/// summary line.
fn tool_stops_on_sigterm(args: &[&str]) {
    let run = start(args, "listening on ");
    let (code, stdout, _) = signal(run, "-TERM");
    assert_eq!(code, Some(143), "{args:?}: {stdout}");
    assert!(
        stdout.contains("stopped (interrupted by signal 15)"),
        "{args:?}: {stdout}"
    );
}

#[test]
fn every_tool_stops_on_sigterm_with_a_summary() {
    let at = |p: u16| format!("127.0.0.1:{p}");
    let (gcd, member) = (at(free_port()), at(free_port()));
    tool_stops_on_sigterm(&["gcd", "serve", "--listen", &gcd, "--member", &member]);
    tool_stops_on_sigterm(&["gcd", "serve", "--listen", &gcd]);
    tool_stops_on_sigterm(&["gcd", "member", "--listen", &member]);
    // A bully peer whose GCD is not there keeps retrying until stopped.
    tool_stops_on_sigterm(&[
        "bully", "run", "--gcd", &gcd, "--days", "9", "--id", "1234567",
    ]);
    tool_stops_on_sigterm(&["forex", "provider", "--listen", "127.0.0.1:0"]);
    tool_stops_on_sigterm(&["forex", "subscribe", "--provider", &gcd]);
}

#[test]
fn a_closed_stdout_ends_a_live_run_quietly() {
    // Every observation is printed (-o): the run writes long after `head -1`.
    let mut child = Command::new(env!("CARGO_BIN_EXE_dsim"))
        .args(["run", "hot-potato", "--net", "udp", "-o"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dsim starts");
    // Read the first line, then close the pipe (as `| head -1` does).
    let mut first = String::new();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    reader.read_line(&mut first).unwrap();
    drop(reader);
    let sent = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(sent.elapsed() < Duration::from_secs(10), "still running");
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(first.contains("retired"), "{first}");
    assert!(
        matches!(status.code(), Some(0) | Some(141)),
        "{status:?}: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}
