//! What Chord nodes say to each other, their timers, and what they observe.
//!
//! Two RPC families, each carried by its own [`RpcMsg`] layer: the ring's
//! (lookup steps, stabilization, the course's Section-4 join) and the data's
//! (client get/put, fetch and store at the owner, key hand-off).

use super::id::Id;
use super::overlay::{OvObs, OvTimer};
use super::peer::{short, Peer};
use super::rpc::{RpcMsg, RpcTimer};
use std::sync::Arc;

/// A key: the course's `PlayerId + Year` text.
pub type Key = Arc<str>;

/// A value: a row as (column, value) pairs in column order.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Value(pub Arc<[(String, String)]>);

impl Value {
    /// A stable 64-bit digest of the value (what observations carry).
    pub fn digest(&self) -> u64 {
        sim::digest::stable_hash(&self.0)
    }
}

/// A key with its value.
pub type Item = (Key, Value);

/// Ring requests (answered by the overlay).
#[derive(Clone, Debug, Hash, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RingReq {
    /// One step of an iterative lookup: "is `target` yours to answer, and
    /// if not, who is closer?"
    Step {
        /// The identifier looked up.
        target: Id,
        /// Route as if this node were not on the ring (a restarted node
        /// joining while the ring still lists its former incarnation).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        avoid: Option<std::net::SocketAddr>,
    },
    /// Your predecessor and successor list (stabilize; the course's
    /// `successor.predecessor`).
    Neighbours,
    /// "I might be your predecessor."
    Notify {
        /// The caller.
        me: Peer,
    },
    /// Are you alive (check_predecessor)?
    Ping,
    /// Course join: `successor.predecessor = n`.
    SetPredecessor {
        /// The new predecessor.
        pred: Peer,
    },
    /// Course join: `update_finger_table(s, i)`.
    UpdateFinger {
        /// The node that joined.
        s: Peer,
        /// Finger entry, 1-based.
        i: u8,
    },
    /// The caller leaves: its predecessor and successor list.
    Leaving {
        /// Its predecessor.
        pred: Option<Peer>,
        /// Its successor list.
        succs: Vec<Peer>,
    },
}

/// Ring answers.
#[derive(Clone, Debug, Hash, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RingResp {
    /// The target lies in `(you, owner]`.
    Done {
        /// The answering node's successor.
        owner: Peer,
    },
    /// Ask `next` (the closest preceding finger).
    Next {
        /// Where to go.
        next: Peer,
    },
    /// Predecessor and successor list.
    Neighbours {
        /// The predecessor, if known.
        pred: Option<Peer>,
        /// The successor list.
        succs: Vec<Peer>,
    },
    /// Done.
    Ack,
    /// The callee is (re)joining and cannot route yet.
    Joining,
}

/// Data requests.
#[derive(Clone, Debug, Hash, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum DataReq {
    /// A client asks any node for a key (the node routes it).
    Get {
        /// The key.
        key: Key,
    },
    /// A client adds or replaces a key's value via any node.
    Put {
        /// The key.
        key: Key,
        /// The value.
        value: Value,
    },
    /// Read a key where it is stored.
    Fetch {
        /// The key.
        key: Key,
    },
    /// Store items here (as owner, replica or hand-off).
    Store {
        /// The items.
        items: Vec<Item>,
    },
    /// Send the items whose ids lie in `(lo, hi]`, after `after` in ring
    /// order (`None`: from the start).
    Handoff {
        /// Exclusive start.
        lo: Id,
        /// Inclusive end.
        hi: Id,
        /// Resume after this id.
        after: Option<Id>,
        /// Whether the sender deletes what it sends (the course's move).
        remove: bool,
    },
}

/// Data answers.
#[derive(Clone, Debug, Hash, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum DataResp {
    /// A key's value, or `None` if the node does not hold it.
    Value(Option<Value>),
    /// Stored.
    Stored,
    /// Items of a hand-off; `more` is where the next batch starts.
    Items {
        /// The batch.
        items: Vec<Item>,
        /// The last id of the batch when more follow.
        more: Option<Id>,
    },
    /// The request could not be served (the text says why).
    Refused(String),
}

/// Everything on the wire. The RPC messages are boxed so a message in the
/// simulator's queue takes 16 bytes whatever it carries.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub enum Msg {
    /// Ring RPCs.
    Ring(Box<RpcMsg<RingReq, RingResp>>),
    /// Data RPCs.
    Data(Box<RpcMsg<DataReq, DataResp>>),
    /// Sent back to a peer whose messages carry another `M`.
    WrongSpace {
        /// The `M` of the node answering.
        ours: u8,
    },
    /// A message that arrived with another `M` (the codec reads only the
    /// envelope of such a message).
    Foreign {
        /// The `M` it carried.
        theirs: u8,
    },
}

/// The node's own timers.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum NodeTimer {
    /// Put every key of the workload.
    Populate,
    /// Get every key of the workload.
    Query,
    /// A random lookup.
    Lookup,
    /// Push owned keys to the successor list.
    Replicate,
    /// Leave the ring voluntarily.
    Leave,
}

/// Every timer of a node.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum Timer {
    /// The overlay's (stabilizer and its RPCs).
    Ring(OvTimer),
    /// The data RPC layer's.
    Data(RpcTimer),
    /// The node's.
    Node(NodeTimer),
}

/// What nodes observe.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub enum Event {
    /// From the overlay: started, joined, left.
    Ring(OvObs),
    /// A lookup the node made for the workload completed.
    Lookup {
        /// The identifier looked up.
        target: Id,
        /// The node it returned.
        owner: Id,
        /// Remote steps taken.
        hops: u32,
    },
    /// A lookup gave up (every retry timed out or went round in circles).
    LookupFailed {
        /// The identifier looked up.
        target: Id,
    },
    /// A put was acknowledged by the owner.
    Stored {
        /// The key.
        key: Key,
        /// Digest of the value.
        digest: u64,
    },
    /// A get found the key.
    Found {
        /// The key.
        key: Key,
        /// Digest of the value.
        digest: u64,
    },
    /// A get reached the owner, which does not hold the key.
    Missing {
        /// The key.
        key: Key,
    },
    /// A get or put gave up (no route, no answer).
    OpFailed {
        /// The key.
        key: Key,
    },
    /// A peer uses another `M`.
    SpaceMismatch {
        /// Its `M`.
        theirs: u8,
        /// Its address.
        peer: std::net::SocketAddr,
    },
}

impl Msg {
    /// A ring RPC message.
    pub fn ring(m: RpcMsg<RingReq, RingResp>) -> Msg {
        Msg::Ring(Box::new(m))
    }

    /// A data RPC message.
    pub fn data(m: RpcMsg<DataReq, DataResp>) -> Msg {
        Msg::Data(Box::new(m))
    }
}

/// One line for people.
pub fn render(e: &Event) -> String {
    match e {
        Event::Ring(o) => o.to_string(),
        Event::Lookup {
            target,
            owner,
            hops,
        } => format!(
            "lookup {} -> {} in {hops} hops",
            short(*target),
            short(*owner)
        ),
        Event::LookupFailed { target } => format!("lookup {} FAILED", short(*target)),
        Event::Stored { key, .. } => format!("stored {key}"),
        Event::Found { key, .. } => format!("found {key}"),
        Event::Missing { key } => format!("MISSING {key}"),
        Event::OpFailed { key } => format!("op on {key} FAILED"),
        Event::SpaceMismatch { theirs, peer } => {
            format!("{peer} uses M = {theirs}, not ours: ignored")
        }
    }
}
