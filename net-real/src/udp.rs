//! UDP: one datagram per message, one receiving thread per node.

use crate::inbound::Inbound;
use sim::{Codec, CodecError};
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Largest UDP payload over IPv4; bigger messages are an encode error.
pub(crate) const MAX_DATAGRAM: usize = 65_507;

/// How often a blocked receiver checks whether its node is stopping.
const POLL: Duration = Duration::from_millis(50);

/// The sending side of a node's UDP socket.
pub(crate) struct UdpOut {
    socket: UdpSocket,
}

impl UdpOut {
    pub(crate) fn new(socket: UdpSocket) -> Self {
        UdpOut { socket }
    }

    /// Encodes `msg` as one datagram, refusing (never truncating) oversize ones.
    pub(crate) fn encode<C: Codec>(
        codec: &C,
        msg: &C::Msg,
        out: &mut Vec<u8>,
    ) -> Result<(), CodecError> {
        codec.encode(msg, out)?;
        if out.len() > MAX_DATAGRAM {
            return Err(CodecError::Encode(format!(
                "a datagram of {} bytes exceeds the UDP limit of {MAX_DATAGRAM}",
                out.len()
            )));
        }
        Ok(())
    }

    /// Sends one datagram.
    pub(crate) fn transmit(&self, to: SocketAddr, bytes: &[u8]) -> io::Result<()> {
        let n = self.socket.send_to(bytes, to)?;
        if n != bytes.len() {
            return Err(io::Error::other(format!(
                "sent {n} of {} bytes",
                bytes.len()
            )));
        }
        Ok(())
    }
}

/// Starts the thread that receives, decodes and delivers datagrams.
pub(crate) fn spawn_receiver<C, O>(
    socket: UdpSocket,
    inbound: Inbound<C, O>,
) -> io::Result<JoinHandle<()>>
where
    C: Codec + Send + Sync + 'static,
    C::Msg: Send + 'static,
    O: Send + 'static,
{
    socket.set_read_timeout(Some(POLL))?;
    thread::Builder::new()
        .name(format!("udp-rx-{}", inbound.node))
        .spawn(move || receive_loop(&socket, &inbound))
}

fn receive_loop<C: Codec, O>(socket: &UdpSocket, inbound: &Inbound<C, O>) {
    // Large enough for any UDP datagram, so nothing is ever truncated.
    let mut buf = vec![0u8; 1 << 16];
    while !inbound.stopping() {
        match socket.recv_from(&mut buf) {
            Ok((n, from)) => match inbound.codec.decode(&buf[..n]) {
                Ok(msg) => inbound.deliver(from, msg),
                Err(e) => inbound.bad_input(from, &e),
            },
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) => {}
            Err(e) => {
                inbound.receive_error(None, &e);
                thread::sleep(Duration::from_millis(1));
            }
        }
    }
}
