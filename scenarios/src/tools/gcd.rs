//! `dsim gcd ...`: the course's GCD, a Lab 1 member and the Lab 1 client on
//! real TCP.

use super::one_node::{duration_arg, run_one, OneNode, FOREVER};
use crate::commands::Exit;
use clap::{Args, Subcommand};
use protocols::gcd::{render, CourseCodec, Event, GcdNode, GcdServer, Lab1Client, Profile, Wire};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

/// `dsim gcd ...`.
#[derive(Debug, Subcommand)]
pub enum GcdCommand {
    /// Run the group coordinator daemon (Lab 1 list and Lab 2 registry).
    #[command(
        after_help = "Example:\n  dsim gcd serve --listen 127.0.0.1:23600 --member 127.0.0.1:23601 --member 127.0.0.1:23602"
    )]
    Serve(ServeArgs),
    /// Run a Lab 1 member that answers HELLO.
    #[command(after_help = "Example:\n  dsim gcd member --listen 127.0.0.1:23601")]
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

/// Runs a `dsim gcd` verb.
pub fn run(command: GcdCommand) -> Result<Exit, String> {
    match command {
        GcdCommand::Serve(a) => {
            let group = a.member.clone();
            serve(a.listen, a.run_for, &a.common, move |_, _| {
                GcdNode::Server(GcdServer::new(group.clone()))
            })
        }
        GcdCommand::Member(a) => serve(a.listen, a.run_for, &a.common, |_, _| GcdNode::Member),
        GcdCommand::Hello(a) => hello(&a),
    }
}

fn serve(
    listen: SocketAddr,
    run_for: Option<Duration>,
    common: &Common,
    make: impl Fn(usize, &[SocketAddr]) -> GcdNode + Send + Sync + 'static,
) -> Result<Exit, String> {
    let node = OneNode {
        book: vec![listen],
        index: 0,
        duration: run_for.unwrap_or(FOREVER),
        verbose: common.verbose,
        stamp: true,
    };
    run_one(
        node,
        make,
        CourseCodec::new(common.wire, common.profile),
        render,
        |_| false,
    )?;
    Ok(Exit::Ok)
}

fn hello(a: &HelloArgs) -> Result<Exit, String> {
    if a.timeout.is_zero() {
        return Err("--timeout: must be positive".into());
    }
    let timeout = a.timeout;
    let node = OneNode {
        book: vec![a.gcd, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))],
        index: 1,
        // The client bounds itself: one timeout for the GCD and one per member.
        duration: Duration::from_secs(600),
        verbose: a.common.verbose,
        stamp: false,
    };
    let failed = std::cell::Cell::new(false);
    let report = run_one(
        node,
        move |_, book| GcdNode::Client(Lab1Client::new(book[0], timeout)),
        CourseCodec::new(a.common.wire, a.common.profile),
        render,
        |e| {
            if matches!(
                e,
                Event::JoinFailed { .. } | Event::Greeted { reply: Err(_), .. }
            ) {
                failed.set(true);
            }
            matches!(e, Event::Finished { .. })
        },
    )?;
    match (report.stop, failed.get()) {
        (net_real::LiveStop::Done, false) => Ok(Exit::Ok),
        (net_real::LiveStop::Done, true) => Ok(Exit::Violation),
        _ => Err("the client did not finish".into()),
    }
}
