//! The course's dialects, which changed by year: one [`Profile`] each, with
//! its message names ([`Names`]) and the shapes of the messages whose data
//! differ between years ([`Profile::coordinator_data`], [`Profile::ok_data`]).
//! [`super::python`] is the one mapping from messages to Python values that
//! uses them.

use serde::Deserialize;
use std::fmt;
use std::str::FromStr;

/// A course year's dialect. The wire codec is the only user: machines
/// exchange typed messages and never see names or shapes.
///
/// | profile | join | election | answer | winner | probe |
/// |---|---|---|---|---|---|
/// | f19 | `('JOIN', (pid, addr))` | `('ELECTION', members)` | `('OK', members)` | `('COORDINATOR', members)` (no winner) | `('PROBE', None)` → `'OK'` |
/// | f23 | `('HOWDY', ...)` | `('ELECT', members)` | `'GOT_IT'` | `('I_AM_LEADER', pid)` | `('PROBE', None)` → `'GOT_IT'` |
/// | f24 | `('BEGIN', ...)` | `('ELECTION', members)` | `('OK', None)` | `('COORDINATOR', pid)` | `('PROBE', None)` → `('OK', None)` |
/// | dsim | `('JOIN', ...)` | `('ELECTION', members)` | `('OK', members)` | `('COORDINATOR', (pid, members))` | `('PROBE', None)` → `'OK'` |
///
/// f19 is Lundeen's reference bully (f19-02), which also never answers a
/// PROBE; f23 is that year's assignment text; f24 is that year's names with
/// the documented COORDINATOR data (the leader's identity). `dsim` is the
/// stronger protocol of [`crate::bully`]: the winner is named and carries
/// its members.
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
    /// dsim's own: f19's names, a COORDINATOR naming the winner with its members.
    Dsim,
}

/// What the winner's announcement carries in a profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoordinatorData {
    /// The winner's members only: the receiver cannot tell who won (f19).
    Members,
    /// The winner's bare identity (f23, f24).
    Identity,
    /// `(identity, members)` (dsim).
    IdentityAndMembers,
}

/// What the answer to an election carries in a profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OkData {
    /// `(name, members)` (f19, dsim).
    Members,
    /// `(name, None)` (f24).
    None,
    /// The bare name (f23).
    Bare,
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
    pub const ALL: [Profile; 4] = [Profile::F19, Profile::F23, Profile::F24, Profile::Dsim];

    /// The message names of this profile.
    pub fn names(self) -> Names {
        match self {
            Profile::F19 | Profile::Dsim => Names {
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
            Profile::Dsim => "dsim",
        }
    }

    /// What this profile's winner announcement carries.
    pub fn coordinator_data(self) -> CoordinatorData {
        match self {
            Profile::F19 => CoordinatorData::Members,
            Profile::F23 | Profile::F24 => CoordinatorData::Identity,
            Profile::Dsim => CoordinatorData::IdentityAndMembers,
        }
    }

    /// What this profile's answer to an election carries.
    pub fn ok_data(self) -> OkData {
        match self {
            Profile::F19 | Profile::Dsim => OkData::Members,
            Profile::F23 => OkData::Bare,
            Profile::F24 => OkData::None,
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
            .ok_or_else(|| format!("unknown profile `{s}` (known: f19, f23, f24, dsim)"))
    }
}
