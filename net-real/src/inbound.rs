//! What a receiving thread (UDP receiver, TCP connection reader) needs: where
//! decoded messages go, and where bad input is counted and logged.

use crate::driver::Input;
use crate::event::{Events, LogKind};
use crate::report::{bump, Stats};
use sim::{Codec, CodecError};
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Arc;

/// The receive side of one node.
pub(crate) struct Inbound<C: Codec, O> {
    /// The node's index.
    pub(crate) node: usize,
    /// The node thread's inbox.
    pub(crate) inbox: Sender<Input<C::Msg>>,
    /// The wire codec.
    pub(crate) codec: Arc<C>,
    /// Run counters.
    pub(crate) stats: Arc<Stats>,
    /// The run's event stream (for logging).
    pub(crate) events: Events<O>,
    /// Set when the node is being stopped.
    pub(crate) stop: Arc<AtomicBool>,
}

impl<C: Codec, O> Clone for Inbound<C, O> {
    fn clone(&self) -> Self {
        Inbound {
            node: self.node,
            inbox: self.inbox.clone(),
            codec: self.codec.clone(),
            stats: self.stats.clone(),
            events: self.events.clone(),
            stop: self.stop.clone(),
        }
    }
}

impl<C: Codec, O> Inbound<C, O> {
    /// Whether the node is being stopped (errors are then expected, not logged).
    pub(crate) fn stopping(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// Hands a decoded message to the node.
    pub(crate) fn deliver(&self, from: SocketAddr, msg: C::Msg) {
        let _ = self.inbox.send(Input::Message { from, msg });
    }

    /// Counts and logs input from `from` that did not decode.
    pub(crate) fn bad_input(&self, from: SocketAddr, err: &CodecError) {
        bump(&self.stats.decode_errors);
        self.events
            .log(self.node, Some(from), LogKind::Decode, err.to_string());
    }

    /// Logs a socket error while receiving (unless the node is stopping).
    pub(crate) fn receive_error(&self, peer: Option<SocketAddr>, err: &io::Error) {
        if !self.stopping() {
            self.events
                .log(self.node, peer, LogKind::Receive, err.to_string());
        }
    }
}
