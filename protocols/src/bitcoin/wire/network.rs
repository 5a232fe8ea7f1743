//! Which Bitcoin network a message belongs to: the 4 magic bytes that
//! start every message header (and every `blk*.dat` record).

use super::super::hash::Hash256;
use super::super::pow::Target;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A Bitcoin network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Network {
    /// Mainnet (`f9beb4d9`).
    #[default]
    Mainnet,
    /// Testnet3 (`0b110907`).
    Testnet,
    /// The default signet (`0a03cf40`).
    Signet,
    /// Regtest (`fabfb5da`).
    Regtest,
}

impl Network {
    /// Every network.
    pub const ALL: [Network; 4] = [
        Network::Mainnet,
        Network::Testnet,
        Network::Signet,
        Network::Regtest,
    ];

    /// The magic bytes, in wire order.
    pub fn magic(self) -> [u8; 4] {
        match self {
            Network::Mainnet => [0xf9, 0xbe, 0xb4, 0xd9],
            Network::Testnet => [0x0b, 0x11, 0x09, 0x07],
            Network::Signet => [0x0a, 0x03, 0xcf, 0x40],
            Network::Regtest => [0xfa, 0xbf, 0xb5, 0xda],
        }
    }

    /// The network with this magic.
    pub fn from_magic(magic: [u8; 4]) -> Option<Network> {
        Network::ALL.into_iter().find(|n| n.magic() == magic)
    }

    /// The easiest proof-of-work target the network accepts (Bitcoin
    /// Core's `powLimit`): 2^224 − 1 on mainnet and testnet, nBits
    /// `1e0377ae` on signet, `207fffff` on regtest (about every other hash
    /// meets it).
    pub fn pow_limit(self) -> Target {
        match self {
            Network::Mainnet | Network::Testnet => Target::MAINNET_LIMIT,
            Network::Signet => Target([0, 0, 0, 0x0000_0377_ae00_0000]),
            Network::Regtest => Target([0, 0, 0, 0x7fff_ff00_0000_0000]),
        }
    }

    /// The hash of the network's genesis block (display order, as
    /// explorers show it).
    pub fn genesis_hash(self) -> Hash256 {
        let hex = match self {
            Network::Mainnet => "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
            Network::Testnet => "000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943",
            Network::Signet => "00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6",
            Network::Regtest => "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206",
        };
        hex.parse()
            .unwrap_or_else(|_| unreachable!("the literals are 64 hex digits"))
    }

    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Network::Mainnet => "mainnet",
            Network::Testnet => "testnet",
            Network::Signet => "signet",
            Network::Regtest => "regtest",
        }
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Network {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Network::ALL
            .into_iter()
            .find(|n| n.name() == s)
            .ok_or_else(|| format!("unknown network {s:?} (mainnet, testnet, signet, regtest)"))
    }
}
