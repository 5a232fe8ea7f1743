//! The course's message names, which changed by year: one [`Profile`] each.

use serde::Deserialize;
use std::fmt;
use std::str::FromStr;

/// A course year's message names. The wire codec is the only user: machines
/// exchange typed messages and never see the names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// f19–f22: JOIN, HELLO, ELECTION, OK, COORDINATOR, PROBE.
    #[default]
    F19,
    /// f23: HOWDY, HELLO, ELECT, GOT_IT, I_AM_LEADER, PROBE.
    F23,
    /// f24: BEGIN, HELLO, ELECTION, OK, COORDINATOR, PROBE.
    F24,
}

/// The message names of one profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Names {
    /// Joining the group (GCD request).
    pub join: &'static str,
    /// Greeting a Lab 1 member.
    pub hello: &'static str,
    /// Calling an election.
    pub election: &'static str,
    /// Answering an election (and a probe).
    pub ok: &'static str,
    /// Announcing the winner.
    pub coordinator: &'static str,
    /// Checking that the leader is alive.
    pub probe: &'static str,
}

impl Profile {
    /// Every profile, default first.
    pub const ALL: [Profile; 3] = [Profile::F19, Profile::F23, Profile::F24];

    /// The message names of this profile.
    pub fn names(self) -> Names {
        match self {
            Profile::F19 => Names {
                join: "JOIN",
                hello: "HELLO",
                election: "ELECTION",
                ok: "OK",
                coordinator: "COORDINATOR",
                probe: "PROBE",
            },
            Profile::F23 => Names {
                join: "HOWDY",
                hello: "HELLO",
                election: "ELECT",
                ok: "GOT_IT",
                coordinator: "I_AM_LEADER",
                probe: "PROBE",
            },
            Profile::F24 => Names {
                join: "BEGIN",
                hello: "HELLO",
                election: "ELECTION",
                ok: "OK",
                coordinator: "COORDINATOR",
                probe: "PROBE",
            },
        }
    }

    /// The profile's name on the command line and in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Profile::F19 => "f19",
            Profile::F23 => "f23",
            Profile::F24 => "f24",
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> Result<Profile, String> {
        Profile::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| format!("unknown profile `{s}` (known: f19, f23, f24)"))
    }
}
