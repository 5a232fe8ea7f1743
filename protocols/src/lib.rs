//! The protocols dsim ships. Each lives in one folder shaped like every
//! other: `mod.rs` is the [`sim::Protocol`] description (nodes, codec,
//! properties, rendering, named scenarios), `msg.rs` the messages and
//! observations, `node.rs` the sans-IO machine(s), `codec.rs` the wire
//! format (when not the default JSON), `properties.rs` the properties,
//! `tests.rs` the unit tests, and `scenarios/*.json` the named scenarios.

pub mod bitcoin;
pub mod bully;
pub mod chord;
pub mod forex;
pub mod gcd;
pub mod hot_potato;
pub mod pickle;
pub mod primary_backup;

mod named {
    include!(concat!(env!("OUT_DIR"), "/named.rs"));
}

/// Every protocol description shipped with dsim, for the command line.
pub fn all() -> Vec<&'static dyn sim::AnyProtocol> {
    vec![
        &hot_potato::HotPotatoProtocol,
        &primary_backup::PrimaryBackupProtocol,
        &forex::ForexProtocol,
        &gcd::GcdProtocol,
        &bully::BullyProtocol,
        &chord::ChordProtocol,
        &bitcoin::BitcoinProtocol,
    ]
}
