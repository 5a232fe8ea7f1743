//! Live benchmarks (`cargo bench -p net-real`): hot-potato messages per second
//! on loopback over UDP and TCP, with all nodes in one process and with one
//! process per node, and the lateness distribution of real timers.
//!
//! Hot-potato runs with tokens that never retire for a fixed time; the rate is
//! deliveries divided by the run's wall time. Each line also gives the CPU
//! time (user + system, all threads, from `/proc/self/stat`) per delivery:
//! on a shared machine the rate follows the CPU other work leaves us, the
//! CPU per message much less so. Child processes are this binary re-run
//! with `NET_REAL_BENCH_CHILD` set.
//!
//! `cargo bench -p net-real -- udp tcp` runs only the cases named: `timers`,
//! `udp`, `udp-threads` (two event loops), `udp-procs` (one process per
//! node), the same three for `tcp`, and `scale` (100 TCP and 1,000 UDP
//! nodes, one and two loops, threads and peak RSS).

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

/// CPU seconds (user + system) this process has used so far, all threads:
/// fields 14 and 15 of `/proc/self/stat`, in clock ticks of 1/100 s.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or_default();
    let ticks: u64 = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse::<u64>().ok())
        .sum();
    ticks as f64 / 100.0
}

/// What one run measured.
struct Measured {
    delivered: u64,
    /// Wall seconds of the run.
    secs: f64,
    /// CPU seconds the run's process used (user + system).
    cpu: f64,
}

impl Measured {
    /// `msg/s` over wall time, and CPU microseconds per message: the
    /// second does not depend on how much CPU other work left us.
    fn rates(&self) -> String {
        format!(
            "{} deliveries in {:.2} s = {:.0} msg/s; {:.2} CPU s = {:.2} us CPU/msg",
            self.delivered,
            self.secs,
            self.delivered as f64 / self.secs,
            self.cpu,
            self.cpu * 1e6 / self.delivered.max(1) as f64
        )
    }
}

/// Runs the nodes `local` of `book` for `RUN` on `threads` event loops.
fn run_potato(
    transport: Transport,
    book: Vec<SocketAddr>,
    local: Option<Vec<usize>>,
    threads: usize,
) -> Measured {
    let mut config = ClusterConfig::loopback(transport, book.len());
    config.threads = threads;
    config.addrs = book;
    // One process per node: give every process time to bind before tokens fly.
    if local.is_some() {
        config.start_after = Duration::from_millis(500);
    }
    config.local = local;
    config.duration = RUN;
    let cpu = cpu_secs();
    let report = run_cluster(config, potato, JsonCodec::<Token>::new(), |_| {
        Flow::Continue
    })
    .expect("cluster starts");
    Measured {
        delivered: report.counters.sim.delivered,
        secs: report.wall_time.as_secs_f64(),
        cpu: cpu_secs() - cpu,
    }
}

fn in_process(transport: Transport, threads: usize) {
    let m = run_potato(
        transport,
        ClusterConfig::loopback(transport, NODES).addrs,
        None,
        threads,
    );
    println!(
        "hot-potato {transport} one process, {threads} thread(s), {NODES} nodes x {TOKENS} tokens: {}",
        m.rates()
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
    let mut total = Measured {
        delivered: 0,
        secs: 0.0,
        cpu: 0.0,
    };
    for child in children {
        let out = child.wait_with_output().expect("child");
        let text = String::from_utf8_lossy(&out.stdout);
        let mut fields = text.split_whitespace().skip(1);
        let mut next = || {
            fields
                .next()
                .and_then(|f| f.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        total.delivered += next() as u64;
        total.secs = total.secs.max(next());
        total.cpu += next();
    }
    println!(
        "hot-potato {transport} one process per node, {NODES} nodes x {TOKENS} tokens: {}",
        total.rates()
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
    let m = run_potato(transport, book, Some(vec![index]), 1);
    println!("DELIVERED {} {} {}", m.delivered, m.secs, m.cpu);
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
    let cpu = cpu_secs();
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
        "timer lateness, 4 nodes, {} timers of 0.5-2 ms: median {:.0} us, p99 {:.0} us, max {:.0} us; {:.2} CPU s in {:.0} s",
        late.len(),
        pct(0.5),
        pct(0.99),
        pct(1.0),
        cpu_secs() - cpu,
        RUN.as_secs_f64()
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

/// `nodes` nodes in this process on `loops` event loops for `RUN`: msg/s,
/// the process's threads during the run, and its peak RSS.
fn at_scale(transport: Transport, nodes: usize, tokens: u32, loops: usize) {
    net_real::raise_open_file_limit();
    let mut config = ClusterConfig::loopback(transport, nodes);
    config.duration = RUN;
    config.threads = loops;
    // Threads are sampled by a thread of the bench's own (not counted).
    let running = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let running = running.clone();
        std::thread::spawn(move || {
            let mut most = 0;
            while running.load(std::sync::atomic::Ordering::Relaxed) {
                most = most.max(proc_status("Threads:").saturating_sub(1));
                std::thread::sleep(Duration::from_millis(50));
            }
            most
        })
    };
    let cpu = cpu_secs();
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
        |_| Flow::Continue,
    )
    .expect("cluster starts");
    running.store(false, std::sync::atomic::Ordering::Relaxed);
    let threads = sampler.join().expect("sampler");
    let m = Measured {
        delivered: report.counters.sim.delivered,
        secs: report.wall_time.as_secs_f64(),
        cpu: cpu_secs() - cpu,
    };
    println!(
        "hot-potato {transport} one process, {loops} loop(s), {nodes} nodes x {tokens} tokens: {}; {threads} threads, peak RSS {} MB, {} connections",
        m.rates(),
        proc_status("VmHWM:") / 1024,
        report.counters.connections_opened
    );
}

/// The cases `cargo bench -p net-real -- CASE...` can name; none: all.
const CASES: [&str; 8] = [
    "timers",
    "udp",
    "udp-threads",
    "udp-procs",
    "tcp",
    "tcp-threads",
    "tcp-procs",
    "scale",
];

fn main() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        return child(&spec);
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Peak RSS is per process: each scale run goes in a fresh one.
    if let Some(k) = args.iter().position(|a| a == "scale-run") {
        let loops = args.get(k + 1).and_then(|a| a.parse().ok()).unwrap_or(1);
        match args.get(k + 2).map(String::as_str) {
            Some("tcp") => at_scale(Transport::Tcp, 100, 10, loops),
            _ => at_scale(Transport::Udp, 1000, 2, loops),
        }
        return;
    }
    // `cargo bench` passes `--bench`; any other argument names a case.
    let named: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with('-'))
        .collect();
    for name in &named {
        if !CASES.contains(name) {
            eprintln!("unknown case `{name}`; cases: {}", CASES.join(", "));
            std::process::exit(2);
        }
    }
    let wanted = |case: &str| named.is_empty() || named.contains(&case);
    if wanted("timers") {
        timer_lateness();
    }
    for transport in [Transport::Udp, Transport::Tcp] {
        if wanted(&transport.to_string()) {
            in_process(transport, 1);
        }
        if wanted(&format!("{transport}-threads")) {
            in_process(transport, 2);
        }
        if wanted(&format!("{transport}-procs")) {
            per_process(transport);
        }
    }
    if wanted("scale") {
        let exe = std::env::current_exe().expect("bench binary");
        for transport in ["tcp", "udp"] {
            for loops in ["1", "2"] {
                let _ = Command::new(&exe)
                    .args(["scale-run", loops, transport])
                    .status();
            }
        }
    }
}
