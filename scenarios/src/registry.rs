//! The protocols and named scenarios dsim knows.

use crate::live::{self, LiveFn};
use sim::BuildFn;

/// A protocol that scenarios can name.
pub struct ProtocolEntry {
    /// The name used in scenario files.
    pub name: &'static str,
    /// One line about it.
    pub description: &'static str,
    /// Builds its simulation from a scenario.
    pub build: BuildFn,
    /// Runs a scenario on real sockets (`dsim run --net udp|tcp`), if it can.
    pub live: Option<LiveFn>,
}

/// Every protocol, by name.
pub const PROTOCOLS: &[ProtocolEntry] = &[
    ProtocolEntry {
        name: "hot-potato",
        description: "tokens passed between random nodes; the benchmark and hello-world",
        build: protocols::hot_potato::build,
        live: Some(live::hot_potato::run),
    },
    ProtocolEntry {
        name: "primary-backup",
        description: "a primary streams numbered updates to backups; has a planted dedupe bug",
        build: protocols::primary_backup::build,
        live: None,
    },
    ProtocolEntry {
        name: "forex",
        description:
            "forex quotes published over UDP; subscribers look for arbitrage (node 0 provides)",
        build: protocols::pubsub::build,
        live: Some(live::forex::run),
    },
    ProtocolEntry {
        name: "gcd",
        description: "course Lab 1: a GCD lists the members, a client greets each with HELLO",
        build: protocols::gcd::build,
        live: None,
    },
    ProtocolEntry {
        name: "bully",
        description:
            "course Lab 2: bully leader election over the GCD, with probes and feigned failures",
        build: protocols::bully::build,
        live: Some(live::bully::run),
    },
];

/// Finds a protocol by name.
pub fn protocol(name: &str) -> Result<&'static ProtocolEntry, String> {
    PROTOCOLS.iter().find(|p| p.name == name).ok_or_else(|| {
        let known: Vec<&str> = PROTOCOLS.iter().map(|p| p.name).collect();
        format!("unknown protocol `{name}` (known: {})", known.join(", "))
    })
}

/// Named scenarios shipped with dsim: (name, JSON text). One file each under
/// `scenarios/named/`.
pub const NAMED: &[(&str, &str)] = &[
    ("hot-potato", include_str!("../named/hot-potato.json")),
    (
        "hot-potato-faults",
        include_str!("../named/hot-potato-faults.json"),
    ),
    (
        "primary-backup",
        include_str!("../named/primary-backup.json"),
    ),
    (
        "primary-backup-bug",
        include_str!("../named/primary-backup-bug.json"),
    ),
    ("forex-steady", include_str!("../named/forex-steady.json")),
    ("forex-lossy", include_str!("../named/forex-lossy.json")),
    ("forex-lease", include_str!("../named/forex-lease.json")),
    (
        "forex-provider-restart",
        include_str!("../named/forex-provider-restart.json"),
    ),
    ("forex-skew", include_str!("../named/forex-skew.json")),
    (
        "forex-many-subscribers",
        include_str!("../named/forex-many-subscribers.json"),
    ),
    ("gcd-hello", include_str!("../named/gcd-hello.json")),
    (
        "gcd-member-down",
        include_str!("../named/gcd-member-down.json"),
    ),
    ("bully-startup", include_str!("../named/bully-startup.json")),
    (
        "bully-leader-crash",
        include_str!("../named/bully-leader-crash.json"),
    ),
    (
        "bully-partition-heal",
        include_str!("../named/bully-partition-heal.json"),
    ),
    ("bully-feign", include_str!("../named/bully-feign.json")),
    ("bully-lossy", include_str!("../named/bully-lossy.json")),
    ("bully-churn", include_str!("../named/bully-churn.json")),
];
