//! Why a live run could not start.

use std::fmt;
use std::io;
use std::net::SocketAddr;

/// A live run failed before any node started; once running, nothing is fatal.
#[derive(Debug)]
pub enum LiveError {
    /// The configuration is inconsistent; the text names the field.
    Config(String),
    /// The OS would not give an event queue.
    Poll(io::Error),
    /// A node's socket could not be bound.
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The OS error.
        source: io::Error,
    },
}

impl fmt::Display for LiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LiveError::Config(why) => write!(f, "bad live configuration: {why}"),
            LiveError::Poll(e) => write!(f, "cannot create an event queue: {e}"),
            LiveError::Bind { addr, source } => write!(f, "cannot bind {addr}: {source}"),
        }
    }
}

impl std::error::Error for LiveError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LiveError::Config(_) => None,
            LiveError::Poll(e) => Some(e),
            LiveError::Bind { source, .. } => Some(source),
        }
    }
}
