//! Live benchmarks (`cargo bench -p net-real`): hot-potato messages per second
//! on loopback over UDP and TCP, with all nodes in one process and with one
//! process per node, and the lateness distribution of real timers.
//!
//! Hot-potato runs with tokens that never retire for a fixed time; the rate is
//! deliveries divided by the run's wall time. Child processes are this binary
//! re-run with `NET_REAL_BENCH_CHILD` set.

use net_real::{run_cluster, ClusterConfig, Flow, LiveEvent, Transport};
use protocols::hot_potato::{HotPotato, Params, Token};
use sim::{Ctx, JsonCodec, Machine};
use std::net::{SocketAddr, UdpSocket};
use std::process::{Command, Stdio};
use std::time::Duration;

const CHILD_ENV: &str = "NET_REAL_BENCH_CHILD";
const NODES: usize = 4;
const TOKENS: u32 = 16;
const RUN: Duration = Duration::from_secs(3);

fn potato(i: usize, book: &[SocketAddr]) -> HotPotato {
    HotPotato::new(
        i,
        Params {
            peers: book.into(),
            tokens: TOKENS,
            hops: u32::MAX,
        },
    )
}

/// Runs the nodes `local` of `book` for `RUN`; returns (delivered, wall seconds).
fn run_potato(
    transport: Transport,
    book: Vec<SocketAddr>,
    local: Option<Vec<usize>>,
) -> (u64, f64) {
    let mut config = ClusterConfig::loopback(transport, book.len());
    config.addrs = book;
    // One process per node: give every process time to bind before tokens fly.
    if local.is_some() {
        config.start_after = Duration::from_millis(500);
    }
    config.local = local;
    config.duration = RUN;
    let report = run_cluster(config, potato, JsonCodec::<Token>::new(), |_| {
        Flow::Continue
    })
    .expect("cluster starts");
    (
        report.counters.sim.delivered,
        report.wall_time.as_secs_f64(),
    )
}

fn in_process(transport: Transport) {
    let (delivered, secs) = run_potato(
        transport,
        ClusterConfig::loopback(transport, NODES).addrs,
        None,
    );
    println!(
        "hot-potato {transport} one process, {NODES} nodes x {TOKENS} tokens: {delivered} deliveries in {secs:.2} s = {:.0} msg/s",
        delivered as f64 / secs
    );
}

/// `n` loopback ports that are free for both UDP and TCP, chosen below the
/// kernel's ephemeral range (32768+) so that no child's outgoing TCP
/// connection can take a port another child has yet to bind.
fn free_ports(n: usize) -> Vec<SocketAddr> {
    let base = 20_000 + (std::process::id() % 10_000) as u16;
    (0..10_000u16)
        .map(|i| SocketAddr::from(([127, 0, 0, 1], 20_000 + (base - 20_000 + i) % 10_000)))
        .filter(|a| UdpSocket::bind(a).is_ok() && std::net::TcpListener::bind(a).is_ok())
        .take(n)
        .collect()
}

fn per_process(transport: Transport) {
    let book = free_ports(NODES);
    let text: Vec<String> = book.iter().map(|a| a.to_string()).collect();
    let exe = std::env::current_exe().expect("bench binary");
    let children: Vec<_> = (0..NODES)
        .map(|i| {
            Command::new(&exe)
                .env(CHILD_ENV, format!("{transport};{i};{}", text.join(",")))
                .stdout(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let mut total = 0u64;
    let mut secs: f64 = 0.0;
    for child in children {
        let out = child.wait_with_output().expect("child");
        let text = String::from_utf8_lossy(&out.stdout);
        let mut fields = text.split_whitespace().skip(1);
        total += fields.next().and_then(|f| f.parse().ok()).unwrap_or(0);
        secs = secs.max(fields.next().and_then(|f| f.parse().ok()).unwrap_or(0.0));
    }
    println!(
        "hot-potato {transport} one process per node, {NODES} nodes x {TOKENS} tokens: {total} deliveries in {secs:.2} s = {:.0} msg/s",
        total as f64 / secs
    );
}

fn child(spec: &str) {
    let parts: Vec<&str> = spec.split(';').collect();
    let transport: Transport = parts[0].parse().expect("transport");
    let index: usize = parts[1].parse().expect("index");
    let book: Vec<SocketAddr> = parts[2]
        .split(',')
        .map(|a| a.parse().expect("addr"))
        .collect();
    let (delivered, secs) = run_potato(transport, book, Some(vec![index]));
    println!("DELIVERED {delivered} {secs}");
}

/// Sets a timer of a varying length again and again; observes how late each fired.
struct Ticker {
    deadline: sim::Time,
    round: u64,
}

impl Ticker {
    fn arm(&mut self, ctx: &mut Ctx<'_, Self>) {
        let after = Duration::from_micros(500 + (self.round * 379) % 1500);
        self.round += 1;
        self.deadline = ctx.now() + after;
        ctx.set_timer(after, ());
    }
}

impl Machine for Ticker {
    type Msg = ();
    type Timer = ();
    type Obs = u64;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        self.arm(ctx);
    }
    fn on_message(&mut self, _: &mut Ctx<'_, Self>, _: SocketAddr, _: ()) {}
    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, _: ()) {
        ctx.observe(
            ctx.now()
                .as_nanos()
                .saturating_sub(self.deadline.as_nanos()),
        );
        self.arm(ctx);
    }
}

fn timer_lateness() {
    let mut config = ClusterConfig::loopback(Transport::Udp, 4);
    config.duration = RUN;
    let mut late = Vec::new();
    run_cluster(
        config,
        |_, _| Ticker {
            deadline: sim::Time::ZERO,
            round: 0,
        },
        JsonCodec::<()>::new(),
        |event| {
            if let LiveEvent::Observed(o) = event {
                late.push(o.obs);
            }
            Flow::Continue
        },
    )
    .expect("cluster starts");
    late.sort_unstable();
    let pct = |p: f64| late[((late.len() - 1) as f64 * p) as usize] as f64 / 1e3;
    println!(
        "timer lateness, 4 nodes, {} timers of 0.5-2 ms: median {:.0} us, p99 {:.0} us, max {:.0} us",
        late.len(),
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
}

fn proc_status(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// `nodes` nodes in this process for `RUN`: msg/s, the process's threads
/// during the run, and its peak RSS so far.
fn at_scale(transport: Transport, nodes: usize, tokens: u32) {
    net_real::raise_open_file_limit();
    let mut config = ClusterConfig::loopback(transport, nodes);
    config.duration = RUN;
    let mut threads = 0;
    let report = run_cluster(
        config,
        move |i, book| {
            HotPotato::new(
                i,
                Params {
                    peers: book.into(),
                    tokens,
                    hops: u32::MAX,
                },
            )
        },
        JsonCodec::<Token>::new(),
        |_| {
            threads = threads.max(proc_status("Threads:"));
            Flow::Continue
        },
    )
    .expect("cluster starts");
    let delivered = report.counters.sim.delivered;
    println!(
        "hot-potato {transport} one process, {nodes} nodes x {tokens} tokens: {:.0} msg/s, {threads} threads, peak RSS {} MB, {} connections",
        delivered as f64 / report.wall_time.as_secs_f64(),
        proc_status("VmHWM:") / 1024,
        report.counters.connections_opened
    );
}

fn main() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        return child(&spec);
    }
    if std::env::args().any(|a| a == "scale") {
        at_scale(Transport::Tcp, 100, 10);
        at_scale(Transport::Udp, 1000, 2);
        return;
    }
    // `cargo bench` passes `--bench`; other arguments filter nothing here.
    timer_lateness();
    for transport in [Transport::Udp, Transport::Tcp] {
        in_process(transport);
        per_process(transport);
    }
    // Peak RSS is per process: the scale runs go in a fresh one each.
    let exe = std::env::current_exe().expect("bench binary");
    let _ = Command::new(exe).arg("scale").status();
}
