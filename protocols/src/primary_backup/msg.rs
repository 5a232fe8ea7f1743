//! primary-backup's messages, timer and observations.

use serde::{Deserialize, Serialize};

/// Messages between the primary and its backups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Msg {
    /// Primary to backup: apply update `seq`.
    Update {
        /// Sequence number, from 0.
        seq: u64,
    },
    /// Backup to primary: update `seq` arrived.
    Ack {
        /// Sequence number.
        seq: u64,
    },
}

/// The primary's tick: time to send the next update.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tick;

/// What a node reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    /// A backup (re)started with empty state.
    Started,
    /// A backup applied update `seq`.
    Applied {
        /// Sequence number.
        seq: u64,
    },
    /// A backup noticed that updates `from..to` never arrived and skipped them.
    Skipped {
        /// First missing sequence number.
        from: u64,
        /// The sequence number that arrived instead.
        to: u64,
    },
}

/// How a person reads a primary-backup observation.
pub fn render(e: &Event) -> String {
    match e {
        Event::Started => "backup started (empty state)".to_string(),
        Event::Applied { seq } => format!("applied update {seq}"),
        Event::Skipped { from, to } => format!("updates {from}..{to} missing, skipped"),
    }
}
