//! Which local node dialled a connection, by the connection's local
//! address: how an accepting node names an inbound connection from a node
//! of this process (there is no handshake on the wire). Shared by every
//! event loop of the run; a dial holds the lock from `connect` until its
//! address is recorded, so an accept on another loop never looks too early.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Dialling nodes by the local address of their connection.
#[derive(Clone, Default)]
pub(crate) struct Origins(Arc<Mutex<HashMap<SocketAddr, u32>>>);

impl Origins {
    /// The table, locked.
    pub(crate) fn lock(&self) -> MutexGuard<'_, HashMap<SocketAddr, u32>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
