//! The sending side of a node, whichever the transport.

use crate::tcp::TcpOut;
use crate::udp::UdpOut;
use sim::{Codec, CodecError};
use std::io;
use std::net::SocketAddr;

/// Why a send failed.
pub(crate) enum SendError {
    /// The socket said no (logged).
    Io(io::Error),
    /// A connection to the peer failed moments ago; not retried yet (not logged).
    Backoff,
}

/// A node's sending side.
pub(crate) enum Outbound<C: Codec, O> {
    /// Datagrams.
    Udp(UdpOut),
    /// Framed streams.
    Tcp(TcpOut<C, O>),
}

impl<C, O> Outbound<C, O>
where
    C: Codec + Send + Sync + 'static,
    C::Msg: Send + 'static,
    O: Send + 'static,
{
    /// Encodes `msg` as this transport carries it (a datagram or a frame).
    pub(crate) fn encode(
        &self,
        codec: &C,
        msg: &C::Msg,
        out: &mut Vec<u8>,
    ) -> Result<(), CodecError> {
        match self {
            Outbound::Udp(_) => UdpOut::encode(codec, msg, out),
            Outbound::Tcp(_) => codec.encode_frame(msg, out),
        }
    }

    /// Puts encoded bytes on the wire to `to`.
    pub(crate) fn transmit(&mut self, to: SocketAddr, bytes: &[u8]) -> Result<(), SendError> {
        match self {
            Outbound::Udp(udp) => udp.transmit(to, bytes).map_err(SendError::Io),
            Outbound::Tcp(tcp) => tcp.transmit(to, bytes),
        }
    }
}
