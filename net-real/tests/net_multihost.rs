//! Several hosts: one node per process, each in its own network namespace,
//! joined by veth pairs to a bridge, with netem delay and loss. One node's
//! process is killed; the others keep talking to each other, and sends to
//! the dead one fail or vanish without crashing anybody.
//!
//! The child processes are this very test binary, re-run with
//! `NET_REAL_CHILD` set: the `child_node` test then runs one node.

mod common;

use common::{Beacon, Beat, Heard};
use net_real::{run_cluster, ClusterConfig, Flow, LiveEvent, Transport};
use sim::{Dur, JsonCodec, Latency, LinkModel};
use std::collections::BTreeMap;
use std::io::Read;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::Duration;

const CHILD_ENV: &str = "NET_REAL_CHILD";
const HOSTS: usize = 3;
const RUN: Duration = Duration::from_millis(3500);
const KILL_AT: Duration = Duration::from_millis(1300);
/// Pongs in this window after the kill must come from survivors only.
const SETTLE: Duration = Duration::from_millis(500);
const NETEM: &str = "delay 5ms loss 5%";

/// Runs one node when started as a child (see the module docs); a no-op otherwise.
#[test]
fn child_node() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let parts: Vec<&str> = spec.split(';').collect();
    let transport: Transport = parts[0].parse().expect("transport");
    let index: usize = parts[1].parse().expect("index");
    let book: Vec<SocketAddr> = parts[2]
        .split(',')
        .map(|a| a.parse().expect("address"))
        .collect();
    let inject = parts[3] == "inject";
    let mut config = ClusterConfig::loopback(transport, book.len());
    config.addrs = book;
    config.local = Some(vec![index]);
    config.duration = RUN;
    if inject {
        // The kernel has no netem: inject the same delay and loss in the adapter.
        config.network.default = LinkModel {
            loss: 0.05,
            latency: Latency::Constant { value: Dur::ms(5) },
            ..LinkModel::default()
        };
    }
    let mut pongs: BTreeMap<SocketAddr, (u32, u32)> = BTreeMap::new();
    let report = run_cluster(
        config,
        |i, book| Beacon::all(i, book, Duration::from_millis(20)),
        JsonCodec::<Beat>::new(),
        |event| {
            if let LiveEvent::Observed(o) = event {
                if let Heard::Pong(from) = o.obs {
                    let t = o.time.since_start();
                    let entry = pongs.entry(from).or_default();
                    if t + Duration::from_millis(200) < KILL_AT {
                        entry.0 += 1;
                    } else if t > KILL_AT + SETTLE {
                        entry.1 += 1;
                    }
                }
            }
            Flow::Continue
        },
    )
    .expect("node starts");
    let c = &report.counters;
    let peers: Vec<String> = pongs
        .iter()
        .map(|(a, (before, after))| format!("{a}/{before}/{after}"))
        .collect();
    println!(
        "RESULT sent={} delivered={} dropped={} decode_errors={} peers={}",
        c.sim.sent,
        c.sim.delivered,
        c.sim.dropped.total(),
        c.decode_errors,
        peers.join(",")
    );
}

fn run(cmd: &[&str]) -> Result<(), String> {
    let out = Command::new(cmd[0])
        .args(&cmd[1..])
        .output()
        .map_err(|e| format!("{}: {e}", cmd.join(" ")))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}: {}",
            cmd.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Network namespaces `hosts` joined through a bridge in a hub namespace;
/// deleted on drop, whatever happened.
struct Netns {
    hub: String,
    hosts: Vec<String>,
}

impl Netns {
    fn create(count: usize) -> Result<Netns, String> {
        let pid = std::process::id();
        let mut net = Netns {
            hub: format!("dsim{pid}hub"),
            hosts: Vec::new(),
        };
        run(&["ip", "netns", "add", &net.hub])?;
        run(&["ip", "-n", &net.hub, "link", "add", "br0", "type", "bridge"])?;
        run(&["ip", "-n", &net.hub, "link", "set", "br0", "up"])?;
        for i in 0..count {
            let host = format!("dsim{pid}h{i}");
            run(&["ip", "netns", "add", &host])?;
            net.hosts.push(host.clone());
            let port = format!("port{i}");
            run(&[
                "ip", "-n", &host, "link", "add", "eth0", "type", "veth", "peer", "name", &port,
                "netns", &net.hub,
            ])?;
            run(&["ip", "-n", &net.hub, "link", "set", &port, "master", "br0"])?;
            run(&["ip", "-n", &net.hub, "link", "set", &port, "up"])?;
            let ip = format!("{}/24", Self::ip(i));
            run(&["ip", "-n", &host, "addr", "add", &ip, "dev", "eth0"])?;
            run(&["ip", "-n", &host, "link", "set", "eth0", "up"])?;
            run(&["ip", "-n", &host, "link", "set", "lo", "up"])?;
        }
        Ok(net)
    }

    fn ip(i: usize) -> String {
        format!("10.213.0.{}", i + 1)
    }

    /// Adds netem to every host's link; the error says why not.
    fn netem(&self) -> Result<(), String> {
        for host in &self.hosts {
            let mut cmd = vec!["ip", "netns", "exec", host, "tc", "qdisc", "add"];
            cmd.extend(["dev", "eth0", "root", "netem"]);
            cmd.extend(NETEM.split(' '));
            run(&cmd)?;
        }
        Ok(())
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        for ns in self.hosts.iter().chain([&self.hub]) {
            let _ = run(&["ip", "netns", "del", ns]);
        }
    }
}

/// Child processes, killed on drop.
struct Children(Vec<Option<Child>>);

impl Drop for Children {
    fn drop(&mut self) {
        for child in self.0.iter_mut().flatten() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Per peer address: pongs before the kill and after it settled.
type Pongs = BTreeMap<SocketAddr, (u32, u32)>;

fn parse(stdout: &str) -> Result<(String, Pongs), String> {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("RESULT "))
        .ok_or_else(|| format!("no RESULT line in {stdout:?}"))?;
    let peers = line.split("peers=").nth(1).unwrap_or("");
    let mut pongs = Pongs::new();
    for p in peers.split(',').filter(|p| !p.is_empty()) {
        let f: Vec<&str> = p.split('/').collect();
        let addr = f[0].parse().map_err(|e| format!("{p}: {e}"))?;
        pongs.insert(addr, (f[1].parse().unwrap_or(0), f[2].parse().unwrap_or(0)));
    }
    Ok((line.to_string(), pongs))
}

fn scenario(net: &Netns, transport: Transport, inject: bool, port: u16) {
    let book: Vec<SocketAddr> = (0..HOSTS)
        .map(|i| format!("{}:{port}", Netns::ip(i)).parse().expect("addr"))
        .collect();
    let book_text: Vec<String> = book.iter().map(|a| a.to_string()).collect();
    let exe = std::env::current_exe().expect("test binary");
    let exe = exe.to_str().expect("utf-8 path");
    let mut children = Children(Vec::new());
    for (i, host) in net.hosts.iter().enumerate() {
        let spec = format!(
            "{transport};{i};{};{}",
            book_text.join(","),
            if inject { "inject" } else { "kernel" }
        );
        let child = Command::new("ip")
            .args([
                "netns",
                "exec",
                host,
                exe,
                "--exact",
                "child_node",
                "--nocapture",
            ])
            .env(CHILD_ENV, spec)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn a node process");
        children.0.push(Some(child));
    }
    thread::sleep(KILL_AT);
    let victim = HOSTS - 1;
    if let Some(mut dead) = children.0[victim].take() {
        dead.kill().expect("kill the last node");
        let _ = dead.wait();
    }
    for i in 0..victim {
        let mut child = children.0[i].take().expect("child");
        let mut stdout = String::new();
        if let Some(mut out) = child.stdout.take() {
            let _ = out.read_to_string(&mut stdout);
        }
        let mut stderr = String::new();
        if let Some(mut err) = child.stderr.take() {
            let _ = err.read_to_string(&mut stderr);
        }
        let status = child.wait().expect("wait");
        assert!(
            status.success(),
            "{transport} node {i} failed: {stdout}\n{stderr}"
        );
        let (line, pongs) = parse(&stdout).unwrap_or_else(|e| panic!("node {i}: {e}\n{stderr}"));
        println!("{transport} node {i}: {line}");
        for (j, addr) in book.iter().enumerate().filter(|(j, _)| *j != i) {
            let (before, after) = pongs.get(addr).copied().unwrap_or((0, 0));
            assert!(
                before > 0,
                "{transport} node {i} heard nothing from {j} before the kill: {line}"
            );
            if j == victim {
                assert_eq!(after, 0, "{transport} node {i} heard the dead node: {line}");
            } else {
                assert!(
                    after > 10,
                    "{transport} node {i} stopped hearing {j}: {line}"
                );
            }
        }
    }
}

#[test]
fn nodes_on_separate_hosts_survive_a_killed_peer() {
    if std::env::var(CHILD_ENV).is_ok() {
        return;
    }
    if let Err(why) = run(&["ip", "netns", "list"]) {
        println!("SKIPPED: network namespaces are not available: {why}");
        return;
    }
    let net = match Netns::create(HOSTS) {
        Ok(net) => net,
        Err(why) => {
            println!("SKIPPED: cannot create network namespaces (root needed): {why}");
            return;
        }
    };
    let inject = match net.netem() {
        Ok(()) => false,
        Err(why) => {
            println!("netem is unavailable ({why}); injecting `{NETEM}` in the adapter instead");
            true
        }
    };
    scenario(&net, Transport::Udp, inject, 7100);
    scenario(&net, Transport::Tcp, inject, 7200);
}
