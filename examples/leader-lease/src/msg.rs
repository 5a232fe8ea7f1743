//! What lease nodes say to each other, and what they report.

use serde::{Deserialize, Serialize};

/// Messages between the lease server and its clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Msg {
    /// Client to server: may I hold the lease?
    Request,
    /// Server to client: yes, for the configured lease time from now.
    Grant,
    /// Server to client: no, someone else holds it.
    Busy,
}

/// A client's timers (keyed by value: setting one replaces its pending twin).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// Time to ask for the lease (again).
    Retry,
    /// The lease we hold runs out.
    Expire,
}

/// What a client reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    /// This client now holds the lease.
    Acquired,
    /// This client's lease ran out.
    Released,
}
