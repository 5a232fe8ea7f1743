//! A node's own socket: its UDP socket or its TCP listener, bound
//! (non-blocking) before any event loop takes it.

use crate::config::Transport;
use std::io;
use std::net::SocketAddr;

/// A bound socket not yet registered with an event loop.
pub(crate) enum Bound {
    /// A UDP socket.
    Udp(mio::net::UdpSocket),
    /// A TCP listener.
    Tcp(mio::net::TcpListener),
}

impl Bound {
    /// Binds `addr` (port 0: a free port) for `transport`; returns the
    /// socket and the address actually bound.
    pub(crate) fn bind(transport: Transport, addr: SocketAddr) -> io::Result<(Bound, SocketAddr)> {
        match transport {
            Transport::Udp => {
                let socket = std::net::UdpSocket::bind(addr)?;
                socket.set_nonblocking(true)?;
                let socket = mio::net::UdpSocket::from_std(socket);
                let bound = socket.local_addr()?;
                Ok((Bound::Udp(socket), bound))
            }
            Transport::Tcp => {
                let listener = mio::net::TcpListener::bind(addr)?;
                let bound = listener.local_addr()?;
                Ok((Bound::Tcp(listener), bound))
            }
        }
    }
}
