//! Mixed classroom groups, live on loopback TCP: two dsim bully peers and
//! two course-style Python peers (`tests/python`, written from the course's
//! documented behaviour) of one profile join a GCD (the course-style Python
//! one, or ours), agree on the highest identity, and agree again after the
//! leader is killed. No peer of either kind may crash.
//!
//! Skipped, with the reason printed, where `python3` is missing.

use net_real::{run_cluster, ClusterConfig, Flow, LiveEvent, Stop, Transport};
use protocols::bully::{self, BullyNode, Peer, Timing};
use protocols::gcd::{CourseCodec, GcdNode, GcdServer, Pid, Profile, Wire};
use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a group may take to agree, after the start or after a kill.
const AGREE_WITHIN: Duration = Duration::from_secs(30);
/// How long an agreement must hold to count.
const HOLD: Duration = Duration::from_millis(1500);

fn python_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("python")
}

fn python_available() -> bool {
    match Command::new("python3").arg("--version").output() {
        Ok(out) if out.status.success() => true,
        _ => {
            println!("skipped: python3 is not available");
            false
        }
    }
}

/// What a member last said about the leader, in the course's words:
/// `(days, id)`, `somebody else`, or `None` during an election.
type View = Arc<Mutex<String>>;

enum Body {
    Python {
        child: Child,
        stderr: Arc<Mutex<String>>,
    },
    Dsim {
        stop: Stop,
        thread: Option<JoinHandle<u64>>,
    },
}

struct Member {
    pid: Pid,
    view: View,
    alive: bool,
    body: Body,
}

impl Member {
    fn python(&self) -> bool {
        matches!(self.body, Body::Python { .. })
    }

    fn kill(&mut self) {
        self.alive = false;
        match &mut self.body {
            Body::Python { child, .. } => {
                child.kill().ok();
                child.wait().ok();
            }
            Body::Dsim { stop, thread } => {
                stop.request();
                if let Some(t) = thread.take() {
                    t.join().expect("dsim peer thread");
                }
            }
        }
    }

    /// Ends the member; for a dsim peer, the decode errors it counted.
    fn finish(&mut self) -> (u64, String) {
        match &mut self.body {
            Body::Python { child, stderr } => {
                let exited = child.try_wait().ok().flatten();
                child.kill().ok();
                child.wait().ok();
                let mut text = stderr.lock().unwrap().clone();
                if let Some(status) = exited {
                    text.push_str(&format!("\nexited by itself: {status}"));
                }
                (0, text)
            }
            Body::Dsim { stop, thread } => {
                stop.request();
                let errors = thread.take().map_or(0, |t| t.join().unwrap_or(u64::MAX));
                (errors, String::new())
            }
        }
    }
}

fn spawn_python(args: &[String]) -> (Child, std::process::ChildStdout, Arc<Mutex<String>>) {
    let mut child = Command::new("python3")
        .arg("-u")
        .args(args)
        .current_dir(python_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut err_pipe = child.stderr.take().expect("piped stderr");
    let stderr = Arc::new(Mutex::new(String::new()));
    let sink = stderr.clone();
    std::thread::spawn(move || {
        let mut text = String::new();
        err_pipe.read_to_string(&mut text).ok();
        sink.lock().unwrap().push_str(&text);
    });
    (child, stdout, stderr)
}

/// A course-style Python peer of `profile`.
fn python_peer(profile: Profile, gcd: SocketAddr, pid: Pid) -> Member {
    let mut args = match profile {
        Profile::F19 => vec!["lab2_f19.py".to_string()],
        _ => vec!["lab2_threads.py".to_string(), profile.name().to_string()],
    };
    args.extend([
        gcd.ip().to_string(),
        gcd.port().to_string(),
        pid.id.to_string(),
        pid.days.to_string(),
    ]);
    let (child, stdout, stderr) = spawn_python(&args);
    let view: View = Arc::new(Mutex::new("None".into()));
    let seen = view.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(leader) = line.strip_prefix("Leader is now ") {
                *seen.lock().unwrap() = leader.to_string();
            }
        }
    });
    Member {
        pid,
        view,
        alive: true,
        body: Body::Python { child, stderr },
    }
}

/// A dsim bully peer on its own live driver (so it can be killed alone).
fn dsim_peer(profile: Profile, gcd: SocketAddr, pid: Pid) -> Member {
    let view: View = Arc::new(Mutex::new("None".into()));
    let seen = view.clone();
    let stop = Stop::new();
    let mut config = ClusterConfig::loopback(Transport::Tcp, 2);
    config.addrs = vec![gcd, SocketAddr::from(([127, 0, 0, 1], 0))];
    config.local = Some(vec![1]);
    config.duration = Duration::from_secs(600);
    config.stop = stop.clone();
    let thread = std::thread::spawn(move || {
        let report = run_cluster(
            config,
            move |_, book| BullyNode::Peer(Peer::new(pid, book[0], Timing::default(), None, None)),
            CourseCodec::new(Wire::Pickle, profile),
            move |event| {
                if let LiveEvent::Observed(o) = event {
                    let view = match o.obs {
                        bully::Event::Victory { pid } => Some(pid.to_string()),
                        bully::Event::Leader { leader } => Some(leader.to_string()),
                        bully::Event::ElectionStarted { .. } => Some("None".into()),
                        _ => None,
                    };
                    if let Some(v) = view {
                        *seen.lock().unwrap() = v;
                    }
                }
                Flow::Continue
            },
        )
        .expect("the dsim peer runs");
        report.counters.decode_errors
    });
    Member {
        pid,
        view,
        alive: true,
        body: Body::Dsim {
            stop,
            thread: Some(thread),
        },
    }
}

/// A course-style Python GCD; its address once it says it is ready.
fn python_gcd(profile: Profile) -> (Member, SocketAddr) {
    let (child, stdout, stderr) = spawn_python(&[
        "gcd2.py".to_string(),
        "0".to_string(),
        profile.name().to_string(),
    ]);
    let mut lines = BufReader::new(stdout).lines();
    let ready = lines.next().expect("a ready line").expect("readable");
    let port: u16 = ready
        .strip_prefix("ready ")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("not a ready line: {ready}"));
    std::thread::spawn(move || lines.for_each(drop));
    let gcd = Member {
        pid: Pid::new(0, 0),
        view: Arc::default(),
        alive: true,
        body: Body::Python { child, stderr },
    };
    (gcd, SocketAddr::from(([127, 0, 0, 1], port)))
}

/// Our GCD on its own live driver; its address once it accepts connections.
fn our_gcd(profile: Profile) -> (Member, SocketAddr) {
    let addr = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let stop = Stop::new();
    let mut config = ClusterConfig::loopback(Transport::Tcp, 1);
    config.addrs = vec![addr];
    config.duration = Duration::from_secs(600);
    config.stop = stop.clone();
    let thread = std::thread::spawn(move || {
        run_cluster(
            config,
            |_, _| GcdNode::Server(GcdServer::default()),
            CourseCodec::new(Wire::Pickle, profile),
            |_| Flow::Continue,
        )
        .expect("our GCD runs")
        .counters
        .decode_errors
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(addr).is_err() {
        assert!(Instant::now() < deadline, "our GCD never listened");
        std::thread::sleep(Duration::from_millis(20));
    }
    let gcd = Member {
        pid: Pid::new(0, 0),
        view: Arc::default(),
        alive: true,
        body: Body::Dsim {
            stop,
            thread: Some(thread),
        },
    };
    (gcd, addr)
}

/// Whether every live member names the highest live identity, in its
/// dialect's words (an f19 course peer can only say "somebody else").
fn agreed(members: &[Member], profile: Profile) -> Result<Pid, String> {
    let live: Vec<&Member> = members.iter().filter(|m| m.alive).collect();
    let highest = live.iter().map(|m| m.pid).max().ok_or("nobody alive")?;
    for m in &live {
        let view = m.view.lock().unwrap().clone();
        let expected = if m.pid == highest || !(m.python() && profile == Profile::F19) {
            highest.to_string()
        } else {
            "somebody else".to_string()
        };
        if view != expected {
            return Err(format!(
                "{} {} says {view}, expected {expected}",
                if m.python() { "python" } else { "dsim" },
                m.pid
            ));
        }
    }
    Ok(highest)
}

/// Waits until the group agrees and the agreement holds; the time it took.
fn wait_for_agreement(members: &[Member], profile: Profile, what: &str) -> Duration {
    let start = Instant::now();
    let mut since: Option<Instant> = None;
    loop {
        match agreed(members, profile) {
            Ok(_) => {
                let t = *since.get_or_insert_with(Instant::now);
                if t.elapsed() >= HOLD {
                    return t - start;
                }
            }
            Err(why) => {
                since = None;
                assert!(
                    start.elapsed() < AGREE_WITHIN,
                    "{profile}: no agreement {what} within {AGREE_WITHIN:?}: {why}"
                );
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Two dsim and two Python peers of `profile`; the leader is a Python peer
/// if `python_leads`, else a dsim peer; it is killed once all agree.
fn mixed_group(profile: Profile, python_leads: bool, our: bool) {
    // One group at a time: the timing is real, and the machine is small.
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    if !python_available() {
        return;
    }
    let (mut gcd, gcd_addr) = if our {
        our_gcd(profile)
    } else {
        python_gcd(profile)
    };
    // Identities, lowest first; the leader's kind alternates with `python_leads`.
    let pids = [
        Pid::new(40, 1_000_001),
        Pid::new(50, 1_000_002),
        Pid::new(60, 1_000_003),
        Pid::new(70, 1_000_004),
    ];
    let mut members: Vec<Member> = pids
        .iter()
        .enumerate()
        .map(|(i, &pid)| {
            if (i % 2 == 1) == python_leads {
                python_peer(profile, gcd_addr, pid)
            } else {
                dsim_peer(profile, gcd_addr, pid)
            }
        })
        .collect();
    let first = wait_for_agreement(&members, profile, "after the joins");
    let leader = members
        .iter()
        .position(|m| m.pid == pids[3])
        .expect("leader");
    let leader_kind = if members[leader].python() {
        "python"
    } else {
        "dsim"
    };
    members[leader].kill();
    let second = wait_for_agreement(&members, profile, "after the leader was killed");
    println!(
        "{profile} ({} GCD, {leader_kind} leader): agreed {first:?} after start, {second:?} after the kill",
        if our { "our" } else { "python" }
    );
    let mut problems = Vec::new();
    for m in members.iter_mut().chain(std::iter::once(&mut gcd)) {
        let alive = m.alive;
        let (decode_errors, stderr) = m.finish();
        if decode_errors > 0 {
            problems.push(format!("{}: {decode_errors} decode errors", m.pid));
        }
        if alive && !stderr.trim().is_empty() {
            problems.push(format!("{} wrote to stderr: {stderr}", m.pid));
        }
    }
    assert!(problems.is_empty(), "{profile}: {problems:#?}");
}

#[test]
fn f19_mixed_group_follows_a_python_leader_and_survives_its_death() {
    mixed_group(Profile::F19, true, false);
}

#[test]
fn f19_mixed_group_follows_a_dsim_leader_and_survives_its_death() {
    mixed_group(Profile::F19, false, true);
}

#[test]
fn f23_mixed_group_follows_a_python_leader_and_survives_its_death() {
    mixed_group(Profile::F23, true, false);
}

#[test]
fn f23_mixed_group_follows_a_dsim_leader_and_survives_its_death() {
    mixed_group(Profile::F23, false, false);
}

#[test]
fn f24_mixed_group_follows_a_python_leader_and_survives_its_death() {
    mixed_group(Profile::F24, true, true);
}

#[test]
fn f24_mixed_group_follows_a_dsim_leader_and_survives_its_death() {
    mixed_group(Profile::F24, false, false);
}
