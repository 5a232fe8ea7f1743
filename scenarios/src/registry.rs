//! The protocols this `dsim` knows: the built-in ones, or those a user's
//! binary registers with [`crate::main_with`]. Named scenarios are derived
//! from the protocols' descriptions.

use crate::live::LiveProtocol;
use std::sync::OnceLock;

/// A protocol as the command line holds it: every [`sim::Protocol`] whose
/// messages and observations can cross threads is one.
pub trait CliProtocol: sim::AnyProtocol + LiveProtocol {}

impl<T: sim::AnyProtocol + LiveProtocol> CliProtocol for T {}

static REGISTERED: OnceLock<Vec<&'static dyn CliProtocol>> = OnceLock::new();

/// The built-in protocols.
pub fn builtin() -> Vec<&'static dyn CliProtocol> {
    vec![
        &protocols::hot_potato::HotPotatoProtocol,
        &protocols::primary_backup::PrimaryBackupProtocol,
        &protocols::forex::ForexProtocol,
        &protocols::gcd::GcdProtocol,
        &protocols::bully::BullyProtocol,
        &protocols::chord::ChordProtocol,
        &protocols::bitcoin::BitcoinProtocol,
    ]
}

/// Makes `list` the protocols of this process (once; later calls are ignored).
pub fn register(list: Vec<&'static dyn CliProtocol>) {
    let _ = REGISTERED.set(list);
}

/// Every protocol of this process (the built-in ones unless others were registered).
pub fn protocols() -> &'static [&'static dyn CliProtocol] {
    REGISTERED.get_or_init(builtin)
}

/// Finds a protocol by name.
pub fn protocol(name: &str) -> Result<&'static dyn CliProtocol, String> {
    protocols()
        .iter()
        .copied()
        .find(|p| p.name() == name)
        .ok_or_else(|| {
            let known: Vec<&str> = protocols().iter().map(|p| p.name()).collect();
            format!(
                "unknown protocol `{name}`{} (known: {})",
                sim::suggest::did_you_mean(name, known.iter().copied()),
                known.join(", ")
            )
        })
}

/// Every named scenario of every protocol: (name, JSON text).
pub fn named() -> Vec<(&'static str, &'static str)> {
    protocols()
        .iter()
        .flat_map(|p| p.scenarios().iter().copied())
        .collect()
}
