//! `dsim gcd ...`: the course's GCD, a Lab 1 member and the Lab 1 client on
//! real TCP: nodes of the `gcd` description (`bully`'s GCD when no member
//! is listed: the Lab 2 registry), run with the address book the flags give.

use super::one_node::{duration_arg, exit, nobody, run_one, OneNode, FOREVER};
use crate::commands::Exit;
use clap::{Args, Subcommand};
use net_real::{LiveStop, Transport};
use protocols::bully::BullyProtocol;
use protocols::gcd::{Event, GcdProtocol, Profile, ScenarioParams, Wire};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

/// `dsim gcd ...`.
#[derive(Debug, Subcommand)]
pub enum GcdCommand {
    /// Run the group coordinator daemon (Lab 1 list and Lab 2 registry).
    #[command(
        after_help = "Ctrl-C or SIGTERM stops it with a summary (exit 130 or 143).\n\nExample:\n  dsim gcd serve --listen 127.0.0.1:23600 --member 127.0.0.1:23601 --member 127.0.0.1:23602"
    )]
    Serve(ServeArgs),
    /// Run a Lab 1 member that answers HELLO.
    #[command(
        after_help = "Ctrl-C or SIGTERM stops it with a summary (exit 130 or 143).\n\nExample:\n  dsim gcd member --listen 127.0.0.1:23601"
    )]
    Member(MemberArgs),
    /// The Lab 1 client: join the GCD, greet every member, print the replies, exit.
    #[command(
        after_help = "Exit status: 0 every member answered; 1 the GCD could not be reached or a member failed; 2 bad usage.\n\nExample:\n  dsim gcd hello localhost:23600"
    )]
    Hello(HelloArgs),
}

/// Options every GCD tool shares.
#[derive(Debug, Args)]
pub struct Common {
    /// Message names of a course year: f19 (JOIN/HELLO), f23 (HOWDY), f24 (BEGIN).
    #[arg(long, default_value = "f19")]
    pub profile: Profile,
    /// Encoding on the wire: json, or pickle (what the course's Python programs speak).
    #[arg(long, default_value = "json")]
    pub wire: Wire,
    /// Print the driver's log (connection errors, bad input) to stderr.
    #[arg(long, short)]
    pub verbose: bool,
}

/// `dsim gcd serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long)]
    pub listen: SocketAddr,
    /// A Lab 1 member to list (repeat; the course's list is fixed).
    #[arg(long)]
    pub member: Vec<SocketAddr>,
    /// Stop after this long (default: run until interrupted).
    #[arg(long = "for", value_parser = duration_arg)]
    pub run_for: Option<Duration>,
    /// Shared options.
    #[command(flatten)]
    pub common: Common,
}

/// `dsim gcd member`.
#[derive(Debug, Args)]
pub struct MemberArgs {
    /// Address to listen on.
    #[arg(long)]
    pub listen: SocketAddr,
    /// Stop after this long (default: run until interrupted).
    #[arg(long = "for", value_parser = duration_arg)]
    pub run_for: Option<Duration>,
    /// Shared options.
    #[command(flatten)]
    pub common: Common,
}

/// `dsim gcd hello`.
#[derive(Debug, Args)]
pub struct HelloArgs {
    /// The GCD, as HOST:PORT (an IP address or localhost).
    #[arg(value_parser = protocols::gcd::parse_host_port)]
    pub gcd: SocketAddr,
    /// How long to wait for each answer.
    #[arg(long, default_value = "1.5s", value_parser = duration_arg)]
    pub timeout: Duration,
    /// Shared options.
    #[command(flatten)]
    pub common: Common,
}

fn params(common: &Common, timeout: Duration) -> ScenarioParams {
    ScenarioParams {
        profile: common.profile,
        wire: common.wire,
        peer_timeout: sim::Dur(timeout),
        finish_within: None,
    }
}

fn one(book: Vec<SocketAddr>, index: usize, run_for: Option<Duration>, common: &Common) -> OneNode {
    OneNode {
        book,
        index,
        transport: Transport::Tcp,
        duration: run_for.unwrap_or(FOREVER),
        verbose: common.verbose,
        stamp: true,
        seed: None,
        announce: None,
    }
}

/// Runs a `dsim gcd` verb.
pub fn run(command: GcdCommand) -> Result<Exit, String> {
    match command {
        GcdCommand::Serve(a) if a.member.is_empty() => {
            // No Lab 1 list: the Lab 2 registry, node 0 of `bully`.
            let p = protocols::bully::ScenarioParams {
                profile: a.common.profile,
                wire: a.common.wire,
                ..sim::parse_params(&serde_json::json!({}))?
            };
            let node = one(vec![a.listen, nobody()], 0, a.run_for, &a.common);
            let report = run_one(&BullyProtocol, &p, Some(1), node, |_| false)?;
            Ok(exit(&report))
        }
        GcdCommand::Serve(a) => {
            // Node 0 of `gcd` with the listed members as nodes 1..=k.
            let mut book = vec![a.listen];
            book.extend(&a.member);
            book.push(nobody());
            let p = params(&a.common, Duration::from_millis(1500));
            let node = one(book, 0, a.run_for, &a.common);
            let report = run_one(&GcdProtocol, &p, Some(a.member.len()), node, |_| false)?;
            Ok(exit(&report))
        }
        GcdCommand::Member(a) => {
            let book = vec![nobody(), a.listen, nobody()];
            let p = params(&a.common, Duration::from_millis(1500));
            let node = one(book, 1, a.run_for, &a.common);
            let report = run_one(&GcdProtocol, &p, Some(1), node, |_| false)?;
            Ok(exit(&report))
        }
        GcdCommand::Hello(a) => hello(&a),
    }
}

fn hello(a: &HelloArgs) -> Result<Exit, String> {
    if a.timeout.is_zero() {
        return Err("--timeout: must be positive".into());
    }
    // The client is the last node of `gcd` (one member described; the
    // client learns the real list from the GCD).
    let book = vec![a.gcd, nobody(), SocketAddr::from((Ipv4Addr::LOCALHOST, 0))];
    let mut node = one(book, 2, Some(Duration::from_secs(600)), &a.common);
    node.stamp = false;
    let p = params(&a.common, a.timeout);
    let failed = std::cell::Cell::new(false);
    let report = run_one(&GcdProtocol, &p, Some(1), node, |e| {
        if matches!(
            e,
            Event::JoinFailed { .. } | Event::Greeted { reply: Err(_), .. }
        ) {
            failed.set(true);
        }
        matches!(e, Event::Finished { .. })
    })?;
    match (report.stop, report.signal_exit_code(), failed.get()) {
        (LiveStop::Done, _, false) => Ok(Exit::Ok),
        (LiveStop::Done, _, true) => Ok(Exit::Violation),
        (_, Some(code), _) => Ok(Exit::Signal(code)),
        _ => Err("the client did not finish".into()),
    }
}
