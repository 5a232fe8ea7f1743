//! UDP: one datagram per message, read until the socket would block.

use crate::event::LogKind;
use crate::runtime::{Input, Runtime, Source, FAIR_SHARE};
use mio::Token;
use sim::{DropCause, Machine};
use std::io;
use std::net::SocketAddr;

/// Largest UDP payload over IPv4; bigger messages are an encode error.
pub(crate) const MAX_DATAGRAM: usize = 65_507;

impl<M: Machine> Runtime<'_, M> {
    /// Sends one datagram from node `from`'s socket. A full socket buffer
    /// loses the datagram (cause `loss`, as the kernel would); another
    /// error is `unroutable` and logged.
    pub(crate) fn udp_send(&mut self, from: usize, to: SocketAddr, bytes: &[u8]) {
        let token = self.nodes[from].as_ref().and_then(|n| n.socket);
        let sent = match token.map(|t| &self.sources[t.0]) {
            Some(Source::Udp { socket, .. }) => socket.send_to(bytes, to),
            _ => Err(io::Error::other("the node has no socket")),
        };
        match sent {
            Ok(n) if n == bytes.len() => {}
            Ok(n) => {
                self.counters.sim.dropped.add(DropCause::Unroutable);
                let message = format!("sent {n} of {} bytes", bytes.len());
                self.log(from, Some(to), LogKind::Send, message);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.counters.sim.dropped.add(DropCause::Loss);
            }
            Err(e) => {
                self.counters.sim.dropped.add(DropCause::Unroutable);
                self.log(from, Some(to), LogKind::Send, e.to_string());
            }
        }
    }

    /// Receives, decodes and delivers datagrams (a fair share per turn).
    pub(crate) fn udp_readable(&mut self, token: Token, node: usize) {
        for _ in 0..FAIR_SHARE {
            let received = match &self.sources[token.0] {
                Source::Udp { socket, .. } => socket.recv_from(&mut self.scratch),
                _ => return,
            };
            match received {
                Ok((n, from)) => match self.codec.decode(&self.scratch[..n]) {
                    Ok(msg) => self.input(node, Input::Msg(from, msg)),
                    Err(e) => {
                        self.counters.decode_errors += 1;
                        self.log(node, Some(from), LogKind::Decode, e.to_string());
                    }
                },
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // An ICMP error for an earlier send (e.g. port unreachable):
                // the datagram is gone; nothing to deliver.
                Err(_) => {}
            }
            if self.done.is_some() {
                break;
            }
        }
        self.ready.push_back(token);
    }
}
